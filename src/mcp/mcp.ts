// The entry the agent calls: the configured servers, a manager for them, and
// the tools the model gets. Nothing here loads the MCP SDK; the manager does,
// when a server first starts. Servers with direct tools start here (their
// schemas go into the first request); the others on first use.
import type { Tool } from '../protocol/tool.ts';
import { loadMcpConfig, type McpConfigOptions } from './config.ts';
import { McpManager, type ServerStatus } from './manager.ts';
import { printable } from './printable.ts';
import { directTools, mcpTools } from './tools.ts';

export interface McpOptions extends McpConfigOptions {
  /** The environment stdio servers start from: the command env, secrets removed. `env` is for `${VAR}` only. */
  serverEnv: Record<string, string | undefined>;
  version?: string;
  /** A server failed or died, for the user. */
  onNotice?: (message: string) => void;
}

export interface Mcp {
  /** Absent when no server is configured. */
  manager?: McpManager;
  /** mcp_search, mcp_inspect, mcp_call and the direct tools; none unless a server is enabled. */
  tools: Tool[];
  /** Bad files and entries, direct tools that could not be had: for the user. */
  warnings: string[];
}

export async function loadMcp(options: McpOptions): Promise<Mcp> {
  const { servers, warnings } = loadMcpConfig({ ...options, projectEnv: options.projectEnv ?? options.serverEnv });
  if (!servers.length) return { tools: [], warnings };
  const manager = new McpManager(servers, { env: options.serverEnv, version: options.version, onNotice: options.onNotice });
  if (!manager.servers.length) return { manager, tools: [], warnings };
  const direct = await directTools(manager);
  return { manager, tools: [...mcpTools(manager), ...direct.tools], warnings: [...warnings, ...direct.warnings] };
}

/** `/mcp`: one line per server. */
export function formatStatus(status: ServerStatus[]): string {
  if (!status.length) return 'No MCP servers configured (~/.nanocode/mcp.json, .mcp.json, .nanocode/mcp.json).';
  return status
    .map((s) => {
      const tools = s.tools !== undefined ? `, ${s.tools} tools` : '';
      const error = s.error ? `: ${printable(s.error)}` : '';
      return `${s.name} (${s.transport}${tools}) ${s.state}${error}  [${s.source}]`;
    })
    .join('\n');
}
