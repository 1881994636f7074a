// The permission gate (beforeToolCall): every tool call, in every frontend,
// is judged here before it runs. A call is split into what it touches (each
// simple command of a bash line, each file of a file tool: call-facts.ts);
// each is matched against the rules and judged by the mode; any deny denies,
// any ask asks, else it runs. A question goes to the frontend's `ask`; with
// none (headless), asking means a denial that tells the model why and which
// rule or flag would allow it.
import type { Gate, GateCall, GateDecision } from '../protocol/tool.ts';
import { callItems, type Item } from './call-facts.ts';
import type { ShellMemory } from './command-types.ts';
import { denialMessage, suggestRule } from './denial.ts';
import { judge, type Judgement, nextMode, type PermissionMode } from './modes.ts';
import { decide, type Decision, parseRule, type RuleSet } from './rules.ts';

/** What a person is asked. */
export interface Question {
  tool: string;
  /** The command line, or the paths. */
  subject: string;
  /** Why it asks, one line per thing that asks ("`git push` is dangerous (…)"). */
  reasons: string[];
  /** What "don't ask again" and "always for this project" would allow. */
  rules: string[];
  /** Saying yes also lets the command reach the network. */
  network: boolean;
}

export type Answer =
  | { kind: 'once' }
  /** Yes, and the same kind of call runs unasked for the rest of this session. */
  | { kind: 'session' }
  /** Yes, and the rules are saved in the project's settings. */
  | { kind: 'always' }
  /** No; `message` tells the model what to do instead. */
  | { kind: 'no'; message?: string };

export interface GateOptions {
  mode: PermissionMode;
  /** May Shift+Tab reach bypassPermissions (started with --yes or in that mode)? */
  bypassAllowed?: boolean;
  /** The user's, the trusted project's and the flags' rules. */
  rules: RuleSet[];
  /** The workspace. */
  cwd: string;
  home: string;
  nanocodeHome: string;
  /** Whether commands run in the OS sandbox; asked at the first command. */
  sandboxed: () => Promise<boolean>;
  /** Where the shell is now, when an earlier command moved it. */
  shellCwd?: () => string | undefined;
  /** Told of a command that may use the network, just before it runs. */
  grantNetwork?: (command: string) => void;
  /** Asks a person (`toolCallId`: the call asked about); without it every question is answered no, with the reason. */
  ask?: (q: Question, toolCallId: string) => Promise<Answer>;
  /** Saves an allow rule in the project's settings ("yes, always for this project"). */
  saveRule?: (rule: string) => void;
}

/** Classes a sandboxed command is granted the network for, once allowed: they need it to do their job. */
const NEEDS_NETWORK = new Set(['network', 'dangerous']);

/** The gate and what the REPL changes while it runs: the mode, and who answers questions. */
export class Permissions {
  mode: PermissionMode;
  readonly bypassAllowed: boolean;
  ask?: (q: Question, toolCallId: string) => Promise<Answer>;
  /** Rules answered "don't ask again" (or "always") in this session. */
  private readonly session: RuleSet = { allow: [], ask: [], deny: [] };
  /** What allowed commands left in the persistent shell (functions, aliases, a changed PATH). */
  private readonly shell: ShellMemory = { definitions: new Map() };
  private readonly o: GateOptions;

  constructor(o: GateOptions) {
    this.o = o;
    this.mode = o.mode;
    this.bypassAllowed = !!o.bypassAllowed || o.mode === 'bypassPermissions';
    this.ask = o.ask;
  }

  /** Shift+Tab: the next mode of the cycle. */
  cycle(): PermissionMode {
    this.mode = nextMode(this.mode, this.bypassAllowed);
    return this.mode;
  }

  /** Every rule in force, strongest kind first, with where it came from (/permissions). */
  rules(): Array<{ kind: 'deny' | 'ask' | 'allow'; text: string; origin: string }> {
    const sets = [...this.o.rules, this.session];
    return (['deny', 'ask', 'allow'] as const).flatMap((kind) => sets.flatMap((set) => set[kind].map((r) => ({ kind, text: r.text, origin: r.origin }))));
  }

  readonly gate: Gate = async (call, ctx) => this.check(call, ctx.signal);

  private async check(call: GateCall, signal: AbortSignal): Promise<GateDecision> {
    const o = this.o;
    const sandboxed = call.tool.permission === 'execute' && (await o.sandboxed());
    const scope = { cwd: o.cwd, home: o.home, nanocodeHome: o.nanocodeHome, shellCwd: o.shellCwd?.() ?? o.cwd, sandboxed, shell: this.shell };
    const { items, analysis } = await callItems(call, scope);
    const mode = this.mode;
    const judged = items.map((item) => {
      const rule = item.request && decide(item.request, [...o.rules, this.session]);
      return { item, rule, j: judge(mode, item.facts, rule) };
    });
    const denied = judged.find((x) => x.j.decision === 'deny');
    if (denied) return { action: 'deny', reason: this.refusal(denied.item, denied.rule) };
    const asking = judged.filter((x) => x.j.decision === 'ask');
    const command = typeof (call.args as { command?: unknown }).command === 'string' ? (call.args as { command: string }).command : undefined;
    const network = sandboxed && !!analysis && NEEDS_NETWORK.has(analysis.class);

    let reason: string | undefined;
    if (asking.length) {
      if (!this.ask) return { action: 'deny', reason: asking.map((x) => this.refusal(x.item, x.rule)).join('\n') };
      const rules = [...new Set(asking.flatMap((x) => (x.item.request ? [suggestRule(x.item.request, o.home)] : [])))];
      const question = {
        tool: call.name,
        subject: command ?? asking.map((x) => x.item.subject).join(', '),
        reasons: asking.map((x) => `${items.length > 1 ? `\`${x.item.subject}\` ` : ''}${x.j.reason}`),
        rules,
        network,
      };
      // A cancelled step must not wait on a question nobody will answer.
      if (signal.aborted) return { action: 'deny', reason: 'the step was cancelled.' };
      let onAbort!: () => void;
      const cancelled = new Promise<Answer>((resolve) => (onAbort = () => resolve({ kind: 'no', message: 'The step was cancelled.' })));
      signal.addEventListener('abort', onAbort, { once: true });
      const answer = await Promise.race([this.ask(question, call.id), cancelled]).finally(() => signal.removeEventListener('abort', onAbort));
      if (answer.kind === 'no') {
        return { action: 'deny', reason: `the user said no${answer.message?.trim() ? `, and says: ${answer.message.trim()}` : '.'}` };
      }
      // The mode may have changed while the question waited (/mode, set_permission_mode): a yes does not outrank plan.
      const refused = this.mode !== mode && judged.find((x) => judge(this.mode, x.item.facts, x.rule).decision === 'deny');
      if (refused) return { action: 'deny', reason: this.refusal(refused.item, refused.rule) };
      // A call no rule can name (a library's own tool) is allowed once, whatever the answer.
      if (answer.kind !== 'once') this.remember(rules, answer.kind === 'always');
      reason = answer.kind === 'once' || !rules.length ? 'allowed by the user, once' : `allowed by the user (${rules.join(', ')})`;
    } else {
      // Reported only when the mode's default would have asked: a rule or the mode let it through.
      const unusual = judged.find((x) => judge('default', x.item.facts).decision !== 'allow');
      reason = unusual?.j.reason && `it ${unusual.j.reason}`;
    }
    if (analysis?.shell) this.rememberShell(analysis.shell);
    if (network && command !== undefined) {
      o.grantNetwork?.(command);
      reason = `${reason ?? 'allowed'}; the command may use the network`;
    }
    return reason ? { action: 'allow', reason } : { action: 'allow' };
  }

  /** What the model reads when a call is refused. */
  private refusal(item: Item, rule: Decision | undefined): string {
    const j: Judgement = judge(this.mode, item.facts, rule);
    if (!item.request) {
      return `${item.subject} ${j.reason}, so it needs the user's approval, and nobody can answer in this run. The user can allow it by running nanocode again with --yes. Do not retry it unchanged: finish what you can and tell the user what you needed.`;
    }
    const message = denialMessage({ request: item.request, mode: this.mode, facts: item.facts, rule, home: this.o.home });
    // run-tools says "Permission denied: " already.
    return message.replace(/^Denied: /, '');
  }

  /** The command runs: later calls must read their words in the shell it leaves. */
  private rememberShell(after: ShellMemory): void {
    for (const [name, definition] of after.definitions) this.shell.definitions.set(name, definition);
    this.shell.opaque ??= after.opaque;
  }

  private remember(rules: string[], always: boolean): void {
    for (const text of rules) {
      this.session.allow.push(parseRule(text, { label: always ? 'the project settings' : 'this session', root: this.o.cwd, home: this.o.home }));
      if (always) this.o.saveRule?.(text);
    }
  }
}

export function makeGate(o: GateOptions): Permissions {
  return new Permissions(o);
}
