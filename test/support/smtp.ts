/**
 * An in-process SMTP server for tests: accepts every message on 127.0.0.1 (random port), parses it with mailparser
 * and keeps it in `inbox`. It can also refuse (451) or slow down the next messages to exercise retries and shutdown,
 * and hold every answer (a sender killed meanwhile never learns whether its messages went).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerError } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface SmtpCatcher {
  port: number;
  inbox: ParsedMail[];
  /** Messages answered 451 so far. */
  readonly rejected: number;
  /** The recipients of each message whose data has begun to arrive, answered or not (a sender may be mid-send). */
  readonly startedTo: readonly string[][];
  /** SMTP connections opened to it so far. */
  readonly connections: number;
  /** Messages received while holding, not answered yet. */
  readonly held: number;
  /** Resolves with the first message (already received or arriving later) that matches; rejects after timeoutMs. */
  waitFor(predicate: (mail: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  /** Answers `451 try again later` to the next n messages (Infinity: until told otherwise). */
  failNext(n: number): void;
  /** Holds the answer to the next message for ms (the sender is stuck mid-send meanwhile). */
  delayNext(ms: number): void;
  /** From now on, receives messages but answers none (they are not in `inbox`) until `release`. */
  hold(): void;
  /** Answers the held messages 451 (not accepted) and takes messages as before. */
  release(): void;
  close(): Promise<void>;
}

/** `port`: a given one (a drill starts a server again where the old one listened); a spare one unless given. */
export async function startSmtpCatcher(port = 0): Promise<SmtpCatcher> {
  const inbox: ParsedMail[] = [];
  const waiters = new Set<() => void>();
  let toFail = 0;
  let rejected = 0;
  const startedTo: string[][] = [];
  let delay = 0;
  let connections = 0;
  let holding = false;
  const held: Array<() => void> = [];

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 200,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onData(stream, session, callback) {
      startedTo.push(session.envelope.rcptTo.map((r) => r.address));
      if (holding) {
        stream.on('data', () => undefined);
        stream.on('end', () =>
          held.push(() => callback(Object.assign(new Error('not accepted'), { responseCode: 451 }))),
        );
        return;
      }
      const fail = toFail > 0;
      if (fail) toFail -= 1;
      const wait = delay;
      delay = 0;
      simpleParser(stream)
        .then(async (mail) => {
          if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
          if (fail) {
            rejected += 1;
            const err: SMTPServerError = Object.assign(new Error('try again later'), { responseCode: 451 });
            return callback(err);
          }
          inbox.push(mail);
          for (const wake of waiters) wake();
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });

  // A sender killed mid-conversation resets its connection; a mail server drops it and goes on (smtp-server reports
  // it here, and an 'error' event nobody listens to would crash the test process).
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const listening = (server.server.address() as AddressInfo).port;

  return {
    port: listening,
    inbox,
    get rejected() {
      return rejected;
    },
    startedTo,
    get connections() {
      return connections;
    },
    get held() {
      return held.length;
    },
    waitFor(predicate, timeoutMs = 5000) {
      return new Promise<ParsedMail>((resolve, reject) => {
        const check = () => {
          const mail = inbox.find(predicate);
          if (!mail) return;
          done();
          resolve(mail);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching mail within ${timeoutMs} ms (inbox has ${inbox.length})`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    failNext(n) {
      toFail = n;
    },
    delayNext(ms) {
      delay = ms;
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const answer of held.splice(0)) answer();
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
