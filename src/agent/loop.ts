// The agent loop: the heart of nanocode.
//
//   ask the model ─▶ stream its answer ─▶ any tool calls? ─no─▶ done
//         ▲                                      │ yes
//         └──────── append the results ◀── run the tools
//
// Everything that happens is yielded as an AgentEvent; the loop itself prints
// nothing and knows nothing about terminals, sessions or HTTP.
import { type ModelClient, Spending } from '../model/client.ts';
import type { StepResult } from '../model/stream.ts';
import type { AgentEvent, StopReason } from '../protocol/events.ts';
import { type Message, textOf, toolCallsOf } from '../protocol/messages.ts';
import type { Gate, Tool, ToolState } from '../protocol/tool.ts';
import { type CompactionSettings, fitContext, isContextOverflow } from './compaction.ts';
import { type ContextMeter, promptOverhead } from './context.ts';
import { RepeatGuard } from './repeat-guard.ts';
import { runTools } from './run-tools.ts';

const CUT_OFF =
  '[Your last response was cut off by the output token limit. Continue where you left off; write large files in smaller pieces.]';

export interface LoopConfig {
  /** Every model request goes through it, and is counted there. */
  client: ModelClient;
  /** A side question's requests are counted apart from the conversation's turns. */
  purpose?: 'turn' | 'aside';
  system: string;
  tools: Tool[];
  cwd: string;
  /** Environment for commands, secrets removed. */
  env: NodeJS.ProcessEnv;
  toolState: ToolState;
  maxTurns: number;
  signal: AbortSignal;
  /** Messages the user typed while the agent worked, delivered before the next model call. */
  steering?: () => string[];
  meter: ContextMeter;
  compaction: CompactionSettings;
  /** Removes secrets from what tools save for the user. */
  redact: (text: string) => string;
  /** Asks the user a yes/no question (may the stuck model go on?); without it, the answer is no. */
  confirm?: (question: string) => Promise<boolean>;
  /** Asked before every tool call runs: allow, deny with a reason, or rewrite the arguments. */
  beforeToolCall?: Gate;
}

/** Runs until the model stops calling tools, `maxTurns` is reached, or the signal aborts. */
export async function* runLoop(cfg: LoopConfig, messages: Message[]): AsyncGenerator<AgentEvent> {
  // This prompt's requests (turns and summaries), for `done`.
  const spent = new Spending();
  let turn = 0;
  let text = '';
  const guard = new RepeatGuard();
  const overhead = promptOverhead(cfg.system, cfg.tools.length);
  const fit = { client: cfg.client, messages, window: cfg.client.info.contextWindow, settings: cfg.compaction, meter: cfg.meter, overhead, signal: cfg.signal, spent };
  const done = (reason: StopReason): AgentEvent => ({ type: 'done', reason, text, turns: turn, usage: spent.usage, cost: spent.cost });
  const append = (message: Message): AgentEvent => {
    messages.push(message);
    return { type: 'message', message };
  };

  for (;;) {
    if (cfg.signal.aborted) return yield done('aborted');
    if (turn >= cfg.maxTurns) {
      yield { type: 'error', message: `Stopped: reached the limit of ${cfg.maxTurns} turns (--max-turns).` };
      return yield done('max_turns');
    }
    for (const steer of turn > 0 ? (cfg.steering?.() ?? []) : []) yield append({ role: 'user', content: steer });
    turn++;
    yield { type: 'turn_start', turn };

    // 1. Make room if the context is filling up, then ask the model; deltas
    //    and retries stream out as they happen (a compaction's summary does
    //    not: only its usage). A context overflow the estimate missed is
    //    compacted away and retried once.
    let step: StepResult | undefined;
    for (let overflow = false; !step; overflow = true) {
      try {
        yield* fitContext(fit, overflow ? 'overflow' : 'auto');
        step = yield* cfg.client.stream(cfg.purpose ?? 'turn', { system: cfg.system, messages, tools: cfg.tools, signal: cfg.signal }, spent);
      } catch (err) {
        if (cfg.signal.aborted) return yield done('aborted');
        if (overflow || !isContextOverflow(err)) {
          yield { type: 'error', message: (err as Error).message };
          return yield done('error');
        }
      }
    }
    yield append(step.message);
    cfg.meter.record(step.usage, messages.length);
    text = textOf(step.message);

    // 2. No tool calls: the model has answered, unless its output was cut off.
    const calls = toolCallsOf(step.message);
    if (calls.length === 0) {
      if (step.finishReason !== 'length' && step.finishReason !== 'interrupted') return yield done('stop');
      yield append({ role: 'user', content: CUT_OFF });
      continue;
    }

    // 3. Run the tools and hand their results back on the next turn. A model
    //    stuck repeating itself is stopped, unless the user lets it go on.
    const run = { tools: cfg.tools, cwd: cfg.cwd, env: cfg.env, redact: cfg.redact, state: cfg.toolState, signal: cfg.signal, guard, badArgs: step.badArgs, gate: cfg.beforeToolCall };
    const { messages: results, stuck } = yield* runTools(calls, run);
    for (const result of results) yield append(result);
    if (stuck && !(await cfg.confirm?.(`The model ${stuck}. Let it go on?`))) {
      if (cfg.signal.aborted) return yield done('aborted');
      yield { type: 'error', message: `Stopped: the model ${stuck}` };
      return yield done('stuck');
    }
  }
}
