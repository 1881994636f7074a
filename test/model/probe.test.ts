// The local probe, against servers of our own only: nothing depends on what
// answers on the host's ports.
import { createServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server } from 'node:net';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { probeLocalServers } from '../../src/model/probe.ts';

const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

// fetch's first use in a process sets it up (tens of ms on a busy machine);
// done here, so it does not count against the probe's 300 ms.
beforeAll(() => fetch('http://127.0.0.1:1/').catch(() => {}));

/** A port where a connection is accepted and at once torn down, as when nothing listens. */
async function refusing(): Promise<number> {
  const s = createTcpServer((socket) => socket.resetAndDestroy());
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

async function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

it('picks the first port in order that lists models, with its first model', async () => {
  const broken = await serve((_req, res) => res.writeHead(500).end());
  const lms = await serve((_req, res) => res.end(JSON.stringify({ data: [{ id: 'qwen3-coder-30b' }, { id: 'other' }] })));
  const later = await serve((_req, res) => res.end(JSON.stringify({ data: [{ id: 'later' }] })));
  const choice = await probeLocalServers(undefined, [await refusing(), broken, lms, later]);
  expect(choice).toEqual({ provider: 'openai-compatible', model: 'qwen3-coder-30b', baseURL: `http://127.0.0.1:${lms}/v1` });
});

it('keeps a requested model and gives up within the time limit on a silent server', async () => {
  const silent = await serve(() => {}); // never answers
  const started = Date.now();
  expect(await probeLocalServers('mine', [silent])).toBeUndefined();
  expect(Date.now() - started).toBeLessThan(1000);
  const ok = await serve((_req, res) => res.end(JSON.stringify({ data: [{ id: 'x' }] })));
  expect(await probeLocalServers('mine', [ok])).toMatchObject({ model: 'mine' });
});
