// Writes a session as it happens: every message and compaction from the
// event stream becomes a record, appended and flushed at once, so a crash
// loses at most the line being written. Secrets are redacted first. A new
// session's file appears with its first record: a conversation that never
// started leaves nothing behind. When the disk is full or the folder cannot
// be written, saving stops with one warning and the work goes on.
import { chmodSync, closeSync, existsSync, fchmodSync, fstatSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AgentEvent } from '../protocol/events.ts';
import type { Message } from '../protocol/messages.ts';
import { type Lock, lockFile } from './lock.ts';
import { type HeaderRecord, newId, newSessionId, projectSlug, type SessionRecord } from './records.ts';

export function sessionDir(home: string, cwd: string): string {
  return join(home, 'sessions', projectSlug(cwd));
}

export interface WriterOptions {
  redact: (s: string) => string;
  /** Told once when saving stops. */
  warn: (message: string) => void;
}

export class SessionWriter {
  readonly id: string;
  readonly file: string;
  private leaf: string | null;
  private readonly ids = new WeakMap<Message, string>();
  private readonly o: WriterOptions;
  /** Records not yet in the file (a new session's header waits for its first record). */
  private pending: SessionRecord[];
  /** Kept open: one write per record, no open and close each time. */
  private fd?: number;
  private lock?: Lock;
  private stopped = false;

  private constructor(id: string, file: string, leaf: string | null, pending: SessionRecord[], o: WriterOptions, lock?: Lock) {
    this.id = id;
    this.file = file;
    this.leaf = leaf;
    this.pending = pending;
    this.o = o;
    this.lock = lock;
  }

  /** A new session; its file is created with the first record. */
  static create(home: string, cwd: string, model: string, o: WriterOptions, forkedFrom?: HeaderRecord['forkedFrom']): SessionWriter {
    const id = newSessionId();
    const header: HeaderRecord = { type: 'session', version: 1, id, cwd, created: new Date().toISOString(), model, ...(forkedFrom && { forkedFrom }) };
    return new SessionWriter(id, join(sessionDir(home, cwd), `${id}.jsonl`), null, [header], o);
  }

  /**
   * Continues an existing file, whose lock the caller holds, after `leaf`.
   * `messages` are the loaded ones with their record ids, so later
   * compactions can refer to them.
   */
  static resume(file: string, id: string, leaf: string | null, messages: Array<[Message, string]>, lock: Lock, o: WriterOptions): SessionWriter {
    const w = new SessionWriter(id, file, leaf, [], o, lock);
    w.remember(messages);
    w.flush();
    return w;
  }

  /** Copies records into a new file (a fork), written at once, then continues there. */
  static fork(home: string, cwd: string, model: string, records: SessionRecord[], messages: Array<[Message, string]>, from: { session: string; record: string }, o: WriterOptions): SessionWriter {
    const w = SessionWriter.create(home, cwd, model, o, from);
    w.pending.push(...records.filter((r) => r.type !== 'session'));
    w.leaf = records.filter((r) => r.type === 'message' || r.type === 'compaction').at(-1)?.id ?? null;
    w.remember(messages);
    w.flush();
    return w;
  }

  /** Whether the file exists yet. */
  get started(): boolean {
    return existsSync(this.file);
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

  /** Releases the file and its lock; later records are not kept. */
  close(): void {
    this.stopped = true;
    try {
      if (this.fd !== undefined) closeSync(this.fd);
    } catch {
      // Already failing (EIO): there is nothing more to keep.
    }
    this.fd = undefined;
    this.lock?.release();
  }

  private remember(messages: Array<[Message, string]>): void {
    for (const [m, recordId] of messages) this.ids.set(m, recordId);
  }

  private append(r: SessionRecord): void {
    if (this.stopped) return;
    this.pending.push(r);
    this.flush();
  }

  private flush(): void {
    try {
      this.fd ??= this.open();
      const text = this.pending.map((r) => `${this.o.redact(JSON.stringify(r))}\n`).join('');
      this.pending = [];
      const bytes = Buffer.from(text);
      // A nearly full disk takes part of a write; the rest then fails with ENOSPC.
      for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done);
    } catch (err) {
      this.close();
      this.o.warn(`session no longer saved: ${(err as Error).message}`);
    }
  }

  private open(): number {
    // Private folders, made so if an older version left them open.
    const dir = dirname(this.file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const d of [dirname(dir), dir]) chmodSync(d, statSync(d).mode & 0o700);
    if (!this.lock) {
      // A new file: locked before it appears.
      const lock = lockFile(this.file);
      if ('heldBy' in lock) throw new Error(`${this.file} is in use by process ${lock.heldBy}`);
      this.lock = lock;
    }
    const fd = openSync(this.file, 'a+', 0o600);
    fchmodSync(fd, 0o600);
    // A torn last line (a crash mid-write) must not swallow the next record.
    const size = fstatSync(fd).size;
    const last = Buffer.alloc(1);
    if (size && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a) writeSync(fd, '\n');
    return fd;
  }
}
