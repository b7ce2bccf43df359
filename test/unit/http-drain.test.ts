/**
 * The HTTP drain (src/lib/http-drain.ts) on a plain Node server: a request in flight is answered with
 * `Connection: close`, new connections are refused at once, an idle keep-alive connection is closed after the
 * grace, and a request that outlives the timeout is cut and counted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, request as httpRequest, Agent, type Server, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trackForDrain, type HttpDrain } from '../../src/lib/http-drain.js';

let server: Server | undefined;
const agents: Agent[] = [];
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  for (const a of agents.splice(0)) a.destroy();
});

/** A server whose answers wait `?ms=` milliseconds; `arrived` counts the requests it has taken. */
async function start(): Promise<{ drain: HttpDrain; url: string; arrived: () => number }> {
  let arrived = 0;
  server = createServer((req, res) => {
    arrived += 1;
    const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 0);
    setTimeout(() => res.end('done'), ms);
  });
  const drain = trackForDrain(server);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { drain, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrived: () => arrived };
}

function get(url: string, agent?: Agent): Promise<IncomingMessage & { text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.once('end', () => resolve(Object.assign(res, { text })));
    });
    req.once('error', reject);
    req.end();
  });
}

const keepAlive = () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  agents.push(agent);
  return agent;
};

describe('trackForDrain', () => {
  it('answers the request in flight with Connection: close and refuses new connections', async () => {
    const { drain, url, arrived } = await start();
    const agent = keepAlive();
    expect((await get(`${url}/`, agent)).headers.connection).toBe('keep-alive');
    const inFlight = get(`${url}/?ms=300`, agent);
    while (arrived() < 2) await new Promise((r) => setTimeout(r, 5));

    const drained = drain.drain(5000);
    expect(drain.draining).toBe(true);
    await expect(get(`${url}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const res = await inFlight;
    expect({ status: res.statusCode, connection: res.headers.connection, text: res.text }).toEqual({
      status: 200,
      connection: 'close',
      text: 'done',
    });
    expect(await drained).toEqual({ cut: 0 });
  });

  it('answers a request sent on an idle keep-alive connection during the grace, then closes it', async () => {
    const { drain, url } = await start();
    const agent = keepAlive();
    await get(`${url}/`, agent);
    const drained = drain.drain(5000);
    const res = await get(`${url}/`, agent); // the same socket, already connected
    expect(res.headers.connection).toBe('close');
    expect(await drained).toEqual({ cut: 0 });
  });

  it('closes an idle keep-alive connection after the grace', async () => {
    const { drain, url } = await start();
    const agent = keepAlive();
    await get(`${url}/`, agent);
    const started = Date.now();
    expect(await drain.drain(20_000)).toEqual({ cut: 0 });
    // It waited the grace (about a second) for one more request on that connection, not the timeout.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('cuts a request that outlives the timeout and counts it', async () => {
    const { drain, url, arrived } = await start();
    const slow = get(`${url}/?ms=10000`).catch((err: NodeJS.ErrnoException) => err);
    while (arrived() < 1) await new Promise((r) => setTimeout(r, 5));
    expect(await drain.drain(1500)).toEqual({ cut: 1 });
    expect(await slow).toMatchObject({ code: 'ECONNRESET' });
  });
});
