import type { ErrorKey } from './error-keys.js';

type Keys = ErrorKey | readonly ErrorKey[];

/**
 * The one error type of the API. Its keys become the body clients already know from Barong:
 * `{"errors": ["identity.user.missing_email"]}`. The status and keys are public; `cause` is for logs only.
 */
export class AppError extends Error {
  readonly keys: ErrorKey[];

  constructor(
    readonly status: number,
    keys: Keys,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    const list = typeof keys === 'string' ? [keys] : [...keys];
    super(list.join(', '), { cause: options?.cause });
    this.keys = list;
    this.headers = options?.headers ?? {};
  }

  readonly headers: Record<string, string>;

  get body(): ErrorBody {
    return { errors: this.keys };
  }
}

export interface ErrorBody {
  errors: ErrorKey[];
}

/** For an answer written without throwing. */
export const errorBody = (...keys: ErrorKey[]): ErrorBody => ({ errors: keys });

export const badRequest = (keys: Keys) => new AppError(400, keys);
export const unauthorized = (keys: Keys) => new AppError(401, keys);
export const forbidden = (keys: Keys) => new AppError(403, keys);
export const notFound = (keys: Keys = 'record.not_found') => new AppError(404, keys);
export const conflict = (keys: Keys) => new AppError(409, keys);
export const unprocessable = (keys: Keys) => new AppError(422, keys);
export const tooManyRequests = (keys: Keys, retryAfterSeconds?: number) =>
  new AppError(429, keys, retryAfterSeconds ? { headers: { 'Retry-After': String(retryAfterSeconds) } } : undefined);
