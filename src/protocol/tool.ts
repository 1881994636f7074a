// The Tool contract: what every built-in, MCP or skill tool implements.
import type { z } from 'zod';
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
  /** What a person sees when it differs from content (a diff, say). */
  details?: string;
  isError?: boolean;
}

export interface Tool<S extends z.ZodType = z.ZodType> {
  name: string;
  /** Short, exact; the model reads it. */
  description: string;
  parameters: S;
  /** Read-only tools may run in parallel and never need write permission. */
  readOnly: boolean;
  /** Never throws at the model: failures come back as { isError: true }. */
  execute(args: z.infer<S>, ctx: ToolContext): Promise<ToolResult>;
}

export function defineTool<S extends z.ZodType>(tool: Tool<S>): Tool<S> {
  return tool;
}

export const errorResult = (message: string): ToolResult => ({ content: message, isError: true });
