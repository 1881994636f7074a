// Validates and runs the tool calls of one model turn. Every call gets a
// result message, even when the tool is unknown, the arguments are invalid or
// the user cancelled, so the conversation always stays well-formed.
import type { AgentEvent } from '../protocol/events.ts';
import type { ToolCallPart, ToolMessage } from '../protocol/messages.ts';
import type { Tool, ToolResult } from '../protocol/tool.ts';
import { Channel } from './channel.ts';

export interface ToolRun {
  tools: Tool[];
  cwd: string;
  signal: AbortSignal;
  /** Tool call ids whose arguments were not valid JSON, with the raw text. */
  badArgs: Map<string, string>;
}

export async function* runTools(calls: ToolCallPart[], run: ToolRun): AsyncGenerator<AgentEvent, ToolMessage[]> {
  const events = new Channel<AgentEvent>();
  const results: ToolMessage[] = [];
  const work = (async () => {
    for (const call of calls) {
      events.push({ type: 'tool_call', id: call.id, name: call.name, args: call.args });
      const result = await runOne(call, run, (chunk) => events.push({ type: 'tool_output', id: call.id, chunk }));
      const content = typeof result.content === 'string' ? result.content : result.content.map((p) => (p.type === 'text' ? p.text : `[${p.mediaType} image]`)).join('\n');
      events.push({ type: 'tool_result', id: call.id, name: call.name, content, details: result.details, isError: !!result.isError });
      results.push({ role: 'tool', toolCallId: call.id, toolName: call.name, content: result.content, ...(result.isError && { isError: true }) });
    }
  })().finally(() => events.close());
  yield* events;
  await work;
  return results;
}

async function runOne(call: ToolCallPart, run: ToolRun, onOutput: (chunk: string) => void): Promise<ToolResult> {
  if (run.signal.aborted) return { content: 'Not run: cancelled by the user.', isError: true };
  const tool = run.tools.find((t) => t.name === call.name);
  if (!tool) {
    const names = run.tools.map((t) => t.name).join(', ') || 'none';
    return { content: `Unknown tool "${call.name}". Available tools: ${names}.`, isError: true };
  }
  const raw = run.badArgs.get(call.id);
  if (raw !== undefined) {
    return { content: `Invalid arguments for ${call.name}: not valid JSON (${raw.slice(0, 200)}). Send a JSON object matching the tool's schema.`, isError: true };
  }
  const parsed = tool.parameters.safeParse(call.args);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { content: `Invalid arguments for ${call.name}: ${issues}.`, isError: true };
  }
  try {
    return await tool.execute(parsed.data, { cwd: run.cwd, signal: run.signal, onOutput });
  } catch (err) {
    // Tools should not throw; if one does, the model still gets a readable error.
    return { content: `${call.name} failed: ${(err as Error).message}`, isError: true };
  }
}
