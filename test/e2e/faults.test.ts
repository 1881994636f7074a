// Injected faults: each is survived (retried) or reported as specified, and
// bad tool calls reach the model as error results while the loop goes on.
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLines, run } from '../support/cli.ts';
import { type ScriptTurn, type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());

const openai = (s: ScriptedServer) => ({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model' });
const anthropic = (s: ScriptedServer) => ({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: s.anthropicBaseURL });
const ANSWER = 'The answer, after all that, is 42.';

describe.each([
  ['OpenAI', openai],
  ['Anthropic', anthropic],
])('%s protocol', (_name, envFor) => {
  it.each<[string, ScriptTurn]>([
    ['a connection dropped mid-stream', { text: ANSWER, fault: { kind: 'drop', afterChunks: 2 } }],
    ['a 500', { fault: { kind: 'status', status: 500 } }],
    ['a 529 overloaded', { fault: { kind: 'status', status: 529 } }],
    ['malformed JSON in the stream', { text: ANSWER, fault: { kind: 'malformed' } }],
  ])('survives %s by retrying', async (_fault, faulty) => {
    server = await startScriptedServer([faulty, { text: ANSWER }]);
    const result = await run(['--mode', 'json', 'question'], { env: envFor(server) });
    const events = jsonLines(result.stdout);
    expect(result.code).toBe(0);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'result', reason: 'stop', text: ANSWER, exitCode: 0 });
    expect(server.turnRequests()).toHaveLength(2);
  });

  it('honours Retry-After on a 429 and tells the user', async () => {
    server = await startScriptedServer([{ fault: { kind: 'status', status: 429, retryAfter: 1 } }, { text: ANSWER }]);
    const started = Date.now();
    const result = await run(['question'], { env: envFor(server) });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${ANSWER}\n`);
    expect(result.stderr).toMatch(/retrying in 1\.0 s \(attempt 1 of 5\): HTTP 429/);
    const [first, second] = server.turnRequests();
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('survives slow chunks', async () => {
    server = await startScriptedServer([{ text: ANSWER.repeat(4), chunkDelayMs: 40 }]);
    const result = await run(['question'], { env: envFor(server) });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${ANSWER.repeat(4)}\n`);
  });

  it('gives up after 5 retries with the provider message and exit 1', async () => {
    const fault: ScriptTurn = { fault: { kind: 'status', status: 503, message: 'upstream is down' } };
    server = await startScriptedServer(Array(6).fill(fault));
    const result = await run(['--mode', 'json', 'question'], { env: envFor(server) });
    const events = jsonLines(result.stdout);
    expect(result.code).toBe(1);
    expect(events.filter((e) => e.type === 'retry').map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(events.find((e) => e.type === 'error').message).toBe('HTTP 503: upstream is down (after 6 attempts)');
    expect(events.at(-1)).toMatchObject({ type: 'result', reason: 'error', exitCode: 1 });
    expect(server.turnRequests()).toHaveLength(6);
  });

  it.each([400, 401, 403, 404])('does not retry a %i and reports the provider message', async (status) => {
    server = await startScriptedServer([{ fault: { kind: 'status', status, message: `the provider says no (${status})` } }]);
    const result = await run(['question'], { env: envFor(server) });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`nanocode: HTTP ${status}: the provider says no (${status})\n`);
    expect(server.turnRequests()).toHaveLength(1);
  });

  it('asks the model to continue when its output was cut off by the token limit', async () => {
    server = await startScriptedServer([{ text: 'The first half of a long', finish: 'length' }, { text: ANSWER }]);
    const result = await run(['question'], { env: envFor(server) });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${ANSWER}\n`);
    expect(JSON.stringify(server.turnRequests()[1].body.messages)).toContain('cut off by the output token limit');
  });

  it('turns invalid arguments and unknown tools into error results and carries on', async () => {
    server = await startScriptedServer([
      {
        toolCalls: [
          { name: 'read', args: '{"path": "a.txt"' },
          { name: 'read', args: { path: 42 } },
          { name: 'teleport', args: { to: 'mars' } },
        ],
      },
      { text: ANSWER },
    ]);
    const result = await run(['--mode', 'json', 'question'], { env: envFor(server) });
    expect(result.code).toBe(0);
    const results = jsonLines(result.stdout).filter((e) => e.type === 'tool_result');
    expect(results.map((r) => r.isError)).toEqual([true, true, true]);
    expect(results[0].content).toMatch(/^Invalid arguments for read: not valid JSON/);
    expect(results[1].content).toMatch(/^Invalid arguments for read: path: .*expected string/i);
    expect(results[2].content).toBe('Unknown tool "teleport". Available tools: read, write, edit, apply_patch, bash, glob, grep, ls, find.');
    // The model sees all three errors in its next request.
    const next = JSON.stringify(server.turnRequests()[1].body.messages);
    expect(next).toContain('not valid JSON');
    expect(next).toContain('Unknown tool');
  });
});
