import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../../src/api/dev/loopback.js';
import { renderDevInboxPage, tokenIn } from '../../src/api/dev/dev-inbox-page.js';
import type { DevInboxEntry } from '../../src/lib/dev-inbox.js';

const at = { id: 'x', receivedAt: '2026-01-01T00:00:00.000Z' };

describe('isLoopbackAddress', () => {
  it('takes 127.0.0.0/8 and ::1, in either spelling of a dual-stack socket', () => {
    for (const a of ['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '::ffff:127.0.0.1', '::FFFF:127.1.2.3'])
      expect(isLoopbackAddress(a), a).toBe(true);
  });

  it('refuses every other address, and none', () => {
    for (const a of ['192.0.2.2', '10.0.0.1', '::ffff:192.0.2.2', 'fd00::2', 'fe80::1', '128.0.0.1', '', 'localhost'])
      expect(isLoopbackAddress(a), a).toBe(false);
    expect(isLoopbackAddress(undefined)).toBe(false);
  });
});

describe('renderDevInboxPage', () => {
  it('escapes every value a mail or SMS brings', () => {
    const entries: DevInboxEntry[] = [
      {
        ...at,
        kind: 'mail',
        from: '"Evil" <a@b.c>',
        to: '<img src=x onerror=alert(1)>@x',
        subject: '<script>alert(1)</script>',
        text: 'see http://x.example/"><script>alert(2)</script> and <b>bold</b>',
      },
      { ...at, kind: 'sms', to: '+1<i>', code: '<u>1</u>', text: 'code "&"' },
    ];
    const html = renderDevInboxPage(entries, '/api/v2/barong');
    expect(html).not.toMatch(/<script>|<img|<b>|<u>|<i>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // The link stops at the escaped quote; what follows stays text.
    expect(html).toContain(
      '<a href="http://x.example/" rel="noreferrer">http://x.example/</a>&quot;&gt;&lt;script&gt;',
    );
    expect(html).toContain('code &quot;&amp;&quot;');
  });

  it('offers the confirmation and the password reset as forms posting to the API', () => {
    const entries: DevInboxEntry[] = [
      {
        ...at,
        kind: 'mail',
        from: 'a@b.c',
        to: 'd@e.f',
        subject: 'Registration Confirmation',
        text: 'openware.com/accounts/confirmation?confirmation_token=a.b%22c&lang=en',
      },
      {
        ...at,
        kind: 'mail',
        from: 'a@b.c',
        to: 'd@e.f',
        subject: 'Password Reset',
        text: 'https://ex.example/accounts/password_reset?reset_token=r1&lang=en',
      },
    ];
    const html = renderDevInboxPage(entries, '/api/v2/barong');
    expect(html).toContain(
      '<form method="post" action="/api/v2/barong/identity/users/email/confirm_code">\n<input type="hidden" name="token" value="a.b&quot;c">',
    );
    expect(html).toContain('action="/api/v2/barong/identity/users/password/confirm_code"');
    expect(html).toContain('<input type="hidden" name="reset_password_token" value="r1">');
  });

  it('reads a token only from its own parameter', () => {
    expect(tokenIn('x?lang=en&confirmation_token=abc', 'confirmation_token')).toBe('abc');
    expect(tokenIn('x?my_confirmation_token=abc', 'confirmation_token')).toBeUndefined();
    expect(tokenIn('x?confirmation_token=%E0%A4%A', 'confirmation_token')).toBeUndefined();
  });
});
