// An Agent is one conversation with one model and a toolset. Every frontend
// (headless, JSON, REPL, library) drives this same class.
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { type Config, loadConfig } from '../config/config.ts';
import { ConfigError, missingKeyMessage, type ModelChoice } from '../config/providers.ts';
import { modelInfo, type ModelInfo } from '../model/catalog.ts';
import { completeChoice } from '../model/probe.ts';
import { createModel } from '../model/resolve.ts';
import type { AgentEvent } from '../protocol/events.ts';
import type { Message, Usage } from '../protocol/messages.ts';
import type { Tool, ToolState } from '../protocol/tool.ts';
import { type CompactionSettings, fitContext } from './compaction.ts';
import { ContextMeter, promptOverhead } from './context.ts';
import { gitContext } from './git-context.ts';
import { runLoop } from './loop.ts';
import { Spending } from './spending.ts';
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
  /** The environment the configuration is read from (with .env in cwd); default the process's. */
  env?: NodeJS.ProcessEnv;
  /** nanocode's folder (settings, sessions); default $NANOCODE_HOME or ~/.nanocode. */
  home?: string;
  /** Add git status to the first prompt (default true). */
  gitContext?: boolean;
}

export interface PromptOptions {
  /** Messages the user typed while the agent worked, delivered before the next model call. */
  steering?: () => string[];
  /** Asks the user a yes/no question (may a stuck model go on?); without it, the answer is no. */
  confirm?: (question: string) => Promise<boolean>;
}

interface AgentParts {
  choice: ModelChoice;
  model: LanguageModelV4;
  info: ModelInfo;
  tools: Tool[];
  system: string;
  cwd: string;
  /** Environment for commands, secrets removed. */
  commandEnv: NodeJS.ProcessEnv;
  maxTurns: number;
  useGit: boolean;
  compaction: CompactionSettings;
  config: Config;
}

export class Agent {
  readonly messages: Message[] = [];
  choice: ModelChoice;
  info: ModelInfo;
  /** Every request this session, each priced at the model that served it. */
  private readonly spent = new Spending();
  private readonly meter = new ContextMeter();
  readonly compaction: CompactionSettings;
  /** Who sees every event of the conversation (the session store, the command log); not side questions. */
  private readonly subscribers: Array<(e: AgentEvent) => void> = [];
  readonly tools: Tool[];
  readonly system: string;
  readonly cwd: string;
  readonly maxTurns: number;
  private model: LanguageModelV4;
  private readonly commandEnv: NodeJS.ProcessEnv;
  private readonly config: Config;
  private readonly toolState: ToolState = { seen: new Map() };
  private controller = new AbortController();
  private gitPending: Promise<string | undefined> | undefined;

  private constructor(p: AgentParts) {
    this.choice = p.choice;
    this.model = p.model;
    this.info = p.info;
    this.tools = p.tools;
    this.system = p.system;
    this.cwd = p.cwd;
    this.commandEnv = p.commandEnv;
    this.maxTurns = p.maxTurns;
    this.compaction = p.compaction;
    this.config = p.config;
    // Started now so it overlaps with the first request's preparation.
    this.gitPending = p.useGit ? gitContext(p.cwd) : undefined;
  }

  /**
   * Throws ConfigError when no provider is configured and no local server
   * answers, or a named provider has no key.
   */
  static async create(opts: AgentOptions = {}): Promise<Agent> {
    const cwd = opts.cwd ?? process.cwd();
    const config = loadConfig({ flags: { model: opts.model, home: opts.home }, env: opts.env, cwd });
    // Asked now (it never rejects), so any network question overlaps with building the prompt.
    const ports = config.localPorts;
    const choosing = completeChoice(config.choice, config.requestedModel, ports);
    const tools = opts.tools?.length && typeof opts.tools[0] !== 'string' ? (opts.tools as Tool[]) : selectTools(opts.tools as string[] | undefined);
    const system = buildSystemPrompt({ cwd, tools, override: opts.systemPrompt, append: opts.appendSystemPrompt });
    const choice = (await choosing) ?? fail(missingKeyMessage(ports));
    const model = await createModel(choice, config.redact);
    return new Agent({
      choice,
      model,
      info: modelInfo(choice.model, config.contextWindow),
      tools,
      system,
      cwd,
      commandEnv: config.commandEnv,
      maxTurns: opts.maxTurns ?? 40,
      useGit: opts.gitContext ?? true,
      compaction: config.compaction,
      config,
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
      model: this.model,
      modelInfo: this.info,
      messages: this.messages,
      window: this.info.contextWindow,
      settings: this.compaction,
      retry: this.config.retry,
      meter: this.meter,
      overhead: promptOverhead(this.system, this.tools.length),
      signal: this.controller.signal,
      // The session's totals count it as it passes (track).
      spent: new Spending(),
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

  /** Token usage of every request this session. */
  get usage(): Usage {
    return this.spent.usage;
  }

  /** The cost of this session in USD, summed over the models used; undefined when no price is known. */
  get cost(): number | undefined {
    return this.spent.cost;
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
    const tools = readOnlyTools ? this.tools.filter((t) => t.readOnly) : [];
    // Copies: fitting the scratch history into the window must not cut the conversation's messages.
    const scratch: Message[] = [...this.messages.map((m) => ({ ...m })), { role: 'user', content: question }];
    const config = { ...this.loopConfig(tools, readOnlyTools ? 10 : 1), meter: new ContextMeter(), compaction: { ...this.compaction, enabled: false } };
    yield* this.track(runLoop(config, scratch), false);
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
    this.choice = { ...this.choice, model: id };
    this.model = await createModel(this.choice, this.config.redact);
    this.info = modelInfo(id, this.config.contextWindow);
  }

  private loopConfig(tools: Tool[], maxTurns: number) {
    return {
      model: this.model,
      modelInfo: this.info,
      system: this.system,
      tools,
      cwd: this.cwd,
      env: this.commandEnv,
      toolState: this.toolState,
      maxTurns,
      signal: this.controller.signal,
      meter: this.meter,
      compaction: this.compaction,
      retry: this.config.retry,
      redact: this.config.redact,
    };
  }

  /** Keeps the session's usage totals as events pass. */
  private async *track(events: AsyncGenerator<AgentEvent>, publish = true): AsyncGenerator<AgentEvent> {
    for await (const e of events) {
      if (e.type === 'usage') this.spent.add(e);
      if (publish) this.publish(e);
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
