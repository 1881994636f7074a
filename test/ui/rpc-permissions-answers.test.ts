// What an answer to the gate's question does, at module level: a call no rule
// can name (a library's own tool with the 'other' permission) has nothing
// "don't ask again" could remember, so a yes of any kind allows it once, and
// the terminal's question says so.
import { expect, it } from 'vitest';
import type { Tool } from '../../src/protocol/tool.ts';
import { makeGate, type Question } from '../../src/safety/gate.ts';
import { plain } from '../../src/ui/ansi.ts';
import type { Key } from '../../src/ui/keys.ts';
import { PermissionQuestion } from '../../src/ui/question.ts';
import { tempDir } from '../support/cli.ts';

const deploy = { name: 'deploy', description: 'deploys', permission: 'other', parameters: {}, run: async () => ({ content: '' }) } as unknown as Tool;

it('"always" for a call no rule can name saves nothing, reports it allowed once, and the next call asks again', async () => {
  const questions: Question[] = [];
  const saved: string[] = [];
  const home = tempDir('gate-home-');
  const permissions = makeGate({
    mode: 'default',
    rules: [],
    cwd: tempDir('gate-ws-'),
    home,
    nanocodeHome: `${home}/.nanocode`,
    sandboxed: async () => true,
    ask: async (q) => (questions.push(q), { kind: 'always' }),
    saveRule: (r) => saved.push(r),
  });
  const check = () => permissions.gate({ id: 'c1', name: 'deploy', args: {}, tool: deploy }, { cwd: '/', signal: new AbortController().signal });
  expect(await check()).toEqual({ action: 'allow', reason: 'allowed by the user, once' });
  expect(await check()).toEqual({ action: 'allow', reason: 'allowed by the user, once' });
  expect(questions.map((q) => q.rules)).toEqual([[], []]);
  expect(saved).toEqual([]);
  expect(permissions.rules()).toEqual([]);
});

it('the terminal question says so: choices 2 and 3 allow it once, and the answer is summed up as once', () => {
  const said: string[] = [];
  const q = new PermissionQuestion({ tool: 'deploy', subject: 'deploy', reasons: ['is a tool no rule can name'], rules: [], network: false }, (_a, summary) => said.push(summary));
  const lines = q.view(plain, 100).lines.join('\n');
  expect(lines).toContain("2. yes, and don't ask again this session (no rule can name this call: once only)");
  expect(lines).toContain('3. yes, always for this project (no rule can name this call: once only)');
  q.key({ name: 'text', text: '3' } as Key);
  expect(said).toEqual(['? deploy: deploy → yes, once']);
});
