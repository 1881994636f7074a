// MCP tools are written against the Tool contract of issue 9 (DESIGN9:
// `parameters` zod or JSON Schema, a `permission` kind). Until that contract
// lands in protocol/tool.ts, `toTool` fits them to today's one; after it, the
// types below come from protocol/tool.ts and `toTool` returns its argument.
import { z } from 'zod';
import type { Tool, ToolContext, ToolResult } from '../protocol/tool.ts';

export type Permission = 'read' | 'edit' | 'execute' | 'network' | 'other';
/** A plain JSON Schema object, as MCP servers describe their tools. */
export type JsonSchema = Record<string, unknown>;

/** Which server's tool (or resource) a call reaches, for the permission gate (rules `mcp__server__tool`). */
export type McpTarget = { server: string; tool: string } | { server: string; resource: string };

export interface McpTool<S extends z.ZodType | JsonSchema = z.ZodType | JsonSchema> {
  name: string;
  description: string;
  parameters: S;
  permission: Permission;
  execute(args: S extends z.ZodType ? z.infer<S> : Record<string, unknown>, ctx: ToolContext): Promise<ToolResult>;
  /** The server and tool this call targets; undefined when the arguments name none (the call then fails anyway). */
  permissionTarget?(args: unknown): McpTarget | undefined;
}

export const isZodSchema = (p: z.ZodType | JsonSchema): p is z.ZodType => '_zod' in p;

/** Today's contract: zod parameters and `readOnly` (what runs in parallel). */
export function toTool(tool: McpTool): Tool {
  const parameters = isZodSchema(tool.parameters) ? tool.parameters : z.fromJSONSchema(tool.parameters as Parameters<typeof z.fromJSONSchema>[0]);
  return { ...tool, parameters, readOnly: tool.permission === 'read', execute: tool.execute as Tool['execute'] };
}
