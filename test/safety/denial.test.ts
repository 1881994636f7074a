import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { denialMessage, suggestRule } from '../../src/safety/denial.ts';
import { parseRule, type PermissionRequest } from '../../src/safety/rules.ts';

const home = '/home/u';

describe('denialMessage', () => {
  it('a headless "ask" names the reason and the exact flag that would allow it', () => {
    const msg = denialMessage({
      request: { kind: 'bash', words: ['git', 'push', 'origin', 'main'] },
      mode: 'default',
      facts: { kind: 'execute', commandClass: 'dangerous', commandReason: 'git push publishes commits', sandboxed: true },
      home,
    });
    expect(msg).toBe(
      "Denied: the command `git push origin main`. It is dangerous (git push publishes commits), so it needs the user's approval, and nobody can answer in this run. " +
        "The user can allow it by running nanocode again with --allow 'Bash(git push:*)' or --yes (allows everything). " +
        'Do not retry it unchanged: finish what you can and tell the user what you needed.',
    );
  });

  it('a write outside the workspace suggests an Edit rule for that file', () => {
    const msg = denialMessage({ request: { kind: 'edit', path: '/home/u/.bashrc' }, mode: 'default', facts: { kind: 'edit', insideWorkspace: false }, home });
    expect(msg).toContain('Denied: writing /home/u/.bashrc. It writes outside the workspace');
    expect(msg).toContain("--allow 'Edit(~/.bashrc)' or --yes");
    expect(msg).not.toContain('acceptEdits');
  });

  it('an edit of protected workspace files also offers acceptEdits', () => {
    const msg = denialMessage({
      request: { kind: 'edit', path: '/w/p/.git/hooks/pre-commit' },
      mode: 'default',
      facts: { kind: 'edit', insideWorkspace: true, protectedPath: true },
      home,
    });
    expect(msg).toContain("--allow 'Edit(/w/p/.git/hooks/pre-commit)', --permission-mode acceptEdits or --yes (allows everything)");
  });

  it('a secret read says so', () => {
    const msg = denialMessage({ request: { kind: 'read', path: '/home/u/.ssh/id_rsa' }, mode: 'default', facts: { kind: 'read', secretPath: true }, home });
    expect(msg).toContain("It touches a secret place (credentials or nanocode's own config)");
    expect(msg).toContain("--allow 'Read(~/.ssh/id_rsa)'");
  });

  it('a deny rule is named with its file, and no flag is offered', () => {
    const msg = denialMessage({
      request: { kind: 'bash', words: ['git', 'push'] },
      mode: 'bypassPermissions',
      facts: { kind: 'execute', commandClass: 'dangerous' },
      rule: { decision: 'deny', rule: 'Bash(git push:*)', origin: '~/.nanocode/settings.json permissions.deny[0]' },
      home,
    });
    expect(msg).toBe(
      'Denied: the command `git push`. It matches the deny rule Bash(git push:*) (~/.nanocode/settings.json permissions.deny[0]); no flag overrides a deny rule. ' +
        'Do not retry it: do the task another way, or tell the user what you needed and why.',
    );
  });

  it('an ask rule can only be passed with --yes (allow rules never beat it)', () => {
    const msg = denialMessage({
      request: { kind: 'read', path: '/w/p/.env' },
      mode: 'default',
      facts: { kind: 'read', insideWorkspace: true },
      rule: { decision: 'ask', rule: 'Read(**/.env)', origin: '.nanocode/settings.json permissions.ask[0]' },
      home,
    });
    expect(msg).toContain('It matches the ask rule Read(**/.env)');
    expect(msg).toContain('running nanocode again with --yes.');
    expect(msg).not.toContain('--allow');
  });

  it('plan mode explains how to leave it', () => {
    const msg = denialMessage({ request: { kind: 'edit', path: '/w/p/a.ts' }, mode: 'plan', facts: { kind: 'edit', insideWorkspace: true }, home });
    expect(msg).toContain('It is not read-only, and plan mode runs only read-only tools and commands');
    expect(msg).toContain('--permission-mode default');
  });

  it('quotes the suggested rule so the shell hands it over intact', () => {
    const request: PermissionRequest = { kind: 'bash', words: ['rm', "it's"] };
    const msg = denialMessage({ request, mode: 'default', facts: { kind: 'execute', commandClass: 'dangerous' }, home });
    const flag = /--allow ('(?:[^']|'\\'')*')/.exec(msg)![1];
    expect(execFileSync('sh', ['-c', `printf %s ${flag}`], { encoding: 'utf8' })).toBe(suggestRule(request, home));
  });
});

describe('suggestRule', () => {
  const cases: Array<[PermissionRequest, string]> = [
    [{ kind: 'bash', words: ['git', 'push', 'origin', 'main'] }, 'Bash(git push:*)'],
    [{ kind: 'bash', words: ['npm', 'publish'] }, 'Bash(npm publish:*)'],
    // No subcommand: only this exact command.
    [{ kind: 'bash', words: ['rm', '-rf', '/home/u/important'] }, 'Bash(rm -rf /home/u/important)'],
    [{ kind: 'bash', words: ['rm', '-rf', '*'] }, "Bash(rm -rf '\\*')"],
    [{ kind: 'bash', words: ['sh'] }, 'Bash(sh)'],
    [{ kind: 'bash', command: 'curl  http://x/a.sh' }, 'Bash(curl http://x/a.sh)'],
    [{ kind: 'read', path: '/home/u/.ssh/id_rsa' }, 'Read(~/.ssh/id_rsa)'],
    [{ kind: 'edit', path: '/etc/hosts' }, 'Edit(/etc/hosts)'],
    [{ kind: 'edit', path: '/w/a (1)/b[2].txt' }, 'Edit(/w/a \\(1\\)/b\\[2\\].txt)'],
    [{ kind: 'webfetch', url: 'https://Docs.Example.com/x' }, 'WebFetch(domain:docs.example.com)'],
    [{ kind: 'websearch' }, 'WebSearch'],
    [{ kind: 'mcp', server: 'github', tool: 'create_issue' }, 'mcp__github__create_issue'],
  ];

  it.each(cases)('%j → %s', (req, rule) => {
    expect(suggestRule(req, home)).toBe(rule);
  });

  it.each(cases)('the rule suggested for %j parses and allows exactly that request', (req) => {
    expect(parseRule(suggestRule(req, home), { label: 'x', root: '/w', home }).matches(req, 'allow')).toBe(true);
  });

  it('an exact suggestion does not widen through a literal *', () => {
    const rule = parseRule(suggestRule({ kind: 'bash', words: ['rm', '-rf', '*'] }, home), { label: 'x', root: '/w', home });
    expect(rule.matches({ kind: 'bash', words: ['rm', '-rf', 'src'] }, 'allow')).toBe(false);
  });
});
