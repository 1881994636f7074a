// A rule allows what it says and no more; a deny or ask rule is not dodged by
// spelling. Through the gate, headless, with and without --yes.
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Tool } from '../../src/protocol/tool.ts';
import { makeGate } from '../../src/safety/gate.ts';
import type { PermissionMode } from '../../src/safety/modes.ts';
import { parseRule, type RuleSet } from '../../src/safety/rules.ts';
import { bashTool } from '../../src/tools/bash.ts';
import { tempDir } from '../support/cli.ts';

function gate(kind: 'allow' | 'deny', rule: string, mode: PermissionMode = 'default') {
  const cwd = realpathSync(tempDir('scope-ws-'));
  const home = realpathSync(tempDir('scope-home-'));
  const set: RuleSet = { allow: [], ask: [], deny: [] };
  set[kind] = [parseRule(rule, { label: `--${kind}`, root: cwd, home })];
  const permissions = makeGate({ mode, rules: [set], cwd, home, nanocodeHome: join(home, '.nanocode'), sandboxed: async () => false });
  return (command: string) => permissions.gate({ id: 'c', name: 'bash', args: { command }, tool: bashTool as Tool }, { cwd, signal: new AbortController().signal });
}

describe('an allow rule allows the command, not a write its redirection makes', () => {
  it.each([
    ['Bash(git status)', 'git status > ~/.bashrc'],
    ['Bash(git status:*)', 'git status >> ~/.bashrc'],
    ['Bash(echo:*)', 'echo evil > "$HOME/.profile"'],
    ['Bash(echo:*)', 'echo evil > $(echo out)'],
  ])('%s does not allow %s', async (rule, command) => {
    const d = await gate('allow', rule)(command);
    expect(d.action).toBe('deny');
    expect((d as { reason: string }).reason).toMatch(/outside the workspace|known only when/);
  });

  it('still allows the command and a write inside the workspace', async () => {
    expect((await gate('allow', 'Bash(git push:*)')('git push > push.log 2>&1')).action).toBe('allow');
  });
});

describe('a deny rule is not dodged by options before the subcommand', () => {
  it.each([
    ['Bash(git push:*)', 'git -C . push origin main'],
    ['Bash(git push:*)', 'git --no-pager push'],
    ['Bash(git push:*)', 'git -c user.name=x push'],
    ['Bash(npm publish:*)', 'npm --registry http://x publish'],
  ])('%s refuses %s even with --yes', async (rule, command) => {
    const d = await gate('deny', rule, 'bypassPermissions')(command);
    expect(d.action).toBe('deny');
    expect((d as { reason: string }).reason).toContain(rule);
  });

  it('does not over-reach into arguments: git commit -m push runs under --yes', async () => {
    expect((await gate('deny', 'Bash(git push:*)', 'bypassPermissions')('git commit -m push')).action).toBe('allow');
  });
});
