// Judging one simple command: see through the wrappers that only change how
// a command runs (env, nice, timeout, …), refuse a computed name, then ask the
// command's rule.
import { posix } from 'node:path';
import { ruleFor } from './command-rules.ts';
import { type Assignment, type Invocation, type Verdict, type Word, worst } from './command-types.ts';
import { commandAfter, dangerous, optionValue, readOnly, workspace, writes } from './rules-common.ts';

export interface Judged {
  entry: { name: string; args: string[]; computed?: true };
  verdict: Verdict;
  /** Where a `cd` goes: a path, null when unknown; undefined for other commands. */
  cd?: string | null;
  /** Variables a wrapper sets for the command (`env LD_PRELOAD=… ls`). */
  assigns: Assignment[];
  /** The arguments of the command that runs, once wrappers are seen through. */
  args: Word[];
  /** No rule knows what the program does with its arguments. */
  opaque?: true;
}

/** Wrappers that run the rest of their arguments as a command; they return it, or null when used alone. */
const WRAPPERS: Record<string, (args: Word[]) => Word[] | null> = {
  nice: (args) => inner(args, ['-n', '--adjustment']),
  timeout: (args) => inner(args, ['-s', '--signal', '-k', '--kill-after'], 1),
  nohup: (args) => inner(args),
  time: (args) => inner(args, ['-f', '--format', '-o', '--output']),
  command: (args) => (args.some((a) => a.value === '-v' || a.value === '-V') ? null : inner(args)),
  builtin: (args) => inner(args),
  exec: (args) => inner(args, ['-a']),
  stdbuf: (args) => inner(args, ['-i', '-o', '-e', '--input', '--output', '--error']),
  ionice: (args) => (args.some((a) => a.value === '-p' || a.value === '-P') ? null : inner(args, ['-c', '-n', '--class', '--classdata'])),
  setsid: (args) => inner(args),
  coproc: (args) => inner(args),
  busybox: (args) => inner(args),
  toybox: (args) => inner(args),
  env: (args) => {
    const split = splitStringCommand(args);
    if (split) return split;
    return inner(args.filter((a) => !isAssignment(a)), ['-u', '--unset', '-C', '--chdir']);
  },
  // Tracers, schedulers and lock holders run the rest as a command too.
  taskset: (args) => (args.some((a) => a.value === '-p' || a.value === '--pid') ? null : inner(args, [], 1)),
  flock: (args) => {
    const code = optionValue(args, '-c', '--command');
    return code ? [{ text: 'sh', value: 'sh' }, { text: '-c', value: '-c' }, code] : inner(args, ['-w', '--timeout', '-E', '--conflict-exit-code'], 1);
  },
  chronic: (args) => inner(args),
  strace: (args) => inner(args, ['-e', '-o', '-p', '-s', '-u', '-E', '-P', '-I', '-b', '-a', '-X', '-S', '-O', '--output', '--trace']),
  ltrace: (args) => inner(args, ['-e', '-o', '-p', '-s', '-u', '-a', '-A', '-D', '-n', '-l', '-x', '-L', '--output']),
  valgrind: (args) => inner(args),
  unshare: (args) => inner(args, ['-S', '--setuid', '-G', '--setgid', '--wd', '-R', '--root']),
  firejail: (args) => inner(args),
  'systemd-run': (args) => inner(args, ['-p', '--property', '-u', '--unit', '-E', '--setenv', '--uid', '--gid', '-M', '--machine', '--slice', '--description', '-d', '--working-directory']),
  caffeinate: (args) => inner(args),
  catchsegv: (args) => inner(args),
  faketime: (args) => inner(args, [], 1),
  torsocks: (args) => inner(args),
  proxychains: (args) => inner(args, ['-f']),
  proxychains4: (args) => inner(args, ['-f']),
  unbuffer: (args) => inner(args),
  'dbus-run-session': (args) => inner(args),
  'xvfb-run': (args) => inner(args, ['-n', '--server-num', '-s', '--server-args', '-f', '--auth-file', '-e', '--error-file', '-p']),
};

function inner(args: Word[], withValue: string[] = [], skip = 0): Word[] | null {
  const rest = commandAfter(args, withValue, skip);
  return rest.length ? rest : null;
}

function isAssignment(word: Word): boolean {
  return /^[A-Za-z_]\w*=/.test(word.value ?? '');
}

function splitAssignment(word: Word): Assignment {
  const text = word.value!;
  const value = text.slice(text.indexOf('=') + 1);
  return { name: text.slice(0, text.indexOf('=')), value: { text: value, value } };
}

/** Shell reserved words, which start or close compound commands. */
const RESERVED = new Set(['{', '}', '(', 'do', 'done', 'then', 'else', 'elif', 'fi', 'esac', 'in', 'if', 'while', 'until', 'for', 'case', 'select', 'function', '!', '((']);

/** Folders whose programs are the standard ones: /bin/rm is rm. */
const SYSTEM_BIN = /^\/(usr\/(local\/)?)?s?bin$/;

function commandName(value: string): string {
  if (!value.includes('/')) return value;
  return SYSTEM_BIN.test(posix.dirname(value)) ? posix.basename(value) : value;
}

export function judgeSimple(
  words: Word[],
  invoke: (name: string, args: Word[]) => Invocation,
  /** The verdict of a function or alias of that name, judged where it is called; undefined for none. */
  defined: (name: string, args: Word[]) => Verdict | undefined,
): Judged {
  const assigns: Assignment[] = [];
  let rest = words;
  for (;;) {
    const head = rest[0];
    const unwrap = head?.value ? WRAPPERS[commandName(head.value)] : undefined;
    const innerWords = unwrap?.(rest.slice(1));
    if (!innerWords) break;
    // `coproc NAME { …; }`: the name comes before a compound command only
    if (commandName(head!.value!) === 'coproc' && RESERVED.has(innerWords[1]?.value ?? '')) innerWords.shift();
    if (commandName(head!.value!) === 'env') assigns.push(...rest.slice(1).filter(isAssignment).map(splitAssignment));
    rest = innerWords;
  }
  const [head, ...args] = rest;
  const shownArgs = args.map((a) => a.value ?? a.text);
  if (!head) return { entry: { name: '', args: [] }, verdict: readOnly, assigns, args };
  if (head.value === null) {
    return {
      entry: { name: head.text, args: shownArgs, computed: true },
      verdict: dangerous(`the command name is computed (${head.text})`),
      assigns,
      args,
    };
  }
  const name = commandName(head.value);
  const entry = { name, args: shownArgs };
  // bash never runs a reserved word as a command: the parser misread the line
  // (tree-sitter-bash does not know `coproc { …; }` or `coproc while …`), so
  // the commands inside it may be hidden.
  if (RESERVED.has(name)) return { entry, verdict: dangerous(`the shell structure around ${name} could not be followed`), assigns, args };
  // A function or alias may shadow a command, or may not be defined at all any
  // more (unset, or defined in a subshell): both are judged, and the worse counts.
  const body = head.value.includes('/') ? undefined : defined(name, args);
  const rule = judgeByRule(name, args, invoke);
  const verdict = body ? (rule ? worst([body, rule]) : body) : (rule ?? workspace(`runs ${name}`));
  const cd = name === 'cd' || name === 'pushd' ? cdTarget(args) : name === 'popd' ? null : undefined;
  const opaque = !body && (!rule || name.includes('/'));
  return { entry, verdict, assigns, args, ...(cd !== undefined && { cd }), ...(opaque && { opaque }) };
}

/** The command's own rule; undefined for a name no rule knows. */
function judgeByRule(name: string, args: Word[], invoke: (name: string, args: Word[]) => Invocation): Verdict | undefined {
  if (name.includes('/')) return workspace(`runs the program ${name}`);
  const rule = ruleFor(name);
  return rule?.(invoke(name, args));
}

/** `env -S 'a b' c`, `env -S'a b'`, `env --split-string=…`: the string split into words, then the rest. */
function splitStringCommand(args: Word[]): Word[] | undefined {
  const at = args.findIndex((a) => /^(-[^-]*S|--split-string(=|$))/.test(a.value ?? ''));
  if (at < 0) return undefined;
  const option = args[at]!.value!;
  const joined = /^(-[^-]*S|--split-string=)(.+)$/s.exec(option)?.[2];
  const string = joined !== undefined ? { text: joined, value: joined } : args[at + 1];
  return [...splitString(string), ...args.slice(at + (joined !== undefined ? 1 : 2))];
}

/** `env -S 'a b'` splits its string into words. */
function splitString(word: Word | undefined): Word[] {
  if (!word || word.value === null) return [{ text: word?.text ?? '', value: null }];
  return word.value.split(/\s+/).filter(Boolean).map((value) => ({ text: value, value }));
}

function cdTarget(args: Word[]): string | null {
  const target = args.find((a) => !(a.value ?? '').startsWith('-') || a.value === '-');
  if (!target) return '~';
  return target.value === '-' ? null : target.value;
}

/** A redirection that writes a file: `> out.txt`, `>> ~/.bashrc`, `> /dev/sda`. */
export function judgeWrite(op: string, target: Word, cmd: Invocation): Verdict {
  return writes(cmd, [target], 'writes', `${cmd.name} ${op}`.trim());
}
