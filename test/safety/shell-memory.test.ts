// The persistent shell across calls: a function, alias or PATH change made by
// one allowed command changes what a later command's words mean, so the
// analysis of the later call must know of it.
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Tool } from '../../src/protocol/tool.ts';
import { analyzeCommand } from '../../src/safety/command-analysis.ts';
import type { ShellMemory } from '../../src/safety/command-types.ts';
import { makeGate } from '../../src/safety/gate.ts';
import { bashTool } from '../../src/tools/bash.ts';
import { tempDir } from '../support/cli.ts';

const ws = { cwd: '/work/ws', home: '/home/u' };

/** Analyses each line in turn, in the shell the lines before it left; the classes of all. */
async function session(lines: string[], ctx: { cwd: string; home: string; workspace?: string } = ws) {
  let shell: ShellMemory | undefined;
  const out: Array<{ class: string; reasons: string[] }> = [];
  for (const line of lines) {
    const a = await analyzeCommand(line, { ...ctx, ...(shell && { shell }) });
    shell = a.shell;
    out.push({ class: a.class, reasons: a.reasons });
  }
  return out;
}

describe('what one call leaves in the shell for the next', () => {
  it.each([
    [['ls() { rm -rf build; }', 'cd ~ && ls'], 'the function ls'],
    [['ls() { rm -rf build; }', 'cd ~', 'ls'], null],
    [["alias ls='rm -rf build'", 'cd ~; ls'], 'the alias ls'],
    [["alias del='rm -rf'", 'del ~'], 'outside the workspace'],
    [['git() { echo shadowed; }', 'git push'], 'git push'],
    [['f() { f | f & }', 'f'], 'calls itself'],
  ])('%j: the last is dangerous', async (lines, reason) => {
    // The third row: the shell already stands in the home (cwd of the last call).
    const ctxs = lines.length === 3 ? null : ws;
    const results = ctxs ? await session(lines) : [...(await session(lines.slice(0, 2))), ...(await analyzeLast(lines))];
    expect(results.at(-1)!.class).toBe('dangerous');
    if (reason) expect(results.at(-1)!.reasons.join(' / ')).toContain(reason);
  });

  it('judges a function defined below the workspace root where it is called: rm -rf * at the root', async () => {
    const below = { ...ws, cwd: '/work/ws/sub', workspace: '/work/ws' };
    const [defined] = await session(['f() { rm -rf *; }'], below);
    expect(defined!.class).toBe('workspace');
    const results = await session(['f() { rm -rf *; }', 'cd .. && f'], below);
    expect(results[1]).toMatchObject({ class: 'dangerous' });
    expect(results[1]!.reasons.join()).toContain('whole workspace');
  });

  it.each([
    'export PATH=./bin:$PATH',
    'PATH="$PWD/tools:$PATH"',
    'source .venv/bin/activate',
    '. ./env.sh',
    'hash -p ./evil ls',
  ])('after %j no command name is read-only any more (plan mode and read-only trust end)', async (change) => {
    const [, after] = await session([change, 'ls && cat README.md']);
    expect(after!.class).toBe('workspace');
    expect(after!.reasons.join()).toContain('may not be the usual program');
  });

  it('leaves read-only commands alone after harmless lines', async () => {
    const [, after] = await session(['export FOO=1; greet() { echo hi; }; x=2', 'ls && greet']);
    expect(after!.class).toBe('read-only');
  });
});

/** The last line analysed with the shell standing in the home. */
async function analyzeLast(lines: string[]) {
  const first = await analyzeCommand(lines[0]!, ws);
  const last = await analyzeCommand(lines.at(-1)!, { ...ws, cwd: '/home/u', workspace: '/work/ws', shell: first.shell! });
  return [{ class: last.class, reasons: last.reasons }];
}

describe('the gate carries the shell from call to call', () => {
  function gate() {
    const cwd = realpathSync(tempDir('memory-ws-'));
    const home = realpathSync(tempDir('memory-home-'));
    let shellCwd = cwd;
    const permissions = makeGate({
      mode: 'default', rules: [], cwd, home, nanocodeHome: join(home, '.nanocode'),
      sandboxed: async () => false, shellCwd: () => shellCwd,
    });
    const bash = (command: string) => permissions.gate({ id: 'c', name: 'bash', args: { command }, tool: bashTool as Tool }, { cwd, signal: new AbortController().signal });
    return { bash, home, permissions, moveShell: (to: string) => { shellCwd = to; } };
  }

  it('refuses a function name called in the home after it was defined in the workspace', async () => {
    const g = gate();
    expect(await g.bash('ls() { rm -rf important; }')).toEqual({ action: 'allow' });
    g.moveShell(g.home);
    const d = await g.bash('ls');
    expect(d.action).toBe('deny');
    expect((d as { reason: string }).reason).toContain('the function ls');
  });

  it('remembers nothing of a call it refused', async () => {
    const g = gate();
    expect((await g.bash('ls() { rm -rf ~; }')).action).toBe('deny');
    expect(await g.bash('ls')).toEqual({ action: 'allow' });
  });

  it('a changed PATH makes plan mode refuse what was read-only', async () => {
    const g = gate();
    g.permissions.mode = 'plan';
    expect(await g.bash('ls')).toEqual({ action: 'allow' });
    g.permissions.mode = 'default';
    expect((await g.bash('export PATH=./bin:$PATH')).action).toBe('allow');
    g.permissions.mode = 'plan';
    const d = await g.bash('ls');
    expect(d.action).toBe('deny');
    expect((d as { reason: string }).reason).toContain('not read-only');
  });
});
