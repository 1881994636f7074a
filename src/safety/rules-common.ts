// Small helpers the command rules share: reading options, and judging the
// paths a command writes or deletes.
import { type CommandClass, type Invocation, type Verdict, type Word, worst } from './command-types.ts';

export const readOnly: Verdict = { class: 'read-only' };
export const workspace = (reason: string): Verdict => ({ class: 'workspace', reason });
export const network = (reason: string): Verdict => ({ class: 'network', reason });
export const dangerous = (reason: string): Verdict => ({ class: 'dangerous', reason });

/** The static values of the arguments; a computed one reads as its source text. */
export function values(args: Word[]): string[] {
  return args.map((a) => a.value ?? a.text);
}

/** An option given as itself (`--force`), in a group of short ones (`-xdf` has f), or with a value (`--output=x`). */
export function hasOption(args: Word[], ...options: string[]): boolean {
  return optionArgs(args).some((arg) =>
    options.some((option) =>
      arg === option
      || (option.length === 2 && !arg.startsWith('--') && arg.startsWith('-') && arg.slice(1).includes(option[1]!))
      || (option.startsWith('--') && arg.startsWith(`${option}=`))));
}

/** The value given to an option: `-o x`, `-ox`, `--output x`, `--output=x`. */
export function optionValue(args: Word[], ...options: string[]): Word | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!.value ?? '';
    if (arg === '--') return undefined;
    for (const option of options) {
      if (arg === option) return args[i + 1];
      const joined = option.startsWith('--') ? `${option}=` : option;
      if (arg.startsWith(joined) && arg.length > joined.length) {
        const value = arg.slice(joined.length);
        return { text: value, value };
      }
    }
  }
  return undefined;
}

/** Arguments before `--` that look like options. */
function optionArgs(args: Word[]): string[] {
  const end = args.findIndex((a) => a.value === '--');
  return (end < 0 ? args : args.slice(0, end)).map((a) => a.value ?? '').filter((v) => v.startsWith('-') && v !== '-');
}

/** Arguments that are not options (nor the values of those in `withValue`). */
export function operands(args: Word[], withValue: readonly string[] = []): Word[] {
  const out: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.value === '--') return [...out, ...args.slice(i + 1)];
    if (arg.value?.startsWith('-') && arg.value !== '-') {
      if (withValue.includes(arg.value)) i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

/** The first operand and everything after it: the command a wrapper runs. */
export function commandAfter(args: Word[], withValue: readonly string[] = [], skip = 0): Word[] {
  let positional = 0;
  for (let i = 0; i < args.length; i++) {
    const value = args[i]!.value;
    if (value === '--') return args.slice(i + 1 + skip);
    if (value?.startsWith('-') && value !== '-') {
      if (withValue.includes(value)) i++;
      continue;
    }
    if (positional++ === skip) return args.slice(i);
  }
  return [];
}

/** How a command names itself in a reason: `rm -rf`. */
export function display(cmd: Invocation): string {
  const opts = cmd.args.map((a) => a.value ?? '').filter((v) => /^-[a-zA-Z]+$/.test(v));
  return [cmd.name, ...opts].join(' ');
}

/**
 * A command that changes the files it names: fine in the workspace, dangerous
 * outside it, on a device, or where only running it would tell.
 */
export function writes(cmd: Invocation, targets: Word[], verb = 'writes', label = display(cmd)): Verdict {
  const verdicts = targets.map((target): Verdict => {
    const judged = cmd.path(target);
    switch (judged.place) {
      case 'harmless-device':
        return readOnly;
      case 'device':
        return dangerous(`${label} ${verb} the device ${target.text}`);
      case 'unknown':
        return dangerous(`${label} ${verb} a path known only when it runs: ${target.text}`);
      case 'outside':
        return dangerous(`${label} ${verb} outside the workspace: ${target.text}`);
      default:
        return judged.git
          ? dangerous(`${label} ${verb} inside .git, where git keeps history, hooks and config`)
          : workspace(`${label} ${verb} in the workspace`);
    }
  });
  return verdicts.length ? worst(verdicts) : workspace(`${label} ${verb} files`);
}

/** Like writes, and the whole workspace at once (`rm -rf .`, `rm -rf *`) is dangerous too. */
export function deletes(cmd: Invocation, targets: Word[], recursive: boolean): Verdict {
  const atRoot = targets.find((t) => cmd.path(t).place === 'root');
  if (atRoot && recursive) return dangerous(`${display(cmd)} deletes the whole workspace: ${atRoot.text}`);
  return writes(cmd, targets, 'deletes');
}

/** At least the given class. */
export function atLeast(cls: CommandClass, reason: string, verdict: Verdict): Verdict {
  return worst([{ class: cls, reason }, verdict]);
}

/** ssh's options (`-o ProxyCommand=…`, LocalCommand, KnownHostsCommand, Match exec, or a config file by -F) that run a command on this machine; ssh, sftp and scp all take them. */
export function sshRunsLocalCommand(options: string[]): boolean {
  return options.some((a, i) => /^-F/.test(a) || (/^-o/.test(a) && /(proxycommand|localcommand|permitlocalcommand|knownhostscommand|match)/i.test(a + (options[i + 1] ?? ''))));
}
