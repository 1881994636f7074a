// Serves recorded provider responses byte for byte, one per request, and
// records what the client sent.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export async function startReplayServer(responses: RecordedResponse[]) {
  const queue = [...responses];
  const requests: Array<{ path: string; body: string }> = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    requests.push({ path: req.url ?? '', body });
    const next = queue.shift();
    if (!next) return res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"replay exhausted"}}');
    const isStream = next.body.startsWith('data:') || next.body.startsWith('event:');
    res.writeHead(next.status, { 'content-type': isStream ? 'text/event-stream' : 'application/json', ...next.headers });
    res.end(next.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
