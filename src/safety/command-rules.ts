// The table of command rules: a command's name → how to judge it. Commands
// known not to change anything are read-only; the system-wide ones
// (shutdown, mkfs, systemctl, …) are dangerous; the rest of the table lives
// in rules-files.ts, rules-exec.ts, rules-git.ts and rules-network.ts. A
// command in no table is ordinary workspace work.
import type { Rule } from './command-types.ts';
import { dangerous, hasOption, operands, readOnly, workspace } from './rules-common.ts';
import { EXEC_RULES } from './rules-exec.ts';
import { FILE_RULES } from './rules-files.ts';
import { git } from './rules-git.ts';
import { NETWORK_RULES } from './rules-network.ts';
import { TERMINAL_RULES } from './rules-terminals.ts';

/** Commands that only read and print, whatever their options (those that can write have rules of their own). */
const READ_ONLY = [
  'ls', 'dir', 'cat', 'head', 'tail', 'wc', 'grep', 'egrep', 'fgrep', 'pwd', 'echo', 'printf', 'which',
  'whereis', 'type', 'file', 'stat', 'du', 'df', 'cut', 'tr', 'jq', 'nl', 'od', 'hexdump',
  'basename', 'dirname', 'realpath', 'readlink', 'true', 'false', ':', 'test', '[', '[[', 'sleep', 'seq',
  'id', 'whoami', 'groups', 'uname', 'printenv', 'diff', 'cmp', 'comm', 'column', 'fold', 'expand',
  'unexpand', 'rev', 'tac', 'paste', 'join', 'look', 'strings', 'md5sum', 'sha1sum', 'sha256sum',
  'sha512sum', 'b2sum', 'cksum', 'base64', 'man', 'help', 'jobs', 'ps', 'uptime',
  'free', 'lsof', 'lscpu', 'lsblk', 'nproc', 'locale', 'tty', 'getconf', 'cal', 'factor', 'expr', 'bc',
  'numfmt', 'pgrep', 'ag', 'ack', 'cd', 'pushd', 'popd', 'dirs', 'read', 'wait', 'set', 'shopt', 'export',
  'declare', 'typeset', 'local', 'readonly', 'unset', 'hash', 'ulimit', 'env', 'nohup', 'time', 'nice',
  'command', 'builtin', 'exec', 'shift', 'return', 'exit', 'break', 'continue', 'getopts', 'let', 'logname',
  'arch', 'zcat', 'bzcat', 'xzcat', 'zgrep', 'fmt', 'yes', 'tput', 'stty', 'clear', 'envsubst',
];

/** ripgrep reads, unless --pre makes it run a program on every file. */
const rg: Rule = (cmd) => (hasOption(cmd.args, '--pre')
  ? workspace('rg --pre runs a program on every file it searches')
  : readOnly);

const date: Rule = (cmd) => (hasOption(cmd.args, '-s', '--set')
  ? dangerous('date --set changes the system clock')
  : readOnly);

/** Naming a host changes it; without an operand hostname only prints. */
const hostname: Rule = (cmd) => (operands(cmd.args).length ? dangerous('hostname changes the host name') : readOnly);

const crontab: Rule = (cmd) => (hasOption(cmd.args, '-l')
  ? readOnly
  : dangerous('crontab changes commands the system runs on a schedule'));

const systemctl: Rule = (cmd) => {
  const action = operands(cmd.args)[0]?.value ?? 'list-units';
  return /^(status|show|cat|list-.*|is-.*|help)$/.test(action)
    ? readOnly
    : dangerous(`systemctl ${action} changes the system's services`);
};

const SYSTEM: Record<string, string> = {
  shutdown: 'shuts the machine down',
  reboot: 'restarts the machine',
  halt: 'stops the machine',
  poweroff: 'powers the machine off',
  telinit: 'changes the machine run level',
  init: 'changes the machine run level',
  service: "changes the system's services",
  launchctl: "changes the system's services",
  fdisk: 'changes disk partitions',
  sfdisk: 'changes disk partitions',
  cfdisk: 'changes disk partitions',
  gdisk: 'changes disk partitions',
  sgdisk: 'changes disk partitions',
  parted: 'changes disk partitions',
  wipefs: 'erases file system signatures',
  mkswap: 'formats a swap area',
  blkdiscard: 'discards every block of a device',
  mount: 'mounts file systems',
  umount: 'unmounts file systems',
  swapon: 'changes swap areas',
  swapoff: 'changes swap areas',
  insmod: 'loads kernel modules',
  rmmod: 'unloads kernel modules',
  modprobe: 'loads kernel modules',
  useradd: 'changes user accounts',
  userdel: 'changes user accounts',
  usermod: 'changes user accounts',
  passwd: 'changes passwords',
  chpasswd: 'changes passwords',
  visudo: 'changes who may use sudo',
  killall5: 'signals every process',
  chroot: 'runs a command in another root',
  iptables: 'changes the firewall',
  nft: 'changes the firewall',
};

export const RULES: Record<string, Rule> = {
  ...Object.fromEntries(READ_ONLY.map((name) => [name, () => readOnly])),
  ...Object.fromEntries(Object.entries(SYSTEM).map(([name, what]) => [name, () => dangerous(`${name} ${what}`)])),
  ...FILE_RULES,
  ...EXEC_RULES,
  ...NETWORK_RULES,
  ...TERMINAL_RULES,
  git,
  rg,
  date,
  hostname,
  crontab,
  systemctl,
  pkill: () => workspace('pkill stops processes by name'),
  killall: () => workspace('killall stops processes by name'),
  xxd: (cmd) => (hasOption(cmd.args, '-r') || operands(cmd.args, ['-c', '-g', '-l', '-s']).length > 1
    ? workspace('xxd writes a file')
    : readOnly),
  ldd: () => workspace('ldd may run the program it inspects'),
  umask: () => workspace('umask changes the permissions of files created after it'),
};

/** Names that stand for a family: mkfs.ext4, python3.12, nodejs. */
export function ruleFor(name: string): Rule | undefined {
  if (/^mkfs(\.\w+)?$/.test(name)) return () => dangerous(`${name} formats a file system`);
  if (/^(python|pypy)[\d.]*$/.test(name)) return RULES.python;
  if (name === 'nodejs') return RULES.node;
  if (name === 'powershell') return RULES.pwsh;
  return Object.hasOwn(RULES, name) ? RULES[name] : undefined;
}
