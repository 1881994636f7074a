// Validates, gates and runs the tool calls of one model turn. Consecutive
// parallel calls (by default, the read-only ones) run together; any other call
// runs alone, in order. Every call gets a result message, even when the tool
// is unknown, the arguments are invalid, the gate denies it or the user
// cancelled, so the conversation stays well-formed.
import type { AgentEvent } from '../protocol/events.ts';
import type { ToolCallPart, ToolMessage } from '../protocol/messages.ts';
import { argsSchema, errorResult, type Gate, type GateDecision, type Tool, type ToolResult, type ToolState } from '../protocol/tool.ts';
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
  /** Asked before every call runs (beforeToolCall); without it, every valid call runs. */
  gate?: Gate;
}

export interface ToolRunResult {
  messages: ToolMessage[];
  /** What the model keeps doing, when the repeat guard finds it stuck. */
  stuck?: string;
}

/** A call that passed validation and the gate, with the arguments it runs with. */
interface Approved {
  tool: Tool;
  args: unknown;
}

const CANCELLED = errorResult('Not run: cancelled by the user.');

export async function* runTools(calls: ToolCallPart[], run: ToolRun): AsyncGenerator<AgentEvent, ToolRunResult> {
  const events = new Channel<AgentEvent>();
  const results: ToolResult[] = [];
  const parallel = (c: ToolCallPart) => {
    const tool = run.tools.find((t) => t.name === c.name);
    return !!tool && (tool.parallel ?? tool.permission === 'read');
  };
  const batches: number[][] = [];
  calls.forEach((call, i) => {
    const last = batches.at(-1);
    if (last && parallel(call) && last.every((j) => parallel(calls[j]))) last.push(i);
    else batches.push([i]);
  });
  const finish = (i: number, result: ToolResult) => {
    results[i] = result;
    events.push(resultEvent(calls[i], result));
  };

  const work = (async () => {
    for (const batch of batches) {
      // Checked one at a time, in call order (the gate may ask a person), then run together.
      const approved: Array<Approved | undefined> = [];
      for (const i of batch) {
        const call = calls[i];
        events.push({ type: 'tool_call', id: call.id, name: call.name, args: call.args });
        const checked = await check(call, run, (e) => events.push(e));
        if ('tool' in checked) approved[i] = checked;
        else finish(i, checked);
      }
      await Promise.all(
        batch.map(async (i) => {
          const a = approved[i];
          if (a) finish(i, await execute(a, calls[i], run, (chunk) => events.push({ type: 'tool_output', id: calls[i].id, chunk })));
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
  return { type: 'tool_result', id: call.id, name: call.name, content, ...(r.details && { details: r.details }), isError: !!r.isError };
}

/** The tool and arguments to run, or the error result the model gets instead. */
async function check(call: ToolCallPart, run: ToolRun, emit: (e: AgentEvent) => void): Promise<Approved | ToolResult> {
  if (run.signal.aborted) return CANCELLED;
  const tool = run.tools.find((t) => t.name === call.name);
  if (!tool) {
    const names = run.tools.map((t) => t.name).join(', ') || 'none';
    return errorResult(`Unknown tool "${call.name}". Available tools: ${names}.`);
  }
  const raw = run.badArgs.get(call.id);
  if (raw !== undefined) {
    return errorResult(`Invalid arguments for ${call.name}: not valid JSON (${raw.slice(0, 200)}). Send a JSON object matching the tool's schema.`);
  }
  const valid = validate(tool, call.args);
  if (typeof valid === 'string') return errorResult(valid);
  if (!run.gate) return { tool, args: valid.args };

  let decision: GateDecision;
  try {
    decision = await run.gate({ id: call.id, name: call.name, args: valid.args, tool }, { cwd: run.cwd, signal: run.signal });
  } catch (err) {
    // A gate that fails must not let the call through.
    decision = { action: 'deny', reason: `the permission check failed: ${(err as Error).message}` };
  }
  const reported = { type: 'permission' as const, id: call.id, name: call.name, decision: decision.action, ...(decision.reason && { reason: decision.reason }) };
  switch (decision.action) {
    case 'allow':
      if (decision.reason) emit(reported);
      return { tool, args: valid.args };
    case 'deny':
      emit(reported);
      return errorResult(`Permission denied: ${decision.reason}`);
    case 'rewrite': {
      emit({ ...reported, args: decision.args });
      const again = validate(tool, decision.args);
      return typeof again === 'string' ? errorResult(`${again} (as rewritten by the permission check)`) : { tool, args: again.args };
    }
  }
}

/** The parsed arguments, or what is wrong with them. */
function validate(tool: Tool, args: unknown): { args: unknown } | string {
  let schema;
  try {
    schema = argsSchema(tool);
  } catch (err) {
    return `${tool.name} cannot be called: its parameters are not a JSON Schema nanocode can read (${(err as Error).message}).`;
  }
  const parsed = schema.safeParse(args);
  if (parsed.success) return { args: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  return `Invalid arguments for ${tool.name}: ${issues}.`;
}

async function execute({ tool, args }: Approved, call: ToolCallPart, run: ToolRun, onOutput: (chunk: string) => void): Promise<ToolResult> {
  // The gate may have waited on a person while the user cancelled.
  if (run.signal.aborted) return CANCELLED;
  try {
    return await tool.execute(args, { cwd: run.cwd, env: run.env, redact: run.redact, state: run.state, signal: run.signal, onOutput });
  } catch (err) {
    // Tools should not throw; if one does, the model still gets a readable error.
    return errorResult(`${call.name} failed: ${(err as Error).message}`);
  }
}
