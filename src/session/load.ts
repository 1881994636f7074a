// Reading a session back: every valid record, the current branch's messages
// (with compactions applied), and clear warnings for what was skipped. A file
// that is not a session is refused. Loading never writes.
import { readFileSync } from 'node:fs';
import type { Message, ToolMessage } from '../protocol/messages.ts';
import { type HeaderRecord, RecordSchema, type SessionRecord } from './records.ts';

export class SessionError extends Error {}

export interface LoadedSession {
  file: string;
  header: HeaderRecord;
  records: SessionRecord[];
  name?: string;
  /** The conversation to continue, each message with its record id. */
  messages: Array<[Message, string]>;
  /** The record the conversation ends at. */
  leaf: string | null;
  warnings: string[];
}

export function loadSession(file: string): LoadedSession {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SessionError(`Cannot read session ${file}: ${(err as Error).message}`);
  }
  const lines = text.split('\n');
  const torn = !text.endsWith('\n') && lines.at(-1) !== '';
  if (text.endsWith('\n')) lines.pop();
  const records: SessionRecord[] = [];
  const warnings: string[] = [];
  let bad = 0;
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      if (i === lines.length - 1 && torn) warnings.push(`${file}: the last line was cut off (a crash while writing?); it was skipped.`);
      else bad++;
      return;
    }
    const r = RecordSchema.safeParse(parsed);
    if (r.success) records.push(r.data as SessionRecord);
    else bad++;
  });
  relinkPastDamage(records);
  const header = records[0];
  if (header?.type !== 'session') throw new SessionError(`${file} is not a nanocode session (its first line is not a session header).`);
  if (bad) warnings.push(`${file}: ${bad} unreadable line${bad > 1 ? 's were' : ' was'} skipped.`);
  const leaf = records.filter((r) => r.type === 'message' || r.type === 'compaction').at(-1)?.id ?? null;
  return {
    file,
    header,
    records,
    name: records.filter((r) => r.type === 'name').at(-1)?.name,
    messages: branch(records, leaf),
    leaf,
    warnings,
  };
}

/**
 * A damaged line loses only its own record: the record that pointed at it is
 * attached to the last good one before it, and a compaction that kept history
 * from it keeps it from the record that followed. Records come after their
 * parents in the file, so an unknown parent can only be a line that was lost.
 */
function relinkPastDamage(records: SessionRecord[]): void {
  const known = new Set<string>();
  /** Lost record id → the record that took its place. */
  const lost = new Map<string, string>();
  let last: string | null = null;
  for (const r of records) {
    if (r.type !== 'message' && r.type !== 'compaction') continue;
    if (r.parent !== null && !known.has(r.parent)) {
      lost.set(r.parent, r.id);
      r.parent = last;
    }
    if (r.type === 'compaction' && r.firstKept !== null && !known.has(r.firstKept)) r.firstKept = lost.get(r.firstKept) ?? r.firstKept;
    known.add(r.id);
    last = r.id;
  }
}

/** The records from the root to `leaf`. */
export function pathTo(records: SessionRecord[], leaf: string | null): SessionRecord[] {
  const byId = new Map(records.filter((r) => r.type === 'message' || r.type === 'compaction').map((r) => [r.id, r]));
  const path: SessionRecord[] = [];
  for (let id = leaf; id; ) {
    const r = byId.get(id) as { parent: string | null } & SessionRecord | undefined;
    if (!r) break;
    path.push(r);
    id = r.parent;
  }
  return path.reverse();
}

/** The messages of the branch ending at `leaf`, compactions applied, dangling tool calls answered. */
export function branch(records: SessionRecord[], leaf: string | null): Array<[Message, string]> {
  let out: Array<[Message, string]> = [];
  for (const r of pathTo(records, leaf)) {
    if (r.type === 'message') out.push([r.message, r.id]);
    else if (r.type === 'compaction') {
      const kept = out.findIndex(([, id]) => id === r.firstKept);
      out = [[r.summary, r.id], ...(kept === -1 ? [] : out.slice(kept))];
    }
  }
  return answerDangling(out);
}

/** A crash between a tool call and its result leaves the call unanswered; providers refuse that. */
function answerDangling(messages: Array<[Message, string]>): Array<[Message, string]> {
  const out: Array<[Message, string]> = [];
  messages.forEach(([m, id], i) => {
    out.push([m, id]);
    if (m.role !== 'assistant') return;
    const answered = new Set<string>();
    for (let j = i + 1; j < messages.length && messages[j][0].role === 'tool'; j++) answered.add((messages[j][0] as ToolMessage).toolCallId);
    for (const p of m.content) {
      if (p.type !== 'tool_call' || answered.has(p.id)) continue;
      const result: ToolMessage = { role: 'tool', toolCallId: p.id, toolName: p.name, content: '[no result: nanocode stopped before this call finished]', isError: true };
      out.push([result, `${id}:${p.id}`]);
    }
  });
  return out;
}
