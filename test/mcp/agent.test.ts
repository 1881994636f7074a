// The MCP tools in the agent loop: from an mcp.json to tools (given to the
// Agent, or loaded by Agent.create itself), driven by the scripted model over
// real HTTP, with server-everything over stdio. What each result sent back to
// the model is read from the recorded requests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.ts';
import { loadMcp, type Mcp } from '../../src/mcp/mcp.ts';
import { baseEnv, killAfterwards, tempDir } from '../support/cli.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';
import { pidsWithEnv } from '../support/processes.ts';
import { EVERYTHING } from './servers.ts';

let model: ScriptedServer | undefined;
let mcp: Mcp | undefined;
afterEach(async () => {
  await mcp?.manager?.close();
  await model?.close();
});

/** server-everything in the user's mcp.json, echo offered directly too. */
async function everythingTools(): Promise<Mcp> {
  const home = tempDir('nanocode-home-');
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'mcp.json'), JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING, 'stdio'], directTools: ['echo'] } } }));
  const serverEnv = baseEnv();
  killAfterwards(serverEnv);
  mcp = await loadMcp({ home, cwd: tempDir(), trusted: false, env: {}, serverEnv });
  return mcp;
}

async function run(env: Record<string, string | undefined>, tools: Mcp['tools']) {
  const agent = await Agent.create({ env: { ...env, PATH: process.env.PATH }, tools, cwd: tempDir(), gitContext: false });
  for await (const _ of agent.prompt('use the MCP server'));
}

it('the model searches, inspects and calls an MCP tool, and calls a direct one; each result reaches the next request', async () => {
  const { tools } = await everythingTools();
  expect(tools.map((t) => t.name)).toEqual(['mcp_search', 'mcp_inspect', 'mcp_call', 'mcp__everything__echo']);
  model = await startScriptedServer([
    { toolCalls: [{ name: 'mcp_search', args: { query: 'echo' } }] },
    { toolCalls: [{ name: 'mcp_inspect', args: { server: 'everything', tool: 'echo' } }] },
    { toolCalls: [{ name: 'mcp_call', args: { server: 'everything', tool: 'echo', arguments: { message: 'through the loop' } } }] },
    { toolCalls: [{ name: 'mcp__everything__echo', args: { message: 'directly' } }] },
    { text: 'done' },
  ]);
  await run({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: model.openaiBaseURL, NANOCODE_MODEL: 'scripted-model' }, tools);

  const requests = model.turnRequests().map((r) => r.body);
  const lastToolResult = (i: number) => requests[i].messages.filter((m: any) => m.role === 'tool').at(-1).content;
  expect(lastToolResult(1)).toContain('[everything] echo: Echoes back the input string');
  expect(lastToolResult(2)).toContain('"message": {');
  expect(lastToolResult(3)).toBe('Echo: through the loop');
  expect(lastToolResult(4)).toBe('Echo: directly');
  // The direct tool goes to the model with the server's own schema.
  const direct = requests[0].tools.find((t: any) => t.function.name === 'mcp__everything__echo');
  expect(direct.function.parameters).toMatchObject({ type: 'object', properties: { message: { type: 'string', description: 'Message to echo' } }, required: ['message'] });
});

it('an image an MCP tool returns reaches an Anthropic request as an image', async () => {
  const { tools } = await everythingTools();
  model = await startScriptedServer([{ toolCalls: [{ name: 'mcp_call', args: { server: 'everything', tool: 'get-tiny-image', arguments: {} } }] }, { text: 'a logo' }]);
  await run({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: model.anthropicBaseURL }, tools);

  const second = model.turnRequests()[1].body;
  const result = second.messages.at(-1).content.find((p: any) => p.type === 'tool_result');
  expect(result.content.map((p: any) => p.type)).toEqual(['text', 'image', 'text']);
  expect(result.content[1].source).toMatchObject({ type: 'base64', media_type: 'image/png' });
});

it('Agent.create loads the MCP servers of ~/.nanocode/mcp.json, and stops those it started when it then fails (no model)', async () => {
  const home = tempDir('nanocode-home-');
  writeFileSync(join(home, 'mcp.json'), JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING, 'stdio'], directTools: ['echo'] } } }));
  const env = baseEnv({ NANOCODE_LOCAL_PORTS: '' });
  killAfterwards(env);
  const alive = () => pidsWithEnv((e) => e === `TMPDIR=${env.TMPDIR}`);
  await expect(Agent.create({ env, home, cwd: tempDir(), gitContext: false })).rejects.toThrow(/NANOCODE_LOCAL_PORTS|API_KEY/);
  expect(alive()).toEqual([]);

  model = await startScriptedServer([{ text: 'ok' }]);
  const agent = await Agent.create({ env: { ...env, OPENAI_API_KEY: 'k', OPENAI_BASE_URL: model.openaiBaseURL, NANOCODE_MODEL: 'scripted-model' }, home, cwd: tempDir(), gitContext: false });
  expect(agent.tools.map((t) => t.name).slice(-4)).toEqual(['mcp_search', 'mcp_inspect', 'mcp_call', 'mcp__everything__echo']);
  expect(alive().length).toBeGreaterThan(0); // started for its direct tool's schema
  await agent.close();
  expect(alive()).toEqual([]);
});
