// The session file format: one JSON record per line, appended as things
// happen. Records carry an id and a parent id, so a session is a tree.
import { z } from 'zod';
import type { Message } from '../protocol/messages.ts';

export const SESSION_VERSION = 1;

export interface HeaderRecord {
  type: 'session';
  version: number;
  id: string;
  cwd: string;
  created: string;
  model: string;
  /** Set on a fork: where it branched off. */
  forkedFrom?: { session: string; record: string };
}

export interface MessageRecord {
  type: 'message';
  id: string;
  parent: string | null;
  ts: string;
  message: Message;
}

export interface CompactionRecord {
  type: 'compaction';
  id: string;
  parent: string | null;
  ts: string;
  summary: Message;
  /** Record id of the first message kept after the summary. */
  firstKept: string | null;
  tokensBefore: number;
  tokensAfter: number;
}

export interface NameRecord {
  type: 'name';
  id: string;
  ts: string;
  name: string;
}

export type SessionRecord = HeaderRecord | MessageRecord | CompactionRecord | NameRecord;

// Validated loosely: the shape that matters for loading, nothing more.
const message = z.object({ role: z.enum(['user', 'assistant', 'tool']) }).passthrough();
export const RecordSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session'), version: z.number(), id: z.string(), cwd: z.string(), created: z.string(), model: z.string() }).passthrough(),
  z.object({ type: z.literal('message'), id: z.string(), parent: z.string().nullable(), ts: z.string(), message }),
  z.object({ type: z.literal('compaction'), id: z.string(), parent: z.string().nullable(), ts: z.string(), summary: message, firstKept: z.string().nullable(), tokensBefore: z.number(), tokensAfter: z.number() }),
  z.object({ type: z.literal('name'), id: z.string(), ts: z.string(), name: z.string() }),
]);

export function newId(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** Session ids sort by time: 2026-11-24T23-59-01-k3x9a2. */
export function newSessionId(now = new Date()): string {
  return `${now.toISOString().slice(0, 19).replace(/:/g, '-')}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The folder name for a project: its path, made safe. */
export function projectSlug(cwd: string): string {
  return cwd.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
}
