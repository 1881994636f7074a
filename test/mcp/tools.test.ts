// mcp_search, mcp_inspect, mcp_call and direct tools against the real
// server-everything over stdio (and server-filesystem), started by the manager.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { McpTool } from '../../src/mcp/contract.ts';
import type { McpManager } from '../../src/mcp/manager.ts';
import { directTools, mcpTools } from '../../src/mcp/tools.ts';
import { toFunctionTools, toPrompt } from '../../src/model/convert.ts';
import { tempDir } from '../support/cli.ts';
import { text, toolContext } from '../support/tool-context.ts';
import { everything, FILESYSTEM, manager, server, stdio } from './servers.ts';

const open: McpManager[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});

function setup(...servers: Parameters<typeof manager>[0]) {
  const m = manager(servers);
  open.push(m.manager);
  const tools = mcpTools(m.manager);
  const ctx = toolContext(tempDir());
  const run = (name: string, args: Record<string, unknown>) => tools.find((t) => t.name === name)!.execute(args, ctx);
  return { ...m, tools, run };
}

describe('the three MCP tools with server-everything over stdio', () => {
  it('search finds echo, inspect shows its schema, call returns its result', async () => {
    const { run, manager: m } = setup(everything());
    expect(m.status()).toMatchObject([{ name: 'everything', state: 'stopped' }]); // nothing started yet

    const found = await run('mcp_search', { query: 'echo back' });
    expect(text(found).split('\n')[1]).toBe('[everything] echo: Echoes back the input string');
    expect(m.status()).toMatchObject([{ name: 'everything', state: 'running', tools: expect.any(Number) }]);

    const inspected = text(await run('mcp_inspect', { server: 'everything', tool: 'echo' }));
    expect(inspected).toContain('Echoes back the input string');
    const schema = JSON.parse(inspected.split('Input schema: ')[1].split('\n\nCall:')[0]);
    expect(schema).toEqual({ type: 'object', properties: { message: { type: 'string', description: 'Message to echo' } }, required: ['message'] });

    expect(await run('mcp_call', { server: 'everything', tool: 'echo', arguments: { message: 'hi there' } })).toEqual({ content: 'Echo: hi there' });
  });

  it('an empty query lists every tool; a query nothing matches says what there is', async () => {
    const { run } = setup(everything());
    const all = text(await run('mcp_search', { query: '' }));
    expect(all).toMatch(/^\d+ MCP tools \(\[server\] tool: description\)/);
    expect(all).toContain('[everything] get-sum: Returns the sum of two numbers');
    expect(text(await run('mcp_search', { query: 'xylophone' }))).toMatch(/^No MCP tool matches "xylophone"\. Servers: everything \(\d+ tools\)/);
  });

  it('refuses arguments that do not fit the schema before calling the tool', async () => {
    const { run } = setup(everything());
    const r = await run('mcp_call', { server: 'everything', tool: 'echo', arguments: { message: 42 } });
    expect(r.isError).toBe(true);
    expect(text(r)).toContain('Invalid arguments for [everything] echo, not called:');
    expect(text(r)).toContain('expected string, received number');
    expect(text(r)).not.toContain('MCP error'); // the server's own check did not answer
  });

  it('keeps an image result as an image part', async () => {
    const { run } = setup(everything());
    const r = await run('mcp_call', { server: 'everything', tool: 'get-tiny-image', arguments: {} });
    expect(Array.isArray(r.content)).toBe(true);
    const parts = r.content as Array<{ type: string; text?: string; data?: string; mediaType?: string }>;
    expect(parts.map((p) => p.type)).toEqual(['text', 'image', 'text']);
    expect(parts[1]).toMatchObject({ type: 'image', mediaType: 'image/png' });
    expect(Buffer.from(parts[1].data!, 'base64').subarray(1, 4).toString()).toBe('PNG');
    // As an Anthropic request carries it: a file part inside the tool result.
    const [message] = toPrompt('', [{ role: 'tool', toolCallId: 'c1', toolName: 'mcp_call', content: r.content }], true);
    expect(message).toMatchObject({ role: 'tool', content: [{ type: 'tool-result', output: { type: 'content', value: [{ type: 'text' }, { type: 'file', mediaType: 'image/png', data: { type: 'data', data: parts[1].data } }, { type: 'text' }] } }] });
  });

  it('reads a resource, and lists a server with its resources', async () => {
    const { run } = setup(everything());
    const listed = text(await run('mcp_inspect', { server: 'everything' }));
    expect(listed).toMatch(/^MCP server "everything": \d+ tools\n\[everything\] echo: /);
    expect(listed).toContain('demo://resource/static/document/architecture.md (architecture.md)');
    const r = await run('mcp_call', { server: 'everything', resource: 'demo://resource/static/document/architecture.md' });
    expect(text(r)).toMatch(/^Resource demo:\/\/resource\/static\/document\/architecture\.md \(text\/markdown\):\n#/);
    const both = await run('mcp_call', { server: 'everything', tool: 'echo', resource: 'x' });
    expect(both).toMatchObject({ isError: true, content: expect.stringContaining('one of the two') });
  });

  it('names unknown servers and tools with what there is', async () => {
    const { run } = setup(everything());
    expect(await run('mcp_call', { server: 'nope', tool: 'echo', arguments: {} })).toEqual({ content: 'unknown MCP server "nope"; configured: everything', isError: true });
    const r = await run('mcp_inspect', { server: 'everything', tool: 'echo-it' });
    expect(r).toEqual({ content: 'MCP server "everything" has no tool "echo-it". Did you mean: echo.', isError: true });
  });

  it('gives the permission gate the server and tool a call targets', () => {
    const { tools } = setup(everything());
    const permission = Object.fromEntries(tools.map((t) => [t.name, t.permission]));
    expect(permission).toEqual({ mcp_search: 'read', mcp_inspect: 'read', mcp_call: 'other' });
    expect(tools[0].description).toContain('MCP servers (everything)');
    const call = tools.find((t) => t.name === 'mcp_call')!;
    expect(call.permissionTarget!({ server: 'everything', tool: 'echo', arguments: {} })).toEqual({ server: 'everything', tool: 'echo' });
    expect(call.permissionTarget!({ server: 'everything', resource: 'demo://x' })).toEqual({ server: 'everything', resource: 'demo://x' });
  });
});

describe('direct tools', () => {
  it('offers the listed tools as mcp__server__tool with their own schema', async () => {
    const { manager: m } = setup(everything({ directTools: ['echo', 'no-such-tool'] }));
    const { tools, warnings } = await directTools(m);
    expect(tools.map((t) => t.name)).toEqual(['mcp__everything__echo']);
    expect(warnings).toEqual(['MCP server "everything" has no tool "no-such-tool" (directTools in test)']);
    const echo = tools[0] as McpTool;
    expect(echo.permission).toBe('other');
    expect(echo.permissionTarget!({})).toEqual({ server: 'everything', tool: 'echo' });
    expect(await echo.execute({ message: 'direct' }, toolContext(tempDir()))).toEqual({ content: 'Echo: direct' });
    // What the model gets, through today's contract.
    const [fn] = toFunctionTools([echo]);
    expect(fn).toMatchObject({ name: 'mcp__everything__echo', description: 'Echoes back the input string', inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] } });
  });

  it('true offers every tool; a server that cannot start is a warning', async () => {
    const { manager: m } = setup(everything({ directTools: true }), server('ghost', stdio('nanocode-no-such-server', []), { directTools: true }));
    const { tools, warnings } = await directTools(m);
    expect(tools.length).toBeGreaterThan(5);
    expect(tools.every((t) => /^mcp__everything__[A-Za-z0-9_-]+$/.test(t.name))).toBe(true);
    expect(warnings).toEqual(['MCP server "ghost" failed to start: command not found: nanocode-no-such-server: its direct tools are not available']);
  });
});

describe('server-filesystem over stdio', () => {
  it('lists, reads and writes in its folder; invalid arguments write nothing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'remember the milk\n');
    const { run } = setup(server('fs', stdio(process.execPath, [FILESYSTEM, dir])));
    expect(text(await run('mcp_search', { query: 'read text file' })).split('\n')[1]).toMatch(/^\[fs\] read_text_file: /);
    expect(text(await run('mcp_call', { server: 'fs', tool: 'list_directory', arguments: { path: dir } }))).toContain('[FILE] notes.txt');
    expect(await run('mcp_call', { server: 'fs', tool: 'read_text_file', arguments: { path: join(dir, 'notes.txt') } })).toEqual({ content: 'remember the milk\n' });

    const refused = await run('mcp_call', { server: 'fs', tool: 'write_file', arguments: { path: join(dir, 'new.txt') } });
    expect(refused).toMatchObject({ isError: true, content: expect.stringContaining('not called') });
    expect(text(await run('mcp_call', { server: 'fs', tool: 'list_directory', arguments: { path: dir } }))).not.toContain('new.txt');

    await run('mcp_call', { server: 'fs', tool: 'write_file', arguments: { path: join(dir, 'new.txt'), content: 'made by MCP' } });
    expect(await run('mcp_call', { server: 'fs', tool: 'read_text_file', arguments: { path: join(dir, 'new.txt') } })).toEqual({ content: 'made by MCP' });

    // The server's own refusal is an error result the model reads.
    const outside = await run('mcp_call', { server: 'fs', tool: 'read_text_file', arguments: { path: '/etc/hostname' } });
    expect(outside).toMatchObject({ isError: true, content: expect.stringMatching(/access denied/i) });
  });
});
