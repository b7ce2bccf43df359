/**
 * The one error type of the API. Its keys become the body clients already know from Barong:
 * `{"errors": ["identity.user.missing_email"]}`. The status and keys are public; `cause` is for logs only.
 */
export class AppError extends Error {
  readonly keys: string[];

  constructor(
    readonly status: number,
    keys: string | string[],
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    const list = Array.isArray(keys) ? keys : [keys];
    super(list.join(', '), { cause: options?.cause });
    this.keys = list;
    this.headers = options?.headers ?? {};
  }

  readonly headers: Record<string, string>;

  get body(): { errors: string[] } {
    return { errors: this.keys };
  }
}

export const badRequest = (keys: string | string[]) => new AppError(400, keys);
export const unauthorized = (keys: string | string[]) => new AppError(401, keys);
export const forbidden = (keys: string | string[]) => new AppError(403, keys);
export const notFound = (keys: string | string[] = 'record.not_found') => new AppError(404, keys);
export const conflict = (keys: string | string[]) => new AppError(409, keys);
export const unprocessable = (keys: string | string[]) => new AppError(422, keys);
export const tooManyRequests = (keys: string | string[], retryAfterSeconds?: number) =>
  new AppError(429, keys, retryAfterSeconds ? { headers: { 'Retry-After': String(retryAfterSeconds) } } : undefined);
