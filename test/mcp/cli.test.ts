// MCP through the binary: servers from ~/.nanocode/mcp.json reach the model
// through mcp_search, mcp_inspect and mcp_call; a server that cannot start is
// reported and the run goes on; nothing is left running after nanocode exits.
// server-everything runs under a name of its own (bash's `exec -a`) so pgrep
// finds exactly this test's servers, with a helper process beside it, as a
// server started through npx has: the helper outlives a server that merely
// exits on end of input, unless nanocode ends the server's process group.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run, tempDir } from '../support/cli.ts';
import { expectGone, killAll, pidsOf, uniqueName, waitUntil } from '../support/scenario.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';
import { openPane, type Pane } from '../support/tmux.ts';
import { EVERYTHING, startHttpEverything } from './servers.ts';

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

describe('the permission gate', () => {
  /** A home whose server-everything also offers echo directly, as mcp__everything__echo. */
  const directHome = (name: string) => home({ everything: { ...everything(name), directTools: ['echo'] } });
  const script = () => [
    { toolCalls: [{ name: 'mcp_search', args: { query: 'echo' } }] },
    { toolCalls: [{ name: 'mcp_inspect', args: { server: 'everything', tool: 'echo' } }] },
    { toolCalls: [{ name: 'mcp_call', args: { server: 'everything', tool: 'echo', arguments: { message: 'through mcp_call' } } }] },
    { toolCalls: [{ name: 'mcp__everything__echo', args: { message: 'directly' } }] },
    { toolCalls: [{ name: 'mcp_call', args: { server: 'everything', tool: 'get-sum', arguments: { a: 2, b: 3 } } }] },
    { text: 'done' },
  ];

  it('headless, a call of a server tool is refused through either path unless a rule allows it; search and inspect never ask', async () => {
    const name = uniqueName('everything');
    model = await startScriptedServer(script());
    const result = await run(['--no-session', 'use MCP'], { env: env(model, directHome(name)) });
    expect(result.code, result.stderr).toBe(0);
    const [search, inspect, call, direct, sum] = toolResults(model);
    expect(search).toContain('[everything] echo');
    expect(inspect).toContain('"message": {');
    expect(call).toMatch(/^Permission denied: .*mcp__everything__echo/s);
    expect(direct).toMatch(/^Permission denied: .*mcp__everything__echo/s);
    expect(sum).toMatch(/^Permission denied: .*mcp__everything__get-sum/s);
    expect(result.stderr).toContain('nanocode: permission denied for mcp_call');
    expect(result.stderr).toContain('nanocode: permission denied for mcp__everything__echo');
    await expectServerGone(name);
  });

  it('an allow rule lets the calls run; with --yes, a deny rule still blocks both paths to its tool and no other', async () => {
    const allowed = uniqueName('everything');
    model = await startScriptedServer(script());
    let result = await run(['--no-session', '--allow', 'mcp__everything__*', 'use MCP'], { env: env(model, directHome(allowed)) });
    expect(result.code, result.stderr).toBe(0);
    expect(toolResults(model).slice(2)).toEqual(['Echo: through mcp_call', 'Echo: directly', 'The sum of 2 and 3 is 5.']);
    await model.close();

    const denied = uniqueName('everything');
    model = await startScriptedServer(script());
    result = await run(['--no-session', '--yes', '--deny', 'mcp__everything__echo', 'use MCP'], { env: env(model, directHome(denied)) });
    expect(result.code, result.stderr).toBe(0);
    const [, , call, direct, sum] = toolResults(model);
    expect(call).toMatch(/^Permission denied: .*deny rule mcp__everything__echo/s);
    expect(direct).toMatch(/^Permission denied: .*deny rule mcp__everything__echo/s);
    expect(sum).toBe('The sum of 2 and 3 is 5.');
    await expectServerGone(allowed);
    await expectServerGone(denied);
  });
});

it('a server killed mid-session is reported, and the next call starts it again', async () => {
  const name = uniqueName('everything');
  const echo = (message: string) => ({ toolCalls: [{ name: 'mcp_call', args: { server: 'everything', tool: 'echo', arguments: { message } } }] });
  let killed = false;
  model = await startScriptedServer([echo('one'), echo('two'), echo('three'), { text: 'done' }], {
    // Once the first result is in, the server dies before the model answers.
    respond: (body) => {
      if (!killed && JSON.stringify(body.messages).includes('Echo: one')) {
        killed = true;
        killAll(name);
      }
      return undefined;
    },
  });
  const result = await run(['--no-session', '--allow', 'mcp__everything', 'echo three times'], { env: env(model, home({ everything: everything(name) })) });
  expect(result.code, result.stderr).toBe(0);
  expect(killed).toBe(true);
  const [one, two, three] = toolResults(model);
  expect(one).toBe('Echo: one');
  // The death is seen before the second call (it restarts with a note) or during it (it fails, and the third restarts).
  const reported = two.startsWith('(MCP server "everything" exited (signal SIGKILL) and was started again.)') ? two : three;
  expect(reported).toBe('(MCP server "everything" exited (signal SIGKILL) and was started again.)\nEcho: ' + (reported === two ? 'two' : 'three'));
  if (reported === three) expect(two).toContain('MCP server "everything" exited (signal SIGKILL)');
  expect(result.stderr).toContain('nanocode: MCP server "everything" exited (signal SIGKILL)');
  await expectServerGone(name);
});

it('a server over Streamable HTTP is called through the binary', async () => {
  const http = await startHttpEverything('streamableHttp');
  try {
    model = await startScriptedServer([
      { toolCalls: [{ name: 'mcp_call', args: { server: 'remote', tool: 'echo', arguments: { message: 'over http' } } }] },
      { text: 'done' },
    ]);
    const result = await run(['--no-session', '--allow', 'mcp__remote', 'call it'], { env: env(model, home({ remote: { type: 'http', url: http.url } })) });
    expect(result.code, result.stderr).toBe(0);
    expect(toolResults(model)).toEqual(['Echo: over http']);
  } finally {
    http.stop();
  }
});

it("an untrusted project's .mcp.json server does not start, nor get offered; trusted, it does", async () => {
  const name = uniqueName('everything');
  const cwd = tempDir('project-');
  const marker = join(cwd, 'started');
  const server = { command: 'bash', args: ['-c', `touch '${marker}'; exec -a ${name} "${process.execPath}" "${EVERYTHING}" stdio`], directTools: true };
  names.push(name);
  writeFileSync(join(cwd, '.mcp.json'), JSON.stringify({ mcpServers: { project: server } }));
  model = await startScriptedServer([{ text: 'ok' }, { text: 'ok' }]);
  const h = tempDir('nanocode-home-');
  const untrusted = await run(['--no-session', 'hi'], { cwd, env: env(model, h) });
  expect(untrusted.code, untrusted.stderr).toBe(0);
  expect(untrusted.stderr).toContain("nanocode: ignoring this project's .mcp.json until you trust this folder");
  expect(existsSync(marker)).toBe(false);
  expect(model.turnRequests()[0].body.tools.map((t: any) => t.function.name).filter((t: string) => t.startsWith('mcp'))).toEqual([]);

  const trusted = await run(['--no-session', '--trust', 'hi'], { cwd, env: env(model, h) });
  expect(trusted.code, trusted.stderr).toBe(0);
  expect(existsSync(marker)).toBe(true);
  expect(model.turnRequests()[1].body.tools.map((t: any) => t.function.name)).toContain('mcp__project__echo');
  await expectGone(name);
});

it('through the binary, an image a server tool returns reaches an Anthropic request as an image', async () => {
  const name = uniqueName('everything');
  model = await startScriptedServer([{ toolCalls: [{ name: 'mcp_call', args: { server: 'everything', tool: 'get-tiny-image', arguments: {} } }] }, { text: 'a logo' }]);
  const h = home({ everything: everything(name) });
  const result = await run(['--no-session', '--allow', 'mcp__everything__get-tiny-image', '-m', 'anthropic/claude-sonnet-4-5', 'show me the logo'], {
    env: { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: model.anthropicBaseURL, NANOCODE_HOME: h },
  });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain('a logo');
  const second = model.turnRequests()[1].body;
  const toolResult = second.messages.at(-1).content.find((p: any) => p.type === 'tool_result');
  expect(toolResult.content.map((p: any) => p.type)).toContain('image');
  expect(toolResult.content.find((p: any) => p.type === 'image').source).toMatchObject({ type: 'base64', media_type: 'image/png' });
  await expectServerGone(name);
});
