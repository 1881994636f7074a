// The Tool contract through the library (the built dist/index.js) against the
// scripted model server: JSON Schema parameters, parallel apart from
// permission, and the beforeToolCall gate.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import type * as Nanocode from '../../src/index.ts';
import { tempDir } from '../support/cli.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

let lib: typeof Nanocode;
beforeAll(async () => {
  lib = await import(pathToFileURL(resolve(import.meta.dirname, '../../dist/index.js')).href);
});
let server: ScriptedServer | undefined;
afterEach(async () => server?.close());

const create = (s: ScriptedServer, opts: Partial<Nanocode.AgentOptions> = {}) =>
  lib.Agent.create({
    env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', PATH: process.env.PATH },
    home: tempDir('nanocode-home-'),
    cwd: tempDir(),
    gitContext: false,
    ...opts,
  });

async function collect(events: AsyncIterable<Nanocode.AgentEvent>): Promise<Nanocode.AgentEvent[]> {
  const out: Nanocode.AgentEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

/** The tool results the model got in request `n`. */
const toolResults = (n: number) => server!.turnRequests()[n].body.messages.filter((m: any) => m.role === 'tool').map((m: any) => m.content);

it('validates JSON Schema parameters, sends the schema to the model as it is, and rejects bad arguments readably', async () => {
  const schema = {
    type: 'object',
    properties: { city: { type: 'string', description: 'Where' }, days: { type: 'integer', minimum: 1 } },
    required: ['city'],
    additionalProperties: false,
  };
  const calls: unknown[] = [];
  const weather = lib.defineTool({
    name: 'weather',
    description: 'The forecast',
    parameters: schema,
    permission: 'network',
    async execute(args) {
      calls.push(args);
      return { content: `sunny in ${args.city}` };
    },
  });
  server = await startScriptedServer([
    { toolCalls: [{ name: 'weather', args: { days: 0, hour: 3 } }] },
    { toolCalls: [{ name: 'weather', args: { city: 'Oslo', days: 2 } }] },
    { text: 'done' },
  ]);
  const agent = await create(server, { tools: [weather] });
  await collect(agent.prompt('weather?'));
  const sent = server.turnRequests()[0].body.tools.find((t: any) => t.function.name === 'weather');
  expect(sent.function.parameters).toEqual(schema);
  expect(toolResults(1)).toEqual([
    'Invalid arguments for weather: city: Invalid input: expected string, received undefined; days: Too small: expected number to be >=1; (root): Unrecognized key: "hour".',
  ]);
  expect(toolResults(2).at(-1)).toBe('sunny in Oslo');
  expect(calls).toEqual([{ city: 'Oslo', days: 2 }]);
});

it('answers every call of a tool whose JSON Schema cannot be read with an error, never running it', async () => {
  let ran = false;
  const odd = lib.defineTool({ name: 'odd', description: 'odd', parameters: { type: 'frob' }, permission: 'other', execute: async () => ((ran = true), { content: 'ran' }) });
  server = await startScriptedServer([{ toolCalls: [{ name: 'odd', args: {} }] }, { text: 'ok' }]);
  await collect((await create(server, { tools: [odd] })).prompt('go'));
  expect(toolResults(1)[0]).toMatch(/^odd cannot be called: its parameters are not a JSON Schema nanocode can read \(.*frob.*\)\.$/);
  expect(ran).toBe(false);
});

it('runs calls together by `parallel`, not by permission: a read that is not parallel runs alone, a parallel network call alongside reads', async () => {
  /** Who was running when each call started; every call yields a few times so that others can start. */
  const sawRunning: Record<string, string[]> = {};
  const running = new Set<string>();
  const probe = (name: string, permission: Nanocode.Permission, parallel?: boolean) =>
    lib.defineTool({
      name,
      description: name,
      parameters: z.object({ id: z.string() }),
      permission,
      parallel,
      async execute({ id }) {
        sawRunning[id] = [...running];
        running.add(id);
        for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
        running.delete(id);
        return { content: `done ${id}` };
      },
    });
  const tools = [probe('look', 'read'), probe('peek', 'read', false), probe('fetch', 'network', true)] as Nanocode.Tool[];
  const call = (name: string, id: string) => ({ name, args: { id } });
  server = await startScriptedServer([{ toolCalls: [call('look', 'r1'), call('look', 'r2'), call('peek', 'p1'), call('fetch', 'n1'), call('look', 'r3')] }, { text: 'ok' }]);
  await collect((await create(server, { tools })).prompt('go'));
  expect(sawRunning).toEqual({ r1: [], r2: ['r1'], p1: [], n1: [], r3: ['n1'] });
  expect(toolResults(1)).toEqual(['done r1', 'done r2', 'done p1', 'done n1', 'done r3']);
});

it('the gate: a denied call never runs and the model reads the reason; a permission event says so', async () => {
  const asked: Array<{ name: string; args: unknown; cwd: string }> = [];
  server = await startScriptedServer([
    { toolCalls: [{ name: 'write', args: { path: 'secret.txt', content: 'x' } }, { name: 'write', args: { path: 'ok.txt', content: 'fine' } }] },
    { text: 'understood' },
  ]);
  const cwd = tempDir();
  const agent = await create(server, {
    cwd,
    beforeToolCall: async (call, ctx) => {
      asked.push({ name: call.name, args: call.args, cwd: ctx.cwd });
      return (call.args as { path: string }).path === 'secret.txt' ? { action: 'deny', reason: 'secret.txt is off limits' } : { action: 'allow' };
    },
  });
  const events = await collect(agent.prompt('write both'));
  expect(existsSync(join(cwd, 'secret.txt'))).toBe(false);
  expect(readFileSync(join(cwd, 'ok.txt'), 'utf8')).toBe('fine');
  expect(asked).toEqual([
    { name: 'write', args: { path: 'secret.txt', content: 'x' }, cwd },
    { name: 'write', args: { path: 'ok.txt', content: 'fine' }, cwd },
  ]);
  expect(toolResults(1)).toEqual(['Permission denied: secret.txt is off limits', 'Wrote ok.txt: 1 lines, 4 bytes.']);
  // Only the call the gate did not simply allow is reported, before its result.
  const permissions = events.filter((e) => e.type === 'permission');
  expect(permissions).toEqual([{ type: 'permission', id: expect.any(String), name: 'write', decision: 'deny', reason: 'secret.txt is off limits' }]);
  const order = events.filter((e) => e.type === 'permission' || (e.type === 'tool_result' && e.isError)).map((e) => e.type);
  expect(order).toEqual(['permission', 'tool_result']);
  // What --mode json prints: every event as a JSON line.
  expect(JSON.parse(JSON.stringify(permissions[0]))).toEqual(permissions[0]);
});

it('the gate: rewritten arguments are validated again and are what runs; a failing gate denies', async () => {
  server = await startScriptedServer([
    { toolCalls: [{ name: 'write', args: { path: 'a.txt', content: 'original' } }] },
    { toolCalls: [{ name: 'write', args: { path: 'b.txt', content: 'original' } }] },
    { toolCalls: [{ name: 'write', args: { path: 'c.txt', content: 'original' } }] },
    { text: 'ok' },
  ]);
  const cwd = tempDir();
  const agent = await create(server, {
    cwd,
    beforeToolCall: async (call) => {
      const { path } = call.args as { path: string };
      if (path === 'a.txt') return { action: 'rewrite', args: { path: 'a.txt', content: 'rewritten' }, reason: 'house style' };
      if (path === 'b.txt') return { action: 'rewrite', args: { path: 42 } };
      throw new Error('rules file unreadable');
    },
  });
  const events = await collect(agent.prompt('write'));
  expect(readFileSync(join(cwd, 'a.txt'), 'utf8')).toBe('rewritten');
  expect(existsSync(join(cwd, 'b.txt'))).toBe(false);
  expect(existsSync(join(cwd, 'c.txt'))).toBe(false);
  expect(toolResults(1)).toEqual(['Wrote a.txt: 1 lines, 9 bytes.']);
  expect(toolResults(2).at(-1)).toBe(
    'Invalid arguments for write: path: Invalid input: expected string, received number; content: Invalid input: expected string, received undefined. (as rewritten by the permission check)',
  );
  expect(toolResults(3).at(-1)).toBe('Permission denied: the permission check failed: rules file unreadable');
  expect(events.filter((e) => e.type === 'permission').map((e) => e.type === 'permission' && [e.decision, e.reason, e.args])).toEqual([
    ['rewrite', 'house style', { path: 'a.txt', content: 'rewritten' }],
    ['rewrite', undefined, { path: 42 }],
    ['deny', 'the permission check failed: rules file unreadable', undefined],
  ]);
});

it('the gate is asked about every valid call, reads too, and not about calls that fail validation; builtinTools is exported', async () => {
  const asked: string[] = [];
  const calls = [{ name: 'read', args: { path: 'f.txt' } }, { name: 'read', args: {} }, { name: 'nope', args: {} }, { name: 'ls', args: {} }];
  server = await startScriptedServer([{ toolCalls: calls }, { text: 'ok' }]);
  const cwd = tempDir();
  writeFileSync(join(cwd, 'f.txt'), 'x');
  const agent = await create(server, { cwd, tools: lib.builtinTools, beforeToolCall: async (call) => (asked.push(call.name), { action: 'allow' }) });
  await collect(agent.prompt('go'));
  expect(asked).toEqual(['read', 'ls']);
  expect(toolResults(1)).toEqual([
    expect.stringContaining('1| x'),
    'Invalid arguments for read: path: Invalid input: expected string, received undefined.',
    expect.stringMatching(/^Unknown tool "nope"/),
    'f.txt',
  ]);
  expect(lib.builtinTools.map((t) => `${t.name}:${t.permission}`)).toEqual([
    'read:read', 'write:edit', 'edit:edit', 'apply_patch:edit', 'bash:execute', 'glob:read', 'grep:read', 'ls:read', 'find:read',
  ]);
});
