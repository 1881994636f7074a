// Issue 8, section 2: the model connection never hangs. Each scenario runs
// the built binary against the scripted server and checks what the user
// sees, the exit code, the session afterwards, and that nothing is left
// running or open.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLines, type RunResult, start } from '../support/cli.ts';
import { type Workspace, waitUntil, workspace } from '../support/scenario.ts';
import { type ScriptedServer, type ScriptTurn, startScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ANSWER = 'The answer, after all that, is 42.';
const LONG = 'A partial answer that the stalled stream never finishes. '.repeat(3);
/** Short bounds so a stall costs half a second, not two minutes. */
const FAST = { NANOCODE_STREAM_IDLE_TIMEOUT_MS: '500', NANOCODE_REQUEST_TIMEOUT_MS: '5000' };
const OPENAI_KEY = 'sk-test-secret-0123456789abcdef';
const ANTHROPIC_KEY = 'sk-ant-test-secret-0123456789abcdef';

type Env = Record<string, string | undefined>;
const openai = (s: ScriptedServer): Env => ({ OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model' });
const anthropic = (s: ScriptedServer): Env => ({ ANTHROPIC_API_KEY: ANTHROPIC_KEY, ANTHROPIC_BASE_URL: s.anthropicBaseURL });

/** Runs nanocode in the workspace; checks the process is gone afterwards. */
async function nanocode(ws: Workspace, args: string[], env: Env): Promise<RunResult> {
  const { child, done } = start(args, { cwd: ws.cwd, env: { NANOCODE_HOME: ws.home, ...env } });
  const result = await done;
  expect(() => process.kill(child.pid!, 0)).toThrow();
  return result;
}

const messagesOf = (ws: Workspace) => ws.records().filter((r) => r.type === 'message').map((r) => r.message);
const texts = (ws: Workspace) => messagesOf(ws).map((m) => `${m.role}: ${typeof m.content === 'string' ? m.content : m.content.map((p: any) => p.text ?? p.type).join('')}`);

/** Every file under `dir`, as text. */
function allText(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((p) => statSync(p).isFile())
    .map((p) => readFileSync(p, 'utf8'))
    .join('\n');
}

describe.each([
  ['OpenAI', openai, OPENAI_KEY],
  ['Anthropic', anthropic, ANTHROPIC_KEY],
])('%s protocol', (_name, envFor, key) => {
  describe('a stalled or failed response is retried with a notice that says what happened', () => {
    it.each<[string, ScriptTurn, RegExp]>([
      ['no response headers', { fault: { kind: 'no-headers' } }, /no data from the provider for 0\.5 s/],
      ['headers and then no body', { fault: { kind: 'no-body' } }, /no data from the provider for 0\.5 s/],
      ['a body that stops mid-stream', { text: LONG, fault: { kind: 'stall', afterChunks: 4 } }, /no data from the provider for 0\.5 s/],
      ['only keep-alives, forever', { fault: { kind: 'keepalive', everyMs: 50 } }, /no data from the provider for 0\.5 s/],
      ['keep-alives after some text', { text: LONG, fault: { kind: 'keepalive', afterChunks: 4, everyMs: 50 } }, /no data from the provider for 0\.5 s/],
      ['a connection dropped mid-stream', { text: LONG, fault: { kind: 'drop', afterChunks: 3 } }, /the connection broke while the response was being read: terminated/],
      ['malformed JSON in the stream', { text: LONG, fault: { kind: 'malformed' } }, /stream error|JSON/i],
      ['a 500', { fault: { kind: 'status', status: 500, message: 'internal trouble' } }, /HTTP 500: internal trouble/],
      ['a 529 overloaded', { fault: { kind: 'status', status: 529, message: 'overloaded' } }, /HTTP 529: overloaded/],
      ['a 429 with Retry-After', { fault: { kind: 'status', status: 429, retryAfter: 1, message: 'slow down' } }, /retrying in 1\.0 s .*HTTP 429: slow down/],
    ])('%s', async (_fault, faulty, notice) => {
      server = await startScriptedServer([faulty, { text: ANSWER }]);
      const ws = workspace();
      const result = await nanocode(ws, ['question'], { ...envFor(server), ...FAST });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${ANSWER}\n`);
      const retries = result.stderr.split('\n').filter((l) => l.startsWith('retrying in'));
      expect(retries).toHaveLength(1);
      expect(retries[0]).toMatch(/\(attempt 1 of 5\)/);
      expect(retries[0]).toMatch(notice);
      expect(retries[0]).not.toMatch(/HTTP 200/);
      const [first, second] = server.turnRequests();
      expect(server.turnRequests()).toHaveLength(2);
      // The abandoned request's connection was really closed, and before the retry.
      expect(first.closed).toBeDefined();
      expect(first.closed!).toBeLessThanOrEqual(second.at);
      expect(texts(ws)).toEqual(['user: question', `assistant: ${ANSWER}`]);
    });

    it('a slow but steady stream is not a stall', async () => {
      server = await startScriptedServer([{ text: LONG.repeat(2), chunkDelayMs: 100 }]);
      const ws = workspace();
      const result = await nanocode(ws, ['question'], { ...envFor(server), ...FAST });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${LONG.repeat(2)}\n`);
      expect(result.stderr).toBe('');
      expect(server.turnRequests()).toHaveLength(1);
    });

    it('a response slower overall than NANOCODE_REQUEST_TIMEOUT_MS, though never idle', async () => {
      server = await startScriptedServer([{ text: LONG.repeat(4), chunkDelayMs: 50 }, { text: ANSWER }]);
      const ws = workspace();
      const result = await nanocode(ws, ['question'], { ...envFor(server), NANOCODE_STREAM_IDLE_TIMEOUT_MS: '2000', NANOCODE_REQUEST_TIMEOUT_MS: '1500' });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${ANSWER}\n`);
      expect(result.stderr).toMatch(/^retrying in .* \(attempt 1 of 5\): the response took longer than 1\.5 s \(NANOCODE_REQUEST_TIMEOUT_MS\)\n$/);
      expect(server.turnRequests()[0].closed).toBeDefined();
      expect(texts(ws)).toEqual(['user: question', `assistant: ${ANSWER}`]);
    });
  });

  it('a provider that always stalls: five retries, then exit 1 saying so', async () => {
    server = await startScriptedServer(Array(6).fill({ fault: { kind: 'no-body' } }));
    const ws = workspace();
    const result = await nanocode(ws, ['--mode', 'json', 'question'], { ...envFor(server), ...FAST });
    expect(result.code).toBe(1);
    const events = jsonLines(result.stdout);
    expect(events.filter((e) => e.type === 'retry').map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(events.find((e) => e.type === 'error').message).toBe(
      'no data from the provider for 0.5 s (NANOCODE_STREAM_IDLE_TIMEOUT_MS) (after 6 attempts)',
    );
    expect(events.at(-1)).toMatchObject({ type: 'result', reason: 'error', exitCode: 1 });
    expect(server.turnRequests().every((r) => r.closed !== undefined)).toBe(true);
    expect(texts(ws)).toEqual(['user: question']);
  });

  it('Ctrl-C while waiting on a silent provider cancels at once (exit 130) and closes the request', async () => {
    server = await startScriptedServer([{ fault: { kind: 'no-headers' } }]);
    const ws = workspace();
    const { child, done } = start(['question'], { cwd: ws.cwd, env: { NANOCODE_HOME: ws.home, ...envFor(server) } });
    await waitUntil(() => server!.turnRequests().length === 1, 'the request to arrive');
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).not.toMatch(/retrying/);
    await waitUntil(() => server!.turnRequests()[0].closed !== undefined, 'the request to be closed');
    expect(texts(ws)).toEqual(['user: question']);
  });

  it('a 413 is a context overflow: the history is compacted and the request retried once', async () => {
    const summary = 'SUMMARY: the user asked a question; ls was run.';
    const summariser = (body: any) => (JSON.stringify(body).includes('You summarise a coding agent') ? { text: summary } : undefined);
    server = await startScriptedServer(
      [{ toolCalls: [{ name: 'ls', args: { path: '.' } }] }, { fault: { kind: 'status', status: 413, message: 'payload rejected' } }, { text: ANSWER }],
      { respond: summariser },
    );
    const ws = workspace();
    const result = await nanocode(ws, ['question'], { ...envFor(server), NANOCODE_COMPACTION_KEEP_RECENT_TOKENS: '0' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${ANSWER}\n`);
    expect(result.stderr).not.toMatch(/413|retrying/);
    const requests = server.turnRequests();
    expect(requests).toHaveLength(4); // the turn, the 413, the summary, the turn again
    expect(JSON.stringify(requests[3].body)).toContain(summary);
    expect(ws.records().filter((r) => r.type === 'compaction')).toHaveLength(1);
  });

  it('a 400 whose body says the request is too large is a context overflow too', async () => {
    server = await startScriptedServer([
      { fault: { kind: 'status', status: 400, message: 'Request too large for this model: 250000 tokens' } },
      { text: ANSWER },
    ]);
    const ws = workspace();
    const result = await nanocode(ws, ['question'], envFor(server));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${ANSWER}\n`);
    expect(server.turnRequests()).toHaveLength(2);
    expect(texts(ws)).toEqual(['user: question', `assistant: ${ANSWER}`]);
  });

  it('connection refused: retried twice, each message said once, exit 1', async () => {
    server = await startScriptedServer([]);
    const port = await closedPort();
    const env = Object.fromEntries(Object.entries(envFor(server)).map(([k, v]) => [k, k.endsWith('BASE_URL') ? v!.replace(/:\d+/, `:${port}`) : v]));
    const ws = workspace();
    const result = await nanocode(ws, ['question'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^retrying in .* \(attempt 1 of 2\): Cannot connect to API: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatch(/^retrying in .* \(attempt 2 of 2\): Cannot connect to API: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    expect(lines[2]).toMatch(/^nanocode: Cannot connect to API: connect ECONNREFUSED 127\.0\.0\.1:\d+ \(after 3 attempts\)$/);
    for (const line of lines) expect(line.match(/ECONNREFUSED/g)).toHaveLength(1);
    expect(texts(ws)).toEqual(['user: question']);
  });

  it.each<[string, ScriptTurn]>([
    ['an empty reply', {}],
    ['a reasoning-only reply', { reasoning: 'Let me think about this for a while.' }],
  ])('%s is retried once', async (_kind, empty) => {
    server = await startScriptedServer([empty, { text: ANSWER }]);
    const ws = workspace();
    const result = await nanocode(ws, ['question'], envFor(server));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${ANSWER}\n`);
    expect(result.stderr).toMatch(/^retrying in .* \(attempt 1 of 1\): the model sent an empty reply \(no text and no tool calls\)\n$/);
    expect(server.turnRequests()).toHaveLength(2);
    expect(texts(ws)).toEqual(['user: question', `assistant: ${ANSWER}`]);
  });

  it('two empty replies end the run with exit 1; -c then sends each prompt once', async () => {
    server = await startScriptedServer([{}, { reasoning: 'Hmm.' }]);
    const ws = workspace();
    const result = await nanocode(ws, ['first question'], envFor(server));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n').at(-1)).toBe('nanocode: the model sent an empty reply (no text and no tool calls) (after 2 attempts)');
    expect(texts(ws)).toEqual(['user: first question']);

    server.push({ text: ANSWER });
    const next = await nanocode(ws, ['-c', 'second question'], envFor(server));
    expect(next.code).toBe(0);
    expect(next.stdout).toBe(`${ANSWER}\n`);
    const sent = JSON.stringify(server.turnRequests().at(-1)!.body.messages);
    expect(sent.split('first question')).toHaveLength(2);
    expect(sent.split('second question')).toHaveLength(2);
    expect(server.turnRequests().at(-1)!.body.messages.filter((m: any) => m.role === 'assistant')).toEqual([]);
    expect(ws.sessionFiles()).toHaveLength(1);
    expect(texts(ws)).toEqual(['user: first question', 'user: second question', `assistant: ${ANSWER}`]);
  });

  it('a provider error that echoes the key is redacted on screen, in JSON and on disk', async () => {
    const echo = (status: number): ScriptTurn => ({ fault: { kind: 'status', status, message: 'rejected', echoKey: true } });
    server = await startScriptedServer([echo(500), echo(401), echo(500), echo(401)]);
    const ws = workspace();
    const text = await nanocode(ws, ['question'], envFor(server));
    const json = await nanocode(ws, ['--mode', 'json', 'question'], envFor(server));
    // The server did echo it: the check below is not vacuous.
    expect(server.turnRequests()).toHaveLength(4);
    for (const result of [text, json]) {
      expect(result.code).toBe(1);
      expect(result.stdout + result.stderr).not.toContain(key);
      expect(result.stdout + result.stderr).not.toContain(key.slice(0, 20));
    }
    expect(text.stderr).toMatch(/retrying in .*: HTTP 500: rejected: incorrect API key provided: \[REDACTED[^\]]*\]\n/);
    expect(text.stderr).toMatch(/nanocode: HTTP 401: rejected: incorrect API key provided: \[REDACTED[^\]]*\] \(after 2 attempts\)\n$/);
    const events = jsonLines(json.stdout);
    expect(events.find((e) => e.type === 'retry').message).toContain('[REDACTED');
    expect(events.find((e) => e.type === 'error').message).toContain('[REDACTED');
    expect(allText(ws.home) + allText(ws.cwd)).not.toContain(key);
  });
});

describe('choosing the model', () => {
  it('OPENAI_BASE_URL and no model named: the first model the server lists, named on stderr', async () => {
    server = await startScriptedServer([{ text: ANSWER }, { text: ANSWER }], { models: ['local-coder', 'another-model'] });
    const ws = workspace();
    const env = { OPENAI_BASE_URL: server.openaiBaseURL };
    const text = await nanocode(ws, ['question'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`${ANSWER}\n`);
    expect(text.stderr).toBe(`nanocode: no model named; using local-coder, the first model ${server.openaiBaseURL}/models lists (name another with --model)\n`);
    const json = await nanocode(ws, ['--mode', 'json', 'question'], env);
    expect(json.code).toBe(0);
    expect(jsonLines(json.stdout).at(-1)).toMatchObject({ type: 'result', text: ANSWER });
    expect(json.stdout).not.toContain('no model named');
    expect(json.stderr).toContain('using local-coder');
    expect(server.turnRequests().map((r) => r.body.model)).toEqual(['local-coder', 'local-coder']);
    expect(ws.records()[0]).toMatchObject({ type: 'session', model: 'local-coder' });
  });

  it('a named model is used as named, without asking /models', async () => {
    server = await startScriptedServer([{ text: ANSWER }], { models: ['local-coder'] });
    const ws = workspace();
    const result = await nanocode(ws, ['--model', 'my-model', 'question'], { OPENAI_BASE_URL: server.openaiBaseURL });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/chat/completions']);
    expect(server.turnRequests()[0].body.model).toBe('my-model');
  });

  it('a server that lists no models: the default model, and a note saying so', async () => {
    server = await startScriptedServer([{ text: ANSWER }], { models: [] });
    const ws = workspace();
    const result = await nanocode(ws, ['question'], { OPENAI_BASE_URL: server.openaiBaseURL });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`nanocode: no model named and ${server.openaiBaseURL}/models lists none; using gpt-5.2\n`);
    expect(server.turnRequests()[0].body.model).toBe('gpt-5.2');
  });

  it.each([
    ['--model anthropic/claude-x', ['--model', 'anthropic/claude-x'], {}, 'ANTHROPIC_API_KEY is not set'],
    ['NANOCODE_MODEL=anthropic/claude-x', [], { NANOCODE_MODEL: 'anthropic/claude-x' }, 'ANTHROPIC_API_KEY is not set'],
    ['--model gemini/gemini-x', ['--model', 'gemini/gemini-x'], {}, 'GEMINI_API_KEY (or GOOGLE_GENERATIVE_AI_API_KEY) is not set'],
    ['--model openrouter/qwen/qwen3-coder', ['--model', 'openrouter/qwen/qwen3-coder'], {}, 'OPENROUTER_API_KEY is not set'],
  ])('%s without its key: exit 2 naming the variable', async (_what, args, extra, message) => {
    server = await startScriptedServer([{ text: ANSWER }]);
    const ws = workspace();
    // Another provider's key is set: nanocode must not quietly use it instead.
    const result = await nanocode(ws, [...args, 'question'], { OPENAI_API_KEY: OPENAI_KEY, DEEPSEEK_API_KEY: 'sk-deepseek-0123456789abcdef', ...extra });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`nanocode: ${message}`);
    expect(result.stderr).toContain('.env');
    expect(ws.sessionFiles()).toEqual([]);
  });

  it('openai/<model> with OPENAI_BASE_URL needs no key (a local server)', async () => {
    server = await startScriptedServer([{ text: ANSWER }]);
    const ws = workspace();
    const result = await nanocode(ws, ['--model', 'openai/local', 'question'], { OPENAI_BASE_URL: server.openaiBaseURL });
    expect(result.code).toBe(0);
    expect(server.turnRequests()[0].body.model).toBe('local');
  });
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}
