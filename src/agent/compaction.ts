// Keeping long work inside the context window, in layers, checked before
// every model request:
//   1. snip: past half the window, old large tool outputs are cut to their
//      head and tail;
//   2. summarise: when little room is left, older turns are replaced by a
//      structured summary written by the model (updating any earlier summary),
//      keeping the most recent history from a message boundary that never
//      separates a tool call from its result; if the model cannot summarise,
//      a deterministic summary of paths and errors stands in. The summary is
//      not assistant text: it is never streamed, and its tokens are counted;
//   3. shrink: if it still does not fit (one huge message), the largest
//      messages are cut in the middle (shrink.ts).
// The session file keeps every original message; compaction is a record.
import type { ModelClient, Spending } from '../model/client.ts';
import type { CompactionSettings } from '../config/config.ts';
import type { AgentEvent } from '../protocol/events.ts';
import { type Message, textOf } from '../protocol/messages.ts';
import { type ContextMeter, estimateTokens } from './context.ts';
import { cutMiddle, shrinkToFit } from './shrink.ts';

export const SUMMARY_PREFIX = '[Summary of the earlier conversation]';
const SNIP_MARK = 'lines snipped to save context';
const SNIP_OVER_CHARS = 1500;
/** Tool outputs in this many latest assistant turns are never snipped. */
const SNIP_KEEP_TURNS = 3;

export type { CompactionSettings };

/** Summarise when the room left is below this many tokens. */
export function summariseThreshold(window: number, s: CompactionSettings): number {
  return window - Math.max(s.reserveTokens, s.remainingRatio * window);
}

/** Layer 1: shortens old large tool outputs in place. */
export function snip(messages: Message[]): AgentEvent | undefined {
  let turns = 0;
  let count = 0;
  let saved = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role === 'assistant') turns++;
    if (turns < SNIP_KEEP_TURNS || m.role !== 'tool' || typeof m.content !== 'string') continue;
    if (m.content.length <= SNIP_OVER_CHARS || m.content.includes(SNIP_MARK)) continue;
    const lines = m.content.split('\n');
    const short =
      lines.length > 20
        ? [...lines.slice(0, 10), `[... ${lines.length - 15} ${SNIP_MARK} ...]`, ...lines.slice(-5)].join('\n')
        : `${m.content.slice(0, 800)}\n[... ${m.content.length - 1100} characters; ${SNIP_MARK} ...]\n${m.content.slice(-300)}`;
    saved += m.content.length - short.length;
    messages[i] = { ...m, content: short };
    count++;
  }
  return count ? { type: 'snip', count, savedChars: saved } : undefined;
}

/**
 * Where the kept history starts: the latest user message that leaves at
 * least `keep` tokens after it (and at most `maxKeep`), else the latest
 * assistant message that does (one long task has no later user message).
 * Never a tool result.
 */
export function cutPoint(messages: Message[], keep: number, first: number, maxKeep = Infinity): number | undefined {
  let tokens = 0;
  let assistantCut: number | undefined;
  // A cut right after `first` would leave nothing to summarise.
  for (let i = messages.length - 1; i > first + 1; i--) {
    tokens += estimateTokens(messages[i]);
    if (tokens < keep) continue;
    if (messages[i].role === 'user' && (tokens <= maxKeep || assistantCut === undefined)) return i;
    if (messages[i].role === 'assistant') assistantCut ??= i;
    // Further back, a user message would keep too much.
    if (tokens > maxKeep && assistantCut !== undefined) break;
  }
  return assistantCut;
}

const SECTIONS = `## Goal
## Constraints
## Progress
### Done
### In progress
### Blocked
## Key decisions
## Next steps
## Critical context
## Files read
## Files modified`;

const SUMMARY_SYSTEM = `You summarise a coding agent's conversation so the work can continue from the summary alone. Use exactly these Markdown sections, in this order, each with short bullet points (write "none" when a section is empty):
${SECTIONS}
Be specific: name files, functions, commands, error messages and values. Do not call tools.`;

/** The conversation as plain text for the summariser, large outputs cut. */
function transcript(messages: Message[], maxChars: number): string {
  const per = Math.max(500, Math.floor(maxChars / Math.max(1, messages.length)));
  const clip = (s: string) => (s.length > per ? `${s.slice(0, per / 2)}\n[...]\n${s.slice(-per / 2)}` : s);
  const text = messages
    .map((m) => {
      if (m.role === 'user') return `[user]\n${clip(typeof m.content === 'string' ? m.content : m.content.map((p) => (p.type === 'text' ? p.text : '[image]')).join('\n'))}`;
      if (m.role === 'tool') return `[${m.isError ? 'error from' : 'result of'} ${m.toolName}]\n${clip(typeof m.content === 'string' ? m.content : '[content]')}`;
      const calls = m.content.flatMap((p) => (p.type === 'tool_call' ? [`[called ${p.name} ${JSON.stringify(p.args)}]`] : []));
      return `[assistant]\n${clip([textOf(m), ...calls].filter(Boolean).join('\n'))}`;
    })
    .join('\n\n');
  // Many messages at their minimum share can still be too long together.
  return cutMiddle(text, maxChars);
}

/** A summary without the model: the goal, the files and the errors, pulled out mechanically. */
export function fallbackSummary(messages: Message[], previous?: string): string {
  const firstUser = messages.find((m) => m.role === 'user' && !(typeof m.content === 'string' && m.content.startsWith(SUMMARY_PREFIX)));
  const goal = firstUser && typeof firstUser.content === 'string' ? firstUser.content.slice(0, 500) : 'see the earlier summary';
  const read = new Set<string>();
  const modified = new Set<string>();
  const errors: string[] = [];
  const commands: string[] = [];
  for (const m of messages) {
    if (m.role === 'assistant') {
      for (const p of m.content) {
        if (p.type !== 'tool_call') continue;
        const a = p.args as Record<string, unknown>;
        if (typeof a.path === 'string') (p.name === 'read' ? read : ['write', 'edit'].includes(p.name) ? modified : read).add(a.path);
        if (typeof a.command === 'string') commands.push(a.command.split('\n')[0].slice(0, 120));
      }
    }
    if (m.role === 'tool' && m.isError && typeof m.content === 'string') errors.push(`${m.toolName}: ${m.content.split('\n')[0].slice(0, 200)}`);
  }
  const list = (xs: Iterable<string>) => [...xs].map((x) => `- ${x}`).join('\n') || '- none';
  return [
    `## Goal\n- ${goal}`,
    '## Constraints\n- none recorded',
    `## Progress\n### Done\n${list(commands.slice(-15).map((c) => `ran: ${c}`))}\n### In progress\n- unknown (summary made without the model)\n### Blocked\n${list(errors.slice(-10))}`,
    '## Key decisions\n- none recorded',
    '## Next steps\n- continue with the goal; re-read the files below before editing them',
    // Bounded: each fallback would otherwise nest all the earlier ones.
    `## Critical context\n${previous ? `- earlier summary:\n${cutMiddle(previous, 4000)}` : '- none'}`,
    `## Files read\n${list(read)}`,
    `## Files modified\n${list(modified)}`,
  ].join('\n\n');
}

export interface SummariseRequest {
  client: ModelClient;
  messages: Message[];
  window: number;
  settings: CompactionSettings;
  signal: AbortSignal;
  /** One prompt's spending, where the summary's tokens count too (the client counts them anyway). */
  spent?: Spending;
  /** Extra guidance from /compact. */
  instructions?: string;
}

/** Layer 2: replaces older history with a summary, in place. Yields the summary's usage and the compaction event. */
export async function* summarise(req: SummariseRequest): AsyncGenerator<AgentEvent, boolean> {
  const { messages } = req;
  const hasSummary = typeof messages[0]?.content === 'string' && messages[0].content.startsWith(SUMMARY_PREFIX);
  const previous = hasSummary ? (messages[0].content as string).slice(SUMMARY_PREFIX.length).trim() : undefined;
  const keep = Math.min(req.settings.keepRecentTokens, req.window / 4);
  const cut = cutPoint(messages, keep, hasSummary ? 0 : -1, Math.max(keep, req.window / 2));
  if (cut === undefined) return false;
  const old = messages.slice(hasSummary ? 1 : 0, cut);
  const tokensBefore = messages.reduce((n, m) => n + estimateTokens(m), 0);

  const ask = [
    previous ? `Here is the summary of the conversation so far:\n\n${previous}\n\nUpdate it with the conversation that followed, below. Keep what still holds.` : 'Summarise this conversation.',
    req.instructions ? `Pay particular attention to: ${req.instructions}` : '',
    `<conversation>\n${transcript(old, req.window * 2)}\n</conversation>`,
    `Answer with the sections:\n${SECTIONS}`,
  ].filter(Boolean).join('\n\n');
  let summary: string | undefined;
  try {
    const step = yield* req.client.stream('summary', { system: SUMMARY_SYSTEM, messages: [{ role: 'user', content: ask }], tools: [], signal: req.signal }, req.spent);
    summary = textOf(step.message).trim() || undefined;
  } catch (err) {
    if (req.signal.aborted) throw err;
  }
  const fallback = !summary;
  const content = `${SUMMARY_PREFIX}\n\n${summary ?? fallbackSummary(old, previous)}`;
  const summaryMessage: Message = { role: 'user', content };
  const firstKept = messages[cut];
  messages.splice(0, cut, summaryMessage);
  const tokensAfter = messages.reduce((n, m) => n + estimateTokens(m), 0);
  yield { type: 'compaction', summary: summaryMessage, firstKept, tokensBefore, tokensAfter, fallback };
  return true;
}

/** Which provider errors mean the request was too long is the model layer's call. */
export { isContextOverflow } from '../model/retry.ts';

export interface FitRequest extends Omit<SummariseRequest, 'instructions'> {
  meter: ContextMeter;
  /** Estimated tokens of the system prompt and tool schemas. */
  overhead: number;
}

/**
 * Before a request: snip, summarise, then shrink, as the context fills.
 * 'compact' (/compact) and 'overflow' (the provider said the request was too
 * long) snip and summarise now; after an overflow the estimate was wrong, so
 * the history is shrunk to half the usual room.
 */
export async function* fitContext(r: FitRequest, mode: 'auto' | 'compact' | 'overflow' = 'auto', instructions?: string): AsyncGenerator<AgentEvent> {
  const force = mode !== 'auto';
  if (!force && !r.settings.enabled) return;
  const tokens = () => r.meter.tokens(r.messages, r.overhead);
  const threshold = summariseThreshold(r.window, r.settings);
  if (force || tokens() > r.window / 2) {
    const snipped = snip(r.messages);
    if (snipped) {
      r.meter.reset();
      yield snipped;
    }
  }
  if (force || tokens() > threshold) {
    if (yield* summarise({ ...r, instructions })) r.meter.reset();
  }
  const room = mode === 'overflow' ? threshold / 2 : threshold;
  if (tokens() > room) {
    const shrunk = shrinkToFit(r.messages, room - r.overhead);
    if (shrunk) {
      r.meter.reset();
      yield shrunk;
    }
  }
}
