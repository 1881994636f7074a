// Permission modes: what a call gets when no rule decides, and how a rule's
// decision combines with the mode. The defaults follow issue 10's "What happens
// by default": read-only work runs, work in the workspace runs, the rest asks.
import type { Decision } from './rules.ts';

export const PERMISSION_MODES = ['default', 'acceptEdits', 'plan', 'bypassPermissions'] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

export const isPermissionMode = (s: string): s is PermissionMode => (PERMISSION_MODES as readonly string[]).includes(s);

/** One line each, for /mode and the status line. */
export const MODE_SUMMARY: Record<PermissionMode, string> = {
  default: 'asks before dangerous commands, writes outside the workspace, secrets and the network',
  acceptEdits: 'as default, and edits to .git/hooks, .git/config and .nanocode/ run unasked',
  plan: 'read-only tools and commands only',
  bypassPermissions: 'nothing asks; deny rules and the sandbox still apply',
};

/**
 * The Shift+Tab cycle, Claude Code's order. bypassPermissions joins it only
 * when the session may use it (started with --yes or the mode), so a stray
 * keypress never turns every question off.
 */
export function nextMode(mode: PermissionMode, bypassAllowed: boolean): PermissionMode {
  const cycle: PermissionMode[] = bypassAllowed ? [...PERMISSION_MODES] : ['default', 'acceptEdits', 'plan'];
  return cycle[(cycle.indexOf(mode) + 1) % cycle.length];
}

/** A tool's permission kind; tools with no effect outside nanocode (a todo list) count as 'read'. */
export type PermissionKind = 'read' | 'edit' | 'execute' | 'network' | 'other';
/** The command analysis's verdict on one simple command. */
export type CommandClass = 'read-only' | 'workspace' | 'network' | 'dangerous';

export interface CallFacts {
  kind: PermissionKind;
  /** Every path the call reads or writes is inside the workspace. Unknown counts as outside. */
  insideWorkspace?: boolean;
  /** A path it touches is a secret place (isSecretPath). */
  secretPath?: boolean;
  /** A path it writes is protected workspace machinery (isProtectedPath). */
  protectedPath?: boolean;
  /** For 'execute': the class of the simple command. Unknown counts as unanalysable. */
  commandClass?: CommandClass;
  /** The analysis's words for why a command is dangerous ("git push publishes commits"). */
  commandReason?: string;
  /** Commands run inside the OS sandbox. */
  sandboxed?: boolean;
  /** For 'execute': why a program no rule knows may reach outside the workspace (SimpleCommand.outside). */
  reachesOutside?: string;
}

export type Verdict = 'allow' | 'ask' | 'deny';

export interface Judgement {
  decision: Verdict;
  /** Completes "It ...": why the call runs, asks or is refused. */
  reason: string;
  /** The rule that decided, when one did. */
  rule?: Decision;
}

/** The answer when no rule matches. */
export function defaultDecision(mode: PermissionMode, facts: CallFacts): Verdict {
  return judge(mode, facts).decision;
}

/**
 * The whole gate for one call: a deny rule always refuses; in plan mode only
 * read-only calls run, whatever allow rules say; bypassPermissions turns every
 * question (an ask rule's too) into a yes; otherwise a rule decides, and
 * without one the mode's default does.
 */
export function judge(mode: PermissionMode, facts: CallFacts, rule?: Decision): Judgement {
  const where = rule && `${rule.rule} (${rule.origin})`;
  if (rule?.decision === 'deny') return { decision: 'deny', reason: `matches the deny rule ${where}`, rule };
  if (mode === 'plan' && !isReadOnly(facts)) {
    return { decision: 'deny', reason: 'is not read-only, and plan mode runs only read-only tools and commands' };
  }
  if (mode === 'bypassPermissions') return { decision: 'allow', reason: 'runs unasked in bypassPermissions mode', rule };
  if (rule) return { decision: rule.decision, reason: `matches the ${rule.decision} rule ${where}`, rule };
  return byDefault(facts, mode === 'acceptEdits');
}

const ask = (reason: string): Judgement => ({ decision: 'ask', reason });
const allow = (reason: string): Judgement => ({ decision: 'allow', reason });

function byDefault(f: CallFacts, acceptEdits: boolean): Judgement {
  if (f.secretPath) return ask("touches a secret place (credentials or nanocode's own config)");
  switch (f.kind) {
    case 'read':
      // Outside the workspace too: read-only commands and the sandbox read the
      // whole file system, so asking only the read tool would guard nothing.
      return allow('is read-only');
    case 'edit':
      if (!f.insideWorkspace) return ask('writes outside the workspace');
      if (f.protectedPath && !acceptEdits) {
        return ask('changes .git/hooks, .git/config or .nanocode/, which can run code or change permissions');
      }
      return allow('stays in the workspace');
    case 'execute':
      return command(f);
    case 'network':
      return ask('reaches the network');
    case 'other':
      return ask('is a tool whose effects nanocode cannot check');
  }
}

function command(f: CallFacts): Judgement {
  switch (f.commandClass) {
    case 'read-only':
      return allow('is read-only');
    case 'workspace':
      // Without a sandbox these run as the seeds' agents run them; the
      // analysis's dangerous class is the guard there, and a program it does
      // not know, pointed at the home, asks.
      if (!f.sandboxed && f.reachesOutside) return ask(`may write outside the workspace, with no sandbox to stop it (${f.reachesOutside})`);
      return allow(f.sandboxed ? 'runs in the sandbox' : 'works in the workspace');
    case 'network':
      // The sandbox has no network unless the person grants it for this command;
      // unsandboxed, nothing would hold it back, so it runs like workspace work.
      if (f.sandboxed) return ask('needs the network, which the sandbox blocks');
      return f.reachesOutside ? ask(`may write outside the workspace, with no sandbox to stop it (${f.reachesOutside})`) : allow('works in the workspace');
    case 'dangerous':
      // Even inside the sandbox: a push, a reset or a publish is harm the sandbox cannot undo.
      return ask(`is dangerous${f.commandReason ? ` (${f.commandReason})` : ''}`);
    default:
      return ask('could not be analysed');
  }
}

function isReadOnly(f: CallFacts): boolean {
  return f.kind === 'read' || f.kind === 'network' || (f.kind === 'execute' && f.commandClass === 'read-only');
}
