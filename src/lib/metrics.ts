/**
 * The Prometheus series of one process (docs/operations.md#metrics), in one registry: the API and the worker each
 * record what they do, and `--with-api` (both in one process) shares it, so one scrape shows everything.
 * What is cheap to count is counted where it happens; what the process can look up (queue sizes, the outbox, pools)
 * is read only when scraped, by the gauges' collect callbacks. Leaf module: the sources are described by their
 * shape, so nothing here imports Bull, Knex or domain code.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** A Bull queue as the gauges see it. */
export interface CountableQueue {
  readonly name: string;
  getJobCounts(): Promise<Partial<Record<QueueState, number>>>;
}

/** A Knex instance as the gauges see it (tarn's pool). */
export interface PooledClient {
  client: { pool?: { numUsed(): number; numPendingAcquires(): number } | null };
}

export interface OutboxBacklog {
  /** Unsent rows (capped by the query). */
  pending: number;
  /** Seconds since the oldest unsent row was written; 0 when none. */
  oldestAgeSeconds: number;
}

/** Something that can emit 'error' (an ioredis client). */
export interface ErrorEmitter {
  on(event: 'error', listener: (err: Error) => void): unknown;
}

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** What `/login` ended with (LoginService). */
export type LoginResult =
  'success' | 'wrong_password' | 'locked' | 'otp_required' | 'invalid_otp' | 'inactive' | 'captcha_failed' | 'error';

/** Seconds: an API answers in milliseconds; slow outliers (argon2, SMTP) still land in a bucket. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds: an SMTP or Twilio call takes tens of milliseconds to tens of seconds (timeouts). */
const SEND_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** A scrape reads the outbox at most this often; scrapers cannot hammer the database. */
const OUTBOX_CACHE_MS = 1500;

/** A look-up at scrape time that takes longer (Redis or the database unreachable) is left out of that scrape. */
const SCRAPE_READ_TIMEOUT_MS = 2000;

/** The value, or undefined when it fails or takes longer than `ms`: a scrape must answer while a store is down. */
function within<T>(ms: number, promise: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  return Promise.race([promise.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

const PREFIX = 'barong_';

export class Metrics {
  readonly registry = new Registry();
  readonly requests: Histogram<'operation_id' | 'method' | 'status'>;
  readonly logins: Counter<'result'>;
  readonly mailSends: Histogram<'provider'>;
  readonly mailFailures: Counter<'provider'>;
  readonly smsSends: Histogram<'provider'>;
  readonly smsFailures: Counter<'provider'>;
  readonly redisErrors: Counter<'connection'>;
  private readonly gatewayDecisions: Counter<'answer'>;
  /** The authorizer's hot path adds to plain numbers; the counter takes them over when scraped. */
  private allowedSinceScrape = 0;
  private readonly refusedSinceScrape = new Map<string, number>();
  private readonly queues = new Set<CountableQueue>();
  private readonly pools = new Map<PooledClient, string>();
  private outbox: (() => Promise<OutboxBacklog | undefined>) | undefined;

  /** `processDefaults`: prom-client's process metrics (CPU, memory, event loop lag), prefixed `barong_`. */
  constructor(processDefaults = true) {
    const registers = [this.registry];
    if (processDefaults) collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    this.requests = new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'API requests by contract operation (unknown: no operation matched), method and status, and their time',
      labelNames: ['operation_id', 'method', 'status'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.logins = new Counter({
      name: `${PREFIX}login_results_total`,
      help: 'password logins by result',
      labelNames: ['result'],
      registers,
    });
    const takeDecisions = () => this.takeDecisions();
    this.gatewayDecisions = new Counter({
      name: `${PREFIX}gateway_decisions_total`,
      help: "gateway authorizer answers: allowed, or the refusal's error key",
      labelNames: ['answer'],
      registers,
      collect() {
        for (const [answer, n] of takeDecisions()) this.inc({ answer }, n);
      },
    });
    this.mailSends = new Histogram({
      name: `${PREFIX}mail_send_duration_seconds`,
      help: 'time of each attempt to hand a mail to the provider, failed ones included',
      labelNames: ['provider'],
      buckets: SEND_BUCKETS,
      registers,
    });
    this.mailFailures = new Counter({
      name: `${PREFIX}mail_send_failures_total`,
      help: 'attempts to hand a mail to the provider that failed',
      labelNames: ['provider'],
      registers,
    });
    this.smsSends = new Histogram({
      name: `${PREFIX}sms_send_duration_seconds`,
      help: 'time of each attempt to hand a phone code to the provider, failed ones included',
      labelNames: ['provider'],
      buckets: SEND_BUCKETS,
      registers,
    });
    this.smsFailures = new Counter({
      name: `${PREFIX}sms_send_failures_total`,
      help: 'attempts to hand a phone code to the provider that failed',
      labelNames: ['provider'],
      registers,
    });
    this.redisErrors = new Counter({
      name: `${PREFIX}redis_errors_total`,
      help: 'errors reported by Redis connections (connection lost, refused, timed out), by connection name',
      labelNames: ['connection'],
      registers,
    });
    this.defineGauges(registers);
  }

  private defineGauges(registers: Registry[]): void {
    const queues = this.queues;
    new Gauge({
      name: `${PREFIX}queue_jobs`,
      help: 'jobs in each Bull queue by state (completed and failed: the kept history), read when scraped',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        const byName = new Map([...queues].map((q) => [q.name, q]));
        await Promise.all(
          [...byName.values()].map(async (queue) => {
            // Redis down: the queue's series are left out of this scrape rather than failing all of it.
            const counts = await within(SCRAPE_READ_TIMEOUT_MS, queue.getJobCounts());
            if (!counts) return;
            for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
    const pools = this.pools;
    const poolGauge = (name: string, help: string, read: (p: NonNullable<PooledClient['client']['pool']>) => number) =>
      new Gauge({
        name: `${PREFIX}${name}`,
        help,
        labelNames: ['pool'],
        registers,
        collect() {
          this.reset();
          const sums = new Map<string, number>();
          for (const [knex, label] of pools) {
            const pool = knex.client.pool;
            sums.set(label, (sums.get(label) ?? 0) + (pool ? read(pool) : 0));
          }
          for (const [label, value] of sums) this.set({ pool: label }, value);
        },
      });
    poolGauge('db_pool_in_use', 'database connections in use, by pool', (p) => p.numUsed());
    poolGauge('db_pool_waiting', 'queries waiting for a database connection, by pool', (p) => p.numPendingAcquires());
    const outbox = () => this.outbox?.();
    new Gauge({
      name: `${PREFIX}outbox_backlog`,
      help: 'unsent outbox rows (mail, SMS, events, deferred requests), read when scraped (at most 100000 counted)',
      registers,
      async collect() {
        const b = await outbox();
        if (b) this.set(b.pending);
      },
    });
    new Gauge({
      name: `${PREFIX}outbox_oldest_age_seconds`,
      help: 'age of the oldest unsent outbox row (0: none), read when scraped',
      registers,
      async collect() {
        const b = await outbox();
        if (b) this.set(b.oldestAgeSeconds);
      },
    });
  }

  /**
   * The gateway authorizer's answer: one addition to a plain number (a map entry for a refusal's key), no label
   * hashing; `barong_gateway_decisions_total` takes the sums over at the next scrape.
   */
  gatewayDecision(answer: string): void {
    if (answer === 'allowed') this.allowedSinceScrape += 1;
    else this.refusedSinceScrape.set(answer, (this.refusedSinceScrape.get(answer) ?? 0) + 1);
  }

  private takeDecisions(): Array<[string, number]> {
    const taken: Array<[string, number]> = [...this.refusedSinceScrape];
    if (this.allowedSinceScrape > 0) taken.push(['allowed', this.allowedSinceScrape]);
    this.allowedSinceScrape = 0;
    this.refusedSinceScrape.clear();
    return taken;
  }

  /** Its job counts join `barong_queue_jobs` until the returned function is called. */
  watchQueue(queue: CountableQueue): () => void {
    this.queues.add(queue);
    return () => this.queues.delete(queue);
  }

  /** `label` names the pool (`api`, `relay`); pools of one label are added up. */
  watchPool(knex: PooledClient, label: string): () => void {
    this.pools.set(knex, label);
    return () => this.pools.delete(knex);
  }

  /** The outbox gauges read `probe` (one query), at most every OUTBOX_CACHE_MS; a failed or slow read keeps their last value. */
  watchOutbox(probe: () => Promise<OutboxBacklog>): () => void {
    let last: { at: number; value: Promise<OutboxBacklog | undefined> } | undefined;
    const cached = () => {
      const now = Date.now();
      if (!last || now - last.at > OUTBOX_CACHE_MS) last = { at: now, value: within(SCRAPE_READ_TIMEOUT_MS, probe()) };
      return last.value;
    };
    this.outbox = cached;
    return () => {
      if (this.outbox === cached) this.outbox = undefined;
    };
  }

  /** Counts the connection's errors under its name; `onError` still hears each (the listener silences ioredis' own print). */
  watchRedis(redis: ErrorEmitter, connection: string, onError?: (err: Error) => void): void {
    const errors = this.redisErrors.labels(connection);
    redis.on('error', (err) => {
      errors.inc();
      onError?.(err);
    });
  }
}

/**
 * BARONG_METRICS_ENABLED=false: served nowhere, so the hot path's work is skipped (the gateway's count here; the
 * app mounts no request timer). Same shape, so callers never check.
 */
class DisabledMetrics extends Metrics {
  constructor() {
    super(false);
  }
  override gatewayDecision(): void {}
}

let shared: Metrics | undefined;

/** The process's metrics, made on first use. `enabled` false (first caller decides) records nothing of the hot path. */
export function processMetrics(enabled = true): Metrics {
  return (shared ??= enabled ? new Metrics() : new DisabledMetrics());
}
