// server-everything over Streamable HTTP and over SSE, started by the test on
// a free port of 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest';
import type { McpManager } from '../../src/mcp/manager.ts';
import { mcpTools } from '../../src/mcp/tools.ts';
import { tempDir } from '../support/cli.ts';
import { text, toolContext } from '../support/tool-context.ts';
import { freePort, manager, server, startHttpEverything } from './servers.ts';

const open: McpManager[] = [];
const servers: Array<{ stop(): void }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
  for (const s of servers.splice(0)) s.stop();
});

async function setup(mode: 'streamableHttp' | 'sse') {
  const remote = await startHttpEverything(mode);
  servers.push(remote);
  const m = manager([server('remote', { type: mode === 'sse' ? 'sse' : 'http', url: remote.url, headers: { 'X-Test': 'nanocode' } })]);
  open.push(m.manager);
  const tools = mcpTools(m.manager);
  const ctx = toolContext(tempDir());
  const run = (name: string, args: Record<string, unknown>) => tools.find((t) => t.name === name)!.execute(args, ctx);
  return { ...m, remote, run };
}

describe('server-everything over Streamable HTTP', () => {
  it('is searched, inspected and called; an image comes back as an image part', async () => {
    const { run, manager: m } = await setup('streamableHttp');
    expect(text(await run('mcp_search', { query: 'echo' })).split('\n')[1]).toBe('[remote] echo: Echoes back the input string');
    expect(text(await run('mcp_inspect', { server: 'remote', tool: 'get-sum' }))).toContain('"required": [\n  "a",\n  "b"\n ]');
    expect(await run('mcp_call', { server: 'remote', tool: 'echo', arguments: { message: 'over http' } })).toEqual({ content: 'Echo: over http' });
    expect(await run('mcp_call', { server: 'remote', tool: 'get-sum', arguments: { a: 2, b: 'three' } })).toMatchObject({ isError: true, content: expect.stringContaining('not called') });
    const image = await run('mcp_call', { server: 'remote', tool: 'get-tiny-image', arguments: {} });
    expect((image.content as Array<{ type: string }>).find((p) => p.type === 'image')).toMatchObject({ type: 'image', mediaType: 'image/png' });
    expect(m.status()).toMatchObject([{ name: 'remote', transport: 'http', state: 'running' }]);
  });

  it('a server that went away fails the call saying so; the next call tries again', async () => {
    const { run, remote, manager: m } = await setup('streamableHttp');
    expect(await run('mcp_call', { server: 'remote', tool: 'echo', arguments: { message: 'a' } })).toEqual({ content: 'Echo: a' });
    remote.stop();
    const lost = await run('mcp_call', { server: 'remote', tool: 'echo', arguments: { message: 'b' } });
    expect(lost).toMatchObject({ isError: true, content: expect.stringMatching(/^MCP server "remote" lost its connection \(.+\) during the call; the next call starts it again$/) });
    expect(m.status()[0].state).toBe('stopped');
    const again = await run('mcp_call', { server: 'remote', tool: 'echo', arguments: { message: 'c' } });
    expect(again).toMatchObject({ isError: true, content: expect.stringMatching(/^MCP server "remote" failed to start: /) });
  });

  it('an unreachable URL is a failed start', async () => {
    const m = manager([server('nowhere', { type: 'http', url: `http://127.0.0.1:${await freePort()}/mcp`, headers: {} })]);
    open.push(m.manager);
    const r = await mcpTools(m.manager)[0].execute({ query: 'x' }, toolContext(tempDir()));
    expect(text(r)).toMatch(/^Not searched: MCP server "nowhere" failed to start: fetch failed \(.*ECONNREFUSED.*\)$/);
  });
});

describe('server-everything over SSE', () => {
  it('is called', async () => {
    const { run } = await setup('sse');
    expect(await run('mcp_call', { server: 'remote', tool: 'echo', arguments: { message: 'over sse' } })).toEqual({ content: 'Echo: over sse' });
  });
});
