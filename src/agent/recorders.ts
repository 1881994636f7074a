// The recorders an Agent attaches by option, the same way in every frontend:
// the session store and the command log. Both see the conversation's events
// as they pass; a resumed or forked session hands its messages to the agent.
import type { AgentEvent } from '../protocol/events.ts';
import type { Message } from '../protocol/messages.ts';
import { commandLogger } from '../session/command-log.ts';
import { type SessionChoice, Sessions } from '../session/sessions.ts';

export interface Recorded {
  cwd: string;
  subscribe(fn: (e: AgentEvent) => void): () => void;
  load(messages: Message[]): void;
}

export interface RecorderOptions {
  home: string;
  /** Keeps secrets out of the records. */
  redact: (text: string) => string;
  model: string;
  session?: SessionChoice;
  commandLog?: boolean;
  warn: (message: string) => void;
}

/** Attaches the recorders `o` asks for; returns the sessions when saving is on. Throws SessionError for a session that is not there. */
export function attachRecorders(agent: Recorded, o: RecorderOptions): Sessions | undefined {
  const { redact } = o;
  if (o.commandLog) agent.subscribe(commandLogger(agent.cwd, redact));
  if (!o.session) return undefined;
  const sessions = new Sessions({ home: o.home, cwd: agent.cwd, model: o.model, redact, warn: o.warn, restore: (m) => agent.load(m) });
  for (const w of sessions.open(o.session)?.warnings ?? []) o.warn(w);
  agent.subscribe((e) => sessions.record(e));
  return sessions;
}
