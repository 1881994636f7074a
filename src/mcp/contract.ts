// MCP tools are ordinary tools (protocol/tool.ts) that also tell the
// permission gate which server and tool a call reaches.
import type { z } from 'zod';
import type { JsonSchema, Tool } from '../protocol/tool.ts';

export type { JsonSchema, Permission } from '../protocol/tool.ts';

/** Which server's tool (or resource) a call reaches, for the permission gate (rules `mcp__server__tool`). */
export type McpTarget = { server: string; tool: string } | { server: string; resource: string };

export interface McpTool<S extends z.ZodType | JsonSchema = z.ZodType | JsonSchema> extends Tool<S> {
  /** The server and tool this call targets; undefined when the arguments name none (the call then fails anyway). */
  permissionTarget?(args: unknown): McpTarget | undefined;
}
