// An Agent is one conversation with one model and a toolset, and the one
// engine every frontend (headless, JSON, RPC, REPL, library) drives. It owns
// the conversation (messages, the steering and follow-up queues), its
// cancellation (abort(), or leaving a `for await` over its events early) and
// what it started (close()). It does one piece of work at a time.
import { type Config, loadConfig } from '../config/config.ts';
import { ConfigError, missingKeyMessage, type ModelChoice } from '../config/providers.ts';
import type { ModelInfo } from '../model/catalog.ts';
import { ModelClient } from '../model/client.ts';
import { completeChoice } from '../model/probe.ts';
import type { AgentEvent, StopReason } from '../protocol/events.ts';
import type { ContextPart, Message, Usage } from '../protocol/messages.ts';
import type { Gate, Tool, ToolState } from '../protocol/tool.ts';
import type { Sessions } from '../session/sessions.ts';
import { closeShell } from '../tools/bash.ts';
import { type CompactionSettings, fitContext } from './compaction.ts';
import { ContextMeter, promptOverhead } from './context.ts';
import { gitContext } from './git-context.ts';
import { Spending } from '../model/client.ts';
import { runLoop } from './loop.ts';
import { AgentBusyError, type AgentOptions, type AgentState, type PromptOptions, type RunResult } from './options.ts';
import { closingOnError, type Extensions, loadExtensions } from './extensions.ts';
import { MessageQueue, type Queue } from './queue.ts';
import { attachRecorders } from './recorders.ts';

export { AgentBusyError, type AgentOptions, type AgentState, type PromptOptions, type RunResult } from './options.ts';
export type { Queue } from './queue.ts';

interface AgentParts {
  client: ModelClient;
  ext: Extensions;
  cwd: string;
  /** Environment for commands, secrets removed. */
  commandEnv: NodeJS.ProcessEnv;
  maxTurns: number;
  useGit: boolean;
  compaction: CompactionSettings;
  beforeToolCall?: Gate;
  confirm?: (question: string) => Promise<boolean>;
  config: Config;
}

export class Agent {
  readonly messages: Message[] = [];
  /** Every model request passes through it: the loop's, compaction's and side questions'. */
  readonly client: ModelClient;
  private readonly meter = new ContextMeter();
  readonly compaction: CompactionSettings;
  /** Who sees every event of the conversation (the session store, the command log); not side questions. */
  private readonly subscribers = new Set<(e: AgentEvent) => void>();
  /** The system prompt and tools, with the context files, skills and MCP servers found (again by reload()). */
  private ext: Extensions;
  readonly cwd: string;
  readonly maxTurns: number;
  private readonly commandEnv: NodeJS.ProcessEnv;
  private readonly config: Config;
  private readonly toolState: ToolState = { seen: new Map() };
  private readonly confirm?: (question: string) => Promise<boolean>;
  private controller = new AbortController();
  /** Aborted by close(): ends what the agent started outside a run (the git snapshot). */
  private readonly lifetime = new AbortController();
  private gitPending: Promise<ContextPart | undefined> | undefined;
  private readonly queued = new MessageQueue();
  private running = false;
  private closed = false;
  private saved?: Sessions;
  private readonly beforeToolCall?: Gate;

  private constructor(p: AgentParts) {
    this.client = p.client;
    this.ext = p.ext;
    this.cwd = p.cwd;
    this.commandEnv = p.commandEnv;
    this.maxTurns = p.maxTurns;
    this.compaction = p.compaction;
    this.beforeToolCall = p.beforeToolCall;
    this.confirm = p.confirm;
    this.config = p.config;
    // Started now so it overlaps with the first request's preparation.
    this.gitPending = p.useGit ? gitContext(p.cwd, this.lifetime.signal) : undefined;
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
    const warn = opts.onWarning ?? ((m: string) => process.emitWarning(m, 'NanocodeWarning'));
    const extending = loadExtensions({ config, cwd, tools: opts.tools, systemPrompt: opts.systemPrompt, appendSystemPrompt: opts.appendSystemPrompt, contextFiles: opts.contextFiles ?? true, onNotice: warn });
    const [choice, ext] = await Promise.all([choosing, extending]);
    const client = await closingOnError(ext, () => ModelClient.create(choice ?? fail(missingKeyMessage(ports)), config));
    ext.warnings.forEach(warn);
    const agent = new Agent({
      client,
      ext,
      cwd,
      commandEnv: config.commandEnv,
      maxTurns: opts.maxTurns ?? 40,
      useGit: opts.gitContext ?? true,
      compaction: config.compaction,
      config,
      beforeToolCall: opts.beforeToolCall,
      confirm: opts.confirm,
    });
    agent.saved = attachRecorders(agent, { home: config.home, redact: config.redact, model: client.choice.model, session: opts.session, commandLog: opts.commandLog, warn });
    return agent;
  }

  get system(): string {
    return this.ext.system;
  }

  get tools(): Tool[] {
    return this.ext.tools;
  }

  /** The context files, skills and MCP servers loaded (/context, /skills, /mcp). */
  get extensions(): Pick<Extensions, 'context' | 'skills' | 'mcp'> {
    return this.ext;
  }

  /** Reads context files, skills and MCP configuration again for the next request; returns the warnings, for the caller to show. */
  async reload(): Promise<string[]> {
    using _work = this.claim();
    const old = this.ext;
    this.ext = await loadExtensions(old.options);
    await old.mcp?.close();
    if (this.closed) await this.ext.mcp?.close(); // close() came meanwhile and closed the old servers only
    return this.ext.warnings;
  }

  /** The saved sessions here, when `session` is on (/save, /sessions, /resume, /fork). */
  get sessions(): Sessions | undefined {
    return this.saved;
  }

  /**
   * Sends a user message and runs the loop, then each follow-up queued
   * meanwhile as a new prompt; yields every event and ends after the last
   * `done`. An aborted run ends it; the queue stays. Leaving a `for await`
   * over it early aborts the request and every running tool.
   */
  stream(text: string): AsyncGenerator<AgentEvent> {
    return this.conversation(text, {});
  }

  /** The same as stream(). */
  prompt(text: string, opts: PromptOptions = {}): AsyncGenerator<AgentEvent> {
    return this.conversation(text, opts);
  }

  /** stream(), to the end: the last answer, the messages added, and what it cost. */
  async run(text: string): Promise<RunResult> {
    const messages: Message[] = [];
    const spent = new Spending();
    let done: Extract<AgentEvent, { type: 'done' }> | undefined;
    for await (const e of this.stream(text)) {
      if (e.type === 'message') messages.push(e.message);
      else if (e.type === 'usage') spent.add(e);
      else if (e.type === 'done') done = e;
    }
    // Every prompt ends with a `done` from the loop.
    return { text: done!.text, messages, usage: spent.usage, cost: spent.cost, reason: done!.reason };
  }

  /** A message for the working agent, delivered before its next model call (or as the next prompt). */
  steer(text: string): void {
    this.refuseIfClosed();
    this.queued.steer(text);
  }

  /** A prompt to send once the current work ends (stream() goes on with it). */
  followUp(text: string): void {
    this.refuseIfClosed();
    this.queued.followUp(text);
  }

  /** A copy of what is queued. */
  get queue(): Queue {
    return this.queued.snapshot();
  }

  /** Empties the queue; returns what it held. */
  clearQueue(): Queue {
    return this.queued.clear();
  }

  setQueue(q: Queue): void {
    this.queued.set(q);
  }

  private async *conversation(text: string, opts: PromptOptions): AsyncGenerator<AgentEvent> {
    using _work = this.claim();
    for (let next: string | undefined = text; next !== undefined; next = this.queued.next()) {
      const reason = yield* this.send(next, opts);
      if (reason === 'aborted' || this.closed) return;
    }
  }

  /** One user message and the loop's work on it; returns how the loop stopped. */
  private async *send(text: string, opts: PromptOptions): AsyncGenerator<AgentEvent, StopReason> {
    const git = await this.gitPending;
    this.gitPending = undefined;
    const message: Message = { role: 'user', content: text, ...(git && { context: [git] }) };
    this.messages.push(message);
    const first: AgentEvent = { type: 'message', message };
    this.publish(first);
    yield first;
    const steering = () => this.queued.takeSteering();
    const config = { ...this.loopConfig(this.tools, this.maxTurns), steering, confirm: opts.confirm ?? this.confirm };
    let reason: StopReason = 'aborted';
    for await (const e of this.track(runLoop(config, this.messages))) {
      if (e.type === 'done') reason = e.reason;
      yield e;
    }
    return reason;
  }

  /**
   * Claims the agent for one piece of work with a fresh AbortController.
   * Disposed when the work's generator ends, however it ends (finished,
   * `break`, `return`, a throw): what still runs is aborted, and the agent
   * is free again.
   */
  private claim(): Disposable {
    this.refuseIfClosed();
    if (this.running) throw new AgentBusyError();
    this.running = true;
    this.controller = new AbortController();
    return {
      [Symbol.dispose]: () => {
        this.controller.abort();
        this.running = false;
        // close() during the work: the records were kept until its end.
        if (this.closed) this.saved?.close();
      },
    };
  }

  private refuseIfClosed(): void {
    if (this.closed) throw new Error('this agent is closed; create a new one');
  }

  /** Summarises older history now (/compact), whatever the settings say. */
  async *compact(instructions?: string): AsyncGenerator<AgentEvent> {
    using _work = this.claim();
    const fit = {
      client: this.client,
      messages: this.messages,
      window: this.info.contextWindow,
      settings: this.compaction,
      retry: this.config.retry,
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

  /** Every event of the conversation (not side questions); returns the unsubscribe. */
  subscribe(fn: (e: AgentEvent) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  state(): AgentState {
    return {
      model: this.choice.model,
      provider: this.choice.provider,
      running: this.running,
      messages: this.messages.length,
      queue: this.queue,
      usage: this.usage,
      cost: this.cost,
      contextTokens: this.contextTokens,
      contextWindow: this.info.contextWindow,
      sessionId: this.saved?.id,
      sessionFile: this.saved?.file,
    };
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
    using _work = this.claim();
    const tools = readOnlyTools ? this.tools.filter((t) => t.permission === 'read') : [];
    // Copies: fitting the scratch history into the window must not cut the conversation's messages.
    const scratch: Message[] = [...this.messages.map((m) => ({ ...m })), { role: 'user', content: question }];
    const config = { ...this.loopConfig(tools, readOnlyTools ? 10 : 1), purpose: 'aside' as const, meter: new ContextMeter(), compaction: { ...this.compaction, enabled: false } };
    yield* runLoop(config, scratch);
  }

  /** Starts a new conversation (in a new session, when saving). */
  reset(): void {
    this.saved?.start();
    this.messages.length = 0;
    this.meter.reset();
    this.toolState.seen.clear();
    this.gitPending = gitContext(this.cwd, this.lifetime.signal);
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
      redact: this.config.redact,
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

  /**
   * Aborts the work in progress, ends the shell and everything else the
   * agent started, and closes the session (once the work in progress has
   * recorded its end); from then on it refuses work.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.abort();
    this.lifetime.abort();
    closeShell(this.toolState);
    if (!this.running) this.saved?.close();
    await this.ext.mcp?.close();
  }
}

function fail(message: string): never {
  throw new ConfigError(message);
}
