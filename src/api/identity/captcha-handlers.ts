/** GET /identity/users/register_geetest: GeeTest v3's `gt` id and a challenge for the captcha widget. */
import type { GeetestClient } from '../../domain/captcha/geetest.js';
import type { Handler } from '../types.js';

export interface CaptchaHandlerDeps {
  /** Present only when BARONG_CAPTCHA=geetest. */
  geetest: GeetestClient | undefined;
}

export function createCaptchaHandlers(d: CaptchaHandlerDeps) {
  // Barong answers the string "" when GeeTest is off or unreachable; the contract's answer is an object, so we
  // send `{}` (no gt, no challenge), which clients read the same way: no widget can be shown.
  const registerGeetest: Handler<'registerGeetest'> = async () => {
    const challenge = await d.geetest?.register();
    return { status: 200, body: challenge ?? {}, headers: { 'Cache-Control': 'no-store' } };
  };

  return { registerGeetest };
}
