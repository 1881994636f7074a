// The Agent owns the conversation: its steering and follow-up queues, one
// piece of work at a time, cancellation by leaving a `for await`, and close().
// Through the built library against the scripted server.
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import type { Agent, AgentEvent } from '../../src/index.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';
import { expectGone, killAll, pidsOf, uniqueName, waitUntil } from '../support/scenario.ts';
import { pidsWithEnv } from '../support/processes.ts';
import { agentOptions, collect, lib } from './support.ts';

let server: ScriptedServer | undefined;
let agent: Agent | undefined;
const markers: string[] = [];
afterEach(async () => {
  await agent?.close();
  agent = undefined;
  await server?.close();
  for (const m of markers.splice(0)) killAll(m);
});

const marker = (label: string) => {
  const name = uniqueName(label);
  markers.push(name);
  return name;
};

/** A tool that runs `body` when the model calls it. */
const hook = (name: string, body: () => Promise<void> | void) =>
  lib.defineTool({ name, description: name, parameters: z.object({}), permission: 'read', execute: async () => (await body(), { content: `${name} done` }) });

const userTexts = (body: any) => body.messages.filter((m: any) => m.role === 'user').map((m: any) => (typeof m.content === 'string' ? m.content : m.content.map((p: any) => p.text).join('')));

it('delivers a steer before the next model call, and a follow-up as a new prompt once the work ends', async () => {
  server = await startScriptedServer([{ toolCalls: [{ name: 'note', args: {} }] }, { text: 'first answer' }, { text: 'second answer' }]);
  const note = hook('note', () => {
    agent!.steer('use vitest, not jest');
    agent!.followUp('then update the README');
    expect(agent!.queue).toEqual({ steer: ['use vitest, not jest'], followUp: ['then update the README'] });
  });
  agent = await lib.Agent.create(agentOptions(server, { tools: [note] }));
  const events = await collect(agent.stream('fix the test'));

  const [, second, third] = server.turnRequests().map((r) => r.body);
  // The steer follows the tool result, before the model's next turn.
  expect(second.messages.at(-2)).toMatchObject({ role: 'tool', content: 'note done' });
  expect(second.messages.at(-1)).toEqual({ role: 'user', content: 'use vitest, not jest' });
  expect(userTexts(third).at(-1)).toBe('then update the README');
  expect(events.filter((e) => e.type === 'done').map((e: any) => e.text)).toEqual(['first answer', 'second answer']);
  expect(events.at(-1)?.type).toBe('done');
  expect(agent.queue).toEqual({ steer: [], followUp: [] });
});

it('sends steering that came after the last model call as the next prompt', async () => {
  server = await startScriptedServer([{ text: 'done' }, { text: 'steered' }]);
  agent = await lib.Agent.create(agentOptions(server));
  const events: AgentEvent[] = [];
  for await (const e of agent.stream('go')) {
    events.push(e);
    if (e.type === 'text_delta' && events.filter((x) => x.type === 'text_delta').length === 1) {
      agent.steer('one');
      agent.steer('two');
    }
  }
  expect(userTexts(server.turnRequests()[1].body).at(-1)).toBe('one\n\ntwo');
  expect(events.filter((e) => e.type === 'done')).toHaveLength(2);
});

it('run() returns the answer, the messages it added, its usage and cost, and the reason', async () => {
  server = await startScriptedServer([{ toolCalls: [{ name: 'note', args: {} }], usage: { input: 10, output: 2 } }, { text: 'all done', usage: { input: 20, output: 3 } }]);
  agent = await lib.Agent.create(agentOptions(server, { tools: [hook('note', () => {})] }));
  const r = await agent.run('go');
  expect(r).toMatchObject({ text: 'all done', reason: 'stop', usage: { input: 30, output: 5 } });
  expect(r.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
  expect(agent.messages).toHaveLength(4);
  expect(agent.state()).toMatchObject({ running: false, messages: 4, model: 'scripted-model', queue: { steer: [], followUp: [] } });
});

it('refuses a second piece of work while one runs, with a clear error; afterwards it works again', async () => {
  server = await startScriptedServer([{ toolCalls: [{ name: 'wait', args: {} }] }, { text: 'first' }, { text: 'second' }]);
  let open!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const waiting = new Promise<void>((r) => (started = r));
  const wait = hook('wait', () => (started(), gate));
  agent = await lib.Agent.create(agentOptions(server, { tools: [wait] }));
  const first = collect(agent.stream('one'));
  await waiting;
  expect(agent.state().running).toBe(true);
  const busy = /a prompt is already running; steer\(\) or followUp\(\) instead/;
  await expect(agent.stream('two').next()).rejects.toThrow(busy);
  await expect(agent.stream('two').next()).rejects.toBeInstanceOf(lib.AgentBusyError);
  await expect(agent.run('two')).rejects.toThrow(busy);
  await expect(agent.compact().next()).rejects.toThrow(busy);
  await expect(agent.aside('two').next()).rejects.toThrow(busy);
  open();
  expect((await first).at(-1)).toMatchObject({ type: 'done', reason: 'stop', text: 'first' });
  expect((await agent.run('two')).text).toBe('second');
  // The refused prompts never reached the conversation.
  expect(userTexts(server.turnRequests()[2].body)).toEqual(['one', 'two']);
});

it('leaving a for await early closes the HTTP request', async () => {
  server = await startScriptedServer([{ text: 'x'.repeat(640), chunkDelayMs: 200 }]);
  agent = await lib.Agent.create(agentOptions(server));
  for await (const e of agent.stream('talk')) if (e.type === 'text_delta') break;
  await waitUntil(() => server!.turnRequests()[0].closed !== undefined, 'the request to close');
  // Closed by the client: the server never finished sending its 40 slow chunks.
  expect(server.responseEnds).toHaveLength(0);
  expect(agent.state().running).toBe(false);
});

it('leaving a for await early kills the running command', async () => {
  const name = marker('lib-break');
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: `(exec -a ${name} sleep 1000)` } }] }, { text: 'unused' }]);
  agent = await lib.Agent.create(agentOptions(server));
  for await (const e of agent.stream('sleep')) {
    if (e.type !== 'tool_call') continue;
    await waitUntil(() => pidsOf(name).length > 0, 'the command to start');
    break;
  }
  await expectGone(name);
  expect(server.turnRequests()).toHaveLength(1);
});

it('close() ends the idle shell, and then refuses work', async () => {
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: 'echo hi' } }] }, { text: 'ok' }]);
  const opts = agentOptions(server);
  const ours = () => pidsWithEnv((entry) => entry === `TMPDIR=${opts.env!.TMPDIR}`);
  agent = await lib.Agent.create(opts);
  await agent.run('say hi');
  // The shell stays between commands.
  expect(ours().length).toBeGreaterThan(0);
  await agent.close();
  await waitUntil(() => ours().length === 0, 'the shell to end');
  expect(() => agent!.steer('more')).toThrow(/closed/);
  expect(() => agent!.followUp('more')).toThrow(/closed/);
  await expect(agent.run('more')).rejects.toThrow(/this agent is closed/);
  expect(server.turnRequests()).toHaveLength(2);
});

it('close() during a command kills it and ends the run; the queued follow-up is not sent', async () => {
  const name = marker('lib-close');
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: `(exec -a ${name} sleep 1000)` } }] }, { text: 'unused' }]);
  const opts = agentOptions(server);
  agent = await lib.Agent.create(opts);
  const events: AgentEvent[] = [];
  for await (const e of agent.stream('sleep')) {
    events.push(e);
    if (e.type === 'tool_call') {
      await waitUntil(() => pidsOf(name).length > 0, 'the command to start');
      agent.followUp('never sent');
      await agent.close();
    }
  }
  expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'aborted' });
  await expectGone(name);
  await waitUntil(() => pidsWithEnv((entry) => entry === `TMPDIR=${opts.env!.TMPDIR}`).length === 0, 'every process the agent started to end');
  expect(server.turnRequests()).toHaveLength(1);
});

it('subscribe() sees every event of the conversation until unsubscribed; the queue can be cleared and set', async () => {
  server = await startScriptedServer([{ text: 'one' }, { text: 'two' }]);
  agent = await lib.Agent.create(agentOptions(server));
  const seen: string[] = [];
  const off = agent.subscribe((e) => seen.push(e.type));
  await agent.run('first');
  expect(seen).toContain('message');
  expect(seen.at(-1)).toBe('done');
  off();
  const before = seen.length;
  agent.followUp('a');
  agent.steer('b');
  expect(agent.clearQueue()).toEqual({ steer: ['b'], followUp: ['a'] });
  agent.setQueue({ steer: [], followUp: ['later'] });
  expect(agent.state().queue).toEqual({ steer: [], followUp: ['later'] });
  agent.clearQueue();
  await agent.run('second');
  expect(seen).toHaveLength(before);
  expect(server.turnRequests()).toHaveLength(2);
});

it('close() between prompts ends stream() before the next follow-up', async () => {
  server = await startScriptedServer([{ text: 'one' }, { text: 'unused' }]);
  agent = await lib.Agent.create(agentOptions(server));
  agent.followUp('never sent');
  const events: AgentEvent[] = [];
  for await (const e of agent.stream('first')) {
    events.push(e);
    if (e.type === 'done') await agent.close();
  }
  expect(events.filter((e) => e.type === 'message' && e.message.role === 'user')).toHaveLength(1);
  expect(server.turnRequests()).toHaveLength(1);
});
