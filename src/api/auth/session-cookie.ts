import type { Request, Response, CookieOptions } from 'express';
import type { Config } from '../../config/index.js';

/** The session cookie: HttpOnly, SameSite=Lax, Secure when configured; Redis holds the real expiry. */
export class SessionCookie {
  private readonly options: CookieOptions;

  constructor(private readonly config: Config['session']) {
    this.options = { httpOnly: true, sameSite: 'lax', secure: config.secureCookie, path: '/' };
  }

  read(req: Request): string | undefined {
    const value: unknown = req.cookies?.[this.config.cookieName];
    return typeof value === 'string' ? value : undefined;
  }

  write(res: Response, sessionId: string): void {
    // The session can live no longer (Barong: 24 h, the default).
    res.cookie(this.config.cookieName, sessionId, { ...this.options, maxAge: this.config.maxLifetime * 1000 });
  }

  clear(res: Response): void {
    res.clearCookie(this.config.cookieName, this.options);
  }
}
