// Writes a session as it happens: every message and compaction from the
// event stream becomes a record, appended and flushed at once, so a crash
// loses at most the line being written. Secrets are redacted first.
import { appendFileSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentEvent } from '../protocol/events.ts';
import type { Message } from '../protocol/messages.ts';
import { type HeaderRecord, newId, newSessionId, projectSlug, type SessionRecord } from './records.ts';

export function sessionDir(home: string, cwd: string): string {
  return join(home, 'sessions', projectSlug(cwd));
}

export class SessionWriter {
  readonly id: string;
  readonly file: string;
  private leaf: string | null;
  private readonly ids = new WeakMap<Message, string>();
  private readonly redact: (s: string) => string;
  /** Kept open: one write per record, no open and close each time. */
  private readonly fd: number;

  private constructor(id: string, file: string, leaf: string | null, redact: (s: string) => string) {
    this.id = id;
    this.file = file;
    this.leaf = leaf;
    this.redact = redact;
    this.fd = openSync(file, 'a');
  }

  /** A new session file with its header. */
  static create(home: string, cwd: string, model: string, redact: (s: string) => string, forkedFrom?: HeaderRecord['forkedFrom']): SessionWriter {
    const dir = sessionDir(home, cwd);
    mkdirSync(dir, { recursive: true });
    const id = newSessionId();
    const w = new SessionWriter(id, join(dir, `${id}.jsonl`), null, redact);
    w.append({ type: 'session', version: 1, id, cwd, created: new Date().toISOString(), model, ...(forkedFrom && { forkedFrom }) });
    return w;
  }

  /**
   * Continues an existing file after `leaf`. `messages` are the loaded ones
   * with their record ids, so later compactions can refer to them.
   */
  static resume(file: string, id: string, leaf: string | null, loaded: Array<[Message, string]>, redact: (s: string) => string): SessionWriter {
    // A torn last line (a crash mid-write) must not swallow the next record.
    const text = readFileSync(file, 'utf8');
    if (text && !text.endsWith('\n')) appendFileSync(file, '\n');
    const w = new SessionWriter(id, file, leaf, redact);
    for (const [m, recordId] of loaded) w.ids.set(m, recordId);
    return w;
  }

  /** Copies records into a new file (a fork), then continues there. */
  static fork(home: string, cwd: string, model: string, records: SessionRecord[], from: { session: string; record: string }, redact: (s: string) => string): SessionWriter {
    const w = SessionWriter.create(home, cwd, model, redact, from);
    for (const r of records) if (r.type !== 'session') w.append(r);
    w.leaf = records.filter((r) => r.type === 'message' || r.type === 'compaction').at(-1)?.id ?? null;
    return w;
  }

  /** Takes every event; stores messages and compactions. */
  record(e: AgentEvent): void {
    if (e.type === 'message') {
      const id = newId();
      this.ids.set(e.message, id);
      this.append({ type: 'message', id, parent: this.leaf, ts: new Date().toISOString(), message: e.message });
      this.leaf = id;
    } else if (e.type === 'compaction') {
      const id = newId();
      const firstKept = e.firstKept ? (this.ids.get(e.firstKept) ?? null) : null;
      this.ids.set(e.summary, id);
      this.append({ type: 'compaction', id, parent: this.leaf, ts: new Date().toISOString(), summary: e.summary, firstKept, tokensBefore: e.tokensBefore, tokensAfter: e.tokensAfter });
      this.leaf = id;
    }
  }

  name(name: string): void {
    this.append({ type: 'name', id: newId(), ts: new Date().toISOString(), name });
  }

  private append(r: SessionRecord): void {
    writeSync(this.fd, `${this.redact(JSON.stringify(r))}\n`);
  }
}
