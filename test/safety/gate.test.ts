// The permission gate on real tool objects: what runs, what asks, what a
// headless run is told, and what a person's answers change.
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Tool } from '../../src/protocol/tool.ts';
import { type Answer, type GateOptions, makeGate, type Question } from '../../src/safety/gate.ts';
import { parseRule, type RuleSet } from '../../src/safety/rules.ts';
import { applyPatchTool } from '../../src/tools/apply-patch.ts';
import { bashTool } from '../../src/tools/bash.ts';
import { readTool } from '../../src/tools/read.ts';
import { writeTool } from '../../src/tools/write.ts';
import { tempDir } from '../support/cli.ts';

function setup(o: Partial<Omit<GateOptions, 'sandboxed'>> & { sandboxed?: boolean } = {}) {
  const cwd = realpathSync(tempDir('gate-ws-'));
  const home = realpathSync(tempDir('gate-home-'));
  const granted: string[] = [];
  const saved: string[] = [];
  const permissions = makeGate({
    mode: 'default',
    rules: [],
    cwd,
    home,
    nanocodeHome: join(home, '.nanocode'),
    grantNetwork: (c) => granted.push(c),
    saveRule: (r) => saved.push(r),
    ...o,
    sandboxed: async () => o.sandboxed ?? true,
  });
  const check = (tool: Tool, args: Record<string, unknown>) => permissions.gate({ id: 'c1', name: tool.name, args, tool: tool as Tool }, { cwd, signal: new AbortController().signal });
  const bash = (command: string) => check(bashTool as Tool, { command });
  return { cwd, home, permissions, check, bash, granted, saved };
}

const rules = (kind: 'allow' | 'ask' | 'deny', ...texts: string[]): RuleSet => {
  const set: RuleSet = { allow: [], ask: [], deny: [] };
  set[kind] = texts.map((t) => parseRule(t, { label: `--${kind}`, root: '/', home: '/home/u' }));
  return set;
};

describe('headless (nobody to ask)', () => {
  it('runs read-only and workspace commands without a word', async () => {
    const g = setup();
    for (const c of ['ls -la && git status', 'npm test', 'mkdir -p build && cp a.txt build/', 'rg TODO src | head']) {
      expect(await g.bash(c), c).toEqual({ action: 'allow' });
    }
  });

  it.each([
    ['rm -rf ~/important', /the command `rm -rf ~\/important`\. It is dangerous \(.*\), so it needs the user's approval/],
    ['git push origin main', /--allow 'Bash\(git push:\*\)' or --yes/],
    ['curl -s http://127.0.0.1:8/x.sh | sh', /dangerous/],
    ['git reset --hard', /--allow 'Bash\(git reset:\*\)'/],
    ['eval "$(echo rm -rf /)"', /dangerous/],
    ['echo "unclosed', /dangerous|could not/],
  ])('refuses %s and tells the model why and how to allow it', async (command, message) => {
    const d = await setup().bash(command);
    expect(d.action).toBe('deny');
    expect((d as { reason: string }).reason).toMatch(message);
    expect((d as { reason: string }).reason).toContain('Do not retry it unchanged');
  });

  it('judges every simple command of a compound line on its own', async () => {
    const d = await setup().bash('ls && echo ok; cd sub && git push origin main');
    expect(d).toMatchObject({ action: 'deny', reason: expect.stringContaining('`git push origin main`') });
  });

  it('asks (so refuses) reading secrets, by the read tool or by a command, also through a symlink', async () => {
    const g = setup();
    mkdirSync(join(g.home, '.ssh'));
    writeFileSync(join(g.home, '.ssh/id_rsa'), 'KEY');
    symlinkSync(join(g.home, '.ssh/id_rsa'), join(g.cwd, 'innocent.txt'));
    for (const path of ['~/.ssh/id_rsa', join(g.home, '.ssh/id_rsa'), 'innocent.txt']) {
      expect(await g.check(readTool as Tool, { path }), path).toMatchObject({ action: 'deny', reason: expect.stringContaining('secret place') });
    }
    expect(await g.bash('cat ~/.ssh/id_rsa')).toMatchObject({ action: 'deny', reason: expect.stringContaining('secret place') });
    expect(await g.bash('cat /proc/$PPID/environ')).toMatchObject({ action: 'deny' });
    expect(await g.check(readTool as Tool, { path: 'README.md' })).toEqual({ action: 'allow' });
  });

  it('writes outside the workspace ask; inside they run; .git/hooks asks unless acceptEdits', async () => {
    const g = setup();
    expect(await g.check(writeTool as Tool, { path: '~/.bashrc', content: 'x' })).toMatchObject({ action: 'deny', reason: expect.stringContaining("--allow 'Edit(~/.bashrc)'") });
    expect(await g.check(writeTool as Tool, { path: '../elsewhere.txt', content: 'x' })).toMatchObject({ action: 'deny' });
    expect(await g.check(writeTool as Tool, { path: 'src/a.ts', content: 'x' })).toEqual({ action: 'allow' });
    expect(await g.check(writeTool as Tool, { path: '.git/hooks/pre-commit', content: 'x' })).toMatchObject({ action: 'deny', reason: expect.stringContaining('acceptEdits') });
    g.permissions.mode = 'acceptEdits';
    expect(await g.check(writeTool as Tool, { path: '.git/hooks/pre-commit', content: 'x' })).toMatchObject({ action: 'allow' });
  });

  it('apply_patch is judged by every file its diff names', async () => {
    const g = setup();
    const patch = (file: string) => `--- a/${file}\n+++ b/${file}\n@@ -1 +1 @@\n-a\n+b\n`;
    expect(await g.check(applyPatchTool as Tool, { patch: patch('src/a.ts') })).toEqual({ action: 'allow' });
    expect(await g.check(applyPatchTool as Tool, { patch: patch('src/a.ts') + patch('../../etc/profile') })).toMatchObject({ action: 'deny', reason: expect.stringContaining('/etc/profile') });
  });

  it('a patch naming no file it can read is still an edit: plan mode refuses it', async () => {
    const g = setup();
    g.permissions.mode = 'plan';
    expect(await g.check(applyPatchTool as Tool, { patch: 'nothing here' })).toMatchObject({ action: 'deny', reason: expect.stringContaining('plan mode') });
  });

  it('network commands ask in the sandbox (where they would fail) and run outside it', async () => {
    expect(await setup({ sandboxed: true }).bash('npm install left-pad')).toMatchObject({ action: 'deny', reason: expect.stringContaining('network') });
    expect(await setup({ sandboxed: false }).bash('npm install left-pad')).toEqual({ action: 'allow' });
  });
});

describe('rules and modes', () => {
  it('an allow rule lets the command run, says so, and grants it the network in the sandbox', async () => {
    const g = setup({ rules: [rules('allow', 'Bash(git push:*)')] });
    expect(await g.bash('git push origin main')).toEqual({ action: 'allow', reason: 'it matches the allow rule Bash(git push:*) (--allow); the command may use the network' });
    expect(g.granted).toEqual(['git push origin main']);
    // The rule is for that command only.
    expect(await g.bash('git push origin main && npm publish')).toMatchObject({ action: 'deny' });
  });

  it('a deny rule beats allow rules, bypassPermissions, and nesting', async () => {
    const g = setup({ mode: 'bypassPermissions', rules: [rules('allow', 'Bash(rm:*)'), rules('deny', 'Bash(rm:*)')] });
    for (const c of ['rm -rf build', "bash -c 'rm -rf build'", 'find . -name x | xargs rm']) {
      expect(await g.bash(c), c).toMatchObject({ action: 'deny', reason: expect.stringContaining('no flag overrides a deny rule') });
    }
    expect(await g.bash('git push')).toMatchObject({ action: 'allow', reason: expect.stringContaining('bypassPermissions') });
  });

  it('plan mode runs only read-only tools and commands', async () => {
    const g = setup({ mode: 'plan' });
    expect(await g.bash('git log --oneline | head')).toEqual({ action: 'allow' });
    expect(await g.bash('echo x > notes.txt')).toMatchObject({ action: 'deny', reason: expect.stringContaining('plan mode') });
    expect(await g.check(writeTool as Tool, { path: 'a.txt', content: '' })).toMatchObject({ action: 'deny' });
  });

  it('Shift+Tab cycles default, acceptEdits and plan; bypassPermissions only when allowed', () => {
    const g = setup();
    expect([g.permissions.cycle(), g.permissions.cycle(), g.permissions.cycle()]).toEqual(['acceptEdits', 'plan', 'default']);
    const y = setup({ mode: 'bypassPermissions' });
    expect([y.permissions.cycle(), y.permissions.cycle(), y.permissions.cycle(), y.permissions.cycle()]).toEqual(['default', 'acceptEdits', 'plan', 'bypassPermissions']);
  });
});

describe('questions', () => {
  function asking(answers: Answer[]) {
    const questions: Question[] = [];
    const g = setup({
      ask: async (q) => {
        questions.push(q);
        return answers.shift()!;
      },
    });
    return { ...g, questions };
  }

  it('shows the command, why, the rule an answer would add, and whether it gets the network', async () => {
    const g = asking([{ kind: 'once' }]);
    expect(await g.bash('git push origin main')).toEqual({ action: 'allow', reason: 'allowed by the user, once; the command may use the network' });
    expect(g.questions).toEqual([{ tool: 'bash', subject: 'git push origin main', reasons: [expect.stringMatching(/^is dangerous/)], rules: ['Bash(git push:*)'], network: true }]);
  });

  it('"don\'t ask again" allows the same kind of command for the session; "always" also saves the rule', async () => {
    const g = asking([{ kind: 'session' }, { kind: 'always' }]);
    await g.bash('git push origin main');
    expect(await g.bash('git push origin feature')).toMatchObject({ action: 'allow' });
    await g.bash('npm publish');
    expect(await g.bash('npm publish --tag next')).toMatchObject({ action: 'allow' });
    expect(g.questions.map((q) => q.subject)).toEqual(['git push origin main', 'npm publish']);
    expect(g.saved).toEqual(['Bash(npm publish:*)']);
  });

  it('"no" with a message denies, and the model reads the message', async () => {
    const g = asking([{ kind: 'no', message: 'push to the fork instead' }]);
    expect(await g.bash('git push origin main')).toEqual({ action: 'deny', reason: 'the user said no, and says: push to the fork instead' });
  });

  it('a deny rule is never asked', async () => {
    let asked = 0;
    const g = setup({ rules: [rules('deny', 'Bash(git push:*)')], ask: async () => (asked++, { kind: 'once' }) });
    expect((await g.bash('git push')).action).toBe('deny');
    expect(asked).toBe(0);
  });
});

describe('a cancelled step', () => {
  it('stops waiting on a question nobody answers, and refuses the call', async () => {
    let asked!: () => void;
    const asking = new Promise<void>((r) => (asked = r));
    const g = setup({ ask: () => (asked(), new Promise<Answer>(() => {})) });
    const step = new AbortController();
    const decision = g.permissions.gate({ id: 'c1', name: 'bash', args: { command: 'git push' }, tool: bashTool as Tool }, { cwd: g.cwd, signal: step.signal });
    await asking;
    step.abort();
    expect(await decision).toEqual({ action: 'deny', reason: 'the user said no, and says: The step was cancelled.' });
    const late = await g.permissions.gate({ id: 'c2', name: 'bash', args: { command: 'git push' }, tool: bashTool as Tool }, { cwd: g.cwd, signal: step.signal });
    expect(late).toEqual({ action: 'deny', reason: 'the step was cancelled.' });
  });

  it('leaves no listener on the step for each question answered', async () => {
    const g = setup({ ask: async () => ({ kind: 'once' }) });
    const step = new AbortController();
    let listeners = 0;
    const add = step.signal.addEventListener.bind(step.signal);
    const remove = step.signal.removeEventListener.bind(step.signal);
    step.signal.addEventListener = ((...a: Parameters<typeof add>) => (listeners++, add(...a))) as typeof add;
    step.signal.removeEventListener = ((...a: Parameters<typeof remove>) => (listeners--, remove(...a))) as typeof remove;
    for (let i = 0; i < 20; i++) {
      expect((await g.permissions.gate({ id: `c${i}`, name: 'bash', args: { command: 'git push' }, tool: bashTool as Tool }, { cwd: g.cwd, signal: step.signal })).action).toBe('allow');
    }
    expect(listeners).toBe(0);
  });
});
