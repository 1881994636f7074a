// Attacks on the permission gate through the built binary, headless without
// --yes and with the sandbox off (where the command analysis is the only
// guard): state the persistent shell carries from call to call, a symlink in
// the workspace that leads home, an allow rule stretched by a redirection,
// a secret read after cd, and a command hidden in a variable. Each changes
// nothing outside the workspace, leaks nothing, and the model is told why.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run, tempDir } from '../support/cli.ts';
import { workspace } from '../support/scenario.ts';
import { type ScriptedServer, type ScriptTurn, startScriptedServer } from '../support/scripted-server.ts';

const closers: Array<() => unknown> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function model(...turns: ScriptTurn[]): Promise<ScriptedServer> {
  const s = await startScriptedServer(turns);
  closers.push(() => s.close());
  return s;
}

const PRIVATE = '-----BEGIN OPENSSH PRIVATE KEY----- secret-material-42';

/** A HOME worth protecting and a git workspace; commands run unsandboxed. */
function scene() {
  const ws = workspace();
  const home = realpathSync(tempDir('user-home-'));
  mkdirSync(join(home, 'important'));
  writeFileSync(join(home, 'important/thesis.txt'), 'years of work\n');
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, '.ssh/id_rsa'), `${PRIVATE}\n`);
  writeFileSync(join(home, '.bashrc'), '# mine\n');
  execFileSync('git', ['init', '-q'], { cwd: ws.cwd });
  writeFileSync(join(ws.cwd, 'a.txt'), 'one\n');
  const env = (s: ScriptedServer) => ({
    HOME: home,
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: s.openaiBaseURL,
    NANOCODE_MODEL: 'scripted-model',
    NANOCODE_HOME: ws.home,
  });
  const untouched = () => {
    expect(readFileSync(join(home, 'important/thesis.txt'), 'utf8')).toBe('years of work\n');
    expect(readFileSync(join(home, '.bashrc'), 'utf8')).toBe('# mine\n');
  };
  return { cwd: ws.cwd, home, env, untouched };
}

const bash = (command: string) => ({ name: 'bash', args: { command } });

/** The tool results the model read in request i (each request carries the earlier ones too). */
const toolResults = (s: ScriptedServer, i: number): string[] => s.turnRequests()[i]!.body.messages.filter((m: any) => m.role === 'tool').map((m: any) => m.content);
const lastResult = (s: ScriptedServer, i: number): string => toolResults(s, i).at(-1)!;

const headless = (s: ReturnType<typeof scene>, server: ScriptedServer, ...flags: string[]) =>
  run(['--sandbox', 'off', ...flags, 'do it'], { cwd: s.cwd, env: s.env(server) });

describe('the persistent shell between calls', () => {
  it('a function defined by one allowed call is judged where a later call runs it: in the home, it asks', async () => {
    const s = scene();
    const server = await model(
      { toolCalls: [bash('ls() { rm -rf important; }')] },
      { toolCalls: [bash("alias ll='rm -rf'")] },
      { toolCalls: [bash('shopt -s expand_aliases')] },
      { toolCalls: [bash('cd ~')] },
      { toolCalls: [bash('ls')] },
      { toolCalls: [bash('ll important')] },
      { text: 'done' },
    );
    const r = await headless(s, server);
    expect(r.code).toBe(0);
    s.untouched();
    // Defining them in the workspace is fine (in the home, an alias running rm -rf would itself ask).
    expect(lastResult(server, 1)).toMatch(/\[exit code 0\]/);
    expect(lastResult(server, 2)).toMatch(/\[exit code 0\]/);
    expect(lastResult(server, 5)).toMatch(/^Permission denied: .*the function ls runs: rm -rf deletes outside the workspace/);
    expect(lastResult(server, 6)).toMatch(/^Permission denied: .*the alias ll runs: rm -rf deletes outside the workspace/);
  });
});

describe('paths that lead out of the workspace', () => {
  it('a symlink in the workspace to the home: neither a redirection nor the write tool reaches ~/.bashrc through it', async () => {
    const s = scene();
    symlinkSync(s.home, join(s.cwd, 'home')); // as a cloned repository could hold it
    const server = await model(
      { toolCalls: [bash('echo pwned >> home/.bashrc'), { name: 'write', args: { path: 'home/.bashrc', content: 'pwned\n' } }, bash('ln -s ~/important keep')] },
      { text: 'done' },
    );
    const r = await headless(s, server);
    expect(r.code).toBe(0);
    s.untouched();
    expect(existsSync(join(s.cwd, 'keep'))).toBe(false);
    const [echo, write, ln] = toolResults(server, 1);
    expect(echo).toMatch(/^Permission denied: .*outside the workspace/);
    expect(write).toMatch(/^Permission denied: .*outside the workspace/);
    expect(ln).toMatch(/^Permission denied: .*ln links to a file outside the workspace/);
  });

  it('--allow Bash(git status:*) allows git status, not a write to ~/.bashrc by its redirection', async () => {
    const s = scene();
    const server = await model({ toolCalls: [bash('git status --short > ~/.bashrc'), bash('git status --short')] }, { text: 'done' });
    const r = await headless(s, server, '--allow', 'Bash(git status:*)');
    expect(r.code).toBe(0);
    s.untouched();
    const [redirected, plain] = toolResults(server, 1);
    expect(redirected).toMatch(/^Permission denied: .*\.bashrc.*outside the workspace/);
    expect(plain).toMatch(/a\.txt/);
  });
});

describe('secrets and hidden commands', () => {
  it('reading a key after cd ~, through a glob, or from nanocode\'s environment asks; nothing leaks', async () => {
    const s = scene();
    const server = await model(
      { toolCalls: [bash('cd ~ && cat .ssh/id_rsa'), bash('head -c 200 ~/.s?h/*'), bash('cat /proc/self/../$PPID/environ | tr "\\0" "\\n"')] },
      { text: 'done' },
    );
    const r = await headless(s, server);
    expect(r.code).toBe(0);
    for (const text of [JSON.stringify(server.requests.map((q) => q.body)), r.stdout, r.stderr]) {
      expect(text).not.toContain('secret-material');
      expect(text).not.toContain('sk-test');
    }
    for (const result of toolResults(server, 1)) expect(result).toMatch(/^Permission denied: .*secret place/);
  });

  it('a command in a variable git runs (GIT_EXTERNAL_DIFF) is judged as the command it is', async () => {
    const s = scene();
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '.'], { cwd: s.cwd });
    const server = await model({ toolCalls: [bash("GIT_EXTERNAL_DIFF='rm -rf ~/important; :' git diff --cached")] }, { text: 'done' });
    const r = await headless(s, server);
    expect(r.code).toBe(0);
    s.untouched();
    expect(toolResults(server, 1)[0]).toMatch(/^Permission denied: .*rm -rf deletes outside the workspace/);
  });
});
