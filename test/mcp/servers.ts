// The real MCP servers from npm (devDependencies) the MCP tests start, and a
// manager for them whose processes carry the test's TMPDIR mark.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DEFAULT_TIMEOUT_MS, type McpServerConfig, type McpTransportConfig } from '../../src/mcp/config.ts';
import { McpManager } from '../../src/mcp/manager.ts';
import { baseEnv, killAfterwards } from '../support/cli.ts';
import { pidsWithEnv } from '../support/processes.ts';
import { waitUntil } from '../support/scenario.ts';

const modules = resolve(import.meta.dirname, '../../node_modules/@modelcontextprotocol');
export const EVERYTHING = `${modules}/server-everything/dist/index.js`;
export const FILESYSTEM = `${modules}/server-filesystem/dist/index.js`;

export function server(name: string, transport: McpTransportConfig, extra: Partial<McpServerConfig> = {}): McpServerConfig {
  return { name, source: 'test', transport, timeout: DEFAULT_TIMEOUT_MS, disabled: false, ...extra };
}

export const stdio = (command: string, args: string[], cwd = process.cwd()): McpTransportConfig => ({ type: 'stdio', command, args, env: {}, cwd });
export const everything = (extra: Partial<McpServerConfig> = {}) => server('everything', stdio(process.execPath, [EVERYTHING, 'stdio']), extra);

/** A manager whose servers start with a fresh test environment; `alive()` lists their processes. */
export function manager(servers: McpServerConfig[], notices: string[] = []) {
  const env = baseEnv();
  killAfterwards(env);
  const m = new McpManager(servers, { env, version: 'test', onNotice: (n) => notices.push(n) });
  return { manager: m, env, notices, alive: () => pidsWithEnv((e) => e === `TMPDIR=${env.TMPDIR}`) };
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

/**
 * server-everything over HTTP (`streamableHttp` or `sse`), on the port its
 * PORT variable names: a free one, found just before. It says when it listens.
 */
export async function startHttpEverything(mode: 'streamableHttp' | 'sse'): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const env = baseEnv({ PORT: String(port) });
  killAfterwards(env);
  const child = spawn(process.execPath, [EVERYTHING, mode], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  await waitUntil(() => /(listening|running) on port/i.test(stderr) || child.exitCode !== null, `server-everything ${mode} to listen`);
  if (child.exitCode !== null) throw new Error(`server-everything ${mode} exited: ${stderr}`);
  return { url: `http://127.0.0.1:${port}/${mode === 'sse' ? 'sse' : 'mcp'}`, stop: () => child.kill('SIGKILL') };
}
