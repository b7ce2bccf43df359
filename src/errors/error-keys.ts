/**
 * Every error key a client can receive, in one closed catalogue: `AppError` takes nothing else, so a misspelt key
 * fails the type check instead of shipping as a change clients see. Keys are Barong's, spelling quirks included
 * (clients match them as strings). Two kinds:
 *   - the keys below, written out;
 *   - families whose last part is known only at run time (a parameter's name, a label's key, a JWT claim). Only
 *     their builders make them: the result is branded, so a string literal cannot pass for a family member.
 * test/unit/error-keys.test.ts holds the catalogue to the contract and to the source.
 */
import {
  isFamilyMember,
  type AlreadyVerifiedKey,
  type HttpStatusKey,
  type JwtClaimKey,
  type ValidationKey,
} from './key-families.js';
import { MODEL_ERRORS, type ModelErrorKey } from './model-error-keys.js';

export * from './key-families.js';
export { MODEL_ERRORS, type ModelErrorKey } from './model-error-keys.js';

/** Keys no source file spells, each kept for the reason given. */
export const CONTRACT_ONLY_KEYS = [
  // The admin users' list filters and orderings: `x-error-key`s in openapi/admin.yaml.
  'admin.user.non_boolean_extended',
  'user.ordering.invalid_ordering',
  'user.ordering.invalid_attribute',
  // The request validator answers it from the `replace` parameter's `x-error-key` in openapi/admin.yaml.
  'admin.user.non_boolean_replace',
  // The request validator answers these from a parameter's `x-error-key` in openapi/barong.yaml.
  'resource.user.wrong_topic',
  'resource.api_key.invalid_attribute',
  'resource.api_key.invalid_ordering',
  'resource.service_accounts.invalid_attribute',
  'resource.service_accounts.invalid_ordering',
  // The contract names it as Barong's answer to an empty activity list, which this server answers with `[]`.
  'resource.user.no_activity',
  // The request validator answers these from a parameter's `x-error-key` in openapi/admin.yaml.
  'admin.comments.title_too_long',
  'api_keys.ordering.invalid_ordering',
  'api_keys.ordering.invalid_attribute',
] as const;

export const SCOPED_KEYS = [
  // Any operation.
  'record.not_found',
  'route.not_found',
  'route.method_not_allowed',
  'request.invalid',
  'request.payload_too_large',
  'request.unsupported_media_type',
  'request.unsupported_encoding',
  'request.unsupported_charset',
  'server.internal_error',
  'server.not_implemented',
  // MariaDB refused, lost or timed out the connection (src/db/mysql-errors.ts, isDatabaseUnavailable).
  'server.database_unavailable',
  // Redis refused or lost the connection (src/lib/redis.ts, isRedisUnavailable).
  'server.redis_unavailable',
  // Barong's pagination keys carry no scope.
  'non_integer_page',
  'non_positive_page',
  'non_integer_limit',
  'invalid_limit',

  // Sign-up, e-mail confirmation, password reset, whitelink.
  'identity.user.access.invalid_token',
  'identity.user.active_or_doesnt_exist',
  'identity.user.invalid_referral_format',
  'identity.user.passwords_doesnt_match',
  'identity.user.referral_doesnt_exist',
  'identity.user.too_many_requests',
  'identity.user.utilized_token',
  'identity.general.too_many_requests',
  'public.general.too_many_requests',
  'public.kyc.local_provider',
  'identity.captcha.required',
  'identity.captcha.mandatory_fields',
  'identity.captcha.verification_failed',

  // Login and logout.
  'identity.session.auth0.invalid_params',
  'identity.session.banned',
  'identity.session.deleted',
  'identity.session.not_active',
  'identity.session.invalid_captcha_format',
  'identity.session.invalid_otp',
  'identity.session.invalid_params',
  'identity.session.missing_otp',
  'identity.session.not_found',
  'identity.session.too_many_attempts',
  // A user imported from Barong whose 2FA key is in Vault: no Vault configured, or Vault not answering.
  'identity.session.otp_reenrol_required',
  'identity.session.otp_unavailable',

  // Tokens: the resource API's credentials (bare) and the mailed links (why the link failed).
  'jwt.decode_and_verify',
  'jwt.decode_and_verify.algorithm',
  'jwt.decode_and_verify.expired',
  'jwt.decode_and_verify.raised',
  'jwt.decode_and_verify.segments',

  // The signed-in user's account.
  'resource.user.invalid_otp',
  'resource.user.invalid_password',
  'resource.user.missing_otp_code',
  'resource.user.too_many_attempts',
  'resource.password.doesnt_match',
  'resource.password.no_change_provided',
  'resource.password.prev_pass_not_correct',
  'resource.otp.already_enabled',
  'resource.otp.invalid',
  'resource.otp.not_enabled',
  'resource.otp.too_many_attempts',
  'resource.otp.reenrol_required',
  'resource.otp.vault_unavailable',
  'resource.otp.verify_first',
  'resource.labels.private',

  // API keys and service accounts: Barong spells the scope `api_key`, `service_account` and `service_accounts`.
  'resource.api_key.2fa_disabled',
  'resource.api_key.invalid_totp',
  'resource.api_key.missing_totp',
  'resource.api_key.too_many_attempts',
  'resource.service_account.doesnt_exist',
  'resource.service_accounts.2fa_disabled',
  'resource.service_accounts.invalid_totp',
  'resource.service_accounts.missing_totp',
  'resource.service_accounts.too_many_attempts',

  // Phones; the Twilio keys reach the client on the request after the failed send.
  'resource.phone.doesnt_exist',
  'resource.phone.exists',
  'resource.phone.invalid_num',
  'resource.phone.number_exist',
  'resource.phone.too_many_requests',
  'resource.phone.verification_invalid',
  'resource.phone.num_not_reachable',
  'resource.phone.num_not_valid',
  'resource.phone.sms_content_invalid',
  'resource.phone.unsubscribed_recipient',
  'resource.phone.twilio_unexpected',

  // KYC: profiles and documents.
  'resource.profile.doesnt_exist_or_not_editable',
  'resource.documents.already_expired',
  'resource.documents.doc_category',
  'resource.documents.expire_not_a_date',
  'resource.documents.invalid_format',
  'resource.documents.limit_reached',
  'resource.documents.limit_will_be_reached',

  // The gateway authorizer.
  'authz.invalid_path',
  'authz.permission_denied',
  'authz.invalid_permission',
  // The admin API: the caller's role lacks the operation's ability (abilities file).
  'admin.ability.not_permitted',
  // The queue dashboard (/admin/queues): a write that does not come from the board's own page.
  'authz.cross_site_request',
  'authz.restrict.blacklist',
  'authz.restrict.maintenance',
  'authz.restrict.blocklogin',
  'authz.invalid_session',
  'authz.missing_csrf_token',
  'authz.csrf_token_mismatch',
  'authz.client_session_mismatch',
  'authz.user_not_active',
  'authz.invalid_api_key_headers',
  'authz.unexistent_apikey',
  'authz.nonce_not_valid_timestamp',
  'authz.nonce_expired',
  'authz.invalid_signature',
  'authz.nonce_reused',
  'authz.apikey_not_active',
  'authz.disabled_2fa',

  // The admin API: labels.
  'admin.label.doesnt_exist',

  // Operators' permissions and restrictions.
  'admin.permission.doesnt_exist',
  'admin.permission.role_doesnt_exist',
  'admin.permissions.invalid_action',
  'admin.permissions.invalid_verb',
  'admin.restriction.doesnt_exist',
  // A whitelink's lifetime (Barong's bare keys).
  'invalid_expire',
  'invalid_range',

  // The admin API: users (state, 2FA, e-mail and role changes) and a user's records.
  'admin.user.doesnt_exist',
  'admin.user.superadmin_change',
  'admin.storage.doesnt_exist',
  'admin.comments.data_too_long',
  'admin.user.update_himself',
  'admin.user.enable_2fa',
  'admin.user.one_of_state_otp',
  'admin.user.one_of_state_otp_email',
  'admin.user.state_no_change',
  'admin.user.otp_no_change',
  'admin.user.email_no_change',
  'admin.user.role_no_change',
  'superadmin.user.update_email',
  // A user's erasure while the anti-money-laundering hold after their last activity lasts (BARONG_ERASURE_HOLD_DAYS).
  'admin.user.erasure_on_hold',

  // The admin API: the user a profile is for, the review of a submitted profile, the metrics' window.
  'admin.profiles.doesnt_exist_or_not_editable',
  'admin.profiles.superadmin_change',
  'admin.profiles.second_admin_approval',
  'admin.metric.invalid_created_from',
  'admin.metric.invalid_created_to',

  ...CONTRACT_ONLY_KEYS,
] as const;

export type ErrorKey =
  (typeof SCOPED_KEYS)[number] | ModelErrorKey | ValidationKey | HttpStatusKey | JwtClaimKey | AlreadyVerifiedKey;

/** Every written-out key (the families aside). */
export const ERROR_KEYS: readonly ErrorKey[] = [
  ...SCOPED_KEYS,
  ...Object.entries(MODEL_ERRORS).flatMap(([attribute, checks]) =>
    checks.map((check) => `${attribute}.${check}` as ModelErrorKey),
  ),
];

const WRITTEN_OUT = new Set<string>(ERROR_KEYS);

/** Whether a string read from outside the code (the contract, a stored record) is a key of this catalogue. */
export function isErrorKey(value: string): value is ErrorKey {
  return WRITTEN_OUT.has(value) || isFamilyMember(value);
}
