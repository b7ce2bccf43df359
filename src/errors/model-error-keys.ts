/**
 * Barong's model errors: `<attribute>.<check>`, no scope, as Rails names them. Several operations share an
 * attribute (`value` of labels and of restrictions), so one table says which checks each attribute answers.
 */
export const MODEL_ERRORS = {
  email: ['blank', 'invalid', 'taken'],
  username: ['invalid', 'taken', 'too_long', 'too_short'],
  password: ['blank', 'requirements', 'weak'],
  data: ['invalid_format', 'too_long'],
  key: ['invalid', 'taken', 'too_long', 'too_short'],
  value: ['blank', 'invalid', 'taken', 'too_long', 'too_short'],
  title: ['exclusion', 'inclusion', 'taken'],
  algorithm: ['inclusion'],
  key_holder_account: ['invalid'],
  scope: ['inclusion', 'too_long'],
  state: ['exists', 'inclusion', 'invalid'],
  email_or_uid: ['not_uniq'],
  uid: ['taken'],
  category: ['inclusion'],
  code: ['invalid'],
  path: ['blank', 'too_long'],
  topic: ['too_long'],
  // The management API's users: a referrer, an imported password digest and phone number.
  referral: ['doesnt_exist'],
  password_digest: ['invalid'],
  number: ['invalid'],
  first_name: ['invalid', 'too_long', 'too_short'],
  last_name: ['invalid', 'too_long', 'too_short'],
  address: ['invalid', 'too_long', 'too_short'],
  postcode: ['invalid', 'too_long', 'too_short'],
  city: ['invalid', 'too_long', 'too_short'],
  country: ['invalid'],
  dob: ['invalid', 'invalid_format'],
  metadata: ['invalid_format', 'too_long'],
  doc_type: ['blank', 'inclusion'],
  doc_expire: ['blank', 'invalid'],
  doc_number: ['blank', 'invalid', 'too_long'],
  identificator: ['too_long'],
  role: ['doesnt_exist'],
  upload: [
    'blank',
    'content_type_whitelist_error',
    'extension_whitelist_error',
    'integrity_error',
    'invalid_signature',
    'max_size_error',
    'min_size_error',
  ],
} as const;

type ModelErrors = typeof MODEL_ERRORS;
export type ModelErrorKey = { [A in keyof ModelErrors]: `${A}.${ModelErrors[A][number]}` }[keyof ModelErrors];
