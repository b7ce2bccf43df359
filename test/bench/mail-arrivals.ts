/**
 * The mail benchmark's SMTP server: a real smtp-server on loopback that accepts everything and notes, per
 * envelope recipient, when each message was accepted (every copy, so a duplicate shows). It does not parse the
 * message: the benchmark measures the server under test, not mailparser in this process.
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';

export interface MailArrivals {
  port: number;
  /** Recipient → the times (performance.now) its messages were accepted. */
  readonly arrivals: ReadonlyMap<string, number[]>;
  /** Messages accepted in all. */
  readonly total: number;
  close(): Promise<void>;
}

export async function startMailArrivals(): Promise<MailArrivals> {
  const arrivals = new Map<string, number[]>();
  let total = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 200,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        const at = performance.now();
        total += 1;
        for (const rcpt of session.envelope.rcptTo) {
          const address = rcpt.address.toLowerCase();
          const times = arrivals.get(address) ?? [];
          times.push(at);
          arrivals.set(address, times);
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    arrivals,
    get total() {
      return total;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
