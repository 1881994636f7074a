// The interactive terminal, driven in tmux against the scripted model server.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '../support/cli.ts';
import { expectGone, pidsOf, uniqueName, waitUntil } from '../support/scenario.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';
import { openPane, type Pane } from '../support/tmux.ts';

let server: ScriptedServer | undefined;
let pane: Pane | undefined;
afterEach(async () => {
  pane?.kill();
  await server?.close();
});

const env = (s: ScriptedServer) => ({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model' });
const messagesOf = (i: number) => JSON.stringify(server!.turnRequests()[i].body.messages);

it('streams a markdown answer', async () => {
  server = await startScriptedServer([{ text: '# Results\n\nThe **tests** pass. Run them with `npm test`:\n\n```js\nconst x = 1; // one\n```\n\n- first\n- second\n' }]);
  pane = openPane(env(server));
  await pane.waitFor('/help for commands');
  pane.submit('how do I test?');
  const screen = await pane.waitFor('• second');
  expect(screen).toContain('› how do I test?');
  expect(screen).toContain('The tests pass. Run them with npm test:');
  expect(screen).toMatch(/╭─ js\n│ const x = 1; \/\/ one\n╰─/);
  expect(screen).not.toContain('**');
  expect(screen).not.toContain('```');
});

it('shows a tool call as one line with its result and a diff', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'greet.py'), 'print("hello")\n');
  server = await startScriptedServer([
    { toolCalls: [{ name: 'edit', args: { path: 'greet.py', oldText: 'hello', newText: 'hello, world' } }] },
    { text: 'Edited.' },
  ]);
  pane = openPane(env(server), { cwd: dir });
  await pane.waitFor('/help for commands');
  pane.submit('greet the world');
  const screen = await pane.waitFor('Edited.');
  expect(screen).toContain('⏺ edit(greet.py)');
  expect(screen).toMatch(/⎿ Edited greet\.py: 1 replacement, \+1 -1 lines\. \(\d+\.\d s\)/);
  expect(screen).toContain('-print("hello")');
  expect(screen).toContain('+print("hello, world")');
});

it('queues input typed during a long tool run as steering for the next request', async () => {
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: 'sleep 2; echo slept' } }] }, { text: 'Noted.' }]);
  pane = openPane(env(server));
  await pane.waitFor('/help for commands');
  pane.submit('take a nap');
  await pane.waitFor('bash(sleep 2; echo slept) ·');
  pane.submit('also check the README');
  await pane.waitFor('1 queued');
  await pane.waitFor('Noted.');
  const messages = server.turnRequests()[1].body.messages;
  expect(messages.at(-2).role).toBe('tool');
  expect(messages.at(-1)).toEqual({ role: 'user', content: 'also check the README' });
});

it('Ctrl-C mid-tool kills the process group and returns to the prompt; the conversation goes on; a second Ctrl-C exits 130', async () => {
  const marker = uniqueName('repl-sleep');
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: `(exec -a ${marker}-bg sleep 1000) & exec -a ${marker} sleep 1000` } }] }, { text: 'Continuing.' }]);
  pane = openPane(env(server));
  await pane.waitFor('/help for commands');
  pane.submit('sleep forever');
  await waitUntil(() => pidsOf(marker).length === 1 && pidsOf(`${marker}-bg`).length === 1, 'both sleeps to run');
  pane.keys('C-c');
  await pane.waitFor('Interrupted');
  await expectGone(marker);
  await expectGone(`${marker}-bg`);
  pane.submit('go on');
  await pane.waitFor('Continuing.');
  expect(messagesOf(1)).toContain('sleep forever');
  expect(messagesOf(1)).toContain('[killed: cancelled by the user]');
  expect(messagesOf(1)).toContain('go on');
  // With text in the prompt, one Ctrl-C clears it and a second one exits
  // (typing ended the double-press window of the interrupt above).
  pane.type('a draft');
  await pane.waitFor(/^› a draft/m);
  pane.keys('C-c');
  await pane.waitFor('Press Ctrl-C again to exit.');
  expect(pane.screen()).not.toMatch(/^› a draft/m);
  pane.keys('C-c');
  await pane.waitFor('EXIT:130');
});

it('/model lists the endpoint models and switches by search', async () => {
  server = await startScriptedServer([{ text: 'ok' }]);
  pane = openPane(env(server));
  await pane.waitFor('/help for commands');
  pane.submit('/model');
  const screen = await pane.waitFor('scripted-large');
  expect(screen).toContain('scripted-model');
  expect(screen).toContain('claude-scripted');
  pane.submit('/model large');
  await pane.waitFor('Model: scripted-large');
  pane.submit('hi');
  await pane.waitFor(/^ok$/m);
  expect(server.turnRequests()[0].body.model).toBe('scripted-large');
});

it('/btw answers a side question that stays out of the next request', async () => {
  server = await startScriptedServer([{ text: 'first answer' }, { text: 'side answer' }, { text: 'second answer' }]);
  pane = openPane(env(server));
  await pane.waitFor('/help for commands');
  pane.submit('main question');
  await pane.waitFor('first answer');
  pane.submit('/btw what is the capital of France');
  await pane.waitFor('side answer');
  expect(messagesOf(1)).toContain('what is the capital of France');
  expect(server.turnRequests()[1].body.tools).toBeUndefined();
  pane.submit('follow up');
  await pane.waitFor('second answer');
  expect(messagesOf(2)).toContain('main question');
  expect(messagesOf(2)).toContain('first answer');
  expect(messagesOf(2)).not.toContain('capital of France');
  expect(messagesOf(2)).not.toContain('side answer');
});

it('input typed during a side question is sent once the side answer is done', async () => {
  // The side answer streams slowly, so the input arrives while it runs.
  const slow = { text: 'side answer. '.repeat(20), chunkDelayMs: 200 };
  server = await startScriptedServer([{ text: 'first answer' }, slow, { text: 'answer to the typed input' }]);
  pane = openPane(env(server));
  await pane.waitFor('/help for commands');
  pane.submit('main question');
  await pane.waitFor('first answer');
  pane.submit('/btw a side question');
  await pane.waitFor('side answer.');
  pane.submit('typed meanwhile');
  await pane.waitFor('1 queued');
  await pane.waitFor('answer to the typed input');
  expect(server.turnRequests()[2].body.messages.at(-1)).toEqual({ role: 'user', content: 'typed meanwhile' });
  expect(messagesOf(2)).not.toContain('side answer');
});

it('completes slash commands with Tab, suggests for unknown ones, and exits on /quit', async () => {
  server = await startScriptedServer([]);
  pane = openPane(env(server));
  await pane.waitFor('/help for commands');
  pane.type('/too');
  pane.keys('Tab');
  await pane.waitFor(/^› \/tools\s*$/m);
  pane.keys('C-u');
  pane.submit('/modle');
  await pane.waitFor('Unknown command /modle. Did you mean /model, /mode?');
  pane.submit('/quit');
  await pane.waitFor('EXIT:0');
});

it('Ctrl-D on an empty prompt exits 0', async () => {
  server = await startScriptedServer([]);
  pane = openPane(env(server));
  await pane.waitFor('/help for commands');
  pane.keys('C-d');
  await pane.waitFor('EXIT:0');
});

it('keeps multi-line input (trailing backslash), history across runs, and completes @paths', async () => {
  const dir = tempDir();
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src/main.ts'), '');
  const home = tempDir();
  server = await startScriptedServer([{ text: 'first' }, { text: 'second' }]);
  pane = openPane({ ...env(server), NANOCODE_HOME: home }, { cwd: dir });
  await pane.waitFor('/help for commands');
  pane.submit('line one\\');
  pane.type('line two @sr');
  pane.keys('Tab');
  await pane.waitFor(/line two @src\/\s*$/m);
  pane.type('ma');
  pane.keys('Tab');
  await pane.waitFor(/line two @src\/main\.ts\s*$/m);
  pane.keys('Enter');
  await pane.waitFor('first');
  expect(server.turnRequests()[0].body.messages.at(-1).content).toBe('line one\nline two @src/main.ts ');
  pane.submit('/quit');
  await pane.waitFor('EXIT:0');
  pane.kill();
  // A new session remembers the prompt.
  pane = openPane({ ...env(server), NANOCODE_HOME: home }, { cwd: dir });
  await pane.waitFor('/help for commands');
  pane.keys('Up');
  await pane.waitFor('/quit');
  pane.keys('Up');
  await pane.waitFor(/› line one\n\s+line two @src\/main\.ts/);
});

it('delivers /queue messages after the current work, and /dequeue edit edits the queue', async () => {
  const dir = tempDir();
  const editor = join(dir, 'editor.sh');
  writeFileSync(editor, `#!/bin/sh\nprintf '{"steer": [], "followup": ["edited follow-up"]}' > "$1"\n`, { mode: 0o755 });
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: 'sleep 2' } }] }, { text: 'first done' }, { text: 'follow-up done' }]);
  pane = openPane({ ...env(server), EDITOR: editor }, { cwd: dir });
  await pane.waitFor('/help for commands');
  pane.submit('start');
  await pane.waitFor('bash(sleep 2) ·');
  pane.submit('/queue original follow-up');
  pane.submit('/dequeue edit');
  await pane.waitFor('Queue: 0 steering, 1 after.');
  await pane.waitFor('follow-up done');
  const reqs = server.turnRequests();
  expect(reqs).toHaveLength(3);
  expect(reqs[2].body.messages.at(-1)).toEqual({ role: 'user', content: 'edited follow-up' });
  expect(JSON.stringify(reqs[2].body.messages)).not.toContain('original follow-up');
});

it('/save names the session, /sessions lists it, /fork continues from an earlier turn', async () => {
  const home = tempDir();
  server = await startScriptedServer([{ text: 'answer 1' }, { text: 'answer 2' }, { text: 'answer 3' }, { text: 'forked answer' }]);
  pane = openPane({ ...env(server), NANOCODE_HOME: home });
  await pane.waitFor('/help for commands');
  for (const i of [1, 2, 3]) {
    pane.submit(`prompt ${i}`);
    await pane.waitFor(`answer ${i}`);
  }
  pane.submit('/save my-work');
  await pane.waitFor('is named "my-work"');
  pane.submit('/sessions');
  await pane.waitFor(/1\. my-work .* prompt 1/);
  pane.submit('/fork 2');
  await pane.waitFor('after turn 2: 4 messages');
  pane.submit('another way');
  await pane.waitFor('forked answer');
  const msgs = server.turnRequests()[3].body.messages.slice(1).map((m: any) => `${m.role}:${typeof m.content === 'string' ? m.content : m.content[0].text}`);
  expect(msgs).toEqual(['user:prompt 1', 'assistant:answer 1', 'user:prompt 2', 'assistant:answer 2', 'user:another way']);
});

it('keeps a pasted multi-line text intact instead of sending it line by line', async () => {
  server = await startScriptedServer([{ text: 'got it' }]);
  pane = openPane(env(server));
  await pane.waitFor('/help for commands');
  const pasted = Array.from({ length: 30 }, (_, i) => `pasted line ${i + 1}`).join('\n');
  pane.paste(pasted);
  await pane.waitFor(/pasted line 30\s*$/m);
  expect(server.turnRequests()).toHaveLength(0); // the newlines did not submit
  pane.submit(' -- what is this?');
  await pane.waitFor('got it');
  expect(server.turnRequests()[0].body.messages.at(-1).content).toBe(`${pasted} -- what is this?`);
});

it('re-wraps the live region when the terminal gets narrower', async () => {
  server = await startScriptedServer([]);
  pane = openPane(env(server), { width: 100 });
  await pane.waitFor('/help for commands');
  pane.type('a long prompt that is typed before the window shrinks and must wrap');
  await pane.waitFor('must wrap');
  pane.resize(40);
  pane.type(' neatly');
  const screen = await pane.waitFor(/neatly\s*$/m);
  const rows = screen.split('\n');
  const at = rows.findIndex((r) => r.startsWith('› a long prompt'));
  expect(rows.slice(at, at + 2).join('')).toContain('a long prompt that is typed before the w');
  expect(rows.filter((r) => r.startsWith('› ')).length).toBe(1); // one prompt, no stale copies below it
  expect(rows.filter((r) => r.startsWith('scripted-model · ctx')).length).toBe(1); // one status line
});
