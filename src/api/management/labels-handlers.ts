/** Management API: users by label, one user's labels, and their private labels written. */
import type { Encryptor } from '../../lib/encryptor.js';
import type { ManagementLabels } from '../../domain/management/management-labels.js';
import { presentLabel } from '../presenters/user-presenter.js';
import { presentAdminLabel } from '../presenters/user-kyc-presenter.js';
import type { Handler } from '../types.js';
import { withModelMessages } from './model-messages.js';
import { presentUserPage } from './user-page-presenter.js';

export interface ManagementLabelsRouteDeps {
  encryptor: Encryptor;
  managementLabels: ManagementLabels;
}

export function createManagementLabelsHandlers(d: ManagementLabelsRouteDeps) {
  const labels = d.managementLabels;

  const managementFilterUsersByLabel: Handler<'managementFilterUsersByLabel'> = async (req) => {
    const { extended, ...query } = req.body;
    return presentUserPage(await labels.holders(query, extended ?? false), d.encryptor);
  };

  const managementListLabels: Handler<'managementListLabels'> = async (req) => ({
    status: 201,
    body: (await labels.list(req.body.user_uid)).map(presentAdminLabel),
  });

  const managementCreateLabel: Handler<'managementCreateLabel'> = async (req) => {
    const { user_uid: uid, key, value, description } = req.body;
    return {
      status: 201,
      body: presentLabel(await withModelMessages(() => labels.create(uid, { key, value, description }))),
    };
  };

  const managementUpdateLabel: Handler<'managementUpdateLabel'> = async (req) => {
    const { user_uid: uid, key, value, description, replace } = req.body;
    return {
      status: 200,
      body: presentLabel(
        await withModelMessages(() => labels.update(uid, { key, value, description }, replace ?? true)),
      ),
    };
  };

  const managementDeleteLabel: Handler<'managementDeleteLabel'> = async (req) => {
    await labels.remove(req.body.user_uid, req.body.key);
    return { status: 204, body: undefined };
  };

  return {
    managementFilterUsersByLabel,
    managementListLabels,
    managementCreateLabel,
    managementUpdateLabel,
    managementDeleteLabel,
  };
}
