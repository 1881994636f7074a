// Commands that run other commands in ways the general rules would miss:
// terminal multiplexers (tmux, screen), job schedulers (at, batch), parallel,
// editors and debuggers that run commands (vim -c, emacs --eval, gdb -ex), and
// ssh's local commands. Each either has its command judged or asks.
import { type Rule, type Verdict, type Word, worst } from './command-types.ts';
import {
  commandAfter, dangerous, hasOption, sshRunsLocalCommand, network, operands, optionValue, readOnly, values, workspace,
} from './rules-common.ts';

const TMUX_WITH_VALUE = ['-s', '-n', '-c', '-t', '-x', '-y', '-e', '-F', '-f', '-l', '-p', '-L', '-S', '-T'];

/** tmux new/split/run-shell run a shell command; send-keys types anything. */
const tmux: Rule = (cmd) => {
  const sub = operands(cmd.args, ['-L', '-S', '-f', '-T'])[0];
  const rest = sub ? cmd.args.slice(cmd.args.indexOf(sub) + 1) : [];
  const action = sub?.value ?? 'new-session';
  if (/^(send-keys|send|send-prefix|pipe-pane|pipep|source-file|source|set-hook|set-option|set|bind-key|bind)$/.test(action)) {
    return dangerous(`tmux ${action} makes tmux run commands the analysis cannot follow`);
  }
  if (!/^(new-session|new|new-window|neww|split-window|splitw|respawn-pane|respawnp|respawn-window|respawnw|run-shell|run|display-popup|popup)$/.test(action)) return workspace(`tmux ${action}`);
  const words = operands(rest, TMUX_WITH_VALUE);
  if (!words.length) return workspace(`tmux ${action} starts a shell`);
  return shellLine(cmd.source, words, `tmux ${action}`);
};

/** screen -dm cmd…; -X stuff types into a running session. */
const screen: Rule = (cmd) => {
  if (hasOption(cmd.args, '-X')) return dangerous('screen -X sends commands to a running session');
  // -dmS name: a group of flags ending in one that takes a value
  const grouped = values(cmd.args).filter((a) => /^-[a-zA-Z]+[SceLpTts]$/.test(a));
  const inner = commandAfter(cmd.args, ['-S', '-c', '-e', '-h', '-p', '-T', '-t', '-L', '-Logfile', '-s', ...grouped]);
  return inner.length ? cmd.run(inner) : workspace('screen starts a shell');
};

/** at and batch run the shell code on their standard input (or in -f's file) later. */
const at: Rule = (cmd) => {
  if (hasOption(cmd.args, '-l', '-d', '-r', '-c')) return readOnly;
  const file = optionValue(cmd.args, '-f');
  if (file) return dangerous(`${cmd.name} -f schedules the commands of ${file.text}`);
  const { stdin } = cmd;
  if (stdin.kind === 'text') return worst([cmd.source(stdin.body, `${stdin.what} scheduled by ${cmd.name}`), workspace(`${cmd.name} schedules commands`)]);
  return dangerous(`${cmd.name} schedules commands the analysis cannot see`);
};

/** parallel runs its command once per argument after ::: (or per line of input). */
const parallel: Rule = (cmd) => {
  const sep = cmd.args.findIndex((a) => a.value === ':::' || a.value === '::::' || a.value === ':::+');
  const own = sep < 0 ? cmd.args : cmd.args.slice(0, sep);
  const template = commandAfter(own, ['-j', '--jobs', '-S', '--sshlogin', '-a', '--arg-file', '--delay', '--timeout', '--joblog', '-N', '-n', '-L', '--colsep', '-d', '--delimiter', '-I', '--results']);
  if (!template.length) return dangerous('parallel runs commands read from its input');
  const inputs = sep < 0 || cmd.args[sep]!.value === '::::' ? [{ text: '(input)', value: null }] : cmd.args.slice(sep + 1).filter((a) => !a.value?.startsWith(':::'));
  const verdicts = inputs.slice(0, 8).map((input) => {
    if (template.length === 1) {
      // one word is a shell line, with {} standing for the input
      const line = template[0]!.value;
      const value = line === null || input.value === null ? null : line.includes('{') ? line.replace(/\{[^}]*\}/g, input.value) : `${line} ${input.value}`;
      return cmd.source({ text: template[0]!.text, value }, 'parallel');
    }
    const words = template.some((w) => w.value?.includes('{')) ? template.map((w) => (w.value?.includes('{') ? input : w)) : [...template, input];
    return cmd.run(words);
  });
  return worst(verdicts);
};

/** Joined words as one shell line (tmux and parallel hand them to a shell). */
function shellLine(source: (code: Word, what: string) => Verdict, words: Word[], what: string): Verdict {
  const value = words.some((w) => w.value === null) ? null : values(words).join(' ');
  return source({ text: words.map((w) => w.text).join(' '), value }, what);
}

/** vim runs Ex commands (and through them the shell) given on its command line. */
const vim: Rule = (cmd) => (cmd.args.some((a) => /^(-c|--cmd|-S|-s|-u|-x)$/.test(a.value ?? '') || a.value?.startsWith('+') || a.value === null)
  ? dangerous(`${cmd.name} runs editor commands given on its command line, which can run the shell`)
  : workspace(`${cmd.name} edits files`));

const emacs: Rule = (cmd) => (cmd.args.some((a) => /^--?(eval|execute|load|funcall|batch|script|l|f|x)(=|$)/.test(a.value ?? '') || a.value === null)
  ? dangerous('emacs runs Lisp given on its command line')
  : workspace('emacs edits files'));

/** A debugger runs commands (and the shell) and can read any process's memory, nanocode's too. */
const gdb: Rule = (cmd) => dangerous(`${cmd.name} can run commands and read another process's memory`);

/** ssh's ProxyCommand and LocalCommand run on this machine, and -F names a config that can set them. */
const ssh: Rule = (cmd) => {
  return sshRunsLocalCommand(values(cmd.args)) ? dangerous(`${cmd.name} runs a local command (ProxyCommand, LocalCommand or a config file)`) : network(`${cmd.name} connects to another machine`);
};

export const TERMINAL_RULES: Record<string, Rule> = {
  tmux,
  screen,
  at,
  batch: at,
  parallel,
  ...Object.fromEntries(['vim', 'vi', 'nvim', 'ex', 'view', 'vimdiff', 'gvim'].map((n) => [n, vim])),
  emacs,
  gdb,
  lldb: gdb,
  ssh,
  sftp: ssh,
  // socat's EXEC/SYSTEM addresses and nc -e/-c run a local program for the connection
  socat: (cmd) => (values(cmd.args).some((a) => /^(exec|system):/i.test(a)) ? dangerous('socat runs a local program for the connection') : network('socat connects to another machine')),
  ...Object.fromEntries(['nc', 'ncat', 'netcat'].map((n) => [n, (cmd: Parameters<Rule>[0]) => (hasOption(cmd.args, '-e', '-c', '--exec', '--sh-exec', '--lua-exec')
    ? dangerous(`${n} -e runs a local program for the connection`)
    : network(`${n} connects to another machine`))])),
  sg: (cmd) => shellLine(cmd.source, operands(cmd.args).slice(1), 'sg'),
  runuser: () => dangerous('runuser runs commands as another user'),
};
