// Everything the agent does is an AgentEvent. Frontends (terminal, JSON lines,
// session store, a parent agent) render or store these and ignore kinds they
// do not know.
import type { ToolDetails } from './details.ts';
import type { Message, Usage } from './messages.ts';

/** stuck: the model repeated the same tool call until the guard stopped it. */
export type StopReason = 'stop' | 'max_turns' | 'aborted' | 'error' | 'stuck';

export type AgentEvent =
  | { type: 'turn_start'; turn: number }
  | { type: 'text_delta'; text: string }
  | { type: 'reasoning_delta'; text: string }
  | { type: 'tool_call'; id: string; name: string; args: unknown }
  | { type: 'tool_output'; id: string; chunk: string }
  | {
      type: 'tool_result';
      id: string;
      name: string;
      /** What the model sees. */
      content: string;
      /** What a person sees: the diff, the exit code and line count. */
      details?: ToolDetails;
      isError: boolean;
    }
  /**
   * The gate (beforeToolCall) did not simply allow a call: it denied it (the
   * model gets the reason), rewrote its arguments (`args`, what runs instead),
   * or allowed it with a reason.
   */
  | { type: 'permission'; id: string; name: string; decision: 'allow' | 'deny' | 'rewrite'; reason?: string; args?: unknown }
  /** A message appended to the conversation (user, assistant or tool). */
  | { type: 'message'; message: Message }
  /**
   * Tokens of one request to `model`, and their cost when its price is known:
   * a turn of the loop, the summary a compaction asked for (which is never
   * shown as assistant text), or a side question (/btw).
   */
  | { type: 'usage'; purpose: 'turn' | 'summary' | 'aside'; model: string; usage: Usage; cost?: number }
  /** A failed request is being retried; any partial output of this step is discarded. */
  | { type: 'retry'; attempt: number; maxAttempts: number; delayMs: number; message: string }
  | { type: 'error'; message: string }
  /**
   * Older history was summarised: the conversation is now `summary` followed
   * by the messages from `firstKept` on (nothing is deleted from the session).
   */
  | { type: 'compaction'; summary: Message; firstKept: Message | undefined; tokensBefore: number; tokensAfter: number; fallback: boolean }
  /** Old tool outputs were shortened to save context. */
  | { type: 'snip'; count: number; savedChars: number }
  /** Messages too large for the context window were cut in the middle, with a marker. */
  | { type: 'shrink'; count: number; savedChars: number }
  | { type: 'done'; reason: StopReason; text: string; turns: number; usage: Usage; cost?: number };

export type AgentEventType = AgentEvent['type'];
