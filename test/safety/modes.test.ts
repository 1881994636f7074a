import { describe, expect, it } from 'vitest';
import { defaultDecision, judge, nextMode, PERMISSION_MODES, type CallFacts, type PermissionMode } from '../../src/safety/modes.ts';
import type { Decision } from '../../src/safety/rules.ts';

const read: CallFacts = { kind: 'read', insideWorkspace: true };
const readOutside: CallFacts = { kind: 'read', insideWorkspace: false };
const readSecret: CallFacts = { kind: 'read', insideWorkspace: false, secretPath: true };
const edit: CallFacts = { kind: 'edit', insideWorkspace: true };
const editOutside: CallFacts = { kind: 'edit', insideWorkspace: false };
const editUnknown: CallFacts = { kind: 'edit' };
const editProtected: CallFacts = { kind: 'edit', insideWorkspace: true, protectedPath: true };
const cmd = (commandClass: CallFacts['commandClass'], sandboxed: boolean): CallFacts => ({ kind: 'execute', commandClass, sandboxed });
const fetch: CallFacts = { kind: 'network' };
const other: CallFacts = { kind: 'other' };

// The "What happens by default", one row per kind of call, across the four modes.
// Columns: default, acceptEdits, plan, bypassPermissions.
const TABLE: Array<[string, CallFacts, [string, string, string, string]]> = [
  ['read in the workspace', read, ['allow', 'allow', 'allow', 'allow']],
  ['read outside the workspace', readOutside, ['allow', 'allow', 'allow', 'allow']],
  ['read of a secret place', readSecret, ['ask', 'ask', 'ask', 'allow']],
  ['edit in the workspace', edit, ['allow', 'allow', 'deny', 'allow']],
  ['edit outside the workspace', editOutside, ['ask', 'ask', 'deny', 'allow']],
  ['edit of an unknown place', editUnknown, ['ask', 'ask', 'deny', 'allow']],
  ['edit of .git/hooks or .nanocode/', editProtected, ['ask', 'allow', 'deny', 'allow']],
  ['read-only command, sandboxed', cmd('read-only', true), ['allow', 'allow', 'allow', 'allow']],
  ['read-only command, no sandbox', cmd('read-only', false), ['allow', 'allow', 'allow', 'allow']],
  ['workspace command, sandboxed', cmd('workspace', true), ['allow', 'allow', 'deny', 'allow']],
  ['workspace command, no sandbox', cmd('workspace', false), ['allow', 'allow', 'deny', 'allow']],
  ['network command, sandboxed', cmd('network', true), ['ask', 'ask', 'deny', 'allow']],
  ['network command, no sandbox', cmd('network', false), ['allow', 'allow', 'deny', 'allow']],
  ['dangerous command, sandboxed', cmd('dangerous', true), ['ask', 'ask', 'deny', 'allow']],
  ['dangerous command, no sandbox', cmd('dangerous', false), ['ask', 'ask', 'deny', 'allow']],
  ['command the analysis could not class', cmd(undefined, true), ['ask', 'ask', 'deny', 'allow']],
  ['read-only command on a secret', { ...cmd('read-only', true), secretPath: true }, ['ask', 'ask', 'ask', 'allow']],
  ['web fetch', fetch, ['ask', 'ask', 'ask', 'allow']],
  ['other tool (MCP)', other, ['ask', 'ask', 'deny', 'allow']],
];

describe('defaultDecision', () => {
  for (const [name, facts, expected] of TABLE) {
    it.each(PERMISSION_MODES.map((m, i) => [m, expected[i]] as const))(`${name} in %s: %s`, (mode, decision) => {
      expect(defaultDecision(mode, facts)).toBe(decision);
    });
  }

  it('says why it asks', () => {
    expect(judge('default', editOutside).reason).toBe('writes outside the workspace');
    expect(judge('default', { ...cmd('dangerous', true), commandReason: 'git push publishes commits' }).reason).toBe('is dangerous (git push publishes commits)');
    expect(judge('default', cmd('network', true)).reason).toBe('needs the network, which the sandbox blocks');
    expect(judge('default', readSecret).reason).toMatch(/secret place/);
    expect(judge('plan', edit).reason).toBe('is not read-only, and plan mode runs only read-only tools and commands');
  });
});

describe('judge with a rule', () => {
  const rule = (decision: Decision['decision']): Decision => ({ decision, rule: 'Bash(git push:*)', origin: 'settings.json' });
  const dangerous = cmd('dangerous', true);

  it.each<[PermissionMode, Decision['decision'], string]>([
    // A deny rule refuses in every mode, bypass included.
    ['default', 'deny', 'deny'],
    ['bypassPermissions', 'deny', 'deny'],
    ['plan', 'deny', 'deny'],
    // An allow rule lets a dangerous command run without the question...
    ['default', 'allow', 'allow'],
    ['acceptEdits', 'allow', 'allow'],
    // ...but plan mode stays read-only.
    ['plan', 'allow', 'deny'],
    ['default', 'ask', 'ask'],
    // bypassPermissions: nothing asks, an ask rule included.
    ['bypassPermissions', 'ask', 'allow'],
  ])('%s with a %s rule: %s', (mode, ruled, expected) => {
    expect(judge(mode, dangerous, rule(ruled)).decision).toBe(expected);
  });

  it('an ask rule asks even for read-only work, and names itself', () => {
    expect(judge('default', read, { decision: 'ask', rule: 'Read(**/.env)', origin: 'f' })).toMatchObject({ decision: 'ask', reason: 'matches the ask rule Read(**/.env) (f)' });
  });
});

describe('Shift+Tab', () => {
  it('cycles default → acceptEdits → plan → default', () => {
    expect(nextMode('default', false)).toBe('acceptEdits');
    expect(nextMode('acceptEdits', false)).toBe('plan');
    expect(nextMode('plan', false)).toBe('default');
  });

  it('includes bypassPermissions only when the session may use it', () => {
    expect(nextMode('plan', true)).toBe('bypassPermissions');
    expect(nextMode('bypassPermissions', true)).toBe('default');
    // Started in bypass but not allowed to cycle back into it: leaving goes to default.
    expect(nextMode('bypassPermissions', false)).toBe('default');
  });
});
