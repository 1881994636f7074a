// One conversation's session: start a new one, continue or resume an old one,
// fork from an earlier turn, name it, list them. The Agent hands it every
// event and is handed the messages of a session it switches to.
// A session another process is writing is never appended to: the conversation
// continues in a new branch (a fork after its last finished turn) instead.
import type { AgentEvent } from '../protocol/events.ts';
import type { Message } from '../protocol/messages.ts';
import { listSessions, type SessionInfo, findSession } from './list.ts';
import { branch, type LoadedSession, loadSession, pathTo, SessionError } from './load.ts';
import { lockFile } from './lock.ts';
import type { SessionRecord } from './records.ts';
import { SessionWriter, type WriterOptions } from './store.ts';

export interface Restored {
  messages: Message[];
  warnings: string[];
  id: string;
}

/**
 * Which session a conversation is saved in: a new one (true), the latest in
 * its folder (`continue`), one by id or name (`resume`), or a new one
 * holding the first turns of another (`fork`, of the latest by default).
 */
export type SessionChoice = true | { continue: true } | { resume: string } | { fork: { turn: number; session?: string } };

export interface SessionsOptions {
  /** nanocode's folder. */
  home: string;
  cwd: string;
  model: string;
  redact: (s: string) => string;
  /** Told when saving stops (a full disk, an unwritable folder). */
  warn: (message: string) => void;
  /** Takes the messages of a session switched to (resumed or forked), to continue from. */
  restore: (messages: Message[]) => void;
}

export class Sessions {
  private writer?: SessionWriter;
  private readonly home: string;
  private readonly cwd: string;
  private readonly model: string;
  private readonly o: WriterOptions;
  private readonly restore: (messages: Message[]) => void;

  constructor(o: SessionsOptions) {
    this.home = o.home;
    this.cwd = o.cwd;
    this.model = o.model;
    this.o = { redact: o.redact, warn: o.warn };
    this.restore = o.restore;
  }

  /** Opens the session `choice` names; undefined for a new one. */
  open(choice: SessionChoice): Restored | undefined {
    if (choice === true) return void this.start();
    if ('continue' in choice) return this.resume();
    if ('resume' in choice) return this.resume(choice.resume);
    return this.fork(choice.fork.turn, choice.fork.session);
  }

  get id(): string | undefined {
    return this.writer?.id;
  }

  get file(): string | undefined {
    return this.writer?.file;
  }

  /** A new session (its file appears with the first record). */
  start(): void {
    this.switchTo(SessionWriter.create(this.home, this.cwd, this.model, this.o));
  }

  record(e: AgentEvent): void {
    this.writer?.record(e);
  }

  name(name: string): void {
    this.writer?.name(name);
  }

  /** Sessions with at least one message, newest first. */
  list(): SessionInfo[] {
    return listSessions(this.home, this.cwd);
  }

  /** Continues the latest session here (--continue), or the given one (--resume). */
  resume(idOrName?: string): Restored {
    const info = idOrName ? findSession(this.home, this.cwd, idOrName) : this.list()[0];
    if (!info) throw new SessionError(idOrName ? `No session "${idOrName}" for ${this.cwd}.` : `No earlier session for ${this.cwd}.`);
    if (info.file === this.writer?.file) this.switchTo(undefined);
    // Locked before it is read, so no record written meanwhile is missed.
    const lock = lockFile(info.file);
    let loaded: LoadedSession;
    try {
      loaded = loadSession(info.file);
    } catch (err) {
      if ('release' in lock) lock.release();
      throw err;
    }
    if ('heldBy' in lock) {
      const restored = this.forkAt(loaded, finishedTurns(pathTo(loaded.records, loaded.leaf)));
      restored.warnings.push(`session ${loaded.header.id} is in use by another nanocode (process ${lock.heldBy}); continuing in a new session, ${restored.id}.`);
      return restored;
    }
    this.switchTo(SessionWriter.resume(info.file, loaded.header.id, loaded.leaf, loaded.messages, lock, this.o));
    const messages = loaded.messages.map(([m]) => m);
    this.restore(messages);
    return { messages, warnings: loaded.warnings, id: loaded.header.id };
  }

  /** Releases the session file and its lock; nothing more is saved. */
  close(): void {
    this.switchTo(undefined);
  }

  /** The user turns of a session (this one by default), for /fork. */
  turns(idOrName?: string): string[] {
    const loaded = this.load(idOrName);
    return (loaded ? this.userRecords(loaded) : []).map(([m]) => (typeof m.content === 'string' ? m.content.split('\n')[0] : '[content]'));
  }

  /**
   * A new session holding turns 1..turn of a session (this one by default,
   * else the latest here), so the conversation continues from there; the
   * original is not touched.
   */
  fork(turn: number, idOrName?: string): Restored {
    const loaded = this.load(idOrName);
    const users = loaded ? this.userRecords(loaded) : [];
    if (!loaded || turn < 1 || turn > users.length) throw new SessionError(`There is no turn ${turn}; the session has ${users.length}.`);
    const path = pathTo(loaded.records, loaded.leaf);
    const end = turn < users.length ? path.findIndex((r) => r.id === users[turn][1]) : path.length;
    return this.forkAt(loaded, path.slice(0, end));
  }

  /** A new session file holding `kept` (a path from the root), continued from its end. */
  private forkAt(loaded: LoadedSession, kept: SessionRecord[]): Restored {
    const leaf = kept.at(-1)?.id ?? null;
    const messages = branch(kept, leaf);
    this.switchTo(SessionWriter.fork(this.home, this.cwd, this.model, kept, messages, { session: loaded.header.id, record: leaf ?? '' }, this.o));
    this.restore(messages.map(([m]) => m));
    return { messages: messages.map(([m]) => m), warnings: [...loaded.warnings], id: this.writer!.id };
  }

  /** The session file in use is closed (and unlocked) when another takes its place. */
  private switchTo(writer: SessionWriter | undefined): void {
    this.writer?.close();
    this.writer = writer;
  }

  /** The named session; else this one (undefined while it has no records); else the latest here. */
  private load(idOrName?: string): LoadedSession | undefined {
    if (idOrName) {
      const info = findSession(this.home, this.cwd, idOrName);
      if (!info) throw new SessionError(`No session "${idOrName}" for ${this.cwd}.`);
      return loadSession(info.file);
    }
    if (this.writer) return this.writer.started ? loadSession(this.writer.file) : undefined;
    const latest = this.list()[0];
    if (!latest) throw new SessionError(`No earlier session for ${this.cwd}.`);
    return loadSession(latest.file);
  }

  /** User messages of the current branch with their record ids (summaries are not turns). */
  private userRecords(loaded: LoadedSession): Array<[Message, string]> {
    const path = pathTo(loaded.records, loaded.leaf);
    return path.flatMap((r) => (r.type === 'message' && r.message.role === 'user' ? [[r.message, r.id] as [Message, string]] : []));
  }
}

/**
 * The path up to the end of its last finished turn (an answer with no tool
 * calls): a turn after it may still be in progress in another process, and
 * must not be taken up twice.
 */
function finishedTurns(path: SessionRecord[]): SessionRecord[] {
  const last = path.at(-1);
  if (last?.type === 'message' && last.message.role === 'assistant' && !last.message.content.some((p) => p.type === 'tool_call')) return path;
  const lastUser = path.findLastIndex((r) => r.type === 'message' && r.message.role === 'user');
  return lastUser === -1 ? path : path.slice(0, lastUser);
}
