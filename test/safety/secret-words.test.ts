// Reading secrets through a command: the analysis calls `cat` read-only, so
// the gate asks when a command's words reach a secret place, however the
// path is spelled. Headless, unsandboxed (where nothing else stands guard).
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Tool } from '../../src/protocol/tool.ts';
import { makeGate } from '../../src/safety/gate.ts';
import { bashTool } from '../../src/tools/bash.ts';
import { tempDir } from '../support/cli.ts';

function gate(sandboxed = false) {
  const cwd = realpathSync(tempDir('secret-ws-'));
  const home = realpathSync(tempDir('secret-home-'));
  const permissions = makeGate({ mode: 'default', rules: [], cwd, home, nanocodeHome: join(home, '.nanocode'), sandboxed: async () => sandboxed });
  return (command: string) => permissions.gate({ id: 'c', name: 'bash', args: { command }, tool: bashTool as Tool }, { cwd, signal: new AbortController().signal });
}

describe('a command that reaches a secret place asks', () => {
  it.each([
    'cd ~ && cat .aws/credentials', // relative to where an earlier cd in the line took the shell
    'cd ~; tar -cf - .',
    'cat ~/.a?s/credentials', // globs and braces
    'cat ~/.aw[s]/credentials',
    'cat ~/.{aws,x}/credentials',
    'head -c 999 ~/.s*/id_*',
    'cat ~/.config/g?/hosts.yml',
    'grep -r password ~', // recursive readers of a folder that holds secrets
    'rg -uuu . ~',
    'diff -r ~ .',
    'find ~ -type f -exec cat {} +',
    'cat /proc/self/../$PPID/environ', // another process's environment
    'cd /proc/$PPID && cat environ',
    'ps eww',
    'ps aux e',
    'cat $NANOCODE_HOME/auth.json',
  ])('%s', async (command) => {
    const d = await gate()(command);
    expect(d.action).toBe('deny');
    expect((d as { reason: string }).reason).toContain('secret place');
  });

  it.each([
    'grep -rn TODO src',
    'cp -r src build',
    'ls ~/.config',
    'cat ~/.bashrc',
    'find / -name "*.h"',
    'ps -ef',
  ])('%s runs', async (command) => {
    expect(await gate()(command)).toEqual({ action: 'allow' });
  });

  it('ps e shows only the sandbox’s own processes inside the sandbox', async () => {
    expect(await gate(true)('ps eww')).toEqual({ action: 'allow' });
  });
});
