// Sessions and the command log are recorders the library attaches by option,
// exactly as the CLI does: a session written by the library is continued by
// `nanocode -c`, and the other way round.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Agent, AgentOptions } from '../../src/index.ts';
import { run } from '../support/cli.ts';
import { workspace } from '../support/scenario.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';
import { agentOptions, lib } from './support.ts';

let server: ScriptedServer | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
  await server?.close();
});

const cliEnv = (s: ScriptedServer, home: string) => ({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: home });
/** The conversation a request sent, system prompt left out. */
const sent = (body: any) => body.messages.slice(1).map((m: any) => `${m.role}:${typeof m.content === 'string' ? m.content : ''}`);

function libAgent(w: { home: string; cwd: string }, extra: AgentOptions): Promise<Agent> {
  return lib.Agent.create(agentOptions(server!, { home: w.home, cwd: w.cwd, ...extra }));
}

it('a session the library saved is continued by nanocode -c, in the same file', async () => {
  const w = workspace();
  server = await startScriptedServer([{ text: 'library answer' }, { text: 'cli answer' }]);
  agent = await libAgent(w, { session: true });
  await agent.run('from the library');
  const { sessionId, sessionFile } = agent.state();
  expect(sessionFile).toBe(w.sessionFiles()[0]);
  // Closing releases the session: the CLI continues it rather than forking it.
  await agent.close();

  const r = await run(['-c', 'from the cli'], { cwd: w.cwd, env: cliEnv(server, w.home) });
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  expect(sent(server.turnRequests()[1].body)).toEqual(['user:from the library', 'assistant:library answer', 'user:from the cli']);
  expect(w.sessionFiles()).toEqual([sessionFile]);
  expect(w.records()[0]).toMatchObject({ type: 'session', id: sessionId });
  expect(w.records().filter((r) => r.type === 'message').map((r) => r.message.content)).toEqual(['from the library', [{ type: 'text', text: 'library answer' }], 'from the cli', [{ type: 'text', text: 'cli answer' }]]);
});

it('a session nanocode saved is continued by the library ({ continue: true }), resumed by id, and forked', async () => {
  const w = workspace();
  server = await startScriptedServer([{ text: 'cli answer' }, { text: 'library answer' }, { text: 'resumed answer' }, { text: 'forked answer' }]);
  expect((await run(['from the cli'], { cwd: w.cwd, env: cliEnv(server, w.home) })).code).toBe(0);
  const [file] = w.sessionFiles();
  const id = w.records()[0].id;

  agent = await libAgent(w, { session: { continue: true } });
  expect(agent.state()).toMatchObject({ sessionId: id, sessionFile: file, messages: 2 });
  await agent.run('from the library');
  expect(sent(server.turnRequests()[1].body)).toEqual(['user:from the cli', 'assistant:cli answer', 'user:from the library']);
  await agent.close();

  agent = await libAgent(w, { session: { resume: id } });
  expect(agent.messages).toHaveLength(4);
  await agent.run('resumed');
  await agent.close();
  expect(w.sessionFiles()).toEqual([file]);

  agent = await libAgent(w, { session: { fork: { turn: 1, session: id } } });
  expect(agent.state().sessionId).not.toBe(id);
  await agent.run('forked');
  expect(sent(server.turnRequests()[3].body)).toEqual(['user:from the cli', 'assistant:cli answer', 'user:forked']);
  expect(w.sessionFiles()).toHaveLength(2);
});

it('a session still open in the library is not appended to by the CLI: it forks and says so', async () => {
  const w = workspace();
  server = await startScriptedServer([{ text: 'one' }, { text: 'two' }]);
  agent = await libAgent(w, { session: true });
  await agent.run('first');
  const r = await run(['-c', 'second'], { cwd: w.cwd, env: cliEnv(server, w.home) });
  expect(r.stderr).toMatch(/is in use by another nanocode \(process \d+\); continuing in a new session/);
  expect(w.sessionFiles()).toHaveLength(2);
});

it('restoring reports damaged lines through onWarning; an unknown session is refused', async () => {
  const w = workspace();
  server = await startScriptedServer([{ text: 'one' }]);
  expect((await run(['first'], { cwd: w.cwd, env: cliEnv(server, w.home) })).code).toBe(0);
  appendFileSync(w.sessionFiles()[0], 'not json\n');
  const warnings: string[] = [];
  agent = await libAgent(w, { session: { continue: true }, onWarning: (m) => warnings.push(m) });
  expect(agent.messages).toHaveLength(2);
  expect(warnings).toEqual([expect.stringMatching(/1 unreadable line was skipped/)]);
  await expect(libAgent(w, { session: { resume: 'nope' } })).rejects.toThrow(/No session "nope"/);
});

it('without the options nothing is recorded; commandLog writes .nanocode.log', async () => {
  const w = workspace();
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: 'echo quiet' } }] }, { text: 'ok' }, { toolCalls: [{ name: 'bash', args: { command: 'echo logged' } }] }, { text: 'ok' }]);
  agent = await libAgent(w, {});
  await agent.run('run it');
  expect(agent.sessions).toBeUndefined();
  expect(agent.state().sessionId).toBeUndefined();
  expect(existsSync(join(w.home, 'sessions'))).toBe(false);
  expect(existsSync(join(w.cwd, '.nanocode.log'))).toBe(false);
  await agent.close();

  agent = await libAgent(w, { commandLog: true });
  await agent.run('run it');
  expect(readFileSync(join(w.cwd, '.nanocode.log'), 'utf8')).toMatch(/\[exit code 0\] echo logged\n$/);
  expect(existsSync(join(w.home, 'sessions'))).toBe(false);
});

it('close() during a run records the run to its end, then releases the session', async () => {
  const w = workspace();
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: 'sleep 1000' } }] }, { text: 'continued' }]);
  agent = await libAgent(w, { session: true });
  for await (const e of agent.stream('wait')) {
    if (e.type === 'tool_output' || e.type === 'tool_call') await agent.close();
  }
  const tool = w.records().find((r) => r.type === 'message' && r.message.role === 'tool');
  expect(tool.message.content).toMatch(/cancelled/);
  const r = await run(['-c', 'go on'], { cwd: w.cwd, env: cliEnv(server, w.home) });
  expect(r.stderr).toBe('');
  expect(w.sessionFiles()).toHaveLength(1);
});
