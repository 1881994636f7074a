// The Tool contract: what every built-in, MCP or skill tool implements, and
// the gate every call passes before it runs.
import { z } from 'zod';
import type { ToolDetails } from './details.ts';
import type { ImagePart, TextPart } from './messages.ts';

/** What tools remember between calls, one per agent. */
export interface ToolState {
  /** mtimeMs of each file (absolute path) as the model last read or wrote it. */
  seen: Map<string, number>;
  /** Where the last bash command's `cd` left the shell. */
  shellCwd?: string;
}

export interface ToolContext {
  /** The working directory tools resolve relative paths against. */
  cwd: string;
  /** Environment for child processes, secrets already removed. */
  env: NodeJS.ProcessEnv;
  /** Removes secrets from what a tool saves for the user (a command's full output). */
  redact(text: string): string;
  state: ToolState;
  /** Aborted when the user cancels; long-running tools must stop promptly. */
  signal: AbortSignal;
  /** Streams partial output (live bash output, say) to the frontends. */
  onOutput(chunk: string): void;
}

export interface ToolResult {
  /** What the model sees: bounded, with a hint when truncated. */
  content: string | Array<TextPart | ImagePart>;
  /** What a person sees: the diff, the exit code; frontends never re-parse content. */
  details?: ToolDetails;
  isError?: boolean;
}

/** What a call may do, for the safety layer to judge. */
export type Permission = 'read' | 'edit' | 'execute' | 'network' | 'other';

/** A plain JSON Schema object, as MCP servers describe their tools. */
export type JsonSchema = Record<string, unknown>;

/** The arguments `execute` gets: inferred from a zod schema; a JSON Schema promises an object. */
export type ToolArgs<S> = S extends z.ZodType ? z.infer<S> : Record<string, unknown>;

export interface Tool<S extends z.ZodType | JsonSchema = z.ZodType | JsonSchema> {
  name: string;
  /** Short, exact; the model reads it. */
  description: string;
  /** Arguments are validated against it before the call runs; the model gets it as JSON Schema. */
  parameters: S;
  permission: Permission;
  /** May run alongside the other parallel calls of a turn; default: permission === 'read'. */
  parallel?: boolean;
  /** Never throws at the model: failures come back as { isError: true }. */
  execute(args: ToolArgs<S>, ctx: ToolContext): Promise<ToolResult>;
}

export function defineTool<S extends z.ZodType | JsonSchema>(tool: Tool<S>): Tool<S> {
  return tool;
}

export const errorResult = (message: string): ToolResult => ({ content: message, isError: true });

export const isZodSchema = (p: z.ZodType | JsonSchema): p is z.ZodType => '_zod' in p;

const converted = new WeakMap<Tool, z.ZodType>();

/** The zod schema that validates a tool's arguments; a JSON Schema is converted once per tool. Throws on a schema zod cannot read. */
export function argsSchema(tool: Tool): z.ZodType {
  if (isZodSchema(tool.parameters)) return tool.parameters;
  let schema = converted.get(tool);
  if (!schema) {
    schema = z.fromJSONSchema(tool.parameters as Parameters<typeof z.fromJSONSchema>[0]);
    converted.set(tool, schema);
  }
  return schema;
}

/** A call as the gate sees it: its arguments are already valid. */
export interface GateCall {
  id: string;
  name: string;
  args: unknown;
  tool: Tool;
}

/** allow with a reason (a rule matched, a person agreed) is reported; a bare allow is not. */
export type GateDecision = { action: 'allow'; reason?: string } | { action: 'deny'; reason: string } | { action: 'rewrite'; args: unknown; reason?: string };

/** Asked before every tool call runs, in every frontend (permissions, the sandbox). */
export type Gate = (call: GateCall, ctx: { cwd: string; signal: AbortSignal }) => Promise<GateDecision>;
