// What Agent.create takes, and what an Agent reports back: the public
// vocabulary of the library, apart from the events and messages (protocol/).
import type { StopReason } from '../protocol/events.ts';
import type { Message, Usage } from '../protocol/messages.ts';
import type { Gate, Tool } from '../protocol/tool.ts';
import type { SessionChoice } from '../session/sessions.ts';
import type { Queue } from './queue.ts';

export interface AgentOptions {
  /** A model id, or provider/model. Default: detected from the environment. */
  model?: string;
  cwd?: string;
  /** Tool objects, or names from the built-in suite. Default: all built-ins. */
  tools?: Array<Tool | string>;
  systemPrompt?: string;
  appendSystemPrompt?: string;
  maxTurns?: number;
  env?: NodeJS.ProcessEnv;
  /** nanocode's folder (settings, sessions); default $NANOCODE_HOME or ~/.nanocode. */
  home?: string;
  /** Add git status to the first prompt (default true). */
  gitContext?: boolean;
  /** Read AGENTS.md, CLAUDE.md, SYSTEM.md and APPEND_SYSTEM.md into the system prompt (default true; --no-context-files). */
  contextFiles?: boolean;
  /** The gate every tool call passes before it runs (permissions fill it). */
  beforeToolCall?: Gate;
  /** Asks a person a yes/no question (may a stuck model go on?); without it, the answer is no. */
  confirm?: (question: string) => Promise<boolean>;
  /**
   * Save the conversation: in a new session (true), the latest in `cwd`
   * ({ continue: true }, as -c), one by id or name ({ resume }), or a new one
   * holding turns 1..turn of another ({ fork }). Omitted: nothing is saved.
   */
  session?: SessionChoice;
  /** Log every bash command to .nanocode.log in `cwd` (default false; the CLI's is on). */
  commandLog?: boolean;
  /**
   * Told what went wrong on the side: damaged lines skipped when a session
   * was restored, a session in use elsewhere, saving that stopped (a full
   * disk), context files, skills or MCP servers that could not be loaded, an
   * MCP server that failed or died. Default: process.emitWarning.
   */
  onWarning?: (message: string) => void;
}

/** Per prompt: a frontend that can ask a person passes its yes/no question (may a stuck model go on?). */
export interface PromptOptions {
  confirm?: (question: string) => Promise<boolean>;
}

export interface RunResult {
  /** The last answer. */
  text: string;
  /** The messages this run added, follow-ups' included. */
  messages: Message[];
  /** Tokens and cost of this run's requests. */
  usage: Usage;
  cost?: number;
  reason: StopReason;
}

export interface AgentState {
  model: string;
  provider: string;
  running: boolean;
  messages: number;
  queue: Queue;
  usage: Usage;
  cost?: number;
  contextTokens: number;
  contextWindow: number;
  sessionId?: string;
  sessionFile?: string;
}

/** A second piece of work while one runs. */
export class AgentBusyError extends Error {
  constructor() {
    super('a prompt is already running; steer() or followUp() instead');
    this.name = 'AgentBusyError';
  }
}
