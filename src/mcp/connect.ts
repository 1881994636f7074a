// The one module that loads the MCP SDK. manager.ts imports it dynamically
// when a server first starts, so a run without MCP servers (or one that
// never uses them) loads none of it.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type CallToolResult, ErrorCode, McpError, type ReadResourceResult, type Resource, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from './config.ts';
import { errorText } from './manager.ts';
import { printable } from './printable.ts';
import { StdioTransport } from './stdio.ts';

/** Bounds what a server can make us fetch: pages of tools or resources. */
const MAX_PAGES = 20;
/** The end of a failed server's stderr shown in its error. */
const STDERR_SHOWN = 500;

export interface Connection {
  tools: Tool[];
  /** The server's process, for stdio servers. */
  pid?: number;
  callTool(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult>;
  readResource(uri: string, signal: AbortSignal): Promise<ReadResourceResult>;
  listResources(signal: AbortSignal): Promise<Resource[]>;
  /** The error means the connection is gone: the process exited, the HTTP server is unreachable. */
  isBroken(err: unknown): boolean;
  /** How the server ended and the end of its stderr, when known. */
  howItEnded(): string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** The environment stdio servers start from; their own `env` entries are added. */
  env: Record<string, string | undefined>;
  version: string;
  /** The connection ended without close(): the process exited, say. */
  onClose(): void;
}

export async function connect(server: McpServerConfig, options: ConnectOptions): Promise<Connection> {
  const t = server.transport;
  const transport: Transport & { pid?: number } =
    t.type === 'stdio'
      ? new StdioTransport({ command: t.command, args: t.args, cwd: t.cwd, env: { ...options.env, ...t.env } })
      : t.type === 'http'
        ? new StreamableHTTPClientTransport(new URL(t.url), { requestInit: { headers: t.headers } })
        : new SSEClientTransport(new URL(t.url), { requestInit: { headers: t.headers } });
  const client = new Client({ name: 'nanocode', version: options.version });
  const request = (signal?: AbortSignal) => ({ timeout: server.timeout, signal });
  let closing = false;
  // What the server wrote to stderr matters when it failed by itself (a stack trace), not when it was killed.
  const howItEnded = () => {
    if (!(transport instanceof StdioTransport)) return '';
    const stderr = transport.exit?.startsWith('exit code') && transport.stderrTail.slice(-STDERR_SHOWN);
    return [transport.exit, stderr && `stderr: ${printable(stderr)}`].filter(Boolean).join('; ');
  };
  try {
    await client.connect(transport, request());
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES && (page === 0 || cursor); page++) {
      const r = await client.listTools(cursor ? { cursor } : undefined, request());
      tools.push(...r.tools);
      cursor = r.nextCursor;
    }
    // Set only now: a server that dies while starting is a failed start, not a death.
    client.onclose = () => closing || options.onClose();
    return {
      tools,
      pid: transport.pid,
      callTool: (name, args, signal) => client.callTool({ name, arguments: args }, undefined, request(signal)) as Promise<CallToolResult>,
      readResource: (uri, signal) => client.readResource({ uri }, request(signal)),
      async listResources(signal) {
        if (!client.getServerCapabilities()?.resources) return [];
        const all: Resource[] = [];
        let next: string | undefined;
        for (let page = 0; page < MAX_PAGES && (page === 0 || next); page++) {
          const r = await client.listResources(next ? { cursor: next } : undefined, request(signal));
          all.push(...r.resources);
          next = r.nextCursor;
        }
        return all;
      },
      isBroken: (err) => !(err instanceof McpError) || err.code === ErrorCode.ConnectionClosed,
      howItEnded,
      close() {
        closing = true;
        return client.close();
      },
    };
  } catch (err) {
    closing = true;
    await client.close().catch(() => {});
    await transport.close().catch(() => {});
    const how = howItEnded();
    throw new Error(printable(`${errorText(err)}${how ? ` (${how})` : ''}`));
  }
}
