/**
 * A JSON document walked by key (the OpenAPI contract, the validator's errors): its shape is checked where a value
 * is read, not declared up front, so its values are `any`. One type, so the exception is made in one place.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped JSON, read key by key
export type Json = Record<string, any>;
