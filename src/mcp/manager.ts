// The configured MCP servers and their connections. A server starts on first
// use (several at once when a search needs them all), within its timeout. One
// that dies is started again by the next call; a second death, or a failed
// start, leaves it failed with its error until /mcp reload. close() ends them
// all, and with them every process they started.
import type { CallToolResult, ReadResourceResult, Resource, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from './config.ts';
import type { Connection } from './connect.ts';
import { printable } from './printable.ts';

export type McpToolInfo = Tool;
export type ServerState = 'stopped' | 'starting' | 'running' | 'failed' | 'disabled';

export interface ServerStatus {
  name: string;
  state: ServerState;
  transport: 'stdio' | 'http' | 'sse';
  source: string;
  /** Known once the server has started. */
  tools?: number;
  /** Why it failed, or how it last exited. */
  error?: string;
  pid?: number;
}

export interface ManagerOptions {
  /** The environment stdio servers start from (the command env, secrets removed). */
  env: Record<string, string | undefined>;
  /** nanocode's version, told to servers. */
  version?: string;
  /** A server failed or died: for the user (the model reads it in the tool result). */
  onNotice?: (message: string) => void;
}

/** An error's message with its cause: "fetch failed (connect ECONNREFUSED 127.0.0.1:9)". */
export function errorText(err: unknown): string {
  const e = err as Error;
  const cause = (e.cause as Error | undefined)?.message;
  return cause && !e.message.includes(cause) ? `${e.message} (${cause})` : String(e.message ?? err);
}

/** A server cannot be used: unknown, disabled, failed to start or died twice. */
export class McpUnavailable extends Error {}

interface Entry {
  config: McpServerConfig;
  state: ServerState;
  connection?: Connection;
  starting?: Promise<Connection>;
  error?: string;
  deaths: number;
  /** How the last connection ended: "exited (signal SIGKILL)". */
  ended?: string;
  /** Set when a death was not yet told to the model; the next result says so. */
  untold?: string;
}

export class McpManager {
  private readonly entries = new Map<string, Entry>();
  private closed = false;
  private readonly options: ManagerOptions;

  constructor(servers: McpServerConfig[], options: ManagerOptions) {
    this.options = options;
    for (const config of servers) this.entries.set(config.name, { config, state: config.disabled ? 'disabled' : 'stopped', deaths: 0 });
  }

  /** The servers that may be used, in configuration order. */
  get servers(): McpServerConfig[] {
    return [...this.entries.values()].filter((e) => e.state !== 'disabled').map((e) => e.config);
  }

  status(): ServerStatus[] {
    return [...this.entries.values()].map((e) => ({
      name: e.config.name,
      state: e.state,
      transport: e.config.transport.type,
      source: e.config.source,
      ...(e.connection && { tools: e.connection.tools.length, pid: e.connection.pid }),
      ...(e.error && { error: e.error }),
    }));
  }

  /** A server's tools, starting it if needed. Throws McpUnavailable. */
  async tools(server: string): Promise<McpToolInfo[]> {
    return (await this.use(server)).tools;
  }

  /** Every usable server's tools, the servers started concurrently; a server that cannot start gives its error. */
  allTools(): Promise<Array<{ server: string; tools?: McpToolInfo[]; error?: string }>> {
    return Promise.all(
      this.servers.map((s) =>
        this.tools(s.name).then(
          (tools) => ({ server: s.name, tools }),
          (err: Error) => ({ server: s.name, error: err.message }),
        ),
      ),
    );
  }

  /** Calls a tool. Throws McpUnavailable, or the call's error; `note` tells of a restart the model should know about. */
  callTool(server: string, tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<{ result: CallToolResult; note?: string }> {
    return this.request(server, signal, (c) => c.callTool(tool, args, signal));
  }

  readResource(server: string, uri: string, signal: AbortSignal): Promise<{ result: ReadResourceResult; note?: string }> {
    return this.request(server, signal, (c) => c.readResource(uri, signal));
  }

  async resources(server: string, signal: AbortSignal): Promise<Resource[]> {
    return (await this.use(server)).listResources(signal);
  }

  /** Ends every server; the manager refuses work afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.entries.values()].map(async (e) => {
        const connection = e.connection ?? (await e.starting?.catch(() => undefined));
        e.connection = undefined;
        if (e.state !== 'disabled' && e.state !== 'failed') e.state = 'stopped';
        await connection?.close().catch(() => {});
      }),
    );
  }

  private async request<T>(server: string, signal: AbortSignal, run: (c: Connection) => Promise<T>): Promise<{ result: T; note?: string }> {
    const connection = await this.use(server);
    // A restart is told with the first result after it (a tools listing does not count).
    const e = this.entries.get(server)!;
    const note = e.untold && `(MCP server "${server}" ${e.untold} and was started again.)`;
    e.untold = undefined;
    try {
      return { result: await run(connection), ...(note && { note }) };
    } catch (err) {
      if (signal.aborted || this.closed || !connection.isBroken(err)) throw err;
      // A stdio server's exit has been seen already; an HTTP server that went away is seen only here.
      this.died(e, connection, `lost its connection (${printable(errorText(err))})`);
      const next = e.state === 'failed' ? 'it is not restarted again (/mcp reload starts it)' : 'the next call starts it again';
      throw new Error(`MCP server "${server}" ${e.ended} during the call; ${next}`);
    }
  }

  private async use(server: string): Promise<Connection> {
    if (this.closed) throw new McpUnavailable('MCP servers are shut down');
    const e = this.entries.get(server);
    if (!e) {
      const names = this.servers.map((s) => s.name);
      throw new McpUnavailable(`unknown MCP server "${server}"; configured: ${names.join(', ') || 'none'}`);
    }
    if (e.state === 'disabled') throw new McpUnavailable(`MCP server "${server}" is disabled in ${e.config.source}`);
    if (e.state === 'failed') throw new McpUnavailable(`MCP server "${server}" ${e.error}`);
    return e.connection ?? this.start(e);
  }

  private start(e: Entry): Promise<Connection> {
    if (e.starting) return e.starting;
    e.state = 'starting';
    e.starting = (async () => {
      const { connect } = await import('./connect.ts');
      const connection: Connection = await connect(e.config, {
        env: this.options.env,
        version: this.options.version ?? '0',
        onClose: () => {
          const how = connection.howItEnded();
          this.died(e, connection, how ? `exited (${how})` : 'exited');
        },
      });
      return connection;
    })().then(
      async (connection) => {
        e.starting = undefined;
        if (this.closed) {
          await connection.close().catch(() => {});
          throw new McpUnavailable('MCP servers are shut down');
        }
        Object.assign(e, { state: 'running', connection, error: undefined });
        return connection;
      },
      (err: Error) => {
        e.starting = undefined;
        Object.assign(e, { state: 'failed', error: `failed to start: ${err.message}` });
        this.options.onNotice?.(`MCP server "${e.config.name}" ${e.error}`);
        throw new McpUnavailable(`MCP server "${e.config.name}" ${e.error}`);
      },
    );
    return e.starting;
  }

  /** The connection ended by itself: the first time, the next use restarts the server; the second, it stays failed. */
  private died(e: Entry, connection: Connection, what: string): void {
    if (e.connection !== connection) return;
    e.connection = undefined;
    void connection.close().catch(() => {});
    e.ended = what;
    if (++e.deaths >= 2) Object.assign(e, { state: 'failed', error: `${what} a second time: not restarted (/mcp reload starts it again)`, untold: undefined });
    else Object.assign(e, { state: 'stopped', error: `${what}; the next call starts it again`, untold: what });
    this.options.onNotice?.(`MCP server "${e.config.name}" ${e.error}`);
  }
}
