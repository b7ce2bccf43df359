/** /resource/phones: the user's phones, numbers masked; add, (re)send the code, verify. */
import type { PhoneService } from '../../domain/phones/phone-service.js';
import type { Encryptor } from '../../lib/encryptor.js';
import type { AccountService } from '../../domain/accounts/account-service.js';
import { presentPhone, type UserPresenter } from '../presenters/user-presenter.js';
import type { Handler } from '../types.js';
import { currentUser } from './current-user.js';

export interface PhonesHandlerDeps {
  phones: PhoneService;
  encryptor: Encryptor;
  presenter: UserPresenter;
  accounts: AccountService;
}

const sent = (channel: string) => ({ message: `Code was sent successfully via ${channel}` });

export function createPhonesHandlers(d: PhonesHandlerDeps) {
  const listPhones: Handler<'listPhones'> = async (req) => {
    const phones = await d.phones.list(currentUser(req));
    return { status: 200, body: phones.map((p) => presentPhone(p, d.encryptor)) };
  };

  // Barong answers 201 for add and send_code; the contract keeps the seed's 200.
  const addPhone: Handler<'addPhone'> = async (req) => {
    const channel = await d.phones.add(currentUser(req), req.body.phone_number, req.body.channel);
    return { status: 200, body: sent(channel) };
  };

  const sendPhoneCode: Handler<'sendPhoneCode'> = async (req) => {
    const channel = await d.phones.sendCode(currentUser(req), req.body.phone_number, req.body.channel);
    return { status: 200, body: sent(channel) };
  };

  const verifyPhone: Handler<'verifyPhone'> = async (req) => {
    const user = await d.phones.verify(currentUser(req), req.body.phone_number, req.body.verification_code);
    return { status: 201, body: d.presenter.fullInfo(await d.accounts.details(user)) };
  };

  return { listPhones, addPhone, sendPhoneCode, verifyPhone };
}
