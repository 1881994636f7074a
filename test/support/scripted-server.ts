// The scripted model server: a real HTTP server on 127.0.0.1 that speaks the
// OpenAI Chat Completions and Anthropic Messages protocols (streaming or not),
// replays a script of turns, records every request, and injects faults.
//
// By hand:  node test/support/scripted-server.ts --script turns.json [--port 8123]
// then:     OPENAI_BASE_URL=http://127.0.0.1:8123/v1 OPENAI_API_KEY=x nanocode "task"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptToolCall {
  name: string;
  /** An object is sent as JSON; a string is sent as-is (to script malformed arguments). */
  args: unknown;
  id?: string;
}

export type Fault =
  /**
   * Respond with this HTTP status and an error body in the protocol's shape.
   * `echoKey`: the message quotes the key the request carried, as some servers do.
   */
  | { kind: 'status'; status: number; retryAfter?: number; message?: string; type?: string; echoKey?: boolean }
  /** Close the connection after this many stream chunks. */
  | { kind: 'drop'; afterChunks?: number }
  /** Send one chunk of invalid JSON in the middle of the stream. */
  | { kind: 'malformed' }
  /** Never answer: no status line, no headers, the connection left open. */
  | { kind: 'no-headers' }
  /** Send the stream's headers, then nothing. */
  | { kind: 'no-body' }
  /** Send this many stream chunks, then nothing, the connection left open. */
  | { kind: 'stall'; afterChunks?: number }
  /**
   * After this many chunks, only keep-alives, forever: SSE comments
   * (`: ping`) on Chat Completions, `ping` events on Messages.
   */
  | { kind: 'keepalive'; afterChunks?: number; everyMs?: number };

/**
 * A turn with neither text nor tool calls (`{}`) is an empty reply; one with
 * only `reasoning` is a reasoning-only reply.
 */

export interface ScriptTurn {
  text?: string;
  reasoning?: string;
  toolCalls?: ScriptToolCall[];
  fault?: Fault;
  /** Delay before each stream chunk (slow chunks). */
  chunkDelayMs?: number;
  usage?: { input?: number; output?: number };
  /** 'length': the output was cut off by the token limit. */
  finish?: 'length';
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
  /** The body's size on the wire, in bytes. */
  bytes: number;
  /** ms since the server started, when the request arrived. */
  at: number;
  /** ms since start, when the response closed: finished, or the client hung up. */
  closed?: number;
}

export interface ScriptedServer {
  url: string;
  /** For OPENAI_BASE_URL. */
  openaiBaseURL: string;
  /** For ANTHROPIC_BASE_URL. */
  anthropicBaseURL: string;
  requests: RecordedRequest[];
  /** Model-turn requests only (chat completions and messages). */
  turnRequests(): RecordedRequest[];
  /** When each model response finished sending, ms since start. */
  responseEnds: number[];
  push(...turns: ScriptTurn[]): void;
  remaining(): number;
  close(): Promise<void>;
}

export interface ServerOptions {
  port?: number;
  models?: string[];
  /** Answers a request itself (say, summary requests) instead of taking the next scripted turn. */
  respond?: (body: any) => ScriptTurn | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startScriptedServer(script: ScriptTurn[] = [], opts: ServerOptions = {}): Promise<ScriptedServer> {
  const queue = [...script];
  const requests: RecordedRequest[] = [];
  const responseEnds: number[] = [];
  const t0 = performance.now();
  const models = opts.models ?? ['scripted-model', 'scripted-large', 'claude-scripted'];
  let callCounter = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const wire = Buffer.concat(chunks);
    const raw = wire.toString('utf8');
    let body: any = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // keep the raw text
    }
    const path = (req.url ?? '').split('?')[0];
    const record: RecordedRequest = { method: req.method ?? '', path, headers: req.headers, body, bytes: wire.length, at: performance.now() - t0 };
    requests.push(record);
    const closed = new Promise<void>((resolve) => res.on('close', resolve));
    closed.then(() => (record.closed = performance.now() - t0));

    if (req.method === 'GET' && path.endsWith('/models')) {
      return json(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', owned_by: 'scripted' })) });
    }
    const anthropic = path.endsWith('/messages');
    if (req.method !== 'POST' || !(anthropic || path.endsWith('/chat/completions'))) {
      return json(res, 404, { error: { message: `scripted server: no route ${req.method} ${path}` } });
    }
    const turn = opts.respond?.(body) ?? queue.shift();
    if (!turn) return errorReply(res, anthropic, 400, 'scripted server: the script has no more turns', 'invalid_request_error');
    const fault = turn.fault;
    if (fault?.kind === 'no-headers') return closed;
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      const type = fault.type ?? defaultErrorType(fault.status);
      const key = String(req.headers['x-api-key'] ?? req.headers.authorization ?? '').replace(/^Bearer /, '');
      const message = `${fault.message ?? `scripted ${fault.status}`}${fault.echoKey ? `: incorrect API key provided: ${key}` : ''}`;
      return errorReply(res, anthropic, fault.status, message, type, headers);
    }
    const ids = (turn.toolCalls ?? []).map((c) => c.id ?? (anthropic ? `toolu_${++callCounter}` : `call_${++callCounter}`));
    const inputTokens = turn.usage?.input ?? Math.ceil(raw.length / 4);
    const outputTokens = turn.usage?.output ?? Math.ceil(((turn.text ?? '').length + JSON.stringify(turn.toolCalls ?? []).length) / 4);
    const events = anthropic
      ? anthropicEvents(turn, ids, inputTokens, outputTokens, body?.model)
      : openaiEvents(turn, ids, inputTokens, outputTokens, body?.model);

    if (body?.stream !== true) {
      const payload = anthropic
        ? anthropicMessage(turn, ids, inputTokens, outputTokens, body?.model)
        : openaiCompletion(turn, ids, inputTokens, outputTokens, body?.model);
      json(res, 200, payload);
      responseEnds.push(performance.now() - t0);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    if (fault?.kind === 'no-body') return closed;
    const frames = events.map((e) => (anthropic ? `event: ${(e as any).type}\ndata: ${JSON.stringify(e)}\n\n` : `data: ${JSON.stringify(e)}\n\n`));
    if (!anthropic) frames.push('data: [DONE]\n\n');
    if (fault?.kind === 'malformed') frames.splice(Math.min(2, frames.length - 1), 0, 'data: {"choices": [{"delta": {"content": "oops"\n\n');
    for (let i = 0; i < frames.length; i++) {
      if (fault?.kind === 'drop' && i === (fault.afterChunks ?? 2)) {
        res.socket?.destroy();
        return;
      }
      if (fault?.kind === 'stall' && i === (fault.afterChunks ?? 2)) return closed;
      if (fault?.kind === 'keepalive' && i === (fault.afterChunks ?? 0)) {
        const ping = anthropic ? 'event: ping\ndata: {"type": "ping"}\n\n' : ': ping\n\n';
        while (!res.destroyed) {
          res.write(ping);
          await sleep(fault.everyMs ?? 20);
        }
        return;
      }
      if (turn.chunkDelayMs) await sleep(turn.chunkDelayMs);
      if (res.destroyed) return;
      res.write(frames[i]);
    }
    res.end();
    responseEnds.push(performance.now() - t0);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) json(res, 500, { error: { message: String(err) } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    requests,
    responseEnds,
    turnRequests: () => requests.filter((r) => r.method === 'POST'),
    push: (...turns) => void queue.push(...turns),
    remaining: () => queue.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function defaultErrorType(status: number): string {
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  if (status === 413) return 'request_too_large';
  if (status === 401) return 'authentication_error';
  return status >= 500 ? 'api_error' : 'invalid_request_error';
}

function errorReply(res: ServerResponse, anthropic: boolean, status: number, message: string, type: string, headers: Record<string, string> = {}) {
  const body = anthropic ? { type: 'error', error: { type, message } } : { error: { message, type, code: null } };
  json(res, status, body, headers);
}

/** Splits text into small pieces so clients see real streaming. */
function pieces(text: string, size = 16): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

const argText = (args: unknown) => (typeof args === 'string' ? args : JSON.stringify(args));

function openaiEvents(turn: ScriptTurn, ids: string[], input: number, output: number, model = 'scripted-model') {
  const base = { id: 'chatcmpl-scripted', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
  const chunk = (delta: object, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const events: object[] = [chunk({ role: 'assistant', content: '' })];
  for (const p of pieces(turn.reasoning ?? '')) events.push(chunk({ reasoning_content: p }));
  for (const p of pieces(turn.text ?? '')) events.push(chunk({ content: p }));
  (turn.toolCalls ?? []).forEach((call, index) => {
    events.push(chunk({ tool_calls: [{ index, id: ids[index], type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const p of pieces(argText(call.args), 24)) events.push(chunk({ tool_calls: [{ index, function: { arguments: p } }] }));
  });
  events.push(chunk({}, turn.finish ?? (turn.toolCalls?.length ? 'tool_calls' : 'stop')));
  events.push({ ...base, choices: [], usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output } });
  return events;
}

function openaiCompletion(turn: ScriptTurn, ids: string[], input: number, output: number, model = 'scripted-model') {
  const tool_calls = (turn.toolCalls ?? []).map((c, i) => ({ id: ids[i], type: 'function', function: { name: c.name, arguments: argText(c.args) } }));
  return {
    id: 'chatcmpl-scripted',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: turn.text ?? null, ...(turn.reasoning && { reasoning_content: turn.reasoning }), ...(tool_calls.length && { tool_calls }) },
        finish_reason: tool_calls.length ? 'tool_calls' : 'stop',
      },
    ],
    usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
  };
}

function anthropicEvents(turn: ScriptTurn, ids: string[], input: number, output: number, model = 'claude-scripted') {
  const events: object[] = [
    { type: 'message_start', message: { id: 'msg_scripted', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: input, output_tokens: 1 } } },
  ];
  let index = 0;
  if (turn.reasoning) {
    events.push({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    for (const p of pieces(turn.reasoning)) events.push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: p } });
    events.push({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: 'c2lnbmF0dXJl' } });
    events.push({ type: 'content_block_stop', index: index++ });
  }
  if (turn.text) {
    events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    for (const p of pieces(turn.text)) events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: p } });
    events.push({ type: 'content_block_stop', index: index++ });
  }
  (turn.toolCalls ?? []).forEach((call, i) => {
    events.push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: ids[i], name: call.name, input: {} } });
    for (const p of pieces(argText(call.args), 24)) events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: p } });
    events.push({ type: 'content_block_stop', index: index++ });
  });
  const stop = turn.finish === 'length' ? 'max_tokens' : turn.toolCalls?.length ? 'tool_use' : 'end_turn';
  events.push({ type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: output } });
  events.push({ type: 'message_stop' });
  return events;
}

function anthropicMessage(turn: ScriptTurn, ids: string[], input: number, output: number, model = 'claude-scripted') {
  const content: object[] = [];
  if (turn.reasoning) content.push({ type: 'thinking', thinking: turn.reasoning, signature: 'c2lnbmF0dXJl' });
  if (turn.text) content.push({ type: 'text', text: turn.text });
  (turn.toolCalls ?? []).forEach((c, i) => content.push({ type: 'tool_use', id: ids[i], name: c.name, input: typeof c.args === 'string' ? {} : c.args }));
  return {
    id: 'msg_scripted',
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: turn.toolCalls?.length ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: input, output_tokens: output },
  };
}

// Run by hand: node test/support/scripted-server.ts --script turns.json [--port N]
if (import.meta.url === `file://${process.argv[1]}`) {
  const { parseArgs } = await import('node:util');
  const { readFileSync } = await import('node:fs');
  const { values } = parseArgs({ options: { script: { type: 'string' }, port: { type: 'string' } } });
  const script: ScriptTurn[] = values.script ? JSON.parse(readFileSync(values.script, 'utf8')) : [{ text: 'Hello from the scripted model server.' }];
  const server = await startScriptedServer(script, { port: values.port ? Number(values.port) : 0 });
  process.stdout.write(
    `scripted model server on ${server.url} with ${script.length} turns\n` +
      `  OPENAI_BASE_URL=${server.openaiBaseURL} OPENAI_API_KEY=scripted nanocode "task"\n` +
      `  ANTHROPIC_BASE_URL=${server.anthropicBaseURL} ANTHROPIC_API_KEY=scripted nanocode "task"\n`,
  );
}
