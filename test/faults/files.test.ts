// Files and search under faults and hostile input, through the built binary
// against the scripted model server: special files, symlinks and loops,
// unreadable paths, ignored folders, malformed patches, a broken ripgrep, a
// write that fails part-way, and spilled command output.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, baseEnv, run, type RunResult, tempDir } from '../support/cli.ts';
import { waitUntil, type Workspace, workspace } from '../support/scenario.ts';
import { type ScriptedServer, type ScriptToolCall, startScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
let socket: Server | undefined;
afterEach(async () => {
  await server?.close();
  socket?.close();
  server = socket = undefined;
});

const KEY = 'sk-files-scenario-0123456789abcdef';
const envFor = (s: ScriptedServer, w: Workspace, extra: Record<string, string> = {}) => ({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: w.home, ...extra });

/** One turn of tool calls, then a closing answer. */
async function scripted(calls: ScriptToolCall[]): Promise<ScriptedServer> {
  server = await startScriptedServer([{ toolCalls: calls }, { text: 'done' }]);
  return server;
}

/** The tool results as the session stored them, in call order. */
const toolResults = (w: Workspace) => w.records().filter((r) => r.type === 'message' && r.message.role === 'tool').map((r) => r.message.content);

/** Processes whose working directory is inside `dir`: a finished run leaves none. */
function processesIn(dir: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/cwd`).startsWith(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** What every scenario ends with: the answer, exit 0, and nothing left running. */
async function expectCleanEnd(r: RunResult, w: Workspace) {
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('done\n');
  expect(r.code).toBe(0);
  await waitUntil(() => processesIn(w.cwd).length === 0, 'no process left in the workspace');
}

/** Runs the binary behind a wrapper command (setpriv, bash -c 'ulimit ...'), as `run` does. */
function runWrapped(wrapper: string[], args: string[], cwd: string, env: Record<string, string>): Promise<RunResult> {
  const child: ChildProcess = spawn(wrapper[0], [...wrapper.slice(1), process.execPath, BIN, ...args], { cwd, env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
}

const which = (cmd: string) => execFileSync('which', [cmd], { encoding: 'utf8' }).trim();
/** Without the power to read everything: root drops it (root reads past file modes), others have none. */
const unprivileged = process.getuid?.() === 0 ? [which('setpriv'), '--bounding-set=-dac_override,-dac_read_search', '--'] : [which('env')];

describe('special files', () => {
  it('every file tool refuses a FIFO, a socket and a device by type, without blocking, and the run goes on', async () => {
    const w = workspace();
    execFileSync('mkfifo', [join(w.cwd, 'fifo')]);
    socket = createServer().listen(join(w.cwd, 'sock'));
    await once(socket, 'listening');
    symlinkSync('/dev/zero', join(w.cwd, 'zero'));
    const s = await scripted([
      { name: 'read', args: { path: 'fifo' } },
      { name: 'read', args: { path: 'sock' } },
      { name: 'read', args: { path: 'zero' } },
      { name: 'grep', args: { pattern: 'x', path: 'fifo' } },
      { name: 'write', args: { path: 'fifo', content: 'x' } },
      { name: 'edit', args: { path: 'fifo', oldText: 'a', newText: 'b' } },
      { name: 'apply_patch', args: { patch: '--- a/fifo\n+++ b/fifo\n@@ -1 +1 @@\n-a\n+b\n' } },
    ]);
    const r = await run(['-p', 'read the special files'], { cwd: w.cwd, env: envFor(s, w) });
    await expectCleanEnd(r, w);
    const fifo = 'fifo is a FIFO (named pipe), not a regular file; the file tools only open regular files.';
    expect(toolResults(w)).toEqual([
      fifo,
      'sock is a socket, not a regular file; the file tools only open regular files.',
      'zero is a character device, not a regular file; the file tools only open regular files.',
      fifo,
      `${fifo} Nothing was written.`,
      fifo,
      fifo,
    ]);
    expect(lstatSync(join(w.cwd, 'fifo')).isFIFO()).toBe(true);
    expect(readdirSync(w.cwd).sort()).toEqual(['fifo', 'sock', 'zero']);
  });
});

describe('symlinks', () => {
  it('write and edit through a symlink change the file it points to, keep the link and say so', async () => {
    const w = workspace();
    mkdirSync(join(w.cwd, 'conf'));
    writeFileSync(join(w.cwd, 'conf/real.ini'), 'debug = false\n');
    symlinkSync('conf/real.ini', join(w.cwd, 'app.ini'));
    server = await startScriptedServer([
      { toolCalls: [{ name: 'write', args: { path: 'app.ini', content: 'debug = false\nlevel = 1\n' } }] },
      { toolCalls: [{ name: 'edit', args: { path: 'app.ini', oldText: 'debug = false', newText: 'debug = true' } }] },
      { text: 'done' },
    ]);
    const r = await run(['-p', 'turn on debugging'], { cwd: w.cwd, env: envFor(server, w) });
    await expectCleanEnd(r, w);
    expect(toolResults(w)).toEqual([
      'Wrote app.ini: 2 lines, 24 bytes. app.ini is a symlink: its target conf/real.ini was changed and the link kept.',
      'Edited app.ini: 1 replacement, +1 -1 lines. app.ini is a symlink: its target conf/real.ini was changed and the link kept.',
    ]);
    expect(readlinkSync(join(w.cwd, 'app.ini'))).toBe('conf/real.ini');
    expect(readFileSync(join(w.cwd, 'conf/real.ini'), 'utf8')).toBe('debug = true\nlevel = 1\n');
    expect(readdirSync(join(w.cwd, 'conf'))).toEqual(['real.ini']);
  });

  it('a symlink loop is reported as a loop by every tool that takes a path, not as a missing file', async () => {
    const w = workspace();
    symlinkSync('loop', join(w.cwd, 'loop'));
    const s = await scripted([
      { name: 'read', args: { path: 'loop' } },
      { name: 'write', args: { path: 'loop', content: 'x' } },
      { name: 'edit', args: { path: 'loop', oldText: 'a', newText: 'b' } },
      { name: 'apply_patch', args: { patch: '--- a/loop\n+++ b/loop\n@@ -1 +1 @@\n-a\n+b\n' } },
      { name: 'ls', args: { path: 'loop' } },
      { name: 'glob', args: { pattern: '*', path: 'loop' } },
      { name: 'find', args: { pattern: 'x', path: 'loop' } },
      { name: 'grep', args: { pattern: 'x', path: 'loop' } },
    ]);
    const r = await run(['-p', 'look at loop'], { cwd: w.cwd, env: envFor(s, w) });
    await expectCleanEnd(r, w);
    const loop = 'loop is a symlink loop: following its links never reaches a file.';
    expect(toolResults(w)).toEqual([loop, `${loop} Nothing was written.`, loop, loop, loop, loop, loop, loop]);
    expect(readlinkSync(join(w.cwd, 'loop'))).toBe('loop');
  });
});

describe('paths that are not files', () => {
  it('an empty path or a folder gets a clear error from read, write, edit and apply_patch', async () => {
    const w = workspace();
    mkdirSync(join(w.cwd, 'src'));
    const s = await scripted([
      { name: 'read', args: { path: '' } },
      { name: 'read', args: { path: 'src' } },
      { name: 'write', args: { path: '', content: 'x' } },
      { name: 'write', args: { path: 'src', content: 'x' } },
      { name: 'edit', args: { path: '', oldText: 'a', newText: 'b' } },
      { name: 'edit', args: { path: 'src', oldText: 'a', newText: 'b' } },
      { name: 'apply_patch', args: { patch: '--- a/\n+++ b/\n@@ -1 +1 @@\n-a\n+b\n' } },
      { name: 'apply_patch', args: { patch: '--- a/src\n+++ b/src\n@@ -1 +1 @@\n-a\n+b\n' } },
    ]);
    const r = await run(['-p', 'edit nothing'], { cwd: w.cwd, env: envFor(s, w) });
    await expectCleanEnd(r, w);
    const empty = 'The path is empty; give the path of a file.';
    expect(toolResults(w)).toEqual([
      empty,
      'src is a folder, not a file; use ls to list it.',
      empty,
      'src is a folder, not a file. Nothing was written.',
      empty,
      'src is a folder, not a file.',
      'Cannot parse the patch: line 1: the file header names no file. Nothing was changed.',
      'src is a folder, not a file.',
    ]);
    expect(readdirSync(join(w.cwd, 'src'))).toEqual([]);
  });
});

describe('atomic writes', () => {
  it('a write that fails part-way (the file size limit) keeps the old file and leaves no temporary file', async () => {
    const w = workspace();
    writeFileSync(join(w.cwd, 'data.txt'), 'the old content\n');
    const s = await scripted([{ name: 'write', args: { path: 'data.txt', content: 'x'.repeat(200_000) } }]);
    // No session or log here: they would meet the same limit (sessions under faults are tested elsewhere).
    const r = await runWrapped([which('bash'), '-c', 'ulimit -f 100; exec "$@"', 'bash'], ['--no-session', '-p', 'write a lot'], w.cwd, { ...envFor(s, w), NANOCODE_LOG: '0' });
    await expectCleanEnd(r, w);
    const result = JSON.stringify(s.turnRequests()[1].body.messages.at(-1));
    expect(result).toContain('file too large');
    expect(result).toContain('Nothing was written.');
    expect(readdirSync(w.cwd)).toEqual(['data.txt']);
    expect(readFileSync(join(w.cwd, 'data.txt'), 'utf8')).toBe('the old content\n');
  });
});

describe('grep and unreadable paths', () => {
  it.each([
    ['ripgrep', () => process.env.PATH!],
    ['the built-in matcher', () => tempDir('nanocode-no-rg-')],
  ])('with %s, returns every match it can read and names the 40 files and 1 folder it cannot', async (_backend, path) => {
    const w = workspace();
    for (let i = 0; i < 40; i++) writeFileSync(join(w.cwd, `locked-${String(i).padStart(2, '0')}.txt`), 'needle\n');
    for (let i = 0; i < 40; i++) chmodSync(join(w.cwd, `locked-${String(i).padStart(2, '0')}.txt`), 0);
    mkdirSync(join(w.cwd, 'closed'));
    writeFileSync(join(w.cwd, 'closed/inside.txt'), 'needle\n');
    chmodSync(join(w.cwd, 'closed'), 0);
    writeFileSync(join(w.cwd, 'open.txt'), 'a needle\n');
    mkdirSync(join(w.cwd, 'sub'));
    writeFileSync(join(w.cwd, 'sub/more.txt'), 'another needle\n');
    try {
      const s = await scripted([{ name: 'grep', args: { pattern: 'needle' } }]);
      const r = await runWrapped(unprivileged, ['-p', 'find the needles'], w.cwd, { ...envFor(s, w), PATH: path() });
      await expectCleanEnd(r, w);
      const locked = Array.from({ length: 9 }, (_, i) => `locked-${String(i).padStart(2, '0')}.txt (permission denied)`);
      expect(toolResults(w)).toEqual([`open.txt:1: a needle\nsub/more.txt:1: another needle\n[could not read 41 paths: closed (permission denied), ${locked.join(', ')}, and 31 more]`]);
    } finally {
      chmodSync(join(w.cwd, 'closed'), 0o755);
    }
  });

  it('a broken ripgrep on PATH (it prints garbage): grep answers from the built-in matcher and the run goes on', async () => {
    const w = workspace();
    writeFileSync(join(w.cwd, 'a.txt'), 'needle\n');
    const bin = tempDir('nanocode-bin-');
    writeFileSync(join(bin, 'rg'), '#!/bin/sh\necho "<html>not ripgrep</html>"\necho "{broken"\n', { mode: 0o755 });
    const s = await scripted([{ name: 'grep', args: { pattern: 'needle' } }]);
    const r = await run(['-p', 'grep'], { cwd: w.cwd, env: envFor(s, w, { PATH: `${bin}:${process.env.PATH}` }) });
    await expectCleanEnd(r, w);
    expect(toolResults(w)).toEqual([`a.txt:1: needle\n[ripgrep failed (${bin}/rg printed output that is not ripgrep's JSON: "<html>not ripgrep</html>"); searched with the built-in matcher instead]`]);
  });
});

describe('ignored folders asked for by name', () => {
  it('glob, find, ls and grep search node_modules/x although the .gitignore above ignores node_modules', async () => {
    const w = workspace();
    mkdirSync(join(w.cwd, '.git'));
    writeFileSync(join(w.cwd, '.gitignore'), 'node_modules/\n');
    mkdirSync(join(w.cwd, 'node_modules/x/lib'), { recursive: true });
    writeFileSync(join(w.cwd, 'node_modules/x/package.json'), '{ "name": "x", "version": "1.2.3" }\n');
    writeFileSync(join(w.cwd, 'node_modules/x/lib/index.js'), 'module.exports = 1;\n');
    const s = await scripted([
      { name: 'glob', args: { pattern: '**/package.json', path: 'node_modules/x' } },
      { name: 'find', args: { pattern: 'index', path: 'node_modules/x' } },
      { name: 'ls', args: { path: 'node_modules/x' } },
      { name: 'grep', args: { pattern: 'version', path: 'node_modules/x' } },
      { name: 'glob', args: { pattern: '**/package.json' } },
    ]);
    const r = await run(['-p', 'which version of x'], { cwd: w.cwd, env: envFor(s, w) });
    await expectCleanEnd(r, w);
    expect(toolResults(w)).toEqual([
      'node_modules/x/package.json',
      'node_modules/x/lib/index.js',
      'lib/\npackage.json',
      'node_modules/x/package.json:1: { "name": "x", "version": "1.2.3" }',
      'No files match **/package.json in ..',
    ]);
  });
});

describe('apply_patch', () => {
  it('moves a file on --- a/x +++ b/y, with its hunks, and on a git rename', async () => {
    const w = workspace();
    writeFileSync(join(w.cwd, 'util.py'), 'def helper():\n    return 1\n');
    writeFileSync(join(w.cwd, 'notes.md'), '# notes\n');
    const patch = [
      '--- a/util.py',
      '+++ b/lib/helpers.py',
      '@@ -1,2 +1,2 @@',
      '-def helper():',
      '+def help_me():',
      '     return 1',
      'diff --git a/notes.md b/docs/notes.md',
      'similarity index 100%',
      'rename from notes.md',
      'rename to docs/notes.md',
      '',
    ].join('\n');
    const s = await scripted([{ name: 'apply_patch', args: { patch } }]);
    const r = await run(['-p', 'reorganise'], { cwd: w.cwd, env: envFor(s, w) });
    await expectCleanEnd(r, w);
    expect(toolResults(w)).toEqual(['Applied the patch: moved util.py to lib/helpers.py, moved notes.md to docs/notes.md.']);
    expect(existsSync(join(w.cwd, 'util.py'))).toBe(false);
    expect(existsSync(join(w.cwd, 'notes.md'))).toBe(false);
    expect(readFileSync(join(w.cwd, 'lib/helpers.py'), 'utf8')).toBe('def help_me():\n    return 1\n');
    expect(readFileSync(join(w.cwd, 'docs/notes.md'), 'utf8')).toBe('# notes\n');
  });

  it('a malformed patch gets a message naming its line, never a TypeError, and nothing changes', async () => {
    const w = workspace();
    writeFileSync(join(w.cwd, 'a.txt'), 'one\ntwo\n');
    const s = await scripted([
      { name: 'apply_patch', args: { patch: '--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n one\n-two\n+TWO\n+extra\n' } },
      { name: 'apply_patch', args: { patch: '@@ -1 +1 @@\n-one\n+ONE\n' } },
      { name: 'apply_patch', args: { patch: '--- a/a.txt\n+++ b/a.txt\n@@ one two @@\n-one\n+ONE\n' } },
    ]);
    const r = await run(['-p', 'patch it'], { cwd: w.cwd, env: envFor(s, w) });
    await expectCleanEnd(r, w);
    expect(toolResults(w)).toEqual([
      'Cannot parse the patch: line 3: Hunk at line 3 has more lines than expected (expected 2 old lines and 2 new lines). Nothing was changed.',
      'Cannot parse the patch: line 1: this hunk has no file header before it (--- a/file and +++ b/file). Nothing was changed.',
      'Cannot parse the patch: line 3: a hunk header looks like "@@ -12,3 +12,4 @@", not "@@ one two @@". Nothing was changed.',
    ]);
    expect(readFileSync(join(w.cwd, 'a.txt'), 'utf8')).toBe('one\ntwo\n');
  });
});

describe('spilled output', () => {
  it('is kept in a private 0600 file, redacted, and removed when the run ends', async () => {
    const w = workspace();
    const tmp = tempDir('nanocode-tmpdir-');
    // The key reaches the output through a file: the shell's environment has no secrets.
    writeFileSync(join(w.cwd, 'leak.txt'), `key=${KEY} token=ghp_${'b'.repeat(36)}\n`);
    let logPath: string | undefined;
    server = await startScriptedServer([], {
      respond(body) {
        const last = body.messages.at(-1);
        if (last.role === 'user') return { toolCalls: [{ name: 'bash', args: { command: 'seq 1 5000; cat leak.txt; seq 1 5000' } }] };
        if (!logPath) {
          logPath = /full output in (\S+)\]/.exec(last.content)![1];
          return { toolCalls: [{ name: 'bash', args: { command: `stat -c '%a' ${dirname(logPath)} ${logPath}; grep key= ${logPath}` } }] };
        }
        return { text: 'done' };
      },
    });
    const r = await run(['-p', 'print a lot'], { cwd: w.cwd, env: envFor(server, w, { TMPDIR: tmp }) });
    await expectCleanEnd(r, w);
    expect(dirname(logPath!).startsWith(join(tmp, 'nanocode-output-'))).toBe(true);
    // As the model saw it (the session store redacts on its own).
    const seen = server.turnRequests()[2].body.messages.at(-1).content;
    expect(seen).toBe('700\n600\nkey=[REDACTED:OPENAI_API_KEY] token=[REDACTED]\n[exit code 0]');
    expect(toolResults(w)[1]).toBe(seen);
    // Node's own compile cache may live there too; nothing of nanocode's does.
    expect(readdirSync(tmp).filter((f) => f.startsWith('nanocode'))).toEqual([]);
  });
});
