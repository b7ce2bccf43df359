/**
 * The real mail path for a test: an in-process SMTP server and the production mail worker (jobs/main.ts)
 * on the test app's queue, so a mail enqueued by the API is rendered and delivered over SMTP.
 */
import type { ParsedMail } from 'mailparser';
import type { Config } from '../../src/config/index.js';
import { createLogger } from '../../src/lib/logger.js';
import { startWorker } from '../../jobs/main.js';
import { startSmtpCatcher, type SmtpCatcher } from './smtp.js';
import type { TestApp } from './app.js';

export interface MailHarness {
  smtp: SmtpCatcher;
  /** The first mail to `to` whose subject matches, waiting for it to arrive. */
  mailTo(to: string, subject?: RegExp, timeoutMs?: number): Promise<ParsedMail>;
  /** The n-th (1-based) such mail, waiting for it to arrive. */
  nthMailTo(n: number, to: string, subject?: RegExp, timeoutMs?: number): Promise<ParsedMail>;
  stop(): Promise<void>;
}

export async function startMailHarness(t: TestApp): Promise<MailHarness> {
  const smtp = await startSmtpCatcher();
  // The app's own settings (database, Redis prefix, signing and encryption keys), as a worker deployed beside it has.
  const config: Config = { ...t.config, smtp: { ...t.config.smtp, host: '127.0.0.1', port: smtp.port } };
  const worker = await startWorker(config, createLogger('silent'));
  const matches = (to: string, subject?: RegExp) => (m: ParsedMail) =>
    (m.to && !Array.isArray(m.to) ? m.to.text : '').includes(to) && (!subject || subject.test(m.subject ?? ''));
  const nthMailTo = async (n: number, to: string, subject?: RegExp, timeoutMs = 10_000) => {
    const match = matches(to, subject);
    await smtp.waitFor(() => smtp.inbox.filter(match).length >= n, timeoutMs);
    return smtp.inbox.filter(match)[n - 1]!;
  };
  return {
    smtp,
    mailTo: (to, subject, timeoutMs) => nthMailTo(1, to, subject, timeoutMs),
    nthMailTo,
    async stop() {
      await worker.stop();
      await smtp.close();
    },
  };
}

/** The first link in a mail's text part that contains `marker`. */
export function linkIn(mail: ParsedMail, marker: string): URL {
  const match = (mail.text ?? '').match(new RegExp(`https?://\\S*${marker}\\S*`));
  if (!match) throw new Error(`no link with ${marker} in mail "${mail.subject}"`);
  return new URL(match[0]);
}
