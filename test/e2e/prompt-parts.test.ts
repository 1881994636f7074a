// Prompt parts: the system prompt is composed from typed parts in order, and
// the git context travels as a part of its own beside the user's words: the
// model gets both, the session keeps exactly what the user typed.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { run } from '../support/cli.ts';
import { type Workspace, workspace } from '../support/scenario.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';
import { openPane, type Pane } from '../support/tmux.ts';

let server: ScriptedServer | undefined;
let pane: Pane | undefined;
afterEach(async () => {
  pane?.kill();
  pane = undefined;
  await server?.close();
});

const openai = (s: ScriptedServer, w: Workspace) => ({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: w.home });
const anthropic = (s: ScriptedServer, w: Workspace) => ({ ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: s.anthropicBaseURL, NANOCODE_MODEL: 'claude-scripted', NANOCODE_HOME: w.home });

/** A repository with one untracked file. */
function repository(): Workspace {
  const w = workspace();
  execFileSync('git', ['init', '-q'], { cwd: w.cwd });
  writeFileSync(join(w.cwd, 'notes.txt'), 'mine\n');
  return w;
}

const typed = 'fix the test\n\nit fails on CI';

it('sends the git context as a text part after the words; the session stores the words alone, the context beside them', async () => {
  const w = repository();
  server = await startScriptedServer([{ text: 'one' }, { text: 'two' }]);
  expect((await run([typed], { cwd: w.cwd, env: openai(server, w) })).code).toBe(0);
  const [first] = server.turnRequests()[0].body.messages.slice(1);
  expect(first.content).toEqual([
    { type: 'text', text: typed },
    { type: 'text', text: expect.stringMatching(/^<git>\n\$ git status --short\n\?\? notes\.txt\n/) },
  ]);
  const user = w.records().find((r) => r.type === 'message').message;
  expect(user).toEqual({ role: 'user', content: typed, context: [{ kind: 'git', text: first.content[1].text }] });

  // Continued, the first message keeps its context; the new one has none.
  expect((await run(['-c', 'and now?'], { cwd: w.cwd, env: openai(server, w) })).code).toBe(0);
  const again = server.turnRequests()[1].body.messages.slice(1);
  expect(again[0].content).toEqual(first.content);
  expect(again.at(-1).content).toBe('and now?');
});

it('the REPL, /sessions and /fork show the words the user typed, not the context', async () => {
  const w = repository();
  server = await startScriptedServer([{ text: 'answered' }]);
  pane = openPane(openai(server, w), { cwd: w.cwd });
  await pane.waitFor('/help for commands');
  pane.submit('look at the notes');
  await pane.waitFor('answered');
  pane.submit('/sessions');
  await pane.waitFor(/1\. \S+ .* look at the notes/);
  pane.submit('/fork');
  const screen = await pane.waitFor('1. look at the notes');
  expect(screen).toContain('› look at the notes');
  expect(screen).not.toContain('git status');
  expect(server.turnRequests()[0].body.messages[1].content[1].text).toContain('?? notes.txt');
});

it('over Anthropic Messages the context is a text block of its own', async () => {
  const w = repository();
  server = await startScriptedServer([{ text: 'one' }]);
  expect((await run([typed], { cwd: w.cwd, env: anthropic(server, w) })).code).toBe(0);
  const [first] = server.turnRequests()[0].body.messages;
  expect(first.content.map((b: any) => [b.type, b.text.split('\n')[0]])).toEqual([
    ['text', 'fix the test'],
    ['text', '<git>'],
  ]);
  expect(first.content[0].text).toBe(typed);
});

it('composes the system prompt from its parts in order: instructions, environment, appended text', async () => {
  const w = workspace();
  server = await startScriptedServer([{ text: 'a' }]);
  await run(['--append-system-prompt', 'Answer in French.', 'x'], { cwd: w.cwd, env: openai(server, w) });
  const system: string = server.turnRequests()[0].body.messages[0].content;
  const parts = system.split('\n\n');
  expect(parts[0]).toMatch(/^You are nanocode/);
  expect(parts[1]).toMatch(new RegExp(`^Working directory: ${w.cwd}\nDate: \\d{4}-\\d\\d-\\d\\d\nOS: `));
  expect(parts.at(-1)).toBe('Answer in French.');
});
