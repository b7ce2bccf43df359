/** What the queue dashboard shows of a job (src/queues/job-redaction.ts): an allow-list for data, masks for text. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  REDACTED,
  SEALED,
  redactJobData,
  redactProgress,
  redactReturnValue,
  redactText,
} from '../../src/queues/job-redaction.js';

describe('redactJobData', () => {
  it('keeps the fields known to hold nothing personal, seals `sealed`, hides everything else', () => {
    expect(
      redactJobData({
        template: 'password_reset',
        language: 'en',
        idempotencyKey: 'password_reset:5f0b6a52-6a4e-4d7c-9a3b-0d2f61a1c001',
        sealed: 'v1:abc',
        to: 'jane@example.com',
        phoneId: 12,
        data: { token: 'x' },
      }),
    ).toEqual({
      template: 'password_reset',
      language: 'en',
      idempotencyKey: 'password_reset:5f0b6a52-6a4e-4d7c-9a3b-0d2f61a1c001',
      sealed: SEALED,
      to: REDACTED,
      phoneId: REDACTED,
      data: REDACTED,
    });
  });

  it('hides a nested value even under a known field, and any data that is not an object', () => {
    expect(redactJobData({ template: { to: 'jane@example.com' } })).toEqual({ template: REDACTED });
    expect(redactJobData(['jane@example.com'])).toBe(REDACTED);
    expect(redactJobData(42)).toBe(REDACTED);
    expect(redactJobData('mail jane@example.com')).toBe('mail [email]');
    expect(redactJobData(null)).toBeNull();
  });
});

describe('redactReturnValue and redactProgress', () => {
  it('keep the outcome and the provider reference only', () => {
    expect(redactReturnValue({ status: 'sent', messageId: '<ab@x.test>', ref: 'SM123', to: '+15005550006' })).toEqual({
      status: 'sent',
      messageId: '<ab@x.test>',
      ref: 'SM123',
      to: REDACTED,
    });
    expect(redactProgress(50)).toBe(50);
    expect(redactProgress({ to: 'jane@example.com' })).toBe(REDACTED);
  });
});

describe('redactText', () => {
  it.each([
    [
      '550 5.1.1 <jane.doe+x@mail.example.com>: Recipient address rejected',
      '550 5.1.1 <[email]>: Recipient address rejected',
    ],
    [
      "The 'To' number +15005550006 is not a valid phone number",
      "The 'To' number [number] is not a valid phone number",
    ],
    ['call +1 (500) 555-0006 now', 'call [number] now'],
    ['number 15005550006', 'number [number]'],
    ['link ?token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', 'link ?token=[token]'],
    ['key 3f9a1c0b7e2d4a6f8b1c3e5d7f9a0b2c4d6e8f0a', 'key [token]'],
  ])('%s', (text, shown) => {
    expect(redactText(text)).toBe(shown);
  });

  it('leaves a stack trace readable', () => {
    const trace = [
      'Error: connect ECONNREFUSED 127.0.0.1:25',
      '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)',
      '    at Queue.processJob (/srv/barong/node_modules/@bull-board/api/dist/x.js:1210:22)',
      '    at 2026-12-07T19:22:19.000Z',
    ].join('\n');
    expect(redactText(trace)).toBe(trace);
  });

  it('never lets an address through, whatever surrounds it', () => {
    fc.assert(
      fc.property(fc.string(), fc.emailAddress(), fc.string(), (before, email, after) => {
        expect(redactText(`${before} ${email} ${after}`)).not.toContain(email);
      }),
    );
  });
});
