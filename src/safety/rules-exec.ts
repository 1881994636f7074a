// Rules for commands that run other commands or code: shells (whose code the
// analysis reads), interpreters (whose code it cannot), eval and source, sudo,
// xargs and find -exec.
import { type Invocation, type Rule, type Verdict, type Word, worst } from './command-types.ts';
import {
  commandAfter, dangerous, hasOption, operands, optionValue, readOnly, values, workspace, writes,
} from './rules-common.ts';

const computedWord = (text: string): Word => ({ text, value: null });

/** Code that arrives on standard input: from a pipe it is unseen, from a here-document a shell's is read. */
function stdinCode(cmd: Invocation, isShell: boolean): Verdict {
  const { stdin } = cmd;
  switch (stdin.kind) {
    case 'pipe': {
      const from = stdin.from.length > 60 ? `${stdin.from.slice(0, 57)}…` : stdin.from;
      return dangerous(`text piped into ${cmd.name} runs as code: ${from} | ${cmd.name}`);
    }
    case 'text':
      return isShell
        ? cmd.source(stdin.body, `${stdin.what} fed to ${cmd.name}`)
        : dangerous(`${stdin.what} fed to ${cmd.name} is code the analysis cannot see into`);
    case 'file':
      return stdin.target.value === null
        ? dangerous(`${cmd.name} reads code from a file known only when it runs: ${stdin.target.text}`)
        : workspace(`${cmd.name} runs ${stdin.target.text}`);
    case 'terminal':
      return workspace(`starts ${cmd.name}`);
  }
}

/** A script operand: a file in the workspace runs like any program; generated text does not. */
function script(cmd: Invocation, file: Word, isShell: boolean): Verdict {
  if (file.value === '-' || file.value === '/dev/stdin') return stdinCode(cmd, isShell);
  if (file.value === null || /^\/(dev|proc)\//.test(file.value)) {
    return dangerous(`${cmd.name} runs generated text (${file.text})`);
  }
  return workspace(`${cmd.name} runs ${file.text}`);
}

const SHELL_OPTIONS_WITH_VALUE = ['-o', '+o', '-O', '+O', '--rcfile', '--init-file'];

const shell: Rule = (cmd) => {
  const c = cmd.args.findIndex((a) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a.value ?? ''));
  if (c >= 0) {
    const code = operands(cmd.args.slice(c + 1), SHELL_OPTIONS_WITH_VALUE)[0] ?? { text: '', value: '' };
    return cmd.source(code, `${cmd.name} -c`);
  }
  const file = operands(cmd.args, SHELL_OPTIONS_WITH_VALUE)[0];
  return file && !hasOption(cmd.args, '-s') ? script(cmd, file, true) : stdinCode(cmd, true);
};

/** For each interpreter, the options that give it code inline, and those that take a value. */
const INTERPRETERS: Record<string, { inline: string[]; withValue: string[] }> = {
  python: { inline: ['-c'], withValue: ['-W', '-X', '-Q'] },
  node: { inline: ['-e', '--eval', '-p', '--print'], withValue: ['-r', '--require', '--import', '--loader'] },
  perl: { inline: ['-e', '-E'], withValue: ['-I', '-M', '-m'] },
  ruby: { inline: ['-e'], withValue: ['-I', '-r'] },
  php: { inline: ['-r'], withValue: ['-c', '-d'] },
  lua: { inline: ['-e'], withValue: ['-l'] },
  Rscript: { inline: ['-e'], withValue: [] },
  julia: { inline: ['-e', '-E', '--eval', '--print'], withValue: [] },
  osascript: { inline: ['-e'], withValue: [] },
  pwsh: { inline: ['-c', '-Command', '-EncodedCommand'], withValue: [] },
  tsx: { inline: ['-e', '--eval', '-p', '--print'], withValue: [] },
  'ts-node': { inline: ['-e', '--eval', '-p', '--print'], withValue: [] },
};

function interpreter(kind: keyof typeof INTERPRETERS): Rule {
  const { inline, withValue } = INTERPRETERS[kind]!;
  return (cmd) => {
    const flag = inline.find((option) => hasOption(cmd.args, option));
    if (flag) return dangerous(`${cmd.name} ${flag} runs code the analysis cannot see into`);
    const m = kind === 'python' ? cmd.args.findIndex((a) => a.value?.startsWith('-m')) : -1;
    if (m >= 0) {
      const joined = cmd.args[m]!.value!.slice(2);
      const module = joined ? { text: joined, value: joined } : (cmd.args[m + 1] ?? { text: '', value: '' });
      const after = cmd.args.slice(m + (joined ? 1 : 2));
      return /^pip\d?$/.test(module.value ?? '') ? cmd.run([module, ...after]) : workspace(`${cmd.name} -m ${module.text} runs a module`);
    }
    const file = operands(cmd.args, withValue)[0];
    return file ? script(cmd, file, false) : stdinCode(cmd, false);
  };
}

const evalRule: Rule = (cmd) => {
  const text = cmd.args.map((a) => a.text).join(' ');
  const value = cmd.args.some((a) => a.value === null) ? null : values(cmd.args).join(' ');
  return cmd.source({ text, value }, 'eval');
};

const source: Rule = (cmd) => {
  const file = cmd.args[0];
  if (!file) return readOnly;
  if (/^(-|\/dev\/.*|\/proc\/.*)$/.test(file.value ?? '')) return dangerous(`${cmd.name} reads code from ${file.text}`);
  return script(cmd, file, true);
};

/** An alias is code that runs when its name is typed later. */
const alias: Rule = (cmd) => {
  const verdicts = cmd.args.filter((a) => a.value === null || a.value.includes('=')).map((a) => {
    const value = a.value === null ? null : a.value.slice(a.value.indexOf('=') + 1);
    return cmd.source({ text: a.text, value }, `the alias ${a.text.split('=')[0]}`);
  });
  return worst(verdicts);
};

const trap: Rule = (cmd) => {
  const code = cmd.args[0];
  if (!code || code.value === '-' || code.value === '' || code.value?.startsWith('-')) return readOnly;
  return cmd.source(code, 'trap');
};

/** sudo and friends: dangerous themselves; what they run is listed too. */
function asRoot(withValue: string[]): Rule {
  return (cmd) => {
    const inner = commandAfter(cmd.args, withValue);
    if (inner.length) cmd.run(inner);
    return dangerous(`${cmd.name} runs ${inner.length ? values(inner.slice(0, 1)).join('') : 'a shell'} as another user`);
  };
}

const su: Rule = (cmd) => {
  const code = optionValue(cmd.args, '-c', '--command');
  if (code) cmd.source(code, 'su -c');
  return dangerous('su runs commands as another user');
};

const XARGS_WITH_VALUE = ['-a', '-E', '-I', '-L', '-n', '-P', '-s', '-d', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-chars'];

/** xargs runs its command with arguments read from input, which the analysis cannot know. */
const xargs: Rule = (cmd) => {
  const inner = commandAfter(cmd.args, XARGS_WITH_VALUE);
  if (!inner.length) return readOnly;
  const own = cmd.args.slice(0, cmd.args.length - inner.length);
  const replace = optionValue(own, '-I', '--replace')?.value ?? (hasOption(own, '-i') ? '{}' : null);
  const input = computedWord('(input)');
  const words = replace
    ? inner.map((w, i) => (i > 0 && w.value?.includes(replace) ? input : w))
    : [...inner, input];
  return cmd.run(words);
};

/** find is read-only but for -delete, the -exec family (judged as commands) and -fprint. */
const find: Rule = (cmd) => {
  const verdicts: Verdict[] = [];
  const firstTest = cmd.args.findIndex((a) => /^[-(!]/.test(a.value ?? '-'));
  const roots = firstTest < 0 ? cmd.args : cmd.args.slice(0, firstTest);
  const root = roots.length ? roots : [{ text: '.', value: '.' }];
  // Each match stands for the root it was found under (the worst root speaks
  // for all), or for something below it when a test keeps the root out.
  const worstRoot = root.find((r) => cmd.path(r).place !== 'inside') ?? root[0]!;
  const match = belowRoot(cmd.args.slice(firstTest < 0 ? cmd.args.length : firstTest))
    ? { text: '{}', value: worstRoot.value === null ? null : `${worstRoot.value}/{}` }
    : worstRoot;
  for (let i = 0; i < cmd.args.length; i++) {
    const arg = cmd.args[i]!.value ?? '';
    if (arg === '-delete') verdicts.push(dangerous('find -delete deletes every match'));
    if (/^-(exec|execdir|ok|okdir)$/.test(arg)) {
      const end = cmd.args.findIndex((a, j) => j > i && (a.value === ';' || a.value === '+'));
      const inner = cmd.args.slice(i + 1, end < 0 ? undefined : end);
      verdicts.push(cmd.run(inner.map((w) => (w.value === '{}' ? match : w))));
      if (end > 0) i = end;
    }
    if (/^-f(print0?|printf|ls)$/.test(arg) && cmd.args[i + 1]) verdicts.push(writes(cmd, [cmd.args[i + 1]!]));
  }
  return worst(verdicts);
};

/** A test that the root itself cannot pass: -mindepth 1, or a -name with a letter that `.` lacks. */
function belowRoot(tests: Word[]): boolean {
  return tests.some((t, i) => {
    const next = tests[i + 1]?.value ?? '';
    if (t.value === '-mindepth') return Number(next) >= 1;
    return /^-i?(name|path|wholename|regex)$/.test(t.value ?? '') && /[^.*?[\]\\^$]/.test(next);
  });
}

/** fd runs -x/-X commands once per match. */
const fd: Rule = (cmd) => {
  const at = cmd.args.findIndex((a) => /^(-x|-X|--exec|--exec-batch)$/.test(a.value ?? ''));
  if (at < 0) return readOnly;
  const inner = cmd.args.slice(at + 1).map((w) => (w.value?.includes('{') ? computedWord(w.text) : w));
  return cmd.run(inner.length ? inner : [computedWord('(match)')]);
};

/** kill -9 -1 signals every process the user owns. */
const kill: Rule = (cmd) => {
  const args = values(cmd.args);
  const signalGiven = /^-([A-Z]+|\d+)$/.test(args[0] ?? '') || args[0] === '-s' || args[0] === '-n';
  const targets = args.slice(args[0] === '-s' || args[0] === '-n' ? 2 : signalGiven ? 1 : 0).filter((a) => a !== '--');
  if (targets.includes('-1')) return dangerous('kill -1 signals every process of the user');
  return workspace('kill signals processes');
};

const watch: Rule = (cmd) => {
  const inner = commandAfter(cmd.args, ['-n', '--interval', '-d', '--differences', '-q', '--equexit']);
  return hasOption(cmd.args, '-x', '--exec') ? cmd.run(inner) : evalRule({ ...cmd, args: inner });
};

/** script -c runs its command string in a shell. */
const scriptRule: Rule = (cmd) => {
  const code = optionValue(cmd.args, '-c', '--command');
  // its operand is the file it writes the session to (typescript by default)
  const file = operands(cmd.args, ['-c', '--command', '-I', '--log-in', '-O', '--log-out', '-B', '--log-io', '-T', '--log-timing', '-t', '--timing', '-m', '--logging-format', '-E', '--echo'])[0];
  const log = ['-O', '--log-out', '-I', '--log-in', '-B', '--log-io', '-T', '--log-timing'].map((o) => optionValue(cmd.args, o)).filter((w): w is Word => !!w);
  const written = writes(cmd, [file ?? { text: 'typescript', value: 'typescript' }, ...log]);
  return worst([code ? cmd.source(code, 'script -c') : workspace('script records a shell session'), written]);
};

export const EXEC_RULES: Record<string, Rule> = {
  script: scriptRule,
  ...Object.fromEntries(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish'].map((n) => [n, shell])),
  ...Object.fromEntries(Object.keys(INTERPRETERS).map((kind) => [kind, interpreter(kind)])),
  eval: evalRule,
  source,
  '.': source,
  alias,
  trap,
  sudo: asRoot(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T', '--user', '--group']),
  doas: asRoot(['-u', '-C']),
  pkexec: asRoot(['--user']),
  su,
  xargs,
  find,
  fd,
  fdfind: fd,
  kill,
  watch,
};
