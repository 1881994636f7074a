// Server lifecycles with real processes: lazy and concurrent starts,
// timeouts, deaths and restarts, servers that cannot start, and shutdown
// that leaves nothing running.
import { afterEach, describe, expect, it } from 'vitest';
import type { McpManager } from '../../src/mcp/manager.ts';
import { formatStatus } from '../../src/mcp/mcp.ts';
import { mcpTools } from '../../src/mcp/tools.ts';
import { tempDir } from '../support/cli.ts';
import { expectGone, killAll, pidsOf, uniqueName, waitUntil } from '../support/scenario.ts';
import { text, toolContext } from '../support/tool-context.ts';
import { EVERYTHING, everything, manager, server, stdio } from './servers.ts';

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
  const echo = (message: string) => run('mcp_call', { server: 'everything', tool: 'echo', arguments: { message } });
  const state = (name = 'everything') => m.manager.status().find((s) => s.name === name)!;
  return { ...m, run, echo, state };
}

describe('starting', () => {
  it('starts servers on first use, all at once when a search needs them all', async () => {
    const { manager: m, alive } = setup(everything(), { ...everything(), name: 'second' });
    expect(alive()).toEqual([]);
    const searching = m.allTools();
    expect(m.status().map((s) => s.state)).toEqual(['starting', 'starting']);
    const results = await searching;
    expect(results.map((r) => [r.server, r.tools!.length > 5])).toEqual([['everything', true], ['second', true]]);
    expect(m.status().map((s) => s.state)).toEqual(['running', 'running']);
  });

  it('a command that does not exist is reported, and the other servers still work', async () => {
    const { run, echo, state, notices, manager: m } = setup(server('ghost', stdio('nanocode-no-such-server', [])), everything());
    const found = text(await run('mcp_search', { query: 'echo' }));
    expect(found).toContain('[everything] echo: Echoes back the input string');
    expect(found).toContain('Not searched: MCP server "ghost" failed to start: command not found: nanocode-no-such-server');
    expect(await run('mcp_call', { server: 'ghost', tool: 'x', arguments: {} })).toEqual({
      content: 'MCP server "ghost" failed to start: command not found: nanocode-no-such-server',
      isError: true,
    });
    expect(state('ghost')).toMatchObject({ state: 'failed', error: 'failed to start: command not found: nanocode-no-such-server' });
    expect(notices).toEqual(['MCP server "ghost" failed to start: command not found: nanocode-no-such-server']);
    expect(await echo('still here')).toEqual({ content: 'Echo: still here' });
    // What /mcp shows.
    expect(formatStatus(m.status())).toMatch(/^ghost \(stdio\) failed: failed to start: command not found: nanocode-no-such-server {2}\[test\]\neverything \(stdio, \d+ tools\) running {2}\[test\]$/);
  });

  it('a working directory that does not exist is named as such', async () => {
    const { run } = setup(server('lost', stdio(process.execPath, [EVERYTHING, 'stdio'], '/nonexistent/folder')));
    expect(await run('mcp_inspect', { server: 'lost' })).toEqual({ content: 'MCP server "lost" failed to start: working directory not found: /nonexistent/folder', isError: true });
  });

  it('a server that exits at once fails with its exit status and stderr', async () => {
    const { run, state } = setup(server('crash', stdio(process.execPath, ['-e', 'process.stderr.write("no config found\\n"); process.exit(3)'])));
    const r = await run('mcp_inspect', { server: 'crash' });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^MCP server "crash" failed to start: .*\(exit code 3; stderr: no config found\)$/);
    expect(state('crash').state).toBe('failed');
  });

  it('a server that never answers times out, and its process is ended', async () => {
    const mark = uniqueName('mute');
    const { run, state, alive } = setup(server('mute', stdio('bash', ['-c', `exec -a ${mark} sleep 600`]), { timeout: 300 }));
    const r = await run('mcp_search', { query: 'anything' });
    expect(text(r)).toMatch(/MCP server "mute" failed to start: .*Request timed out/);
    expect(state('mute').state).toBe('failed');
    await expectGone(mark);
    expect(alive()).toEqual([]);
  });
});

describe('a server that dies', () => {
  it('is reported, started again by the next call, and left failed when it dies a second time', async () => {
    const { echo, state, notices } = setup(everything());
    expect(await echo('one')).toEqual({ content: 'Echo: one' });
    const first = state().pid!;
    process.kill(first, 'SIGKILL');
    await waitUntil(() => state().state === 'stopped', 'the death to be seen');
    expect(state().error).toBe('exited (signal SIGKILL); the next call starts it again');
    expect(notices).toEqual(['MCP server "everything" exited (signal SIGKILL); the next call starts it again']);

    const again = await echo('two');
    expect(again).toEqual({ content: '(MCP server "everything" exited (signal SIGKILL) and was started again.)\nEcho: two' });
    expect(state()).toMatchObject({ state: 'running' });
    expect(state().pid).not.toBe(first);
    expect(await echo('three')).toEqual({ content: 'Echo: three' }); // told once

    process.kill(state().pid!, 'SIGKILL');
    await waitUntil(() => state().state === 'failed', 'the second death to be seen');
    const refused = await echo('four');
    expect(refused).toEqual({ content: 'MCP server "everything" exited (signal SIGKILL) a second time: not restarted (/mcp reload starts it again)', isError: true });
  });

  it('during a call, the call fails saying so and the next call restarts it', async () => {
    const { run, echo, state } = setup(everything());
    expect(await echo('warm')).toEqual({ content: 'Echo: warm' });
    const long = run('mcp_call', { server: 'everything', tool: 'trigger-long-running-operation', arguments: { duration: 60, steps: 60 } });
    process.kill(state().pid!, 'SIGKILL');
    const r = await long;
    expect(r.isError).toBe(true);
    expect(r.content).toBe('MCP server "everything" exited (signal SIGKILL) during the call; the next call starts it again');
    expect(await echo('back')).toEqual({ content: '(MCP server "everything" exited (signal SIGKILL) and was started again.)\nEcho: back' });
  });
});

describe('a cancelled call', () => {
  it('ends the call, not the server', async () => {
    const { manager: m, echo, state } = setup(everything());
    expect(await echo('warm')).toEqual({ content: 'Echo: warm' });
    const pid = state().pid;
    const abort = new AbortController();
    const long = mcpTools(m)
      .find((t) => t.name === 'mcp_call')!
      .execute({ server: 'everything', tool: 'trigger-long-running-operation', arguments: { duration: 60, steps: 60 } }, toolContext(tempDir(), { signal: abort.signal }));
    abort.abort();
    expect(await long).toMatchObject({ isError: true });
    expect(state()).toMatchObject({ state: 'running', pid });
    expect(await echo('after')).toEqual({ content: 'Echo: after' });
  });
});

describe('close()', () => {
  it('ends every server and what the servers started; nothing is left running', async () => {
    const child = uniqueName('server-child');
    // A server that starts a process of its own, as `npx` does.
    const parent = server('parent', stdio('bash', ['-c', `(exec -a ${child} sleep 600) & exec "${process.execPath}" "${EVERYTHING}" stdio`]));
    const { manager: m, alive, state } = setup(everything(), parent);
    try {
      await m.allTools();
      expect(m.status().map((s) => s.state)).toEqual(['running', 'running']);
      expect(pidsOf(child)).toHaveLength(1);
      expect(alive().length).toBeGreaterThanOrEqual(3);
      await m.close();
      // SIGKILL has reached every process; the kernel ends them a moment later.
      await expectGone(child);
      await waitUntil(() => alive().length === 0, 'every server process to end');
      expect(state('parent').state).toBe('stopped');
      expect(await m.tools('everything').catch((e: Error) => e.message)).toBe('MCP servers are shut down');
    } finally {
      killAll(child);
    }
  });
});
