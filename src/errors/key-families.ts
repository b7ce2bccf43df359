/**
 * The catalogue's families (error-keys.ts): keys whose last part is known only at run time (a parameter's name, a
 * label's key, a JWT claim). Only the builders here make them; the result is branded, so a string literal cannot
 * pass for a family member and a misspelt written-out key still fails the type check.
 */

/** The operations' `x-error-scope`s, and `request` for an operation that names none. */
export const ERROR_SCOPES = [
  'identity.general',
  'identity.session',
  'identity.user',
  'public.general',
  'authz',
  'resource.address',
  'resource.apikey',
  'resource.datastorage',
  'resource.document',
  'resource.label',
  'resource.otp',
  'resource.phone',
  'resource.profile',
  'resource.serviceaccount',
  'resource.swaggerdoc',
  'resource.user',
  'admin.ability',
  'admin.activity',
  'admin.apikey',
  'admin.level',
  'admin.metric',
  'admin.permission',
  'admin.profile',
  'admin.restriction',
  'admin.user',
  'request',
] as const;
export type ErrorScope = (typeof ERROR_SCOPES)[number];

declare const built: unique symbol;
/** A family member: a key only its builder makes. */
type Built<K extends string> = K & { readonly [built]: true };

/** What the request validator reports about a parameter (`invalid_body`: a body that cannot be read at all). */
export type ParameterProblem = 'missing' | 'empty' | 'invalid' | 'non_integer';
/** Any name: an unknown query parameter is reported under its own name. */
export type ValidationKey = Built<`${ErrorScope}.${ParameterProblem}_${string}`>;
export const validationKey = (scope: ErrorScope, problem: ParameterProblem, name: string) =>
  `${scope}.${problem}_${name}` as ValidationKey;

/** An HTTP error of the framework that has no key of its own. */
export type HttpStatusKey = `request.http_${number}`;
export const httpStatusKey = (status: number): HttpStatusKey => `request.http_${status}`;

/** A mailed link whose JWT failed a claim: jose names the claim; for `sub`, Barong names the subject the token has. */
export type JwtClaimKey = Built<`jwt.decode_and_verify.${string}`>;
export const jwtClaimKey = (claim: string) => `jwt.decode_and_verify.${claim}` as JwtClaimKey;

/** A verified private label the user's own request may not change: any label key (a data-storage title too). */
export type AlreadyVerifiedKey = Built<`resource.${string}.already_verified`>;
export const alreadyVerifiedKey = (labelKey: string) => `resource.${labelKey}.already_verified` as AlreadyVerifiedKey;

const segment = '[a-z0-9_]+';
const FAMILIES = [
  new RegExp(`^(${ERROR_SCOPES.join('|').replaceAll('.', '\\.')})\\.(missing|empty|invalid|non_integer)_.+$`),
  /^request\.http_\d+$/,
  new RegExp(`^jwt\\.decode_and_verify\\.${segment}$`),
  new RegExp(`^resource\\.${segment}\\.already_verified$`),
];

export function isFamilyMember(value: string): boolean {
  return FAMILIES.some((family) => family.test(value));
}
