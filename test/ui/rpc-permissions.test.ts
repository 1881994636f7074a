// --mode rpc and the permission gate: a client that sends ask_permissions
// answers the gate's questions (permission_request out, permission_answer in);
// one that does not gets the headless behaviour, a refusal that says why.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '../support/cli.ts';
import { type RpcProcess, startRpc } from '../support/rpc.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
let rpc: RpcProcess | undefined;
afterEach(async () => {
  rpc?.child.kill('SIGKILL');
  rpc = undefined;
  await server?.close();
});

const env = (s: ScriptedServer) => ({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: tempDir('nanocode-home-') });
/** A dangerous line that leaves a mark when it runs: `sudo` always asks. */
const dangerous = (mark: string) => ({ name: 'bash', args: { command: `touch ${mark}; sudo -n true` } });
const toolResults = (s: ScriptedServer) => s.turnRequests().slice(1).map((r) => r.body.messages.filter((m: any) => m.role === 'tool').at(-1).content as string);

it('without ask_permissions, a call that would ask is refused with the reason, and never runs', async () => {
  const cwd = tempDir();
  server = await startScriptedServer([{ toolCalls: [dangerous('ran')] }, { text: 'ok' }]);
  const p = (rpc = startRpc(env(server), { cwd }));
  p.send({ id: 1, type: 'prompt', text: 'go' });
  const event = await p.waitFor((l) => l.type === 'permission', 'the permission event');
  expect(event).toMatchObject({ name: 'bash', decision: 'deny', reason: expect.stringContaining('sudo') });
  await p.waitFor((l) => l.type === 'done', 'the answer');
  expect(p.lines.some((l) => l.type === 'permission_request')).toBe(false);
  expect(toolResults(server)[0]).toMatch(/^Permission denied: /);
  expect(existsSync(join(cwd, 'ran'))).toBe(false);
});

it('with ask_permissions, the client is asked: once runs it, no tells the model why, session stops asking for that kind of command', async () => {
  const cwd = tempDir();
  server = await startScriptedServer([
    { toolCalls: [dangerous('first')] },
    { toolCalls: [dangerous('second')] },
    { toolCalls: [dangerous('third')] },
    { toolCalls: [dangerous('fourth')] },
    { text: 'done' },
  ]);
  const p = (rpc = startRpc(env(server), { cwd }));
  p.send({ id: 1, type: 'ask_permissions' });
  expect(await p.reply(1)).toEqual({ type: 'response', id: 1, command: 'ask_permissions', success: true });
  p.send({ id: 2, type: 'prompt', text: 'go' });

  const first = await p.waitFor((l) => l.type === 'permission_request', 'the first question');
  // `id` ties it to the tool call (the assistant message's, then the tool_call and permission events').
  expect(first).toMatchObject({ request: 'p1', id: 'call_1', tool: 'bash', subject: 'touch first; sudo -n true', rules: ['Bash(sudo -n true)'], network: true });
  expect(first.reasons.join('\n')).toContain('is dangerous');
  // Nothing runs while the question waits.
  expect(existsSync(join(cwd, 'first'))).toBe(false);
  p.send({ id: 3, type: 'permission_answer', request: 'p1', answer: 'once' });
  expect(await p.reply(3)).toMatchObject({ success: true });

  const from = p.lines.length;
  const second = await p.waitFor((l) => l.type === 'permission_request' && l.request === 'p2', 'the second question', from);
  expect(second.subject).toBe('touch second; sudo -n true');
  p.send({ id: 4, type: 'permission_answer', request: 'p2', answer: 'no', message: 'use the deploy script instead' });
  await p.waitFor((l) => l.type === 'permission_request' && l.request === 'p3', 'the third question');
  p.send({ id: 5, type: 'permission_answer', request: 'p3', answer: 'session' });
  await p.waitFor((l) => l.type === 'done', 'the answer');

  expect(p.lines.filter((l) => l.type === 'permission_request').map((l) => l.request)).toEqual(['p1', 'p2', 'p3']); // the fourth ran unasked
  expect(['first', 'second', 'third', 'fourth'].map((m) => existsSync(join(cwd, m)))).toEqual([true, false, true, true]);
  expect(toolResults(server)[1]).toBe('Permission denied: the user said no, and says: use the deploy script instead');
  p.send({ id: 6, type: 'permission_answer', request: 'p1', answer: 'once' });
  expect(await p.reply(6)).toMatchObject({ success: false, error: 'no question "p1" is waiting' });
  // The client can show what its answers allow.
  p.send({ id: 7, type: 'get_state' });
  expect((await p.reply(7)).data.permissionRules).toEqual([{ kind: 'allow', text: 'Bash(sudo -n true)', origin: 'this session' }]);
});

it('abort while a question waits cancels the step; the call never runs and the next prompt works', async () => {
  const cwd = tempDir();
  server = await startScriptedServer([{ toolCalls: [dangerous('ran')] }, { text: 'after' }]);
  const p = (rpc = startRpc(env(server), { cwd }));
  p.send({ id: 1, type: 'ask_permissions' }, { id: 2, type: 'prompt', text: 'go' });
  await p.waitFor((l) => l.type === 'permission_request', 'the question');
  p.send({ id: 3, type: 'abort' });
  await p.waitFor((l) => l.type === 'done', 'the cancelled step');
  expect(existsSync(join(cwd, 'ran'))).toBe(false);
  const from = p.lines.length;
  p.send({ id: 4, type: 'prompt', text: 'again' });
  expect(await p.waitFor((l) => l.type === 'done', 'the next answer', from)).toMatchObject({ text: 'after' });
});

it('set_permission_mode switches the mode (get_state shows it); plan refuses a write; bad modes and bypass without --yes are refused', async () => {
  const cwd = tempDir();
  server = await startScriptedServer([{ toolCalls: [{ name: 'write', args: { path: 'notes.txt', content: 'x' } }] }, { text: 'ok' }]);
  const p = (rpc = startRpc(env(server), { cwd }));
  p.send({ id: 1, type: 'get_state' });
  expect((await p.reply(1)).data.permissionMode).toBe('default');
  p.send({ id: 2, type: 'set_permission_mode', mode: 'sideways' }, { id: 3, type: 'set_permission_mode', mode: 'bypassPermissions' }, { id: 4, type: 'set_permission_mode', mode: 'plan' });
  expect(await p.reply(2)).toMatchObject({ success: false, error: expect.stringContaining('no mode "sideways"; the modes are default, acceptEdits, plan, bypassPermissions') });
  expect(await p.reply(3)).toMatchObject({ success: false, error: 'bypassPermissions needs nanocode started with --yes' });
  expect(await p.reply(4)).toMatchObject({ success: true, data: { permissionMode: 'plan' } });
  p.send({ id: 5, type: 'prompt', text: 'write notes' });
  await p.waitFor((l) => l.type === 'done', 'the answer');
  expect(toolResults(server)[0]).toMatch(/^Permission denied: .*plan mode/);
  expect(existsSync(join(cwd, 'notes.txt'))).toBe(false);
});

it('a switch to plan while a question waits refuses the call, even if the answer is yes; the next question gets a new id', async () => {
  const cwd = tempDir();
  server = await startScriptedServer([{ toolCalls: [dangerous('first')] }, { toolCalls: [dangerous('second')] }, { text: 'ok' }]);
  const p = (rpc = startRpc(env(server), { cwd }));
  p.send({ id: 1, type: 'ask_permissions' }, { id: 2, type: 'prompt', text: 'go' });
  await p.waitFor((l) => l.type === 'permission_request', 'the first question');
  p.send({ id: 3, type: 'set_permission_mode', mode: 'plan' });
  await p.reply(3);
  p.send({ id: 4, type: 'permission_answer', request: 'p1', answer: 'session' });
  // plan refuses the second call without asking.
  await p.waitFor((l) => l.type === 'done', 'the answer');
  expect(toolResults(server)).toEqual([expect.stringMatching(/^Permission denied: .*plan mode/), expect.stringMatching(/^Permission denied: .*plan mode/)]);
  expect(existsSync(join(cwd, 'first'))).toBe(false);

  // Back in default mode, a yes from before the switch allowed nothing: the same call asks again, as p2.
  const from = p.lines.length;
  server.push({ toolCalls: [dangerous('third')] }, { text: 'ok' });
  p.send({ id: 5, type: 'set_permission_mode', mode: 'default' }, { id: 6, type: 'prompt', text: 'again' });
  expect(await p.waitFor((l) => l.type === 'permission_request', 'the next question', from)).toMatchObject({ request: 'p2', subject: 'touch third; sudo -n true' });
});
