// Sessions never lose work: two processes on one session, damaged lines, a
// full disk, an unwritable folder, permissions, empty sessions, forks, and
// the command log kept out of git. Driven through the built binary against
// the scripted model server; files on disk and reloaded sessions checked.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadSession } from '../../src/session/load.ts';
import { projectSlug } from '../../src/session/records.ts';
import { run, start, tempDir } from '../support/cli.ts';
import { expectGone, killAll, pidsOf, uniqueName, waitUntil, workspace, type Workspace } from '../support/scenario.ts';
import { type ScriptedServer, type ScriptTurn, startScriptedServer } from '../support/scripted-server.ts';
import { openPane, type Pane } from '../support/tmux.ts';

let server: ScriptedServer | undefined;
let pane: Pane | undefined;
const names: string[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const name of names.splice(0)) killAll(name);
  pane?.kill();
  pane = undefined;
  for (const c of cleanups.splice(0).reverse()) c();
  await server?.close();
  server = undefined;
});

const env = (s: ScriptedServer, w: Workspace, extra: Record<string, string> = {}) => ({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: w.home, ...extra });
const sessionFolder = (w: Workspace) => join(w.home, 'sessions', projectSlug(w.cwd));
const lockFiles = (w: Workspace) => (existsSync(sessionFolder(w)) ? readdirSync(sessionFolder(w)).filter((f) => f.includes('.lock')) : []);
const recordsOf = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const mode = (path: string) => statSync(path).mode & 0o777;
/** The user's words in a request's message: its first text part (context parts follow it). */
const words = (content: any) => (typeof content === 'string' ? content : content[0].text);
/** The conversation of a request, system prompt left out: user texts, assistant texts or calls, tool results. */
const conversation = (msgs: any[]) =>
  msgs.slice(1).map((m) => (m.role === 'user' ? `user:${words(m.content)}` : m.role === 'assistant' ? `assistant:${m.tool_calls ? 'call' : m.content}` : `tool:${m.content}`));
const lastRequest = () => server!.turnRequests().at(-1)!.body.messages;
/** A process name for `exec -a`, killed after the test whatever happens. */
const marker = (label: string) => {
  const name = uniqueName(label);
  names.push(name);
  return name;
};

/** A session of `turns` prompts ("prompt 1" ... answered "answer 1" ...), continued with -c. */
async function sessionOf(w: Workspace, turns: number): Promise<string> {
  for (let i = 1; i <= turns; i++) {
    server!.push({ text: `answer ${i}` });
    const r = await run([...(i > 1 ? ['-c'] : []), `prompt ${i}`], { cwd: w.cwd, env: env(server!, w) });
    expect(r.code).toBe(0);
  }
  expect(w.sessionFiles()).toHaveLength(1);
  return w.sessionFiles()[0];
}

it('two processes continuing one session at once: the second branches off with a notice, no record is lost', async () => {
  const w = workspace();
  const sleeper = marker('locked');
  server = await startScriptedServer([]);
  const original = await sessionOf(w, 1);
  const originalId = recordsOf(original)[0].id;
  server.push({ toolCalls: [{ name: 'bash', args: { command: `(exec -a ${sleeper} sleep 1000); echo woke` } }] }, { text: 'B done' }, { text: 'A done' });

  const a = start(['-c', 'task A'], { cwd: w.cwd, env: env(server, w), timeoutMs: 60_000 });
  cleanups.push(() => a.child.kill('SIGKILL'));
  await waitUntil(() => pidsOf(sleeper).length === 1, 'A to run its command (holding the session)');
  const b = await run(['-c', 'task B'], { cwd: w.cwd, env: env(server, w) });
  expect(b.code).toBe(0);
  expect(b.stdout).toBe('B done\n');
  const branch = w.sessionFiles().find((f) => f !== original)!;
  const branchId = recordsOf(branch)[0].id;
  expect(b.stderr).toBe(`nanocode: session ${originalId} is in use by another nanocode (process ${a.child.pid}); continuing in a new session, ${branchId}.\n`);
  expect(conversation(lastRequest())).toEqual(['user:prompt 1', 'assistant:answer 1', 'user:task B']);

  for (const pid of pidsOf(sleeper)) process.kill(pid, 'SIGKILL');
  const ra = await a.done;
  expect(ra.code).toBe(0);
  expect(ra.stdout).toBe('A done\n');
  await expectGone(sleeper);

  // A's records all in the original; B's in the branch, linked to the record it branched from.
  const orig = recordsOf(original);
  expect(orig.slice(1).map((r) => `${r.message.role}`)).toEqual(['user', 'assistant', 'user', 'assistant', 'tool', 'assistant']);
  expect(orig.at(-1).message.content).toEqual([{ type: 'text', text: 'A done' }]);
  const fork = recordsOf(branch);
  expect(fork[0]).toMatchObject({ type: 'session', forkedFrom: { session: originalId, record: orig[2].id } });
  expect(fork.slice(1, 3)).toEqual(orig.slice(1, 3));
  expect(fork[3]).toMatchObject({ parent: orig[2].id, message: { role: 'user', content: expect.stringMatching(/^task B/) } });
  expect(loadSession(branch).messages.map(([m]) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  expect(loadSession(original).messages).toHaveLength(6);
  expect(lockFiles(w)).toEqual([]);
});

it('a lock left by a killed process is stale: --continue appends to the same file, with no notice', async () => {
  const w = workspace();
  const sleeper = marker('killed');
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: `(exec -a ${sleeper} sleep 1000)` } }] }, { text: 'back again' }]);
  const { child, done } = start(['task'], { cwd: w.cwd, env: env(server, w) });
  cleanups.push(() => child.kill('SIGKILL'));
  await waitUntil(() => pidsOf(sleeper).length === 1, 'the command to start');
  expect(lockFiles(w)).toHaveLength(1);
  child.kill('SIGKILL');
  await done;
  killAll(sleeper); // the shell's own group outlives a kill -9 of nanocode; not this test's subject
  expect(lockFiles(w)).toHaveLength(1); // left behind by kill -9
  expect(mode(join(sessionFolder(w), lockFiles(w)[0]))).toBe(0o600);

  const r = await run(['-c', 'go on'], { cwd: w.cwd, env: env(server, w) });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('back again\n');
  expect(r.stderr).toBe('');
  expect(w.sessionFiles()).toHaveLength(1);
  expect(conversation(lastRequest())).toEqual(['user:task', 'assistant:call', 'tool:[no result: nanocode stopped before this call finished]', 'user:go on']);
  expect(lockFiles(w)).toEqual([]);
  await expectGone(sleeper);
});

it('a damaged line in the middle loses that record only: the history before and after it is kept', async () => {
  const w = workspace();
  server = await startScriptedServer([]);
  const file = await sessionOf(w, 3);
  const lines = readFileSync(file, 'utf8').split('\n');
  expect(JSON.parse(lines[4]).message.role).toBe('assistant'); // "answer 2"
  lines[4] = '{"type":"message","id":"damaged by a bad disk';
  writeFileSync(file, lines.join('\n'));

  server.push({ text: 'still here' });
  const r = await run(['-c', 'prompt 4'], { cwd: w.cwd, env: env(server, w) });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('still here\n');
  expect(r.stderr).toBe(`nanocode: ${file}: 1 unreadable line was skipped.\n`);
  expect(conversation(lastRequest())).toEqual(['user:prompt 1', 'assistant:answer 1', 'user:prompt 2', 'user:prompt 3', 'assistant:answer 3', 'user:prompt 4']);
  const loaded = loadSession(file);
  expect(loaded.messages.map(([m]) => m.role)).toEqual(['user', 'assistant', 'user', 'user', 'assistant', 'user', 'assistant']);
  expect(readFileSync(file, 'utf8').split('\n')[4]).toBe(lines[4]); // the damaged line is left as it was
});

it('a damaged line that a compaction kept history from: the history after it is kept', () => {
  const dir = tempDir();
  const file = join(dir, 's.jsonl');
  const ts = '2026-01-01T00:00:00Z';
  const msg = (id: string, parent: string | null, role: string, content: string) => JSON.stringify({ type: 'message', id, parent, ts, message: { role, content } });
  writeFileSync(
    file,
    [
      JSON.stringify({ type: 'session', version: 1, id: 's', cwd: dir, created: ts, model: 'm' }),
      msg('u1', null, 'user', 'one'),
      msg('a1', 'u1', 'assistant', 'first'),
      'garbage where u2 was',
      msg('a2', 'u2', 'assistant', 'second'),
      JSON.stringify({ type: 'compaction', id: 'c', parent: 'a2', ts, summary: { role: 'user', content: 'summary' }, firstKept: 'u2', tokensBefore: 9, tokensAfter: 3 }),
      msg('u3', 'c', 'user', 'three'),
      '',
    ].join('\n'),
  );
  const loaded = loadSession(file);
  expect(loaded.messages.map(([m]) => m.content)).toEqual(['summary', 'second', 'three']);
  expect(loaded.warnings).toEqual([`${file}: 1 unreadable line was skipped.`]);
});

/** Mounts a tiny tmpfs as the session folder; false where mounting is not permitted. */
function tinyDisk(dir: string): boolean {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', dir]);
  if (r.status !== 0) return false;
  cleanups.push(() => void spawnSync('umount', ['-l', dir]));
  return true;
}

it('a full disk mid-run: one warning, the run goes on, and the session continues once there is room', async (ctx) => {
  const w = workspace();
  const dir = sessionFolder(w);
  if (!tinyDisk(dir)) return ctx.skip('mounting a tmpfs is not permitted here');
  server = await startScriptedServer([
    { toolCalls: [{ name: 'bash', args: { command: `head -c 1000000 /dev/zero > ${dir}/filler 2>/dev/null; seq 1 3000` } }] },
    { text: 'finished anyway' },
  ]);
  // The command writes into nanocode's own folder, which the gate asks for and the sandbox keeps read-only.
  const r = await run(['--yes', '--sandbox', 'off', 'fill the disk'], { cwd: w.cwd, env: env(server, w) });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('finished anyway\n');
  expect(r.stderr).toBe('nanocode: session no longer saved: ENOSPC: no space left on device, write\n');
  // What was written before the disk filled is there and loads.
  const [file] = w.sessionFiles();
  expect(mode(file)).toBe(0o600);
  expect(loadSession(file).messages.map(([m]) => m.role).slice(0, 2)).toEqual(['user', 'assistant']);
  expect(lockFiles(w)).toEqual([]);

  rmSync(join(dir, 'filler'));
  server.push({ text: 'room again' });
  const again = await run(['-c', 'go on'], { cwd: w.cwd, env: env(server, w) });
  expect(again.code).toBe(0);
  expect(again.stdout).toBe('room again\n');
  expect(conversation(lastRequest()).slice(0, 2)).toEqual(['user:fill the disk', 'assistant:call']);
  expect(conversation(lastRequest()).at(-1)).toBe('user:go on');
  expect(loadSession(file).messages.map(([m]) => m.role).slice(-2)).toEqual(['user', 'assistant']);
});

/** Makes a folder unwritable even for root: immutable where chattr works, else read-only. */
function unwritable(dir: string): boolean {
  if (process.getuid?.() === 0) {
    if (spawnSync('chattr', ['+i', dir]).status !== 0) return false;
    cleanups.push(() => void spawnSync('chattr', ['-i', dir]));
  } else {
    chmodSync(dir, 0o500);
    cleanups.push(() => chmodSync(dir, 0o700));
  }
  return true;
}

it('an unwritable session folder: a warning, the run goes on, nothing is left', async (ctx) => {
  const w = workspace();
  const dir = sessionFolder(w);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!unwritable(dir)) return ctx.skip('cannot make a folder unwritable here');
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: 'echo worked' } }] }, { text: 'answered anyway' }]);
  const r = await run(['hello'], { cwd: w.cwd, env: env(server, w) });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('answered anyway\n');
  expect(r.stderr).toMatch(/^nanocode: session no longer saved: (EPERM: operation not permitted|EACCES: permission denied), \w+ '.*'\n$/);
  expect(conversation(lastRequest())).toEqual(['user:hello', 'assistant:call', 'tool:worked\n[exit code 0]']);
  expect(readdirSync(dir)).toEqual([]);
});

it('a session file made unwritable mid-run: a warning, the run goes on', async (ctx) => {
  const w = workspace();
  const probe = join(w.home, 'probe');
  writeFileSync(probe, '');
  if (process.getuid?.() !== 0 || spawnSync('chattr', ['+i', probe]).status !== 0) return ctx.skip('needs root and chattr to make an open file unwritable');
  spawnSync('chattr', ['-i', probe]);
  const dir = sessionFolder(w);
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: `chattr +i ${dir}/*.jsonl ${dir} && echo locked` } }] }, { text: 'carried on' }]);
  cleanups.push(() => void spawnSync('sh', ['-c', `chattr -i ${dir}/*.jsonl ${dir}`]));
  // chattr needs a capability the sandbox drops, on files in nanocode's own folder.
  const r = await run(['--yes', '--sandbox', 'off', 'lock it'], { cwd: w.cwd, env: env(server, w) });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('carried on\n');
  expect(r.stderr).toBe('nanocode: session no longer saved: EPERM: operation not permitted, write\n');
  expect(conversation(lastRequest()).at(-1)).toBe('tool:locked\n[exit code 0]');
  const [file] = w.sessionFiles();
  expect(loadSession(file).messages.map(([m]) => m.role)).toEqual(['user', 'assistant', 'tool']); // the call, then its answer made up on load
});

it('session files are 0600 and their folders 0700, also when an older version left them open', async () => {
  const w = workspace();
  server = await startScriptedServer([]);
  const file = await sessionOf(w, 1);
  expect(mode(file)).toBe(0o600);
  expect(mode(sessionFolder(w))).toBe(0o700);
  expect(mode(join(w.home, 'sessions'))).toBe(0o700);

  chmodSync(file, 0o644);
  chmodSync(sessionFolder(w), 0o755);
  chmodSync(join(w.home, 'sessions'), 0o755);
  server.push({ text: 'two' }, { text: 'three' });
  expect((await run(['-c', 'again'], { cwd: w.cwd, env: env(server, w) })).code).toBe(0);
  expect(mode(file)).toBe(0o600);
  expect(mode(sessionFolder(w))).toBe(0o700);
  expect(mode(join(w.home, 'sessions'))).toBe(0o700);
  const id = recordsOf(file)[0].id;
  expect((await run(['--fork', `${id}:1`, 'forked'], { cwd: w.cwd, env: env(server, w) })).code).toBe(0);
  for (const f of w.sessionFiles()) expect(mode(f)).toBe(0o600);
  expect(mode(sessionFolder(w))).toBe(0o700);
  expect(mode(join(w.home, 'sessions'))).toBe(0o700);
});

it('-c never continues an empty session: it takes the latest one with messages', async () => {
  const w = workspace();
  server = await startScriptedServer([]);
  const file = await sessionOf(w, 1);
  // An empty session, newer (an older version wrote the header at start).
  const empty = join(sessionFolder(w), '2999-01-01T00-00-00-zzzzzz.jsonl');
  writeFileSync(empty, `${JSON.stringify({ type: 'session', version: 1, id: '2999-01-01T00-00-00-zzzzzz', cwd: w.cwd, created: new Date().toISOString(), model: 'm' })}\n`);
  server.push({ text: 'continued' });
  const r = await run(['-c', 'prompt 2'], { cwd: w.cwd, env: env(server, w) });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('continued\n');
  expect(conversation(lastRequest())).toEqual(['user:prompt 1', 'assistant:answer 1', 'user:prompt 2']);
  expect(recordsOf(file)).toHaveLength(5);
  expect(recordsOf(empty)).toHaveLength(1);
  // With only empty sessions, there is nothing to continue.
  const w2 = workspace();
  mkdirSync(sessionFolder(w2), { recursive: true });
  writeFileSync(join(sessionFolder(w2), 'x.jsonl'), readFileSync(empty));
  const none = await run(['-c', 'anything'], { cwd: w2.cwd, env: env(server, w2) });
  expect(none.code).toBe(2);
  expect(none.stderr).toBe(`nanocode: No earlier session for ${w2.cwd}.\n`);
});

it('a REPL opened and closed without a prompt leaves no session file', async () => {
  const w = workspace();
  server = await startScriptedServer([]);
  pane = openPane(env(server, w), { cwd: w.cwd });
  await pane.waitFor('/help for commands');
  pane.submit('/q');
  await pane.waitFor('EXIT:0');
  expect(w.sessionFiles()).toEqual([]);
  expect(existsSync(join(w.home, 'sessions'))).toBe(false);
});

it('/clear, /fork and /resume in the REPL close the session file they leave', async () => {
  const w = workspace();
  server = await startScriptedServer([
    { text: 'answer one' },
    { text: 'answer two' },
    { toolCalls: [{ name: 'bash', args: { command: "ls -l /proc/$PPID/fd | grep -c '[.]jsonl$'" } }] },
    { text: 'counted' },
  ]);
  // The command looks at nanocode's own process, which the sandbox hides.
  writeFileSync(join(w.home, 'settings.json'), '{"sandbox":{"enabled":false}}');
  pane = openPane(env(server, w), { cwd: w.cwd });
  await pane.waitFor('/help for commands');
  pane.submit('one');
  await pane.waitFor('answer one');
  pane.submit('/clear');
  await pane.waitFor('New conversation.');
  pane.submit('two');
  await pane.waitFor('answer two');
  pane.submit('/fork 1');
  await pane.waitFor('Forked into');
  pane.submit('/resume 1');
  await pane.waitFor('Resumed');
  pane.submit('count the open session files');
  await pane.waitFor('counted');
  expect(conversation(lastRequest()).slice(-2)).toEqual(['assistant:call', 'tool:1\n[exit code 0]']);
  expect(w.sessionFiles()).toHaveLength(3);
  pane.submit('/q');
  await pane.waitFor('EXIT:0');
  expect(lockFiles(w)).toEqual([]);
});

it('a fork followed by a compaction keeps the forked history', async () => {
  const w = workspace();
  const summary: ScriptTurn = { text: '## Goal\n- count' };
  server = await startScriptedServer([], { respond: (b) => (String(b?.messages?.[0]?.content).startsWith('You summarise') ? summary : undefined) });
  for (let i = 1; i <= 3; i++) {
    server.push({ toolCalls: [{ name: 'bash', args: { command: `seq 1 400; echo step ${i}` } }] }, { text: `answer ${i}` });
    expect((await run([...(i > 1 ? ['-c'] : []), `prompt ${i}`], { cwd: w.cwd, env: env(server, w) })).code).toBe(0);
  }
  const [original] = w.sessionFiles();
  // The forked run's first request is too long: compaction, then the retry.
  server.push({ fault: { kind: 'status', status: 400, message: "This model's maximum context length is 8192 tokens." } }, { text: 'after compaction' });
  const r = await run(['--fork', '3', 'prompt 4'], { cwd: w.cwd, env: env(server, w, { NANOCODE_COMPACTION_KEEP_RECENT_TOKENS: '500' }) });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('after compaction\n');
  const kept = conversation(lastRequest());
  expect(kept[0]).toMatch(/^user:\[Summary of the earlier conversation\]/);
  expect(kept.slice(1)).toContain('user:prompt 3'); // history from the forked part is kept
  expect(kept.at(-1)).toBe('user:prompt 4');
  const fork = w.sessionFiles().find((f) => f !== original)!;
  const compaction = recordsOf(fork).find((r) => r.type === 'compaction');
  expect(recordsOf(fork).some((r) => r.id === compaction.firstKept)).toBe(true);
  // Reloaded: the summary and the same kept history as the retried request.
  server.push({ text: 'reloaded' });
  expect((await run(['-c', 'prompt 5'], { cwd: w.cwd, env: env(server, w) })).code).toBe(0);
  // (Tool outputs compared by name only: old ones are snipped in requests, never in the file.)
  const shape = (c: string[]) => c.map((m) => (m.startsWith('tool:') ? 'tool' : m));
  expect(shape(conversation(lastRequest()))).toEqual(shape([...kept, 'assistant:after compaction', 'user:prompt 5']));
});

it('--fork <turn> without a session id forks the latest session', async () => {
  const w = workspace();
  server = await startScriptedServer([]);
  const original = await sessionOf(w, 2);
  const before = readFileSync(original, 'utf8');
  server.push({ text: 'forked answer' });
  const r = await run(['--fork', '1', 'another prompt 2'], { cwd: w.cwd, env: env(server, w) });
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('forked answer\n');
  expect(conversation(lastRequest())).toEqual(['user:prompt 1', 'assistant:answer 1', 'user:another prompt 2']);
  expect(readFileSync(original, 'utf8')).toBe(before);
  const fork = w.sessionFiles().find((f) => f !== original)!;
  expect(recordsOf(fork)[0].forkedFrom.session).toBe(recordsOf(original)[0].id);
});

it('.nanocode.log stays in the working folder, out of git status and out of the git context', async () => {
  const w = workspace();
  const git = (...args: string[]) => execFileSync('git', args, { cwd: w.cwd, encoding: 'utf8' });
  git('init', '-q');
  rmSync(join(w.cwd, '.git', 'info'), { recursive: true, force: true });
  writeFileSync(join(w.cwd, '.nanocode.log'), 'left by an older version\n');
  writeFileSync(join(w.cwd, 'notes.txt'), 'mine\n');
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: 'echo hi' } }] }, { text: 'one' }, { toolCalls: [{ name: 'bash', args: { command: 'echo again' } }] }, { text: 'two' }]);
  expect((await run(['first'], { cwd: w.cwd, env: env(server, w) })).code).toBe(0);
  const [typed, { text: context }] = server.turnRequests()[0].body.messages[1].content;
  expect(typed).toEqual({ type: 'text', text: 'first' });
  expect(context).toMatch(/^<git>\n/);
  expect(context).toContain('?? notes.txt');
  expect(context).not.toContain('.nanocode.log');
  expect(readFileSync(join(w.cwd, '.nanocode.log'), 'utf8')).toContain('echo hi');
  expect(readFileSync(join(w.cwd, '.git', 'info', 'exclude'), 'utf8')).toBe('.nanocode.log\n');
  expect(git('status', '--short')).toBe('?? notes.txt\n');

  expect((await run(['-c', 'second'], { cwd: w.cwd, env: env(server, w) })).code).toBe(0);
  expect(readFileSync(join(w.cwd, '.git', 'info', 'exclude'), 'utf8')).toBe('.nanocode.log\n'); // never twice
  expect(readFileSync(join(w.cwd, '.nanocode.log'), 'utf8')).toContain('echo again');
});

it('a continued session is redacted too: secrets in the environment never reach its file', async () => {
  const w = workspace();
  const key = 'sk-test-CONTINUEDKEY0123456789abcdef';
  server = await startScriptedServer([]);
  const file = await sessionOf(w, 1);
  server.push({ toolCalls: [{ name: 'bash', args: { command: `echo "key: ${key}"` } }] }, { text: `I saw ${key}.` });
  const r = await run(['-c', 'show the key'], { cwd: w.cwd, env: { ...env(server, w), OPENAI_API_KEY: key } });
  expect(r.code).toBe(0);
  const text = readFileSync(file, 'utf8');
  expect(text).not.toContain(key);
  expect(text).toContain('key: [REDACTED:OPENAI_API_KEY]');
  expect(recordsOf(file)).toHaveLength(7);
  // The same on --resume <id>.
  server.push({ text: `again ${key}` });
  expect((await run(['--resume', recordsOf(file)[0].id, 'once more'], { cwd: w.cwd, env: { ...env(server, w), OPENAI_API_KEY: key } })).code).toBe(0);
  expect(readFileSync(file, 'utf8')).not.toContain(key);
  expect(recordsOf(file).at(-1).message.content).toEqual([{ type: 'text', text: 'again [REDACTED:OPENAI_API_KEY]' }]);
});
