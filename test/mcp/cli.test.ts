// MCP through the binary: servers from ~/.nanocode/mcp.json reach the model
// through mcp_search, mcp_inspect and mcp_call; a server that cannot start is
// reported and the run goes on; nothing is left running after nanocode exits.
// server-everything runs under a name of its own (bash's `exec -a`) so pgrep
// finds exactly this test's servers, with a helper process beside it, as a
// server started through npx has: the helper outlives a server that merely
// exits on end of input, unless nanocode ends the server's process group.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { run, tempDir } from '../support/cli.ts';
import { expectGone, killAll, pidsOf, uniqueName, waitUntil } from '../support/scenario.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';
import { openPane, type Pane } from '../support/tmux.ts';
import { EVERYTHING } from './servers.ts';

let model: ScriptedServer | undefined;
let pane: Pane | undefined;
const names: string[] = [];
afterEach(async () => {
  pane?.kill();
  pane = undefined;
  await model?.close();
  names.splice(0).forEach(killAll);
});

/** server-everything over stdio named `name`, with a helper named `name-helper`. */
function everything(name: string) {
  names.push(name, `${name}-helper`);
  return { command: 'bash', args: ['-c', `(exec -a ${name}-helper sleep 600) & exec -a ${name} "${process.execPath}" "${EVERYTHING}" stdio`] };
}

async function expectServerGone(name: string): Promise<void> {
  await expectGone(name);
  await expectGone(`${name}-helper`);
}

/** nanocode's home with this mcp.json. */
function home(servers: Record<string, unknown>): string {
  const dir = tempDir('nanocode-home-');
  writeFileSync(join(dir, 'mcp.json'), JSON.stringify({ mcpServers: servers }));
  return dir;
}

const env = (s: ScriptedServer, nanocodeHome: string) => ({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: nanocodeHome });
/** The last tool result in each request after the first. */
const toolResults = (s: ScriptedServer) => s.turnRequests().slice(1).map((r) => r.body.messages.filter((m: any) => m.role === 'tool').at(-1).content as string);

it('the model finds a tool with mcp_search, inspects it and calls it; each result reaches the next request; a server that cannot start is reported and the run goes on; nothing is left running', async () => {
  const name = uniqueName('everything');
  const h = home({ everything: everything(name), ghost: { command: 'nanocode-no-such-server' } });
  model = await startScriptedServer([
    { toolCalls: [{ name: 'mcp_search', args: { query: 'echo' } }] },
    { toolCalls: [{ name: 'mcp_inspect', args: { server: 'everything', tool: 'echo' } }] },
    { toolCalls: [{ name: 'mcp_call', args: { server: 'everything', tool: 'echo', arguments: { message: 'through the binary' } } }] },
    { toolCalls: [{ name: 'mcp_call', args: { server: 'ghost', tool: 'anything', arguments: {} } }] },
    { text: 'all done' },
  ]);
  const result = await run(['--no-session', '--allow', 'mcp__everything', '--allow', 'mcp__ghost', 'use the MCP servers'], { env: env(model, h) });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain('all done');

  const tools = model.turnRequests()[0].body.tools.map((t: any) => t.function.name);
  expect(tools).toEqual(expect.arrayContaining(['mcp_search', 'mcp_inspect', 'mcp_call']));
  expect(tools.filter((t: string) => t.startsWith('mcp__'))).toEqual([]);
  const [search, inspect, call, ghost] = toolResults(model);
  expect(search).toContain('[everything] echo: Echoes back the input string');
  expect(search).toContain('Not searched: MCP server "ghost" failed to start: command not found: nanocode-no-such-server');
  expect(inspect).toContain('"message": {');
  expect(call).toBe('Echo: through the binary');
  expect(ghost).toContain('MCP server "ghost" failed to start');
  expect(result.stderr).toContain('nanocode: MCP server "ghost" failed to start: command not found: nanocode-no-such-server');
  await expectServerGone(name);
});

it('with no MCP server configured there are no mcp_* tools', async () => {
  model = await startScriptedServer([{ text: 'ok' }]);
  expect((await run(['--no-session', 'hi'], { env: env(model, tempDir('nanocode-home-')) })).code).toBe(0);
  const tools = model.turnRequests()[0].body.tools.map((t: any) => t.function.name);
  expect(tools.filter((t: string) => t.startsWith('mcp'))).toEqual([]);
});

it('in the REPL, /mcp shows the servers, /mcp search starts them and finds tools, /mcp reload reads mcp.json again and stops the old servers; /quit leaves none', async () => {
  const first = uniqueName('everything');
  const h = home({ everything: everything(first) });
  model = await startScriptedServer([]);
  pane = openPane(env(model, h), { width: 160 });
  await pane.waitFor('/help for commands');
  pane.submit('/mcp');
  await pane.waitFor(`everything (stdio) stopped  [${join(h, 'mcp.json')}]`);
  pane.submit('/mcp search echo');
  await pane.waitFor('[everything] echo: Echoes back the input string', 20_000);
  expect(pidsOf(first).length).toBeGreaterThan(0);
  expect(pidsOf(`${first}-helper`).length).toBeGreaterThan(0);
  pane.submit('/mcp');
  await pane.waitFor(/everything \(stdio, \d+ tools\) running/);

  const second = uniqueName('again');
  writeFileSync(join(h, 'mcp.json'), JSON.stringify({ mcpServers: { everything: everything(first), again: everything(second) } }));
  pane.submit('/mcp reload');
  await pane.waitFor('Reloaded: 0 context files (0.0 KB), 0 skills, 2 MCP servers.');
  await pane.waitFor(`again (stdio) stopped  [${join(h, 'mcp.json')}]`);
  await expectServerGone(first);

  pane.submit('/mcp search echo');
  await waitUntil(() => pidsOf(second).length > 0, 'the reloaded server to start', 20_000);
  await pane.waitFor('[again] echo', 20_000);
  pane.submit('/quit');
  await pane.waitFor('EXIT:0');
  await expectServerGone(first);
  await expectServerGone(second);
});
