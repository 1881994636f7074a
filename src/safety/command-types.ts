// The vocabulary of shell command analysis, shared by the walker and the rules.

/** From harmless to harmful; an analysis is as bad as its worst command. */
export const CLASSES = ['read-only', 'workspace', 'network', 'dangerous'] as const;
export type CommandClass = (typeof CLASSES)[number];

export function worse(a: CommandClass, b: CommandClass): CommandClass {
  return CLASSES.indexOf(a) >= CLASSES.indexOf(b) ? a : b;
}

export interface Verdict {
  class: CommandClass;
  /** A short sentence for the model and the user; present for every class but read-only. */
  reason?: string;
}

export const READ_ONLY: Verdict = { class: 'read-only' };

export function worst(verdicts: Verdict[]): Verdict {
  return verdicts.reduce((a, b) => (worse(a.class, b.class) === a.class ? a : b), READ_ONLY);
}

/** A shell word: its source text, and its value once quotes are removed (null when only running it would tell). */
export interface Word {
  text: string;
  value: string | null;
}

/** `NAME=value` before a command, after export/declare, or given to env. */
export interface Assignment {
  name: string;
  value: Word;
}

export interface Redirect {
  op: string;
  /** As written. */
  target: string;
  /** Once quotes are removed; null when only running it would tell. */
  value: string | null;
}

export interface SimpleCommand {
  name: string;
  args: string[];
  redirects: Redirect[];
  class: CommandClass;
  reason?: string;
  /** The name is only known when the command runs ($x, $(…)): always dangerous. */
  computed?: boolean;
  /**
   * A program no rule knows, given a path in the home outside the workspace:
   * without the sandbox nothing would keep it from writing there.
   */
  outside?: string;
  /** Where it runs; null when only running the line would tell (`cd "$x"`). */
  cwd: string | null;
}

export interface Analysis {
  class: CommandClass;
  commands: SimpleCommand[];
  reasons: string[];
  /** What this line leaves in the persistent shell for later calls. */
  shell?: ShellMemory;
}

/** A function or alias the shell keeps: a later command of that name runs its body. */
export interface Definition {
  kind: 'function' | 'alias';
  body: string;
}

/**
 * What earlier calls left in the persistent shell that changes what a later
 * call's words mean: its functions and aliases (judged again where they are
 * called), and, when something the analysis cannot follow happened (PATH
 * changed, a file sourced), why no command name can be taken at its word.
 */
export interface ShellMemory {
  definitions: Map<string, Definition>;
  opaque?: string;
}

export interface AnalysisContext {
  /** Where the command runs. */
  cwd: string;
  home: string;
  /** The workspace root, when the shell has moved below it; defaults to cwd. */
  workspace?: string;
  /** What earlier calls left in the shell. */
  shell?: ShellMemory;
}

/** Where the command reads its standard input from, as far as interpreters care. */
export type Stdin =
  | { kind: 'terminal' }
  | { kind: 'pipe'; from: string }
  | { kind: 'text'; body: Word; what: string }
  | { kind: 'file'; target: Word };

/** What a rule sees of one simple command, and what it may ask the analysis for. */
export interface Invocation {
  name: string;
  args: Word[];
  stdin: Stdin;
  /** Judges a path argument where the command runs. */
  path(word: Word): PathJudgement;
  /** Analyses another command this one runs (sudo's, xargs', find -exec's), listing it too. */
  run(words: Word[]): Verdict;
  /** Analyses shell source this one runs (bash -c, eval, a here-document fed to sh). */
  source(code: Word, what: string): Verdict;
}

export type Rule = (cmd: Invocation) => Verdict;

export type Place = 'root' | 'inside' | 'outside' | 'device' | 'harmless-device' | 'unknown';

export interface PathJudgement {
  place: Place;
  /** The absolute path, when known (for a glob, the folder it looks in or stands for). */
  path?: string;
  /** Inside the workspace's .git folder, or the folder itself. */
  git?: boolean;
}
