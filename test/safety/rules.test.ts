import { describe, expect, it } from 'vitest';
import { decide, parseRule, parseRuleSet, renderCommand, type PermissionRequest, type RuleKind } from '../../src/safety/rules.ts';

const origin = { label: '/work/p/.nanocode/settings.json', root: '/work/p', home: '/home/u' };
const text = (command: string): PermissionRequest => ({ kind: 'bash', command });
const words = (...w: string[]): PermissionRequest => ({ kind: 'bash', words: w });
const read = (path: string): PermissionRequest => ({ kind: 'read', path });
const edit = (path: string): PermissionRequest => ({ kind: 'edit', path });
const fetch = (url: string): PermissionRequest => ({ kind: 'webfetch', url });
const mcp = (server: string, tool: string): PermissionRequest => ({ kind: 'mcp', server, tool });

const matches = (rule: string, req: PermissionRequest, kind: RuleKind = 'allow') => parseRule(rule, origin).matches(req, kind);

describe('Bash rules (Claude Code semantics)', () => {
  it.each([
    // Legacy prefix `:*` = "this prefix, then a space and anything, or nothing": a word boundary.
    ['Bash(git:*)', words('git', 'status'), true],
    ['Bash(git:*)', words('git'), true],
    ['Bash(git:*)', words('gitk'), false],
    ['Bash(git:*)', words('git-lfs', 'pull'), false],
    ['Bash(npm run test:*)', text('npm run test'), true],
    ['Bash(npm run test:*)', text('npm run test -- --watch'), true],
    ['Bash(npm run test:*)', text('npm run test-evil'), false],
    ['Bash(npm run test:*)', text('npm run test:unit'), false],
    ['Bash(npm run test:*)', text('npm run testing'), false],
    ['Bash(npm run test:*)', text('npm run'), false],
    ['Bash(git push:*)', words('git', 'push', 'origin', 'main'), true],
    ['Bash(git push:*)', words('git', 'pull'), false],
    // No wildcard: the exact command (whitespace runs count as one space).
    ['Bash(npm test)', text('npm test'), true],
    ['Bash(npm test)', text('  npm   test '), true],
    ['Bash(npm test)', text('npm test --watch'), false],
    ['Bash(npm test)', text('npm testx'), false],
    // `*` anywhere; the space before it is a word boundary.
    ['Bash(ls *)', text('ls -la'), true],
    ['Bash(ls *)', text('ls'), true],
    ['Bash(ls *)', text('lsof'), false],
    ['Bash(ls*)', text('lsof'), true],
    ['Bash(ls*)', text('ls'), true],
    ['Bash(git * main)', text('git checkout main'), true],
    ['Bash(git * main)', text('git push origin main'), true],
    ['Bash(git * main)', text('git main'), false],
    ['Bash(git * main)', text('git checkout dev'), false],
    ['Bash(* --version)', text('node --version'), true],
    ['Bash(* --version)', text('node --help'), false],
    ['Bash(npm run * --silent *)', text('npm run build --silent x'), true],
    // `\*` is a literal star; regex characters are literal too.
    ['Bash(echo \\*)', text('echo *'), true],
    ['Bash(echo \\*)', text('echo hi'), false],
    ['Bash(grep a.b)', text('grep axb'), false],
    ['Bash(grep (x))', text('grep (x)'), true],
    // The whole tool.
    ['Bash', text('rm -rf /'), true],
    ['Bash(*)', words('anything', 'at', 'all'), true],
    ['Bash', read('/work/p/a'), false],
  ])('%s matches %j: %s', (rule, req, expected) => {
    expect(matches(rule, req)).toBe(expected);
  });

  it('an allow rule never matches command text holding more than one command', () => {
    for (const cmd of ['npm run test && rm -rf ~', 'npm run test ; curl x | sh', 'npm run test | sh', 'npm run test $(rm -rf ~)', 'npm run test `id`', 'npm run test & rm x', 'npm run test\nrm x']) {
      expect(matches('Bash(npm run test:*)', text(cmd), 'allow'), cmd).toBe(false);
      // ...while deny and ask rules still see it.
      expect(matches('Bash(npm run test:*)', text(cmd), 'deny'), cmd).toBe(true);
    }
  });

  it('redirections are not a second command', () => {
    expect(matches('Bash(npm run test:*)', text('npm run test 2>&1'))).toBe(true);
    expect(matches('Bash(npm run test:*)', text('npm run test &> log.txt'))).toBe(true);
    expect(matches('Bash(npm run test:*)', text('npm run test > out.txt'))).toBe(true);
  });

  it('words are quoted for allow rules, so a word with spaces is not several', () => {
    expect(renderCommand(['git', 'commit', '-m', "it's done"])).toBe(`git commit -m 'it'\\''s done'`);
    expect(matches('Bash(git status:*)', words('git status', '--evil'), 'allow')).toBe(false);
    expect(matches('Bash(git commit:*)', words('git', 'commit', '-m', 'a b'), 'allow')).toBe(true);
  });

  it('quoting cannot dodge a deny rule', () => {
    // `git 'push' origin` and `git "push origin"` as the analysis hands them over.
    expect(matches('Bash(git push:*)', words('git', 'push', 'origin'), 'deny')).toBe(true);
    expect(matches('Bash(git push:*)', words('git', 'push origin'), 'deny')).toBe(true);
    expect(matches('Bash(git push:*)', words('git', 'push origin'), 'ask')).toBe(true);
  });
});

describe('path rules', () => {
  it.each([
    ['Edit(src/**)', edit('/work/p/src/a.ts'), true],
    ['Edit(src/**)', edit('/work/p/src/deep/er/b.ts'), true],
    ['Edit(src/**)', edit('/work/p/src/.env'), true],
    ['Edit(src/**)', edit('/work/p/srcx/a.ts'), false],
    ['Edit(src/**)', edit('/work/p/a.ts'), false],
    // `..` in the request is folded before matching.
    ['Edit(src/**)', edit('/work/p/src/../../etc/passwd'), false],
    ['Edit(src/**)', edit('/work/p/src/../secrets/k'), false],
    ['Edit(src/**)', edit('/work/p/lib/../src/a.ts'), true],
    // ...and in the rule.
    ['Edit(src/../docs/**)', edit('/work/p/docs/a.md'), true],
    ['Edit(src/../docs/**)', edit('/work/p/src/a.ts'), false],
    ['Edit(./src/*.ts)', edit('/work/p/src/a.ts'), true],
    ['Edit(./src/*.ts)', edit('/work/p/src/sub/a.ts'), false],
    // Edit covers every writing tool; Write is the same kind.
    ['Write(src/**)', edit('/work/p/src/a.ts'), true],
    ['Edit(src/**)', read('/work/p/src/a.ts'), false],
    ['Read(~/.ssh/**)', read('/home/u/.ssh/id_rsa'), true],
    ['Read(~/.ssh/**)', read('/home/u/.ssh'), true],
    ['Read(~/.ssh/**)', read('/home/u/.sshx/id_rsa'), false],
    ['Read(~/.ssh/**)', read('/home/v/.ssh/id_rsa'), false],
    // A rule naming a folder covers what is inside it, as in gitignore.
    ['Read(~/.ssh)', read('/home/u/.ssh/keys/id_rsa'), true],
    ['Read(//etc/passwd)', read('/etc/passwd'), true],
    ['Read(/etc/passwd)', read('/etc/passwd'), true],
    ['Read(/etc/passwd)', read('/work/p/etc/passwd'), false],
    ['Read(*.env)', read('/work/p/.env'), true],
    ['Read(*.env)', read('/work/p/prod.env'), true],
    ['Read(*.env)', read('/work/p/sub/prod.env'), false],
    ['Read(**/.env)', read('/work/p/a/b/.env'), true],
    ['Read', read('/anything'), true],
    ['Glob', read('/anything'), true],
  ])('%s matches %j: %s', (rule, req, expected) => {
    expect(matches(rule, req)).toBe(expected);
  });

  it('`/x` is absolute, and a deny or ask `/x` also covers Claude Code’s project-relative reading', () => {
    expect(matches('Read(/secrets/**)', read('/secrets/a'), 'allow')).toBe(true);
    expect(matches('Read(/secrets/**)', read('/work/p/secrets/a'), 'allow')).toBe(false);
    expect(matches('Read(/secrets/**)', read('/work/p/secrets/a'), 'deny')).toBe(true);
    expect(matches('Read(/secrets/**)', read('/work/p/secrets/a'), 'ask')).toBe(true);
    expect(matches('Read(//secrets/**)', read('/work/p/secrets/a'), 'deny')).toBe(false);
  });

  it('a home or root whose name holds glob characters is taken literally', () => {
    const odd = { label: 'x', root: '/w/[p]', home: '/home/a(b)' };
    expect(parseRule('Read(~/.ssh/**)', odd).matches(read('/home/a(b)/.ssh/k'), 'deny')).toBe(true);
    expect(parseRule('Read(~/.ssh/**)', odd).matches(read('/home/ab/.ssh/k'), 'deny')).toBe(false);
    expect(parseRule('Edit(src/**)', odd).matches(edit('/w/[p]/src/a'), 'allow')).toBe(true);
    expect(parseRule('Edit(src/**)', odd).matches(edit('/w/p/src/a'), 'allow')).toBe(false);
  });
});

describe('WebFetch, WebSearch and MCP rules', () => {
  it.each([
    ['WebFetch(domain:example.com)', fetch('https://example.com/a?b'), true],
    ['WebFetch(domain:example.com)', fetch('http://EXAMPLE.com:8080/'), true],
    ['WebFetch(domain:example.com)', fetch('https://example.com./x'), true],
    ['WebFetch(domain:example.com)', fetch('https://docs.example.com/'), false],
    ['WebFetch(domain:example.com)', fetch('https://example.com.evil.net/'), false],
    ['WebFetch(domain:example.com)', fetch('https://evilexample.com/'), false],
    ['WebFetch(domain:example.com)', fetch('https://evil.net/?u=https://example.com'), false],
    ['WebFetch(domain:example.com)', fetch('https://example.com@evil.net/'), false],
    ['WebFetch(domain:example.com)', fetch('not a url'), false],
    ['WebFetch(domain:*.example.com)', fetch('https://docs.example.com/'), true],
    ['WebFetch(domain:*.example.com)', fetch('https://example.com/'), false],
    ['WebFetch', fetch('https://any.where/'), true],
    ['WebSearch', { kind: 'websearch' }, true],
    ['WebSearch', fetch('https://x/'), false],
    ['mcp__github', mcp('github', 'create_issue'), true],
    ['mcp__github__*', mcp('github', 'create_issue'), true],
    ['mcp__github__create_issue', mcp('github', 'create_issue'), true],
    ['mcp__github__create_issue', mcp('github', 'delete_repo'), false],
    ['mcp__github__get_*', mcp('github', 'get_file'), true],
    ['mcp__github__get_*', mcp('github', 'put_file'), false],
    ['mcp__github', mcp('githubx', 'create_issue'), false],
    ['mcp__github', mcp('git', 'hub__create_issue'), false],
  ] as const)('%s matches %j: %s', (rule, req, expected) => {
    expect(matches(rule, req as PermissionRequest)).toBe(expected);
  });
});

describe('invalid rules', () => {
  it.each([
    ['', 'expected Tool or Tool(specifier)'],
    ['Bash(', 'expected Tool or Tool(specifier)'],
    ['Bash(ls', 'expected Tool or Tool(specifier)'],
    ['Bash()', 'empty parentheses; write Bash'],
    ['bash(ls)', 'unknown tool "bash" (did you mean Bash?)'],
    ['Shell(ls)', 'unknown tool "Shell"'],
    ['WebFetch(example.com)', 'WebFetch takes domain:<host>'],
    ['WebSearch(cats)', 'WebSearch takes no specifier'],
    ['mcp__', 'no server name after mcp__'],
    ['mcp__github__', 'no tool name after mcp__github__'],
    ['mcp__github(x)', 'MCP rules take no parentheses'],
  ])('%j is refused: %s', (rule, why) => {
    expect(() => parseRule(rule, origin)).toThrow(`${origin.label}: invalid permission rule ${JSON.stringify(rule)}: ${why}`);
  });

  it('a settings file names every bad entry at once, with its place', () => {
    const err = (() => {
      try {
        parseRuleSet({ allow: ['Bash(ls:*)', 'Bsh(ls)'], deny: ['Read(~/.ssh/**)', 'Bash()'] }, origin);
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(err).toBe(
      [
        `${origin.label} permissions.allow[1]: invalid permission rule "Bsh(ls)": unknown tool "Bsh"; known: Bash, Read, Glob, Grep, LS, Edit, Write, MultiEdit, NotebookEdit, WebFetch, WebSearch, mcp__<server>[__<tool>]`,
        `${origin.label} permissions.deny[1]: invalid permission rule "Bash()": empty parentheses; write Bash to match every call`,
      ].join('\n'),
    );
  });
});

describe('decide', () => {
  const user = parseRuleSet({ allow: ['Bash', 'Read'], ask: ['Edit(~/.bashrc)'] }, { ...origin, label: '~/.nanocode/settings.json' });
  const project = parseRuleSet({ allow: ['Bash(git push:*)', 'Edit(~/.bashrc)'], deny: ['Bash(git push:*)', 'Read(.env)'] }, origin);
  const flags = parseRuleSet({ allow: ['Bash(rm:*)', 'Read(.env)'], deny: ['Bash(curl:*)'] }, { ...origin, label: '--allow/--deny' });

  it('deny beats ask beats allow, whichever set each comes from', () => {
    expect(decide(words('git', 'push'), [user, project, flags])).toEqual({
      decision: 'deny',
      rule: 'Bash(git push:*)',
      origin: `${origin.label} permissions.deny[0]`,
    });
    // The order of the sets does not matter.
    expect(decide(words('git', 'push'), [flags, project, user])?.decision).toBe('deny');
    expect(decide(read('/work/p/.env'), [flags, user, project])?.decision).toBe('deny');
    expect(decide(words('curl', 'x'), [user, project, flags])).toMatchObject({ decision: 'deny', origin: '--allow/--deny permissions.deny[0]' });
    expect(decide(edit('/home/u/.bashrc'), [project, user])).toMatchObject({ decision: 'ask', rule: 'Edit(~/.bashrc)' });
    expect(decide(words('rm', '-rf', 'build'), [user, project, flags])).toMatchObject({ decision: 'allow', rule: 'Bash' });
  });

  it('no matching rule leaves the decision to the mode', () => {
    expect(decide(edit('/work/p/a.ts'), [user, project, flags])).toBeUndefined();
    expect(decide(mcp('s', 't'), [])).toBeUndefined();
  });
});
