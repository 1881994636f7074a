// Compaction's last layer: when the history still does not fit after
// summarising (a tool call with megabytes of arguments, a huge tool result or
// paste), the largest messages are cut in the middle, with a marker, just
// enough for the next request to fit. Messages are changed in place (the
// session store knows them by identity); the session file keeps the originals.
import type { AgentEvent } from '../protocol/events.ts';
import type { AssistantMessage, Message, ToolMessage } from '../protocol/messages.ts';
import { estimateTokens } from './context.ts';

const MARK = 'characters cut: too large for the context window';
/** Room for the marker inside a cut string. */
const MARK_ROOM = 80;
/** A message is never cut below this many tokens: enough to tell what it was. */
const FLOOR_TOKENS = 250;

/** The level L such that cutting every size above L down to L brings the sum within `budget`; Infinity when it fits already. */
export function levelFor(sizes: number[], budget: number): number {
  const sorted = [...sizes].sort((a, b) => a - b);
  let rest = budget;
  for (let i = 0; i < sorted.length; i++) {
    const share = rest / (sorted.length - i);
    if (sorted[i] > share) return Math.max(0, Math.floor(share));
    rest -= sorted[i];
  }
  return Infinity;
}

/** The head and tail of `s` in about `max` characters, with a marker between. */
export function cutMiddle(s: string, max: number): string {
  if (s.length <= max) return s;
  const keep = Math.max(0, max - MARK_ROOM);
  const head = Math.ceil(keep * 0.7);
  return `${s.slice(0, head)}\n[... ${(s.length - keep).toLocaleString('en-US')} ${MARK} ...]\n${s.slice(s.length - (keep - head))}`;
}

/** Cuts the largest messages just enough for all of them to fit in `budget` estimated tokens. */
export function shrinkToFit(messages: Message[], budget: number): AgentEvent | undefined {
  const sizes = messages.map(estimateTokens);
  const level = levelFor(sizes, budget);
  if (level === Infinity) return;
  const max = Math.max(FLOOR_TOKENS, level);
  let count = 0;
  let saved = 0;
  messages.forEach((m, i) => {
    if (sizes[i] <= max) return;
    cutMessage(m, (max - 4) * 4);
    const after = estimateTokens(m);
    if (after >= sizes[i]) return;
    count++;
    saved += (sizes[i] - after) * 4;
  });
  return count ? { type: 'shrink', count, savedChars: saved } : undefined;
}

/** Cuts the text and tool arguments of a message to about `maxChars`, in place; images and reasoning stay whole. */
function cutMessage(m: Message, maxChars: number): void {
  if (typeof m.content === 'string') {
    m.content = cutMiddle(m.content, maxChars);
    return;
  }
  const parts = m.content as Array<AssistantMessage['content'][number] | Exclude<ToolMessage['content'], string>[number]>;
  const cuttable = (p: (typeof parts)[number]) => p.type === 'text' || p.type === 'tool_call';
  const sizeOf = (p: (typeof parts)[number]) => (p.type === 'tool_call' ? (JSON.stringify(p.args) ?? '').length : p.type === 'image' ? 4000 : p.text.length);
  const fixed = parts.reduce((n, p) => n + (!cuttable(p) ? sizeOf(p) : p.type === 'tool_call' ? p.name.length : 0), 0);
  const level = levelFor(parts.filter(cuttable).map(sizeOf), maxChars - fixed);
  if (level === Infinity) return;
  (m as { content: typeof parts }).content = parts.map((p) => {
    if (p.type === 'text') return { ...p, text: cutMiddle(p.text, level) };
    if (p.type === 'tool_call') return { ...p, args: cutArgs(p.args, level) };
    return p;
  });
}

/** Tool call arguments in about `max` characters of JSON: the longest strings are cut first. */
function cutArgs(args: unknown, max: number): unknown {
  const json = JSON.stringify(args) ?? '';
  if (json.length <= max) return args;
  const strings: string[] = [];
  mapStrings(args, (s) => (strings.push(s), s));
  // Escaped length: a string of newlines and quotes takes more room in JSON.
  const sizes = strings.map((s) => JSON.stringify(s).length - 2);
  const structure = json.length - sizes.reduce((n, x) => n + x, 0);
  const level = levelFor(sizes, max - structure);
  // Mostly structure (a huge array of numbers): keep the JSON text itself, cut.
  if (!strings.length || level < MARK_ROOM * 2) return { cut: cutMiddle(json, max) };
  return mapStrings(args, (s) => {
    const size = JSON.stringify(s).length - 2;
    return size > level ? cutMiddle(s, Math.floor((level * s.length) / size)) : s;
  });
}

function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  return value;
}
