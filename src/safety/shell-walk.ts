// Walks bash's syntax tree to every simple command it would run, through
// lists, pipelines, subshells, groups, loops, functions, substitutions and
// redirections, and judges each with the rules (command-rules.ts).
import { judgePath, worstPlace, type PathScope } from './command-paths.ts';
import { judgeSimple, judgeWrite } from './command-judge.ts';
import {
  type Assignment, type Invocation, type ShellMemory, type SimpleCommand, type Stdin, type Verdict, type Word, worst,
} from './command-types.ts';
import { aliasDefinitions, judgeDefined, opaqueChange, opaqueVerdict } from './shell-memory.ts';
import { FILE_RULES } from './rules-files.ts';
import type { ParseShell, SyntaxNode } from './shell-parser.ts';
import { expandBraces, wordOf } from './shell-words.ts';

/** What a command inherits from where it stands. */
export interface State {
  /** Shared by the commands of one shell, so that `cd` moves the ones after it. */
  dir: { cwd: string | null };
  stdin: Stdin;
  /** Output redirections of an enclosing group or loop: `{ …; } > file`. */
  redirects: RedirectIn[];
  /**
   * Redirections tree-sitter-bash hangs on a whole list or pipeline
   * (`a && b > f`) that bash gives to its last command only.
   */
  tail?: { redirects: RedirectIn[]; stdin: Stdin };
  depth: number;
}

export interface RedirectIn {
  op: string;
  target: Word;
}

const MAX_DEPTH = 8;
export const OUTPUT_OPS = new Set(['>', '>>', '>|', '&>', '&>>', '<>', '>&']);
const HEREDOC_PARTS = new Set(['heredoc_start', 'heredoc_body', 'heredoc_end', 'file_redirect']);

export class Walker {
  readonly commands: SimpleCommand[] = [];
  /** What the shell will hold after this line: earlier calls' definitions, and this line's. */
  readonly shell: ShellMemory;
  /** Functions and aliases being expanded, so that recursion stops. */
  private readonly expanding = new Set<string>();

  private readonly parse: ParseShell;
  private readonly scope: { home: string; workspace: string };

  constructor(parse: ParseShell, scope: { home: string; workspace: string }, shell?: ShellMemory) {
    this.parse = parse;
    this.scope = scope;
    this.shell = { definitions: new Map(shell?.definitions), ...(shell?.opaque && { opaque: shell.opaque }) };
  }

  /** Analyses shell source; the verdict of everything it runs. */
  source(code: string, state: State, what = 'the command'): Verdict {
    if (state.depth > MAX_DEPTH) return { class: 'dangerous', reason: `${what} nests shells too deeply to follow` };
    const start = this.commands.length;
    const tree = this.parse(code);
    try {
      const extra: Verdict[] = [];
      if (tree.rootNode.hasError) extra.push({ class: 'dangerous', reason: `${what} could not be parsed` });
      this.walk(tree.rootNode, { ...state, depth: state.depth + 1 });
      return worst([...this.commands.slice(start), ...extra]);
    } finally {
      tree.delete();
    }
  }

  private walk(node: SyntaxNode, given: State): void {
    const st = given.tail && !TAIL_CARRIERS.has(node.type) ? settle(given) : given;
    switch (node.type) {
      case 'comment':
        return;
      case 'list':
        return node.namedChildren.forEach((child, i, all) => this.walk(child, { ...st, tail: i === all.length - 1 ? st.tail : undefined }));
      case 'command':
        return this.command(node, [], st);
      case 'variable_assignment': {
        // A bare assignment changes only the shell, unless it changes how later commands run.
        this.children(node, st);
        const assigned = assignment(node, this.vars(st));
        if (changesCode(assigned.name)) this.simple([], [], st, [assigned]);
        return;
      }
      case 'declaration_command':
      case 'unset_command':
        return this.declaration(node, st);
      case 'redirected_statement':
        return this.redirected(node, st);
      case 'pipeline':
        return this.pipeline(node, st);
      case 'function_definition':
        return this.functionDefinition(node, st);
      case 'subshell':
      case 'command_substitution':
        return this.children(node, fork(st));
      case 'process_substitution': {
        // >(cmd) reads what is written to it
        const stdin: Stdin = node.text.startsWith('>') ? { kind: 'pipe', from: 'the command' } : st.stdin;
        return this.children(node, fork(st, { stdin }));
      }
      default:
        return this.children(node, st);
    }
  }

  private children(node: SyntaxNode, st: State): void {
    for (const child of node.namedChildren) this.walk(child, st);
  }

  private pipeline(node: SyntaxNode, st: State): void {
    const all = node.namedChildren;
    all.forEach((child, i) => {
      const stdin: Stdin = i > 0 ? { kind: 'pipe', from: all[i - 1]!.text } : st.stdin;
      this.walk(child, fork(st, { stdin, tail: i === all.length - 1 ? st.tail : undefined }));
    });
  }

  private redirected(node: SyntaxNode, st: State): void {
    const body = node.childForFieldName('body');
    const redirects: RedirectIn[] = [];
    const trailing: SyntaxNode[] = [];
    let stdin = st.stdin;
    for (const child of node.namedChildren) {
      if (child.id !== body?.id) stdin = this.redirect(child, st, redirects, stdin, trailing);
    }
    const inner: State = { ...st, stdin };
    if (!body) this.simple([], redirects, inner);
    else if (body.type === 'command') this.command(body, redirects, inner);
    else if (TAIL_CARRIERS.has(body.type)) this.walk(body, { ...st, tail: { redirects, stdin } });
    else this.walk(body, { ...inner, redirects: [...st.redirects, ...redirects] });
    this.trailing(trailing, node, st);
  }

  /** tree-sitter-bash hangs the rest of a here-document's line under it: `cat <<EOF | sh`. */
  private trailing(parts: SyntaxNode[], statement: SyntaxNode, st: State): void {
    for (const part of parts) {
      const piped = part.type === 'pipeline' && part.child(0)!.type.startsWith('|');
      const from = statement.text.split('\n')[0]!.split('|')[0]!.trim();
      this.walk(part, piped ? fork(st, { stdin: { kind: 'pipe', from } }) : st);
    }
  }

  /** Records one redirection; returns the command's standard input after it. */
  private redirect(node: SyntaxNode, st: State, out: RedirectIn[], stdin: Stdin, trailing: SyntaxNode[]): Stdin {
    const vars = this.vars(st);
    if (node.type === 'herestring_redirect') {
      this.children(node, st);
      const word = node.namedChildren.at(-1);
      const body = word ? wordOf(word, vars) : { text: '', value: '' };
      out.push({ op: '<<<', target: body });
      return { kind: 'text', body, what: 'a here-string' };
    }
    if (node.type === 'heredoc_redirect') {
      const start = node.namedChildren.find((c) => c.type === 'heredoc_start');
      const body = node.namedChildren.find((c) => c.type === 'heredoc_body');
      if (body) this.children(body, st);
      out.push({ op: node.child(0)!.type, target: { text: start?.text ?? '', value: start?.text ?? '' } });
      for (const part of node.namedChildren) {
        if (part.type === 'file_redirect') this.redirect(part, st, out, stdin, trailing);
        else if (!HEREDOC_PARTS.has(part.type)) trailing.push(part);
      }
      return { kind: 'text', body: heredocBody(start, body), what: 'a here-document' };
    }
    this.children(node, st);
    if (node.type !== 'file_redirect') return stdin;
    const op = node.children.find((c) => !c.isNamed)?.type ?? '>';
    const dest = node.childForFieldName('destination');
    const target = dest ? wordOf(dest, vars) : { text: '', value: '' };
    out.push({ op, target });
    return op === '<' ? { kind: 'file', target } : stdin;
  }

  private command(node: SyntaxNode, redirects: RedirectIn[], given: State): void {
    const st: State = { ...given, tail: undefined };
    const assigns: Assignment[] = [];
    const parts: SyntaxNode[] = [];
    const own = [...redirects, ...(given.tail?.redirects ?? [])];
    const trailing: SyntaxNode[] = [];
    let stdin = given.tail?.stdin ?? st.stdin;
    for (const child of node.namedChildren) {
      if (child.type.endsWith('_redirect')) {
        stdin = this.redirect(child, st, own, stdin, trailing);
        continue;
      }
      this.children(child, st); // substitutions in the words run first
      if (child.type === 'variable_assignment') assigns.push(assignment(child, this.vars(st)));
      else parts.push(child);
    }
    this.simple(joinContinued(parts, this.vars(st)), own, { ...st, stdin }, assigns);
    this.trailing(trailing, node, st);
  }

  private declaration(node: SyntaxNode, st: State): void {
    const vars = this.vars(st);
    const words: Word[] = [{ text: node.child(0)!.text, value: node.child(0)!.text }];
    const assigns: Assignment[] = [];
    for (const child of node.namedChildren) {
      this.children(child, st);
      words.push(wordOf(child, vars));
      if (child.type === 'variable_assignment') assigns.push(assignment(child, vars));
    }
    this.simple(words, [], st, assigns);
  }

  private functionDefinition(node: SyntaxNode, st: State): void {
    const name = node.childForFieldName('name')?.text ?? '';
    const start = this.commands.length;
    // Judged here as written, and again wherever it is called (where `cd` may have taken the shell).
    this.children(node, fork(st));
    const body = this.commands.slice(start);
    const self = body.find((cmd) => cmd.name === name);
    if (self) {
      const reason = `the function ${name} calls itself (a fork bomb when piped or backgrounded)`;
      Object.assign(self, { class: 'dangerous', reason });
    }
    // Kept even when defined in a subshell: a definition only ever makes a call of its name ask more.
    this.shell.definitions.set(name, { kind: 'function', body: node.childForFieldName('body')?.text ?? '' });
  }

  /** A command named like a function or alias runs its body, judged where it is called. */
  private defined(name: string, args: Word[], st: State): Verdict | undefined {
    const definition = this.shell.definitions.get(name);
    if (!definition) return undefined;
    if (this.expanding.has(name)) return { class: 'dangerous', reason: `the ${definition.kind} ${name} calls itself (a fork bomb when piped or backgrounded)` };
    this.expanding.add(name);
    try {
      return judgeDefined(name, definition, args, (code, what) => this.source(code.value ?? '', { ...st, tail: undefined }, what));
    } finally {
      this.expanding.delete(name);
    }
  }

  /** Judges one simple command (and whatever it runs), lists it, and returns its verdict. */
  simple(words: Word[], redirects: RedirectIn[], st: State, given: Assignment[] = []): Verdict {
    const entry: SimpleCommand = {
      name: '',
      args: [],
      redirects: [...st.redirects, ...redirects].map((r) => ({ op: r.op, target: r.target.text, value: r.target.value })),
      class: 'read-only',
      cwd: st.dir.cwd,
    };
    this.commands.push(entry);
    const scope = this.pathScope(st);
    const invocation = (name: string, args: Word[]): Invocation => ({
      name,
      args,
      stdin: st.stdin,
      path: (word) => worstPlace((word.value === null ? [null] : expandBraces(word.value)).map((v) => judgePath(v, scope))),
      run: (inner) => this.simple(inner, [], { ...st, redirects: [] }),
      source: (code, what) => (code.value === null
        ? { class: 'dangerous', reason: `${what} runs generated text (${code.text})` }
        : this.source(code.value, st, what)),
    });
    const judged = judgeSimple(words, invocation, (name, args) => this.defined(name, args, st));
    Object.assign(entry, judged.entry, { cwd: st.dir.cwd });
    const assigns = [...given, ...judged.assigns];
    // A home path given to a program no rule knows, or whose rule judged no paths (`npm --prefix ~`; the file rules do judge theirs).
    const unjudgedPaths = judged.opaque || (/^(workspace|network)$/.test(judged.verdict.class) && !Object.hasOwn(FILE_RULES, entry.name));
    const reach = unjudgedPaths ? this.homePath(judged.args, scope) : undefined;
    if (reach) entry.outside = `${entry.name} is given ${reach}, in the home outside the workspace${judged.opaque ? ', and no rule knows what it does with it' : ''}`;
    const verdicts: Verdict[] = [judged.verdict];
    if (this.shell.opaque && judged.verdict.class === 'read-only' && entry.name) verdicts.push(opaqueVerdict(entry.name, this.shell.opaque));
    this.remember(entry.name, judged.args, assigns);
    for (const r of [...st.redirects, ...redirects]) {
      if (OUTPUT_OPS.has(r.op) && !/^(\d+|-)$/.test(r.target.value ?? '')) verdicts.push(judgeWrite(r.op, r.target, invocation(entry.name, [])));
    }
    const runs = !entry.name || DECLARATIONS.has(entry.name) ? 'later commands' : entry.name;
    verdicts.push(...assigns.filter((a) => changesCode(a.name)).map((a) => this.codeVariable(a, runs, st)));
    const verdict = worst(verdicts);
    entry.class = verdict.class;
    // Rules judge a command's work as work in the folder it runs in: after `cd ~`, `make` or `npm run x` works on the home.
    if (st.dir.cwd !== null && !reach && /^(workspace|network)$/.test(verdict.class) && judgePath(st.dir.cwd, scope).place === 'outside') entry.outside = `${entry.name} runs in ${st.dir.cwd}, outside the workspace`;
    if (verdict.reason) entry.reason = verdict.reason;
    if (judged.cd !== undefined) st.dir.cwd = judged.cd === null ? null : resolveCd(judged.cd, scope);
    return verdict;
  }

  /**
   * A variable that makes programs run other code: one that holds a command
   * line (GIT_SSH_COMMAND, EDITOR, …) has its command judged; git config
   * given through the environment is as open as `git -c`.
   */
  private codeVariable(a: Assignment, runs: string, st: State): Verdict {
    if (GIT_CONFIG_VARIABLES.test(a.name)) return { class: 'dangerous', reason: `${a.name} gives git config that can make it run any command` };
    if (!COMMAND_VARIABLES.test(a.name)) return { class: 'workspace', reason: `setting ${a.name} can make ${runs} run other code` };
    if (a.value.value === null) return { class: 'dangerous', reason: `${a.name} is set to a command known only when it runs (${a.value.text})` };
    const inner = this.source(a.value.value, fork(st), `the command in ${a.name}`);
    return worst([inner, { class: 'workspace', reason: `${runs} may run the command in ${a.name}` }]);
  }

  /** What the command leaves in the shell: aliases, and changes the analysis cannot follow. */
  private remember(name: string, args: Word[], assigns: Assignment[]): void {
    if (name === 'alias') {
      for (const alias of aliasDefinitions(args)) {
        if (alias.body === null) this.shell.opaque ??= `an alias was given a body known only when it ran`;
        else this.shell.definitions.set(alias.name, { kind: 'alias', body: alias.body });
      }
    }
    this.shell.opaque ??= opaqueChange(name, args, assigns.map((a) => a.name));
  }

  /** The first argument (or --option=value) naming a place in the home outside the workspace. */
  private homePath(args: Word[], scope: PathScope): string | undefined {
    for (const arg of args) {
      // --dir=/x, and a short option joined to its value: -C/x, -o/x
      const value = arg.value?.replace(/^--?[\w-]+=/, '').replace(/^-[A-Za-z](?=[/~])/, '');
      if (!value || !/^(~|\/|\.\.)/.test(value)) continue;
      const judged = judgePath(value, scope);
      const { home } = this.scope;
      if (judged.place === 'outside' && judged.path && (judged.path === home || judged.path.startsWith(`${home}/`))) return arg.text;
    }
    return undefined;
  }

  private vars(st: State) {
    return (name: string) => (name === 'HOME' ? this.scope.home : name === 'PWD' ? st.dir.cwd : null);
  }

  private pathScope(st: State): PathScope {
    return { cwd: st.dir.cwd, home: this.scope.home, workspace: this.scope.workspace };
  }
}

/** Where tail redirections travel on to the last command. */
const TAIL_CARRIERS = new Set(['list', 'pipeline', 'command']);

/** Anything else takes them whole: `if …; fi > f`. */
function settle(st: State): State {
  return { ...st, stdin: st.tail!.stdin, redirects: [...st.redirects, ...st.tail!.redirects], tail: undefined };
}

/** A state for commands that run in a child shell: a `cd` there stays there. */
function fork(st: State, patch: Partial<State> = {}): State {
  return { ...st, dir: { ...st.dir }, ...patch };
}

const DECLARATIONS = new Set(['export', 'declare', 'typeset', 'local', 'readonly']);

/** Variables that hold a command line a program runs (through sh -c, most of them). */
const COMMAND_VARIABLES = /^(GIT_SSH_COMMAND|GIT_SSH|GIT_EXTERNAL_DIFF|GIT_EDITOR|GIT_SEQUENCE_EDITOR|GIT_PAGER|GIT_ASKPASS|SSH_ASKPASS|SUDO_ASKPASS|GIT_PROXY_COMMAND|PAGER|MANPAGER|EDITOR|VISUAL|FCEDIT|BROWSER|LESSOPEN|LESSCLOSE|PROMPT_COMMAND|RSYNC_RSH|CVS_RSH)$/;

/** Config for every git command that follows, as open as `git -c`. */
const GIT_CONFIG_VARIABLES = /^GIT_CONFIG(_PARAMETERS|_COUNT|_KEY_\d+|_VALUE_\d+|_GLOBAL|_SYSTEM)?$/;

function assignment(node: SyntaxNode, vars: (name: string) => string | null): Assignment {
  const value = node.childForFieldName('value');
  return { name: node.childForFieldName('name')?.text ?? '', value: value ? wordOf(value, vars) : { text: '', value: '' } };
}

/** Variables that make ordinary commands load or run other code. */
const CODE_VARIABLES = /^(LD_\w+|DYLD_\w+|BASH_ENV|ENV|PATH|PROMPT_COMMAND|NODE_OPTIONS|PYTHON\w*|PERL5\w+|RUBYOPT|GIT_\w+|PAGER|EDITOR|VISUAL|SHELLOPTS|BASHOPTS|IFS)$/;

function changesCode(name: string): boolean {
  return CODE_VARIABLES.test(name) || COMMAND_VARIABLES.test(name);
}

function resolveCd(target: string, scope: PathScope): string | null {
  const judged = judgePath(target, scope);
  return judged.place === 'unknown' ? null : (judged.path ?? null);
}

/** A here-document's text: literal when its delimiter is quoted, unknown when it expands something. */
function heredocBody(start: SyntaxNode | undefined, body: SyntaxNode | undefined): Word {
  const text = body?.text ?? '';
  const quoted = /['"\\]/.test(start?.text ?? '');
  const expands = body?.namedChildren.some((c) => c.type !== 'heredoc_content') ?? false;
  if (quoted) return { text, value: text };
  if (expands) return { text, value: null };
  return { text, value: text.replace(/\\\n/g, '').replace(/\\([$`\\])/g, '$1') };
}

/**
 * tree-sitter-bash splits a word at a backslash-newline (`r\⏎m` gives r and m);
 * bash joins the two halves, so join words with nothing else between them.
 */
function joinContinued(nodes: SyntaxNode[], vars: (name: string) => string | null): Word[] {
  const words: Word[] = [];
  let previous: SyntaxNode | undefined;
  for (const node of nodes) {
    const word = wordOf(node, vars);
    const gap = previous ? sourceBetween(previous, node) : null;
    if (gap === '\\\n' && words.length > 0) {
      const last = words.at(-1)!;
      words[words.length - 1] = {
        text: `${last.text}\\\n${word.text}`,
        value: last.value === null || word.value === null ? null : last.value + word.value,
      };
    } else words.push(word);
    previous = node;
  }
  return words;
}

function sourceBetween(a: SyntaxNode, b: SyntaxNode): string | null {
  const parent = a.parent;
  if (!parent) return null;
  const text = parent.text;
  return text.slice(a.endIndex - parent.startIndex, b.startIndex - parent.startIndex);
}
