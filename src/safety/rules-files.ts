// Rules for commands that change or delete the files they name, and for the
// text tools that are read-only unless told to write (sort -o, sed -i, awk's
// print > file).
import { type Invocation, type Rule, type Verdict, type Word, worst } from './command-types.ts';
import {
  dangerous, deletes, hasOption, operands, optionValue, readOnly, workspace, writes,
} from './rules-common.ts';

/** getopt takes any unambiguous start of a long option: `rm --rec` is `rm --recursive`. */
const RECURSIVE = /^--r(e(c(u(r(s(i(ve?)?)?)?)?)?)?)?$/;

const remove: Rule = (cmd) => deletes(cmd, operands(cmd.args), hasOption(cmd.args, '-r', '-R') || cmd.args.some((a) => RECURSIVE.test(a.value ?? '')));

/** chmod/chown/chgrp: the first operand is the mode or owner (unless --reference gives it). */
const changeOwnerOrMode: Rule = (cmd) => {
  const ops = operands(cmd.args);
  const paths = optionValue(cmd.args, '--reference') ? ops : ops.slice(1);
  return writes(cmd, paths, 'changes');
};

/** cp, ln, install: the last operand, or the folder given with -t. */
const copyTo: Rule = (cmd) => {
  const folder = optionValue(cmd.args, '-t', '--target-directory');
  const ops = operands(cmd.args, ['-S', '--suffix', '-m', '--mode', '-o', '--owner', '-g', '--group', '-t', '--target-directory']);
  const written = writes(cmd, folder ? [folder] : ops.length > 1 ? ops.slice(-1) : [{ text: '.', value: '.' }]);
  // cp -s and cp -l make links too
  const links = cmd.name === 'ln' || hasOption(cmd.args, '-s', '-l', '--symbolic-link', '--link');
  return links ? worst([written, linksOut(cmd, folder || ops.length < 2 ? ops : ops.slice(0, -1))]) : written;
};

/** A link to a file outside the workspace: writing to the link later writes there (a hard link even past symlink checks). */
function linksOut(cmd: Invocation, sources: Word[]): Verdict {
  const out = sources.find((s) => !['inside', 'root', 'harmless-device'].includes(cmd.path(s).place));
  return out ? dangerous(`${cmd.name} links to a file outside the workspace, which writes through the link would change: ${out.text}`) : readOnly;
}

/** mv changes both ends: its sources disappear. */
const move: Rule = (cmd) => {
  const folder = optionValue(cmd.args, '-t', '--target-directory');
  return writes(cmd, [...operands(cmd.args, ['-S', '--suffix', '-t', '--target-directory']), ...(folder ? [folder] : [])], 'moves');
};

/** uniq writes its second operand; tree -o its output file. */
const uniq: Rule = (cmd) => {
  const out = operands(cmd.args, ['-f', '--skip-fields', '-s', '--skip-chars', '-w', '--check-chars'])[1];
  return out ? writes(cmd, [out]) : readOnly;
};
const tree: Rule = (cmd) => {
  const out = optionValue(cmd.args, '-o');
  return out ? writes(cmd, [out]) : readOnly;
};

/** history -w/-a/-r/-n name a history file, which -w and -a write. */
const history: Rule = (cmd) => {
  if (!hasOption(cmd.args, '-w', '-a')) return readOnly;
  return writes(cmd, [operands(cmd.args)[0] ?? { text: '~/.bash_history', value: '~/.bash_history' }]);
};

/** less logs to a file with -o/-O, and a +command or -p… may run a shell command (!cmd). */
const less: Rule = (cmd) => {
  const commands = cmd.args.filter((a) => /^\+/.test(a.value ?? a.text) || a.value === null);
  if (commands.some((a) => a.value === null || a.value.includes('!') || a.value.includes('|'))) return dangerous(`${cmd.name} runs a command given at its start: ${commands[0]!.text}`);
  const log = optionValue(cmd.args, '-o', '-O', '--log-file', '--LOG-FILE');
  return log ? writes(cmd, [log]) : readOnly;
};

const touchEach: Rule = (cmd) => writes(cmd, operands(cmd.args, ['-d', '-r', '-t', '-m', '--mode', '-s', '--size']));

const tee: Rule = (cmd) => {
  const files = operands(cmd.args);
  return files.length ? writes(cmd, files) : readOnly;
};

const sort: Rule = (cmd) => {
  const program = optionValue(cmd.args, '--compress-program');
  const out = optionValue(cmd.args, '-o', '--output');
  return worst([program ? cmd.source(program, 'sort --compress-program') : readOnly, out ? writes(cmd, [out]) : readOnly]);
};

/** Options whose value is a command the program runs: judged as shell code. */
function commandOptions(cmd: Invocation, options: string[]): Verdict {
  return worst(options.map((option) => {
    const code = optionValue(cmd.args, option);
    return code ? cmd.source(code, `${cmd.name} ${option}`) : readOnly;
  }));
}

/** man runs its pager or browser as a command. */
const man: Rule = (cmd) => commandOptions(cmd, ['-P', '--pager', '-H', '--html']);

/** zip writes its archive, and runs a command to test it with -TT. */
const zip: Rule = (cmd) => {
  const archive = operands(cmd.args, ['-b', '-n', '-t', '-tt', '-x', '-i', '-TT', '--unzip-command', '-O', '--output-file'])[0];
  const out = optionValue(cmd.args, '-O', '--output-file');
  return worst([commandOptions(cmd, ['-TT', '--unzip-command']), writes(cmd, [out ?? archive ?? { text: '.', value: '.' }])]);
};

/** sed is read-only unless it edits in place or its script writes files (w) or runs commands (e). */
const sed: Rule = (cmd) => {
  const scripts: Word[] = [];
  const files: Word[] = [];
  let inPlace = false;
  for (let i = 0; i < cmd.args.length; i++) {
    const arg = cmd.args[i]!.value ?? '';
    if (arg === '-e' || arg === '--expression') scripts.push(cmd.args[++i] ?? { text: '', value: '' });
    else if (arg === '-f' || arg === '--file') return workspace('sed runs a script from a file');
    else if (/^-[^-]*i|^--in-place/.test(arg)) inPlace = true;
    else if (!arg.startsWith('-') || arg === '-') (scripts.length || hasScriptOption(cmd.args) ? files : scripts).push(cmd.args[i]!);
  }
  const script = scripts.map((s) => s.value);
  if (script.some((s) => s === null)) return dangerous(`sed runs a script known only when it runs`);
  if (script.some((s) => sedRunsCommands(s!))) return dangerous('sed with the e command runs shell commands');
  const written = script.flatMap((s) => sedWriteTargets(s!));
  return worst([written.length ? writes(cmd, written) : readOnly, inPlace ? writes(cmd, files, 'edits') : readOnly]);
};

function hasScriptOption(args: Word[]): boolean {
  return args.some((a) => a.value === '-e' || a.value === '--expression');
}

/** A sed `e` command, or the `e` flag of an s command. */
function sedRunsCommands(script: string): boolean {
  return /(^|[;\n{}]|[/\d$])\s*e(\s|;|$)/.test(script) || substituteFlags(script).some((f) => f.includes('e'));
}

/** The files a sed script writes: `w file` (the rest of its line), and s///w's. */
function sedWriteTargets(script: string): Word[] {
  const files = [...script.matchAll(/(?:^|[;\n{}]|[/\d$!])\s*[wW]\s*([^\n]*)/g)].map((m) => m[1]!.trim());
  // s///w names its file after the flags; the analysis takes the rest of the script to be unknown
  const unknown: Word[] = substituteFlags(script).some((f) => f.includes('w')) ? [{ text: 's///w', value: null }] : [];
  return [...files.filter(Boolean).map((f) => ({ text: f, value: f })), ...unknown];
}

/** The flags of each s/regex/replacement/flags in a sed script. */
function substituteFlags(script: string): string[] {
  const flags: string[] = [];
  for (let i = 0; i < script.length; i++) {
    if (script[i] !== 's' || /[a-zA-Z0-9_]/.test(script[i - 1] ?? '')) continue;
    const delim = script[i + 1];
    if (!delim || /[\s\\a-zA-Z0-9]/.test(delim)) continue;
    let j = i + 2;
    for (let parts = 0; j < script.length && parts < 2; j++) {
      if (script[j] === '\\') j++;
      else if (script[j] === delim) parts++;
    }
    const match = /^[a-zA-Z0-9]*/.exec(script.slice(j))![0];
    flags.push(match);
    i = j + match.length - 1;
  }
  return flags;
}

/** awk programs are code: system(), pipes and getline run commands; print > file writes. */
const awk: Rule = (cmd) => {
  if (hasOption(cmd.args, '-f', '--file')) return workspace('awk runs a program from a file');
  const program = operands(cmd.args, ['-F', '-v', '--assign', '--field-separator'])[0];
  if (!program) return readOnly;
  if (program.value === null) return dangerous('awk runs a program known only when it runs');
  if (/\bsystem\s*\(|\|/.test(program.value)) return dangerous('the awk program runs commands (system or a pipe)');
  if (/\bprintf?\b[^;}]*>/.test(program.value)) return workspace('the awk program writes files');
  return readOnly;
};

const dd: Rule = (cmd) => {
  const out = cmd.args.find((a) => a.value?.startsWith('of='));
  return dangerous(out ? `dd writes raw blocks to ${out.text.slice(3)}` : 'dd copies raw blocks');
};

const isTar = (cmd: Invocation) => cmd.name === 'tar' || cmd.name === 'bsdtar';

/** tar and unzip write where -C or -d point (and, creating, the archive itself). */
const unpack: Rule = (cmd) => {
  const runs = isTar(cmd) ? tarCommands(cmd) : readOnly;
  // tar -P and unzip -: keep absolute and ../ member names: the archive says where it writes
  const anywhere = isTar(cmd)
    ? hasOption(cmd.args, '-P', '--absolute-names') || /^[a-zA-Z]*P/.test(cmd.args[0]?.value ?? '')
    : hasOption(cmd.args, '-:');
  if (anywhere) return dangerous(`${cmd.name} writes where the archive's absolute or ../ member names say`);
  if (isTar(cmd) && hasOption(cmd.args, '-t', '--list')) return runs;
  const folder = optionValue(cmd.args, '-C', '--directory', '-d');
  const creating = isTar(cmd) && (hasOption(cmd.args, '-c', '--create') || /^[a-z]*c/.test(cmd.args[0]?.value ?? ''));
  // the archive follows -f, alone or closing a group: -czf out.tgz, czf out.tgz
  const f = cmd.args.findIndex((a) => /^(-?[a-zA-Z]*f|--file)$/.test(a.value ?? ''));
  const archive = creating ? (optionValue(cmd.args, '--file') ?? cmd.args[f + 1]) : undefined;
  return worst([runs, writes(cmd, [folder ?? { text: '.', value: '.' }, ...(archive ? [archive] : [])])]);
};

/** tar runs programs: a compressor (-I), a command per file, a script at checkpoints or volume changes. */
function tarCommands(cmd: Invocation): Verdict {
  const checkpoint = optionValue(cmd.args, '--checkpoint-action');
  const exec = checkpoint?.value === null ? null : checkpoint?.value?.match(/^exec=(.*)$/s)?.[1];
  return worst([
    commandOptions(cmd, ['-I', '--use-compress-program', '--to-command', '--info-script', '--new-volume-script', '-F', '--rsh-command']),
    exec === undefined ? readOnly : cmd.source({ text: checkpoint!.text, value: exec }, 'tar --checkpoint-action=exec'),
  ]);
}

function pathRules(names: string[], rule: Rule): Record<string, Rule> {
  return Object.fromEntries(names.map((name) => [name, rule]));
}

/** cpio -i keeps absolute member names unless told not to; -p copies to its folder operand. */
const cpio: Rule = (cmd) => {
  if (hasOption(cmd.args, '-i', '--extract') && !hasOption(cmd.args, '--no-absolute-filenames')) {
    return dangerous("cpio -i writes where the archive's absolute or ../ member names say");
  }
  if (hasOption(cmd.args, '-p', '--pass-through')) return writes(cmd, operands(cmd.args).slice(-1));
  return workspace('cpio writes an archive');
};

export const FILE_RULES: Record<string, Rule> = {
  uniq,
  tree,
  history,
  less,
  more: less,
  cpio,
  bsdtar: unpack,
  ...pathRules(['rm', 'unlink', 'shred', 'srm', 'trash', 'trash-put'], remove),
  rmdir: (cmd) => deletes(cmd, operands(cmd.args), hasOption(cmd.args, '-p', '--parents')),
  ...pathRules(['chmod', 'chown', 'chgrp'], changeOwnerOrMode),
  ...pathRules(['cp', 'ln', 'install'], copyTo),
  mv: move,
  ...pathRules(['touch', 'mkdir', 'truncate', 'mkfifo'], touchEach),
  tee,
  sort,
  sed,
  ...pathRules(['awk', 'gawk', 'mawk', 'nawk'], awk),
  dd,
  tar: unpack,
  unzip: unpack,
  man,
  zip,
};

