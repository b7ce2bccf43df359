/**
 * The mail side of the development inbox: with no BARONG_SMTP_HOST outside production, the worker starts this SMTP
 * server on a loopback port of its own choosing and points nodemailer at it, so mail takes the same path as in
 * production (render, SMTP, sent-mark) and only the last hop differs. Each message is parsed and stored for the
 * API's /dev/inbox page (src/lib/dev-inbox.ts).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';
import type { DevInbox } from '../../src/lib/dev-inbox.js';
import type { Logger } from '../../src/lib/logger.js';

/** Our mails are a few kilobytes; anything far larger is not ours. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface DevSmtpInbox {
  host: string;
  port: number;
  close(): Promise<void>;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string {
  return (Array.isArray(field) ? field : field ? [field] : []).map((a) => a.text).join(', ');
}

export async function startDevSmtpInbox(inbox: DevInbox, logger: Logger): Promise<DevSmtpInbox> {
  const host = '127.0.0.1';
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: MAX_MESSAGE_BYTES,
    closeTimeout: 1000,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) =>
          inbox.add({
            kind: 'mail',
            from: addresses(mail.from),
            to: addresses(mail.to),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
          }),
        )
        // A failed store answers 451, so the mail job retries as it would against a real server.
        .then(
          () => callback(),
          (err: Error) => callback(Object.assign(err, { responseCode: 451 })),
        );
    },
  });
  server.on('error', (err) => logger.warn({ err }, 'development inbox SMTP server error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    host,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
