/** Admin API routes. A user's records: data storage, admin comments, API keys. */
import { admin, type Handler, type RouteTable } from '../types.js';
import type { ApiKeyService } from '../../domain/api-keys/api-key-service.js';
import type { UserRecordsAdmin } from '../../domain/admin/user-records-admin.js';
import type { UserKycPresenter } from '../presenters/user-kyc-presenter.js';
import { keyPage, listKeys } from '../resource/api-keys-handlers.js';
import { adminActor } from './admin-request.js';

export interface RecordsRouteDeps {
  userRecords: UserRecordsAdmin;
  kycPresenter: UserKycPresenter;
  apiKeyService: ApiKeyService;
}

type RecordsOperations =
  | 'adminDeleteUserDataStorage'
  | 'adminCreateUserComment'
  | 'adminUpdateUserComment'
  | 'adminDeleteUserComment'
  | 'adminListUserApiKeys';

export function recordsRoutes(d: RecordsRouteDeps): Pick<RouteTable, RecordsOperations> {
  const kyc = d.kycPresenter;

  const adminDeleteUserDataStorage: Handler<'adminDeleteUserDataStorage'> = async (req) => {
    const { uid, title } = req.query;
    return { status: 200, body: kyc.present(await d.userRecords.deleteDataStorage(adminActor(req), uid, title)) };
  };

  const adminCreateUserComment: Handler<'adminCreateUserComment'> = async (req) => {
    const { uid, title, data } = req.body;
    return { status: 201, body: kyc.present(await d.userRecords.addComment(adminActor(req), uid, { title, data })) };
  };

  const adminUpdateUserComment: Handler<'adminUpdateUserComment'> = async (req) => {
    const { id, title, data } = req.body;
    return { status: 200, body: kyc.present(await d.userRecords.editComment(adminActor(req), id, { title, data })) };
  };

  const adminDeleteUserComment: Handler<'adminDeleteUserComment'> = async (req) => {
    return { status: 200, body: kyc.present(await d.userRecords.deleteComment(adminActor(req), req.query.id)) };
  };

  const adminListUserApiKeys: Handler<'adminListUserApiKeys'> = async (req) => {
    const user = await d.userRecords.target(req.query.uid);
    return listKeys(d.apiKeyService, { type: 'User', id: user.id }, keyPage(req.query));
  };

  return {
    adminDeleteUserDataStorage: { access: admin('destroy', 'User'), handler: adminDeleteUserDataStorage }, // DELETE /users/data_storage
    adminCreateUserComment: { access: admin('update', 'User'), handler: adminCreateUserComment }, // POST /users/comments
    adminUpdateUserComment: { access: admin('update', 'User'), handler: adminUpdateUserComment }, // PUT /users/comments
    adminDeleteUserComment: { access: admin('update', 'User'), handler: adminDeleteUserComment }, // DELETE /users/comments
    adminListUserApiKeys: { access: admin('read', 'APIKey'), handler: adminListUserApiKeys }, // GET /api_keys
  };
}
