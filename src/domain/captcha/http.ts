/** The one way captcha providers are called: fetch with a hard deadline, so a slow provider cannot hold a request. */
import { createHash, timingSafeEqual } from 'node:crypto';

export const PROVIDER_TIMEOUT_MS = 5_000;

/** POSTs a form and returns the response; throws on network failure, timeout or a non-2xx status. */
export async function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    redirect: 'error',
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res;
}

export async function getText(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS), redirect: 'error' });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.text();
}

export const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** Constant-time comparison of two strings (different lengths are simply unequal). */
export function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
