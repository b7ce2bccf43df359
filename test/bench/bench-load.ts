/** One measured load: autocannon on loopback after a warm-up whose numbers are dropped, answers judged one by one. */
import autocannon from 'autocannon';

export interface Measured {
  /** Mean requests (or operations) per second over the measured run. */
  rps: number;
  /** Latency percentiles, ms. */
  p50: number;
  p99: number;
  /** Answers received, and how many of them (plus socket errors and timeouts) were not the expected one. */
  requests: number;
  failures: number;
  firstFailure?: string;
}

export interface Load {
  base: string;
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** The body of each request; called per request, so each may differ (unique sign-up e-mails). */
  body?: () => string;
  /** Per request, e.g. a fresh API-key signature; called with the connection's number. */
  perRequestHeaders?: (connection: number) => Record<string, string>;
  expectStatus: number;
  /** The answer must carry `Authorization: Bearer …` (the gateway authorizer's success). */
  expectBearer?: boolean;
  connections: number;
  seconds: number;
  warmupSeconds: number;
}

interface Counts {
  ok: number;
  bad: number;
  firstBad?: string;
}

async function once(load: Load, seconds: number): Promise<Measured> {
  const counts: Counts = { ok: 0, bad: 0 };
  const onResponse: autocannon.Request['onResponse'] = (status, body, _context, headers) => {
    const authorization = headers?.authorization ?? headers?.Authorization;
    const good =
      status === load.expectStatus &&
      (!load.expectBearer || (typeof authorization === 'string' && authorization.startsWith('Bearer ')));
    if (good) counts.ok += 1;
    else {
      counts.bad += 1;
      counts.firstBad ??= `${status} ${String(body ?? '').slice(0, 200)}`;
    }
  };
  let nextConnection = 0;
  const headers = { 'Content-Type': 'application/json', ...load.headers };
  const request: autocannon.Request = {
    method: load.method ?? 'GET',
    path: load.path,
    headers,
    onResponse,
  };
  const result = await autocannon({
    url: load.base,
    connections: load.connections,
    duration: seconds,
    requests: [request],
    setupClient(client) {
      const connection = nextConnection++;
      if (!load.body && !load.perRequestHeaders) return;
      client.setRequests([
        {
          ...request,
          setupRequest: (req) => ({
            ...req,
            headers: { ...headers, ...load.perRequestHeaders?.(connection) },
            ...(load.body ? { body: load.body() } : {}),
          }),
        },
      ]);
    },
  });
  const failures = counts.bad + result.errors + result.timeouts;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: counts.ok + counts.bad,
    failures,
    firstFailure:
      counts.firstBad ?? (result.errors ? `${result.errors} socket errors, ${result.timeouts} timeouts` : undefined),
  };
}

export async function measure(load: Load): Promise<Measured> {
  if (load.warmupSeconds > 0) await once(load, load.warmupSeconds);
  return once(load, load.seconds);
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
