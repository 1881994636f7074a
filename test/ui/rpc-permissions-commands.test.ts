// /permissions in the interactive terminal, at module level: what it prints
// for rules that hold control characters (a session rule is made from the
// model's command) and for long rules in a narrow terminal.
import { expect, it } from 'vitest';
import { plain } from '../../src/ui/ansi.ts';
import { type CommandContext, findCommand } from '../../src/ui/commands.ts';
import { makeGate } from '../../src/safety/gate.ts';
import { parseRule } from '../../src/safety/rules.ts';

function permissionsListing(rules: string[], width: number): string[] {
  const origin = { label: 'settings.json', root: '/w', home: '/h' };
  const permissions = makeGate({
    mode: 'default',
    rules: [{ allow: rules.map((r) => parseRule(r, origin)), ask: [], deny: [] }],
    cwd: '/w',
    home: '/h',
    nanocodeHome: '/h/.nanocode',
    sandboxed: async () => true,
  });
  const printed: string[] = [];
  const ctx = { style: plain, width, permissions, print: (lines: string[]) => printed.push(...lines) } as unknown as CommandContext;
  void findCommand('/permissions')!.run(ctx, '');
  return printed;
}

it('shows control characters in a rule as marks, never sends them to the terminal', () => {
  const lines = permissionsListing(['Bash(echo \x1b]0;owned\x07:*)', 'Bash(printf a\rb)'], 80);
  expect(lines.join('\n')).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
  expect(lines[1]).toContain('Bash(echo ␛]0;owned␇:*)');
});

it('a long rule does not pad the other rules past a narrow terminal', () => {
  const lines = permissionsListing([`Bash(npm run ${'x'.repeat(200)}:*)`, 'Bash(ls)'], 60);
  expect(lines[2]).toMatch(/^ {2}allow Bash\(ls\) +settings\.json$/);
  expect(lines[2]!.length).toBeLessThanOrEqual(60);
});
