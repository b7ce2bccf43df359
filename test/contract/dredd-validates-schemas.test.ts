/**
 * Proves the contract set-up: Dredd, reading openapi/barong.yaml (Swagger 2.0), checks response bodies against
 * their JSON Schemas — a body with the right keys but a wrong type fails. (Against an OpenAPI 3 document
 * Dredd 14 checks no schema at all; see docs/api.md.)
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';

const PING = 'public > /api/v2/barong/public/ping > Test connectivity > 200 > application/json';
let server: Server | undefined;

async function stub(body: unknown): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

function dredd(base: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('node_modules/.bin/dredd', [
      'openapi/barong.yaml',
      base,
      `--only=${PING}`,
      '--loglevel=warning',
    ]);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

afterEach(async () => {
  await new Promise((r) => server?.close(r));
});

describe('Dredd on the Swagger 2.0 contract', () => {
  it('passes a response that matches the schema', async () => {
    const { code, output } = await dredd(await stub({ ping: 'pong' }));
    expect(output).toMatch(/1 passing, 0 failing/);
    expect(code).toBe(0);
  });

  it('fails a response whose field has the wrong type', async () => {
    const { code, output } = await dredd(await stub({ ping: 42 }));
    expect(output).toMatch(/Invalid type: number \(expected string\)/);
    expect(code).toBe(1);
  });
});
