// --mode rpc: a program drives one long-lived nanocode with JSON lines on
// stdin and reads events and replies on stdout, against the scripted model server.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { run, tempDir } from '../support/cli.ts';
import { pidsWithEnv } from '../support/processes.ts';
import { type RpcProcess, startRpc } from '../support/rpc.ts';
import { expectGone, pidsOf, uniqueName, waitUntil } from '../support/scenario.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
let rpc: RpcProcess | undefined;
afterEach(async () => {
  rpc?.child.kill('SIGKILL');
  rpc = undefined;
  await server?.close();
});

const env = (s: ScriptedServer) => ({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model' });
/** A command that runs until the test creates `release` in the working folder: the tool runs for as long as the test needs. */
const untilReleased = { name: 'bash', args: { command: 'while [ ! -e release ]; do sleep 0.05; done; echo released' } };
const release = (cwd: string) => writeFileSync(join(cwd, 'release'), '');
const userMessage = (text: string) => (l: any) => l.type === 'message' && l.message.role === 'user' && l.message.content === text;
const indexOf = (p: RpcProcess, match: (l: any) => boolean) => p.lines.findIndex(match);

it('a steer sent while a tool runs is in the next request, before the model speaks again', async () => {
  const cwd = tempDir();
  server = await startScriptedServer([{ toolCalls: [untilReleased] }, { text: 'Steered.' }]);
  const p = (rpc = startRpc(env(server), { cwd }));
  p.send({ id: 1, type: 'prompt', text: 'wait for the file' });
  expect(await p.reply(1)).toEqual({ type: 'response', id: 1, command: 'prompt', success: true });
  await p.waitFor((l) => l.type === 'tool_call', 'the tool call');
  p.send({ id: 2, type: 'steer', text: 'use vitest, not jest' });
  expect(await p.reply(2)).toEqual({ type: 'response', id: 2, command: 'steer', success: true });
  release(cwd);
  expect(await p.waitFor((l) => l.type === 'done', 'the answer')).toMatchObject({ reason: 'stop', text: 'Steered.' });

  const requests = server.turnRequests();
  expect(requests).toHaveLength(2);
  const second = requests[1].body.messages;
  expect(second.at(-2)).toMatchObject({ role: 'tool', content: expect.stringContaining('released') });
  expect(second.at(-1)).toEqual({ role: 'user', content: 'use vitest, not jest' });
  // On stdout too: the steering joins the conversation after the tool's result, before the model's next turn.
  const steered = indexOf(p, userMessage('use vitest, not jest'));
  expect(steered).toBeGreaterThan(indexOf(p, (l) => l.type === 'tool_result'));
  expect(steered).toBeLessThan(indexOf(p, (l) => l.type === 'turn_start' && l.turn === 2));
});

it('a follow-up sent while the agent works starts a new turn after done; get_state shows it queued meanwhile', async () => {
  const cwd = tempDir();
  server = await startScriptedServer([{ toolCalls: [untilReleased] }, { text: 'First done.' }, { text: 'Follow-up done.' }]);
  const p = (rpc = startRpc(env(server), { cwd }));
  p.send({ id: 1, type: 'prompt', text: 'wait for the file' });
  await p.waitFor((l) => l.type === 'tool_call', 'the tool call');
  p.send({ id: 2, type: 'follow_up', text: 'then update the README' }, { id: 3, type: 'get_state' });
  expect(await p.reply(2)).toEqual({ type: 'response', id: 2, command: 'follow_up', success: true });
  const busy = await p.reply(3);
  expect(busy).toMatchObject({ command: 'get_state', success: true, data: { model: 'scripted-model', running: true, queue: { steer: [], followUp: ['then update the README'] } } });
  release(cwd);
  await p.waitFor((l) => l.type === 'done' && l.text === 'Follow-up done.', 'the follow-up answer');

  const firstDone = indexOf(p, (l) => l.type === 'done' && l.text === 'First done.');
  const followUp = indexOf(p, userMessage('then update the README'));
  expect(firstDone).toBeGreaterThan(0);
  expect(followUp).toBeGreaterThan(firstDone);
  expect(p.lines[followUp + 1]).toEqual({ type: 'turn_start', turn: 1 });
  const requests = server.turnRequests();
  expect(requests).toHaveLength(3);
  expect(JSON.stringify(requests[1].body.messages)).not.toContain('then update the README');
  expect(requests[2].body.messages.at(-1)).toEqual({ role: 'user', content: 'then update the README' });

  p.send({ id: 4, type: 'get_state' });
  expect((await p.reply(4)).data).toMatchObject({ running: false, queue: { steer: [], followUp: [] }, messages: 6 });
});

it('abort kills the running command; the same process takes the next prompt', async () => {
  const marker = uniqueName('rpc-abort');
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: `exec -a ${marker} sleep 1000` } }] }, { text: 'Going on.' }]);
  const p = (rpc = startRpc(env(server)));
  p.send({ id: 1, type: 'prompt', text: 'sleep' });
  await waitUntil(() => pidsOf(marker).length === 1, 'the sleep to run');
  p.send({ id: 2, type: 'abort' });
  expect(await p.reply(2)).toEqual({ type: 'response', id: 2, command: 'abort', success: true });
  await expectGone(marker);
  expect(await p.waitFor((l) => l.type === 'done', 'the run to end')).toMatchObject({ reason: 'aborted' });
  expect(p.lines.find((l) => l.type === 'tool_result')).toMatchObject({ isError: true, content: expect.stringContaining('[killed: cancelled by the user]') });

  const from = p.lines.length;
  p.send({ id: 3, type: 'prompt', text: 'go on' });
  expect(await p.waitFor((l) => l.type === 'done', 'the next answer', from)).toMatchObject({ reason: 'stop', text: 'Going on.' });
  expect(server.turnRequests()).toHaveLength(2);
});

it('a prompt while one runs is refused with an error reply; the first goes on', async () => {
  const cwd = tempDir();
  server = await startScriptedServer([{ toolCalls: [untilReleased] }, { text: 'First answer.' }]);
  const p = (rpc = startRpc(env(server), { cwd }));
  p.send({ id: 'a', type: 'prompt', text: 'first prompt' }, { id: 'b', type: 'prompt', text: 'second prompt' });
  expect(await p.reply('b')).toEqual({ type: 'response', id: 'b', command: 'prompt', success: false, error: 'a prompt is already running; send steer or follow_up instead' });
  expect(await p.reply('a')).toMatchObject({ success: true });
  await p.waitFor((l) => l.type === 'tool_call', 'the tool call');
  p.send({ id: 'c', type: 'prompt', text: 'third prompt' });
  expect(await p.reply('c')).toMatchObject({ success: false });
  release(cwd);
  expect(await p.waitFor((l) => l.type === 'done', 'the answer')).toMatchObject({ text: 'First answer.' });
  expect(server.turnRequests()).toHaveLength(2);
  const sent = JSON.stringify(server.turnRequests().map((r) => r.body.messages));
  expect(sent).not.toContain('second prompt');
  expect(sent).not.toContain('third prompt');
});

it('set_model switches the model for the next request; get_state reports it', async () => {
  server = await startScriptedServer([{ text: 'From the large model.' }]);
  const p = (rpc = startRpc(env(server)));
  p.send({ id: 1, type: 'set_model', model: 'scripted-large' }, { id: 2, type: 'get_state' });
  expect(await p.reply(1)).toEqual({ type: 'response', id: 1, command: 'set_model', success: true, data: { model: 'scripted-large' } });
  expect((await p.reply(2)).data).toMatchObject({ model: 'scripted-large', running: false, messages: 0 });
  p.send({ id: 3, type: 'prompt', text: 'hello' });
  await p.waitFor((l) => l.type === 'done', 'the answer');
  expect(server.turnRequests()[0].body.model).toBe('scripted-large');
});

it('compact summarises older history with the given instructions', async () => {
  const summary = '## Goal\n- keep the names';
  server = await startScriptedServer([{ text: 'First answer.' }, { text: 'Second answer.' }, { text: summary }]);
  const p = (rpc = startRpc({ ...env(server), NANOCODE_COMPACTION_KEEP_RECENT_TOKENS: '1' }));
  p.send({ id: 1, type: 'prompt', text: 'first question' });
  await p.waitFor((l) => l.type === 'done', 'the first answer');
  let from = p.lines.length;
  p.send({ id: 2, type: 'prompt', text: 'second question' });
  await p.waitFor((l) => l.type === 'done', 'the second answer', from);
  from = p.lines.length;
  p.send({ id: 3, type: 'compact', instructions: 'keep the names of the files' });
  const compaction = await p.waitFor((l) => l.type === 'compaction', 'the compaction', from);
  expect(compaction.summary.content).toContain('keep the names');
  expect(await p.reply(3)).toMatchObject({ command: 'compact', success: true });
  expect(JSON.stringify(server.turnRequests()[2].body)).toContain('keep the names of the files');
  // The summary is not the model's answer.
  expect(p.lines.filter((l) => l.type === 'text_delta').map((l) => l.text).join('')).not.toContain('keep the names');
});

it('bad lines get error replies and the process goes on', async () => {
  server = await startScriptedServer([{ text: 'Still here.' }]);
  const p = (rpc = startRpc(env(server)));
  p.send('this is not json', { id: 1, type: 'fly' }, { id: 2, type: 'prompt' }, { id: 3, type: 'steer', text: 5 }, '[1, 2]', '');
  await waitUntil(() => p.lines.length >= 5, 'five replies');
  expect(p.lines[0]).toEqual({ type: 'response', success: false, error: expect.stringMatching(/^not a JSON line: /) });
  expect(await p.reply(1)).toEqual({ type: 'response', id: 1, command: 'fly', success: false, error: expect.stringContaining('unknown command "fly"; the commands are prompt, steer') });
  expect(await p.reply(2)).toMatchObject({ command: 'prompt', success: false, error: expect.stringContaining('text') });
  expect(await p.reply(3)).toMatchObject({ command: 'steer', success: false, error: expect.stringContaining('text') });
  expect(p.lines[4]).toMatchObject({ type: 'response', success: false, error: expect.stringContaining('unknown command null') });

  p.send({ id: 4, type: 'prompt', text: 'are you there?' });
  expect(await p.waitFor((l) => l.type === 'done', 'the answer')).toMatchObject({ text: 'Still here.' });
  expect(p.lines.filter((l) => 'notJson' in l)).toEqual([]);
});

it('close stops the work under way, is answered last and exits 0', async () => {
  const marker = uniqueName('rpc-close');
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: `exec -a ${marker} sleep 1000` } }] }]);
  const p = (rpc = startRpc(env(server)));
  p.send({ id: 1, type: 'prompt', text: 'sleep' });
  await waitUntil(() => pidsOf(marker).length === 1, 'the sleep to run');
  p.send({ id: 2, type: 'close' }, { id: 3, type: 'get_state' });
  expect((await p.exited).code).toBe(0);
  await expectGone(marker);
  expect(p.lines.slice(-2)).toEqual([expect.objectContaining({ type: 'done', reason: 'aborted' }), { type: 'response', id: 2, command: 'close', success: true }]);
});

it('the end of stdin while a command runs stops it, exits 0 and leaves no process', async () => {
  const marker = uniqueName('rpc-eof');
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: `exec -a ${marker} sleep 1000` } }] }]);
  const p = (rpc = startRpc(env(server)));
  p.send({ id: 1, type: 'prompt', text: 'sleep' });
  await waitUntil(() => pidsOf(marker).length === 1, 'the sleep to run');
  p.end();
  const { code, stderr } = await p.exited;
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(p.lines.at(-1)).toMatchObject({ type: 'done', reason: 'aborted' });
  await expectGone(marker);
  // Not the shell either: nothing it started is left.
  await waitUntil(() => pidsWithEnv((e) => e === `TMPDIR=${p.env.TMPDIR}`).length === 0, 'every process it started to end');
});

it('SIGTERM stops the work and exits 143', async () => {
  const marker = uniqueName('rpc-term');
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: `exec -a ${marker} sleep 1000` } }] }]);
  const p = (rpc = startRpc(env(server)));
  p.send({ id: 1, type: 'prompt', text: 'sleep' });
  await waitUntil(() => pidsOf(marker).length === 1, 'the sleep to run');
  p.child.kill('SIGTERM');
  expect((await p.exited).code).toBe(143);
  expect(p.lines.at(-1)).toMatchObject({ type: 'done', reason: 'aborted' });
  await expectGone(marker);
});

it('takes no task: --mode rpc with one is a usage error', async () => {
  const r = await run(['--mode', 'rpc', 'fix it'], { env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', NANOCODE_MODEL: 'm' } });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--mode rpc takes its prompts as commands on stdin, not as a task');
});
