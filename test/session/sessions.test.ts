// Sessions survive the process: written as events happen, resumable, forkable,
// robust to crashes and broken files, and free of secrets.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSession } from '../../src/session/load.ts';
import { projectSlug } from '../../src/session/records.ts';
import { run, start, tempDir } from '../support/cli.ts';
import { waitUntil } from '../support/scenario.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());

function workspace() {
  const home = tempDir('nanocode-home-');
  const cwd = tempDir();
  const dir = join(home, 'sessions', projectSlug(cwd));
  const files = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')).map((f) => join(dir, f)) : []);
  return { home, cwd, dir, files };
}

const env = (s: ScriptedServer, home: string, extra: Record<string, string> = {}) => ({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: home, ...extra });
/** Runs nanocode and kills it with SIGKILL once its output shows `marker`. */
async function killWhen(args: string[], opts: Parameters<typeof start>[1], marker: string): Promise<void> {
  const { child, done } = start(args, opts);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  try {
    await waitUntil(() => out.includes(marker), `${marker} in the output`);
  } finally {
    child.kill('SIGKILL');
  }
  await done;
}

const hash = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
/** The user's words in a request's message: its first text part (context parts follow it). */
const words = (content: any) => (typeof content === 'string' ? content : content[0].text);
/** The conversation of a request, system prompt left out: user texts, assistant calls. */
const roles = (msgs: any[]) => msgs.slice(1).map((m) => (m.role === 'user' ? `user:${words(m.content)}` : m.role === 'assistant' ? `assistant:${m.tool_calls ? 'call' : ''}` : `${m.role}:`));

describe('writing and continuing', () => {
  it('writes a JSONL session as it happens and --continue sends the conversation back', async () => {
    const w = workspace();
    server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: 'echo one' } }] }, { text: 'first answer' }, { text: 'second answer' }]);
    expect((await run(['first task'], { cwd: w.cwd, env: env(server, w.home) })).code).toBe(0);
    const [file] = w.files();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'session', version: 1, cwd: w.cwd });
    expect(lines.slice(1).map((r) => `${r.type}:${r.message.role}`)).toEqual(['message:user', 'message:assistant', 'message:tool', 'message:assistant']);
    expect(lines[2].parent).toBe(lines[1].id);

    const r = await run(['--continue', 'second task'], { cwd: w.cwd, env: env(server, w.home) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('second answer\n');
    expect(roles(server.turnRequests()[2].body.messages)).toEqual(['user:first task', 'assistant:call', 'tool:', 'assistant:', 'user:second task']);
    expect(w.files()).toHaveLength(1); // continued in the same file
  });

  it('--no-session keeps nothing; --resume <id> picks a session', async () => {
    const w = workspace();
    server = await startScriptedServer([{ text: 'a' }, { text: 'b' }, { text: 'c' }]);
    await run(['--no-session', 'not kept'], { cwd: w.cwd, env: env(server, w.home) });
    expect(w.files()).toHaveLength(0);
    await run(['kept'], { cwd: w.cwd, env: env(server, w.home) });
    const id = w.files()[0].split('/').at(-1)!.replace('.jsonl', '');
    const r = await run(['--resume', id, 'again'], { cwd: w.cwd, env: env(server, w.home) });
    expect(r.code).toBe(0);
    expect(roles(server.turnRequests()[2].body.messages)).toEqual(['user:kept', 'assistant:', 'user:again']);
    expect((await run(['--resume', 'nope', 'x'], { cwd: w.cwd, env: env(server, w.home) })).stderr).toContain('No session "nope"');
  });
});

describe('crashes and broken files', () => {
  it('after kill -9 mid-stream, --continue sends the conversation up to the last complete record', async () => {
    const w = workspace();
    server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: 'echo done1' } }] }, { text: 'a slow answer that never finishes '.repeat(20), chunkDelayMs: 200 }, { text: 'recovered' }]);
    await killWhen(['--mode', 'json', 'crash me'], { cwd: w.cwd, env: env(server, w.home) }, '"text_delta"');
    const loaded = loadSession(w.files()[0]);
    expect(loaded.messages.map(([m]) => m.role)).toEqual(['user', 'assistant', 'tool']);
    const r = await run(['--continue', 'go on'], { cwd: w.cwd, env: env(server, w.home) });
    expect(r.stdout).toBe('recovered\n');
    expect(roles(server.turnRequests()[2].body.messages)).toEqual(['user:crash me', 'assistant:call', 'tool:', 'user:go on']);
    expect(JSON.stringify(server.turnRequests()[2].body.messages)).toContain('done1');
  });

  it('after kill -9 during a tool, the unanswered call gets a result on resume', async () => {
    const w = workspace();
    server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: 'sleep 30' } }] }, { text: 'resumed' }]);
    await killWhen(['--mode', 'json', 'sleep'], { cwd: w.cwd, env: env(server, w.home) }, '"tool_call"');
    const r = await run(['--continue', 'are you there'], { cwd: w.cwd, env: env(server, w.home) });
    expect(r.stdout).toBe('resumed\n');
    const msgs = server.turnRequests()[1].body.messages;
    expect(msgs.at(-2)).toMatchObject({ role: 'tool', content: '[no result: nanocode stopped before this call finished]' });
  });

  it('loads a session with a torn last line or garbage lines, with warnings, without modifying it', () => {
    const w = workspace();
    const file = join(tempDir(), 's.jsonl');
    const header = { type: 'session', version: 1, id: 's1', cwd: w.cwd, created: '2026-01-01T00:00:00Z', model: 'm' };
    const msg = (id: string, parent: string | null, content: string) => ({ type: 'message', id, parent, ts: '2026-01-01T00:00:00Z', message: { role: 'user', content } });
    writeFileSync(file, `${JSON.stringify(header)}\n${JSON.stringify(msg('a', null, 'hello'))}\nnot json at all\n{"type":"message","id":"b","parent":"a","ts":"x","message":{"role":"assis`);
    const before = hash(file);
    const loaded = loadSession(file);
    expect(loaded.messages.map(([m]) => m.content)).toEqual(['hello']);
    expect(loaded.warnings).toEqual([`${file}: the last line was cut off (a crash while writing?); it was skipped.`, `${file}: 1 unreadable line was skipped.`]);
    expect(hash(file)).toBe(before);
  });

  it('refuses a file that is not a session, with a clear message', async () => {
    const w = workspace();
    server = await startScriptedServer([{ text: 'x' }]);
    await run(['make a session'], { cwd: w.cwd, env: env(server, w.home) });
    const [file] = w.files();
    writeFileSync(file, 'hello, I am a shopping list\n');
    const before = hash(file);
    const r = await run(['--continue', 'x'], { cwd: w.cwd, env: env(server, w.home) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`nanocode: ${file} is not a nanocode session (its first line is not a session header).\n`);
    expect(hash(file)).toBe(before);
  });

  it('continuing a session with a torn last line appends on a fresh line', async () => {
    const w = workspace();
    server = await startScriptedServer([{ text: 'one' }, { text: 'two' }]);
    await run(['first'], { cwd: w.cwd, env: env(server, w.home) });
    const [file] = w.files();
    appendFileSync(file, '{"type":"message","id":"torn","par');
    expect((await run(['--continue', 'second'], { cwd: w.cwd, env: env(server, w.home) })).code).toBe(0);
    const loaded = loadSession(file);
    expect(loaded.messages.map(([m]) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });
});

it('--fork from turn 3 of a 10-turn session sends exactly turns 1-3 plus the new prompt, leaving the original alone', async () => {
  const w = workspace();
  server = await startScriptedServer([...Array.from({ length: 10 }, (_, i) => ({ text: `answer ${i + 1}` })), { text: 'forked answer' }]);
  await run(['prompt 1'], { cwd: w.cwd, env: env(server, w.home) });
  for (let i = 2; i <= 10; i++) await run(['--continue', `prompt ${i}`], { cwd: w.cwd, env: env(server, w.home) });
  const [original] = w.files();
  const before = hash(original);
  const id = original.split('/').at(-1)!.replace('.jsonl', '');
  const r = await run(['--fork', `${id}:3`, 'a different prompt 4'], { cwd: w.cwd, env: env(server, w.home) });
  expect(r.stdout).toBe('forked answer\n');
  expect(roles(server.turnRequests()[10].body.messages)).toEqual(['user:prompt 1', 'assistant:', 'user:prompt 2', 'assistant:', 'user:prompt 3', 'assistant:', 'user:a different prompt 4']);
  expect(JSON.stringify(server.turnRequests()[10].body.messages)).toContain('answer 3');
  expect(JSON.stringify(server.turnRequests()[10].body.messages)).not.toContain('answer 4');
  expect(hash(original)).toBe(before);
  expect(w.files()).toHaveLength(2);
});

it('keeps secrets out of .nanocode.log and the session file', async () => {
  const w = workspace();
  const key = 'sk-test-FAKEKEY0123456789abcdefXYZ';
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: `echo "the key is ${key}"; echo ghp_abcdefghijklmnopqrstuvwxyz0123456789` } }] }, { text: `I saw ${key}.` }]);
  const r = await run(['leak it'], { cwd: w.cwd, env: { ...env(server, w.home), OPENAI_API_KEY: key } });
  expect(r.code).toBe(0);
  const log = readFileSync(join(w.cwd, '.nanocode.log'), 'utf8');
  expect(log).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \[exit code 0\] echo "the key is \[REDACTED:OPENAI_API_KEY\]"; echo \[REDACTED\]\n$/);
  const session = readFileSync(w.files()[0], 'utf8');
  expect(session).not.toContain(key);
  expect(session).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
  expect(session).toContain('[REDACTED:OPENAI_API_KEY]');
  // NANOCODE_LOG=0 turns the log off.
  const w2 = workspace();
  server.push({ toolCalls: [{ name: 'bash', args: { command: 'true' } }] }, { text: 'ok' });
  await run(['no log'], { cwd: w2.cwd, env: { ...env(server, w2.home), NANOCODE_LOG: '0' } });
  expect(existsSync(join(w2.cwd, '.nanocode.log'))).toBe(false);
});
