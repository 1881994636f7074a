// Validates and runs the tool calls of one model turn. Consecutive read-only
// calls run in parallel; a call that writes runs alone, in order. Every call
// gets a result message, even when the tool is unknown, the arguments are
// invalid or the user cancelled, so the conversation stays well-formed.
import type { AgentEvent } from '../protocol/events.ts';
import type { ToolCallPart, ToolMessage } from '../protocol/messages.ts';
import type { Tool, ToolResult, ToolState } from '../protocol/tool.ts';
import { Channel } from './channel.ts';
import type { RepeatGuard } from './repeat-guard.ts';

export interface ToolRun {
  tools: Tool[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  redact: (text: string) => string;
  state: ToolState;
  signal: AbortSignal;
  guard: RepeatGuard;
  /** Tool call ids whose arguments were not valid JSON, with the raw text. */
  badArgs: Map<string, string>;
}

export interface ToolRunResult {
  messages: ToolMessage[];
  /** What the model keeps doing, when the repeat guard finds it stuck. */
  stuck?: string;
}

export async function* runTools(calls: ToolCallPart[], run: ToolRun): AsyncGenerator<AgentEvent, ToolRunResult> {
  const events = new Channel<AgentEvent>();
  const results: ToolResult[] = [];
  const isReadOnly = (c: ToolCallPart) => !!run.tools.find((t) => t.name === c.name)?.readOnly;
  const batches: number[][] = [];
  calls.forEach((call, i) => {
    const last = batches.at(-1);
    if (last && isReadOnly(call) && last.every((j) => isReadOnly(calls[j]))) last.push(i);
    else batches.push([i]);
  });

  const work = (async () => {
    for (const batch of batches) {
      await Promise.all(
        batch.map(async (i) => {
          const call = calls[i];
          events.push({ type: 'tool_call', id: call.id, name: call.name, args: call.args });
          results[i] = await runOne(call, run, (chunk) => events.push({ type: 'tool_output', id: call.id, chunk }));
          events.push(resultEvent(call, results[i]));
        }),
      );
    }
  })().finally(() => events.close());
  // Results are reported as they finish, but recorded in call order.
  yield* events;
  await work;

  let stuck: string | undefined;
  const messages = calls.map((call, i): ToolMessage => {
    const r = results[i];
    const seen = typeof r.content === 'string' ? r.content : JSON.stringify(r.content);
    const verdict = run.guard.record(call.name, call.args, seen, !!r.isError);
    stuck ??= verdict.stuck;
    const content = verdict.note && typeof r.content === 'string' ? `${r.content}\n${verdict.note}` : r.content;
    return { role: 'tool', toolCallId: call.id, toolName: call.name, content, ...(r.isError && { isError: true }) };
  });
  return { messages, stuck };
}

function resultEvent(call: ToolCallPart, r: ToolResult): AgentEvent {
  const content = typeof r.content === 'string' ? r.content : r.content.map((p) => (p.type === 'text' ? p.text : `[${p.mediaType} image]`)).join('\n');
  return { type: 'tool_result', id: call.id, name: call.name, content, details: r.details, isError: !!r.isError };
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
    return await tool.execute(parsed.data, { cwd: run.cwd, env: run.env, redact: run.redact, state: run.state, signal: run.signal, onOutput });
  } catch (err) {
    // Tools should not throw; if one does, the model still gets a readable error.
    return { content: `${call.name} failed: ${(err as Error).message}`, isError: true };
  }
}
