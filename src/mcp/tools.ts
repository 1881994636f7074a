// How the model reaches MCP servers. Three small tools keep the prompt small
// however many servers and tools are configured: mcp_search finds a tool,
// mcp_inspect shows its arguments, mcp_call calls it (or reads a resource).
// Tools listed under a server's `directTools` are also offered as tools of
// their own, `mcp__<server>__<tool>`, with their own schemas.
import { z } from 'zod';
import { errorResult, type ToolResult } from '../protocol/tool.ts';
import type { JsonSchema, McpTool } from './contract.ts';
import type { McpManager, McpToolInfo } from './manager.ts';
import { bounded, callResult, resourceResult } from './results.ts';
import { oneLine, searchTools, toolLine } from './search.ts';

/** A server's tools and resources listed by mcp_inspect without a tool. */
const MAX_LISTED = 50;
/** Provider limit on tool names. */
const MAX_NAME = 64;
/**
 * A direct tool's schema and description go into every request: a server's
 * huge or broken one would make each request large or refused, so it is
 * reached through mcp_call instead.
 */
const MAX_DIRECT_SCHEMA = 16 * 1024;
const MAX_DIRECT_DESCRIPTION = 2048;

export function mcpTools(manager: McpManager): McpTool[] {
  return [searchTool(manager), inspectTool(manager), callTool(manager)];
}

function searchTool(manager: McpManager) {
  return tool({
    name: 'mcp_search',
    description: `Search the tools of the MCP servers (${names(manager)}) by name and description; best match first, an empty query lists all.`,
    parameters: z.object({ query: z.string().describe('Words describing what you need') }),
    permission: 'read',
    async execute({ query }) {
      return { content: await searchTools(manager, query) };
    },
  });
}

function inspectTool(manager: McpManager) {
  return tool({
    name: 'mcp_inspect',
    description: "Show an MCP tool's full description and input schema before calling it; without a tool, list the server's tools and resources.",
    parameters: z.object({ server: z.string(), tool: z.string().optional() }),
    permission: 'read',
    async execute({ server, tool: name }, ctx) {
      return guarded(async () => {
        const tools = await manager.tools(server);
        if (name === undefined) return { content: await listServer(manager, server, tools, ctx.signal) };
        const t = tools.find((x) => x.name === name);
        return t ? { content: describe(server, t) } : errorResult(unknownTool(server, name, tools));
      });
    },
  });
}

function callTool(manager: McpManager) {
  return tool({
    name: 'mcp_call',
    description: 'Call a tool of an MCP server (see mcp_search, mcp_inspect), or read one of its resources by URI instead of naming a tool.',
    parameters: z.object({
      server: z.string(),
      tool: z.string().optional(),
      arguments: z.looseObject({}).optional().describe("As the tool's input schema says"),
      resource: z.string().optional().describe('A resource URI to read, instead of a tool'),
    }),
    permission: 'other',
    permissionTarget: (args) => {
      const a = args as { server?: unknown; tool?: unknown; resource?: unknown };
      if (typeof a.server !== 'string') return undefined;
      if (typeof a.tool === 'string') return { server: a.server, tool: a.tool };
      return typeof a.resource === 'string' ? { server: a.server, resource: a.resource } : undefined;
    },
    async execute({ server, tool: name, arguments: args = {}, resource }, ctx) {
      if ((name === undefined) === (resource === undefined)) return errorResult('Name a tool (with its arguments) or a resource to read: one of the two.');
      return guarded(async () => {
        if (resource !== undefined) {
          const { result, note } = await manager.readResource(server, resource, ctx.signal);
          return resourceResult(result, note);
        }
        return invoke(manager, server, name!, args, ctx.signal);
      });
    },
  });
}

/** `mcp__<server>__<tool>` for each tool a server lists under directTools; starts those servers. */
export async function directTools(manager: McpManager): Promise<{ tools: McpTool[]; warnings: string[] }> {
  const warnings: string[] = [];
  const wanted = manager.servers.filter((s) => s.directTools);
  const lists = await Promise.all(
    wanted.map((s) =>
      manager.tools(s.name).catch((err: Error) => {
        warnings.push(`${err.message}: its direct tools are not available`);
        return [] as McpToolInfo[];
      }),
    ),
  );
  const tools: McpTool[] = [];
  wanted.forEach((s, i) => {
    const names = s.directTools === true ? lists[i].map((t) => t.name) : s.directTools!;
    for (const name of names) {
      const t = lists[i].find((x) => x.name === name);
      const unfit = t && unfitSchema(t);
      if (unfit) {
        warnings.push(`MCP tool "${name}" of server "${s.name}" is not offered directly: ${unfit}; mcp_call reaches it`);
        continue;
      }
      const direct = t && directTool(manager, s.name, t);
      // Names are cut to what providers take: two long names may come out the same.
      if (direct && tools.some((d) => d.name === direct.name)) warnings.push(`MCP tool "${name}" of server "${s.name}" is not offered directly: its name ${direct.name} is taken`);
      else if (direct) tools.push(direct);
      else if (lists[i].length) warnings.push(`MCP server "${s.name}" has no tool "${name}" (directTools in ${s.source})`);
    }
  });
  return { tools, warnings };
}

function directTool(manager: McpManager, server: string, t: McpToolInfo): McpTool {
  const { $schema: _, ...parameters } = t.inputSchema as JsonSchema;
  return {
    name: `mcp__${server}__${t.name.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, MAX_NAME),
    description: bounded(t.description ?? t.title ?? t.name, MAX_DIRECT_DESCRIPTION),
    parameters,
    permission: 'other',
    permissionTarget: () => ({ server, tool: t.name }),
    execute: (args, ctx) => guarded(() => invoke(manager, server, t.name, args as Record<string, unknown>, ctx.signal)),
  };
}

/** Why a tool's input schema cannot go into requests as it is, if it cannot. */
function unfitSchema(t: McpToolInfo): string | undefined {
  const size = JSON.stringify(t.inputSchema).length;
  if (size > MAX_DIRECT_SCHEMA) return `its input schema is ${size} characters, over ${MAX_DIRECT_SCHEMA}`;
  if (validator(t) === null) return 'its input schema is not one nanocode can read';
  return undefined;
}

/** Validates the arguments against the tool's schema, then calls it. */
async function invoke(manager: McpManager, server: string, name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolResult> {
  const tools = await manager.tools(server);
  const t = tools.find((x) => x.name === name);
  if (!t) return errorResult(unknownTool(server, name, tools));
  const problem = invalid(t, args);
  if (problem) return errorResult(bounded(`Invalid arguments for [${server}] ${name}, not called:\n${problem}\nIts input schema: ${JSON.stringify(t.inputSchema)}`));
  const { result, note } = await manager.callTool(server, name, args, signal);
  return callResult(server, result, note);
}

const validators = new WeakMap<McpToolInfo, z.ZodType | null>();

/** The tool's schema in zod; null when zod cannot read it. */
function validator(t: McpToolInfo): z.ZodType | null {
  let schema = validators.get(t);
  if (schema === undefined) {
    try {
      schema = z.fromJSONSchema(t.inputSchema as Parameters<typeof z.fromJSONSchema>[0]);
    } catch {
      schema = null;
    }
    validators.set(t, schema);
  }
  return schema;
}

/** What is wrong with the arguments, if anything. A schema zod cannot read is left to the server to check. */
function invalid(t: McpToolInfo, args: unknown): string | undefined {
  let r: ReturnType<z.ZodType['safeParse']> | undefined;
  try {
    r = validator(t)?.safeParse(args);
  } catch {
    return undefined; // a schema that recurses without end: the server checks
  }
  return r && !r.success ? z.prettifyError(r.error) : undefined;
}

/** The servers the model may use, as mcp_search names them; bounded. */
function names(manager: McpManager): string {
  const all = manager.servers.map((s) => s.name);
  return all.length > 10 ? `${all.slice(0, 10).join(', ')}, ...` : all.join(', ');
}

/** Failures (a server that cannot start, a call that errs) are results the model reads. */
async function guarded(run: () => Promise<ToolResult>): Promise<ToolResult> {
  try {
    return await run();
  } catch (err) {
    return errorResult(bounded((err as Error).message));
  }
}

function describe(server: string, t: McpToolInfo): string {
  const { $schema: _, ...schema } = t.inputSchema as JsonSchema;
  const hints = t.annotations && [t.annotations.readOnlyHint && 'read-only', t.annotations.destructiveHint && 'destructive'].filter(Boolean).join(', ');
  return bounded(
    [
      `[${server}] ${t.name}${t.title && t.title !== t.name ? ` (${t.title})` : ''}${hints ? ` [${hints}]` : ''}`,
      t.description?.trim() || '(no description)',
      `Input schema: ${JSON.stringify(schema, null, 1)}`,
      `Call: mcp_call {"server": ${JSON.stringify(server)}, "tool": ${JSON.stringify(t.name)}, "arguments": {...}}`,
    ].join('\n\n'),
  );
}

async function listServer(manager: McpManager, server: string, tools: McpToolInfo[], signal: AbortSignal): Promise<string> {
  const lines = [`MCP server "${server}": ${tools.length} tools`, ...tools.slice(0, MAX_LISTED).map((t) => toolLine(server, t))];
  if (tools.length > MAX_LISTED) lines.push(`... ${tools.length - MAX_LISTED} more; mcp_search finds them`);
  const resources = await manager.resources(server, signal).catch(() => []);
  if (resources.length) {
    lines.push(`${resources.length} resources (read with mcp_call {"server", "resource": uri}):`);
    lines.push(...resources.slice(0, MAX_LISTED).map((r) => `${r.uri}${r.name ? ` (${r.name})` : ''}${r.description ? `: ${oneLine(r.description)}` : ''}`));
    if (resources.length > MAX_LISTED) lines.push(`... ${resources.length - MAX_LISTED} more`);
  }
  return lines.join('\n');
}

function unknownTool(server: string, name: string, tools: McpToolInfo[]): string {
  const words = name.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 1);
  const close = tools.map((t) => t.name).filter((n) => words.some((w) => n.toLowerCase().includes(w)));
  const names = (close.length ? close : tools.map((t) => t.name)).slice(0, 20);
  return `MCP server "${server}" has no tool "${name}". ${close.length ? 'Did you mean' : 'Its tools'}: ${names.join(', ') || 'none'}.`;
}

/** Infers `execute`'s arguments from the zod parameters. */
function tool<S extends z.ZodType>(t: McpTool<S>): McpTool {
  return t as unknown as McpTool;
}
