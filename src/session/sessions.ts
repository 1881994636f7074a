// One conversation's session: start a new one, continue or resume an old one,
// fork from an earlier turn, name it, list them. Frontends hand it every event.
import type { AgentEvent } from '../protocol/events.ts';
import type { Message } from '../protocol/messages.ts';
import { listSessions, type SessionInfo, findSession } from './list.ts';
import { branch, type LoadedSession, loadSession, pathTo, SessionError } from './load.ts';
import { SessionWriter } from './store.ts';

export interface Restored {
  messages: Message[];
  warnings: string[];
  id: string;
}

export class Sessions {
  private writer?: SessionWriter;
  private readonly home: string;
  private readonly cwd: string;
  private readonly model: string;
  private readonly redact: (s: string) => string;

  constructor(home: string, cwd: string, model: string, redact: (s: string) => string) {
    this.home = home;
    this.cwd = cwd;
    this.model = model;
    this.redact = redact;
  }

  get id(): string | undefined {
    return this.writer?.id;
  }

  get file(): string | undefined {
    return this.writer?.file;
  }

  /** A fresh session file. */
  start(): void {
    this.writer = SessionWriter.create(this.home, this.cwd, this.model, this.redact);
  }

  record(e: AgentEvent): void {
    this.writer?.record(e);
  }

  name(name: string): void {
    this.writer?.name(name);
  }

  list(): SessionInfo[] {
    return listSessions(this.home, this.cwd);
  }

  /** Continues the latest session here (--continue), or the given one (--resume). */
  resume(idOrName?: string): Restored {
    const info = idOrName ? findSession(this.home, this.cwd, idOrName) : this.list()[0];
    if (!info) throw new SessionError(idOrName ? `No session "${idOrName}" for ${this.cwd}.` : `No earlier session for ${this.cwd}.`);
    const loaded = loadSession(info.file);
    this.writer = SessionWriter.resume(info.file, loaded.header.id, loaded.leaf, loaded.messages, this.redact);
    return { messages: loaded.messages.map(([m]) => m), warnings: loaded.warnings, id: loaded.header.id };
  }

  /** The user turns of a session (this one by default), for /fork. */
  turns(idOrName?: string): string[] {
    return this.userRecords(this.load(idOrName)).map(([m]) => (typeof m.content === 'string' ? m.content.split('\n\n<git>')[0].split('\n')[0] : '[content]'));
  }

  /**
   * A new session holding turns 1..turn of a session (this one by default),
   * so the conversation continues from there; the original is not touched.
   */
  fork(turn: number, idOrName?: string): Restored {
    const loaded = this.load(idOrName);
    const users = this.userRecords(loaded);
    if (turn < 1 || turn > users.length) throw new SessionError(`There is no turn ${turn}; the session has ${users.length}.`);
    const path = pathTo(loaded.records, loaded.leaf);
    const end = turn < users.length ? path.findIndex((r) => r.id === users[turn][1]) : path.length;
    const kept = path.slice(0, end);
    this.writer = SessionWriter.fork(this.home, this.cwd, this.model, kept, { session: loaded.header.id, record: kept.at(-1)?.id ?? '' }, this.redact);
    const messages = branch(kept, kept.at(-1)?.id ?? null).map(([m]) => m);
    return { messages, warnings: loaded.warnings, id: this.writer.id };
  }

  private load(idOrName?: string): LoadedSession {
    const file = idOrName ? findSession(this.home, this.cwd, idOrName)?.file : this.writer?.file;
    if (!file) throw new SessionError(idOrName ? `No session "${idOrName}" for ${this.cwd}.` : 'This conversation is not being saved (--no-session).');
    return loadSession(file);
  }

  /** User messages of the current branch with their record ids (summaries are not turns). */
  private userRecords(loaded: LoadedSession): Array<[Message, string]> {
    const path = pathTo(loaded.records, loaded.leaf);
    return path.flatMap((r) => (r.type === 'message' && r.message.role === 'user' ? [[r.message, r.id] as [Message, string]] : []));
  }
}
