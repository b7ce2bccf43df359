/**
 * The hooks read mail through DREDD_MAILBOX (`GET /mail?to=&subject=&n=`: the n-th matching mail as
 * { subject, text }) and SMS codes through DREDD_TWILIO (`GET /_stand-in/code?to=&n=`: { code }). Against a server
 * QA runs, this adapter answers both from the server's development inbox (/dev/inbox.json: mail when the server
 * has no SMTP server, and the mock SMS provider's codes) or from a Mailpit HTTP API QA names (mail only).
 */
import { createServer, type Server } from 'node:http';

interface Mail {
  to: string;
  subject: string;
  text: string;
}
interface Sms {
  to: string;
  code: string;
}

export interface MailSource {
  name: string;
  /** Mail to `to`, oldest first. */
  mails(to: string): Promise<Mail[]>;
  /** SMS codes to a number, oldest first; undefined when the source has none (Mailpit). */
  sms?(to: string): Promise<Sms[]>;
}

const digits = (number: string) => number.replace(/\D/g, '');

async function devInboxEntries(server: string): Promise<Array<Record<string, string>>> {
  const res = await fetch(`${server}/dev/inbox.json`);
  if (!res.ok) throw new Error(`the development inbox answered ${res.status}`);
  return ((await res.json()) as { messages: Array<Record<string, string>> }).messages.slice().reverse();
}

export function devInboxSource(server: string): MailSource {
  return {
    name: `the development inbox (${server}/dev/inbox.json)`,
    async mails(to) {
      return (await devInboxEntries(server))
        .filter((e) => e.kind === 'mail' && e.to!.includes(to))
        .map((e) => ({ to: e.to!, subject: e.subject!, text: e.text! }));
    },
    async sms(to) {
      return (await devInboxEntries(server))
        .filter((e) => e.kind === 'sms' && digits(e.to!) === digits(to))
        .map((e) => ({ to: e.to!, code: e.code! }));
    },
  };
}

/** Mailpit's API (https://mailpit.axllent.org/docs/api-v1/): a search by recipient, then each message's text. */
export function mailpitSource(url: string): MailSource {
  return {
    name: `Mailpit (${url})`,
    async mails(to) {
      const res = await fetch(`${url}/api/v1/search?${new URLSearchParams({ query: `to:"${to}"`, limit: '50' })}`);
      if (!res.ok) throw new Error(`Mailpit answered ${res.status}`);
      const found = ((await res.json()) as { messages: Array<{ ID: string }> }).messages.slice().reverse();
      return Promise.all(
        found.map(async ({ ID }) => {
          const message = (await (await fetch(`${url}/api/v1/message/${ID}`)).json()) as {
            Subject: string;
            Text: string;
          };
          return { to, subject: message.Subject, text: message.Text };
        }),
      );
    },
  };
}

/** Whether the server answers its development inbox to this machine (it does only on loopback, never in production). */
export async function hasDevInbox(server: string): Promise<boolean> {
  try {
    await devInboxEntries(server);
    return true;
  } catch {
    return false;
  }
}

async function poll<T>(find: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T | undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined || Date.now() > until) return found;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function startMailboxAdapter(source: MailSource): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://mailbox');
    const to = url.searchParams.get('to') ?? '';
    const n = Number(url.searchParams.get('n') ?? '1');
    try {
      let found: unknown;
      if (url.pathname === '/mail') {
        const subject = new RegExp(url.searchParams.get('subject') ?? '', 'i');
        found = await poll(async () => {
          const mail = (await source.mails(to)).filter((m) => subject.test(m.subject))[n - 1];
          return mail && { subject: mail.subject, text: mail.text };
        });
      } else if (url.pathname === '/_stand-in/code' && source.sms) {
        found = await poll(async () => {
          const sms = (await source.sms!(to))[n - 1];
          return sms && { code: sms.code };
        });
      }
      if (found === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(found));
    } catch (err) {
      res.writeHead(502).end((err as Error).message);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
