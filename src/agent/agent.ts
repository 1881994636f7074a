// An Agent is one conversation with one model and a toolset. Every frontend
// (headless, JSON, REPL, library) drives this same class.
import { ConfigError, chooseModel, missingKeyMessage, type ModelChoice, requestedModel } from '../config/providers.ts';
import { loadSettings, nanocodeHome } from '../config/settings.ts';
import type { ModelInfo } from '../model/catalog.ts';
import { ModelClient } from '../model/client.ts';
import { completeChoice, localPorts } from '../model/probe.ts';
import type { AgentEvent } from '../protocol/events.ts';
import type { Message, Usage } from '../protocol/messages.ts';
import type { Gate, Tool, ToolState } from '../protocol/tool.ts';
import { commandEnv } from '../safety/secrets.ts';
import { type CompactionSettings, compactionSettings, fitContext } from './compaction.ts';
import { ContextMeter, promptOverhead } from './context.ts';
import { gitContext } from './git-context.ts';
import { runLoop } from './loop.ts';
import { buildSystemPrompt } from './system-prompt.ts';
import { selectTools } from './toolset.ts';

export interface AgentOptions {
  /** A model id, or provider/model. Default: detected from the environment. */
  model?: string;
  cwd?: string;
  /** Tool names from the built-in suite, or Tool objects. Default: all built-ins. */
  tools?: string[] | Tool[];
  systemPrompt?: string;
  appendSystemPrompt?: string;
  maxTurns?: number;
  env?: NodeJS.ProcessEnv;
  /** nanocode's folder (settings, sessions); default $NANOCODE_HOME or ~/.nanocode. */
  home?: string;
  /** Add git status to the first prompt (default true). */
  gitContext?: boolean;
  /** The gate every tool call passes before it runs (permissions fill it). */
  beforeToolCall?: Gate;
}

export interface PromptOptions {
  /** Messages the user typed while the agent worked, delivered before the next model call. */
  steering?: () => string[];
  /** Asks the user a yes/no question (may a stuck model go on?); without it, the answer is no. */
  confirm?: (question: string) => Promise<boolean>;
}

interface AgentParts {
  client: ModelClient;
  tools: Tool[];
  system: string;
  cwd: string;
  /** Environment for commands, secrets removed. */
  commandEnv: NodeJS.ProcessEnv;
  maxTurns: number;
  useGit: boolean;
  compaction: CompactionSettings;
  beforeToolCall?: Gate;
}

export class Agent {
  readonly messages: Message[] = [];
  /** Every model request passes through it: the loop's, compaction's and side questions'. */
  readonly client: ModelClient;
  private readonly meter = new ContextMeter();
  readonly compaction: CompactionSettings;
  /** Who sees every event of the conversation (the session store, the command log); not side questions. */
  private readonly subscribers: Array<(e: AgentEvent) => void> = [];
  readonly tools: Tool[];
  readonly system: string;
  readonly cwd: string;
  readonly maxTurns: number;
  private readonly commandEnv: NodeJS.ProcessEnv;
  private readonly toolState: ToolState = { seen: new Map() };
  private controller = new AbortController();
  private gitPending: Promise<string | undefined> | undefined;
  private readonly beforeToolCall?: Gate;

  private constructor(p: AgentParts) {
    this.client = p.client;
    this.tools = p.tools;
    this.system = p.system;
    this.cwd = p.cwd;
    this.commandEnv = p.commandEnv;
    this.maxTurns = p.maxTurns;
    this.compaction = p.compaction;
    this.beforeToolCall = p.beforeToolCall;
    // Started now so it overlaps with the first request's preparation.
    this.gitPending = p.useGit ? gitContext(p.cwd) : undefined;
  }

  /**
   * Throws ConfigError when no provider is configured and no local server
   * answers, or a named provider has no key.
   */
  static async create(opts: AgentOptions = {}): Promise<Agent> {
    const env = opts.env ?? process.env;
    const cwd = opts.cwd ?? process.cwd();
    const settings = loadSettings(opts.home ?? nanocodeHome(env), cwd);
    // Asked now (it never rejects), so any network question overlaps with building the prompt.
    const ports = localPorts(env);
    const choosing = completeChoice(chooseModel(opts.model, env), requestedModel(opts.model, env), ports);
    const tools = opts.tools?.length && typeof opts.tools[0] !== 'string' ? (opts.tools as Tool[]) : selectTools(opts.tools as string[] | undefined);
    const system = buildSystemPrompt({ cwd, tools, override: opts.systemPrompt, append: opts.appendSystemPrompt });
    const choice = (await choosing) ?? fail(missingKeyMessage(ports));
    return new Agent({
      client: await ModelClient.create(choice, env),
      tools,
      system,
      cwd,
      commandEnv: commandEnv(env, settings.bash?.allowEnv),
      maxTurns: opts.maxTurns ?? 40,
      useGit: opts.gitContext ?? true,
      compaction: compactionSettings(env),
      beforeToolCall: opts.beforeToolCall,
    });
  }

  /** Sends a user message and runs the loop; yields every event until `done`. */
  async *prompt(text: string, opts: PromptOptions = {}): AsyncGenerator<AgentEvent> {
    if (this.controller.signal.aborted) this.controller = new AbortController();
    const git = await this.gitPending;
    this.gitPending = undefined;
    const message: Message = { role: 'user', content: git ? `${text}\n\n${git}` : text };
    this.messages.push(message);
    const first: AgentEvent = { type: 'message', message };
    this.publish(first);
    yield first;
    yield* this.track(runLoop({ ...this.loopConfig(this.tools, this.maxTurns), ...opts }, this.messages));
  }

  /** Summarises older history now (/compact), whatever the settings say. */
  async *compact(instructions?: string): AsyncGenerator<AgentEvent> {
    if (this.controller.signal.aborted) this.controller = new AbortController();
    const fit = {
      client: this.client,
      messages: this.messages,
      window: this.info.contextWindow,
      settings: this.compaction,
      meter: this.meter,
      overhead: promptOverhead(this.system, this.tools.length),
      signal: this.controller.signal,
    };
    yield* this.track(fitContext(fit, 'compact', instructions));
  }

  /** Continues a conversation loaded from a session. */
  load(messages: Message[]): void {
    this.messages.splice(0, this.messages.length, ...messages);
    this.meter.reset();
    this.gitPending = undefined;
  }

  subscribe(fn: (e: AgentEvent) => void): void {
    this.subscribers.push(fn);
  }

  get choice(): ModelChoice {
    return this.client.choice;
  }

  get info(): ModelInfo {
    return this.client.info;
  }

  /** Token usage of every request this session (turns, summaries, side questions). */
  get usage(): Usage {
    return this.client.totals().usage;
  }

  /** The cost of this session in USD, summed over the models used; undefined when no price is known. */
  get cost(): number | undefined {
    return this.client.totals().cost;
  }

  /** Estimated tokens in the context now. */
  get contextTokens(): number {
    return this.meter.tokens(this.messages, promptOverhead(this.system, this.tools.length));
  }

  private publish(e: AgentEvent): void {
    for (const fn of this.subscribers) fn(e);
  }

  /**
   * A side question answered from the current conversation without adding to
   * it (/btw). With `readOnlyTools`, it may look things up.
   */
  async *aside(question: string, readOnlyTools = false): AsyncGenerator<AgentEvent> {
    if (this.controller.signal.aborted) this.controller = new AbortController();
    const tools = readOnlyTools ? this.tools.filter((t) => t.permission === 'read') : [];
    // Copies: fitting the scratch history into the window must not cut the conversation's messages.
    const scratch: Message[] = [...this.messages.map((m) => ({ ...m })), { role: 'user', content: question }];
    const config = { ...this.loopConfig(tools, readOnlyTools ? 10 : 1), purpose: 'aside' as const, meter: new ContextMeter(), compaction: { ...this.compaction, enabled: false } };
    yield* runLoop(config, scratch);
  }

  /** Starts a new conversation. */
  reset(): void {
    this.messages.length = 0;
    this.meter.reset();
    this.toolState.seen.clear();
    this.gitPending = gitContext(this.cwd);
  }

  /** Switches to another model of the same provider. */
  async setModel(id: string): Promise<void> {
    await this.client.setModel(id);
  }

  private loopConfig(tools: Tool[], maxTurns: number) {
    return {
      client: this.client,
      system: this.system,
      tools,
      cwd: this.cwd,
      env: this.commandEnv,
      toolState: this.toolState,
      maxTurns,
      signal: this.controller.signal,
      meter: this.meter,
      compaction: this.compaction,
      beforeToolCall: this.beforeToolCall,
    };
  }

  /** Shows the conversation's events to its subscribers as they pass. */
  private async *track(events: AsyncGenerator<AgentEvent>): AsyncGenerator<AgentEvent> {
    for await (const e of events) {
      this.publish(e);
      yield e;
    }
  }

  /** Cancels the current request and every running tool. */
  abort(): void {
    this.controller.abort();
  }
}

function fail(message: string): never {
  throw new ConfigError(message);
}
