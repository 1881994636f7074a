// git: a table of subcommands. Reading history is read-only; talking to a
// remote needs the network; publishing (push) and throwing work away (reset
// --hard, clean -f, checkout -- ., branch -D, stash drop) are dangerous.
import { type Invocation, type Rule, type Verdict, type Word, worst } from './command-types.ts';
import {
  dangerous, hasOption, network, operands, optionValue, readOnly, values, workspace,
} from './rules-common.ts';

type SubRule = (args: Word[], cmd: Invocation) => Verdict;

const GLOBAL_WITH_VALUE = ['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env'];

/** -c keys that only change how git looks or who commits; others (core.pager, alias.*, …) can run commands. */
const HARMLESS_CONFIG = /^(user\.(name|email)|color\.[\w.]+|core\.(quotepath|abbrev|autocrlf)|advice\.\w+|init\.defaultbranch|(commit|tag)\.gpgsign|log\.\w+|diff\.(renames|algorithm|noprefix)|pull\.rebase|merge\.conflictstyle)$/i;

/** A pathspec that takes the whole tree. */
const WHOLE_TREE = /^(\.|\.\/|\*|:\/|:\/\*|:\(top\)|:\/\.)$/;

const sub = (verdict: Verdict): SubRule => () => verdict;

const READ_ONLY_SUBS = [
  'status', 'diff', 'log', 'show', 'blame', 'annotate', 'rev-parse', 'rev-list', 'ls-files', 'ls-tree',
  'cat-file', 'describe', 'shortlog', 'grep', 'merge-base', 'name-rev', 'for-each-ref', 'show-ref',
  'count-objects', 'check-ignore', 'check-attr', 'check-ref-format', 'var', 'help', 'version',
  'whatchanged', 'range-diff', 'diff-tree', 'diff-files', 'diff-index', 'cherry', 'verify-commit',
  'verify-tag', 'show-branch', 'fsck', 'request-pull',
];

/** Read-only, unless told to write a file (git diff --output, git log --output). */
const reads: SubRule = (args, cmd) => {
  const out = optionValue(args, '--output');
  if (out) return cmd.path(out).place === 'inside' ? workspace('git writes its output to a file') : dangerous(`git writes outside the workspace: ${out.text}`);
  // git grep's pager is optional and only given attached: -Ovim, --open-files-in-pager=vim
  const attached = args.map((a) => /^(-O|--open-files-in-pager=)(.+)$/s.exec(a.value ?? '')?.[2]).find((v) => v !== undefined);
  if (attached !== undefined) return cmd.source({ text: attached, value: attached }, 'git grep -O');
  if (hasOption(args, '-O', '--open-files-in-pager')) return workspace('git grep -O opens the pager on the matches');
  return readOnly;
};

const branch: SubRule = (args) => {
  if (hasOption(args, '-D') || (hasOption(args, '-d', '--delete') && hasOption(args, '-f', '--force'))) {
    return dangerous('git branch -D deletes a branch even with unmerged work');
  }
  if (hasOption(args, '-d', '--delete', '-m', '-M', '-c', '-C', '-u', '--set-upstream-to', '--unset-upstream', '--edit-description')) {
    return workspace('git branch changes branches');
  }
  const listing = hasOption(args, '-l', '--list', '-a', '-r', '--show-current');
  const names = operands(args, ['--contains', '--no-contains', '--merged', '--no-merged', '--points-at', '--sort', '--format', '--color', '--column']);
  return names.length && !listing ? workspace('git branch creates a branch') : readOnly;
};

const tag: SubRule = (args) => {
  if (hasOption(args, '-d', '--delete')) return workspace('git tag -d deletes a tag');
  const listing = hasOption(args, '-l', '--list', '-n', '--contains', '--points-at');
  return operands(args, ['--contains', '--points-at', '--sort', '--format', '-m', '-F']).length && !listing ? workspace('git tag creates a tag') : readOnly;
};

const stash: SubRule = (args) => {
  const action = operands(args)[0]?.value ?? 'push';
  if (action === 'list' || action === 'show') return readOnly;
  if (action === 'drop' || action === 'clear') return dangerous(`git stash ${action} deletes stashed work`);
  return workspace(`git stash ${action} changes the working tree`);
};

const reset: SubRule = (args) => (hasOption(args, '--hard')
  ? dangerous('git reset --hard discards uncommitted work')
  : workspace('git reset moves the branch or the index'));

const clean: SubRule = (args) => {
  if (hasOption(args, '-n', '--dry-run')) return readOnly;
  return hasOption(args, '-f', '--force')
    ? dangerous(`git clean ${values(args).join(' ')} deletes untracked files`)
    : workspace('git clean deletes untracked files');
};

/** checkout and restore throw away uncommitted changes to the paths they name. */
function discards(name: string): SubRule {
  return (args) => {
    if (name === 'restore' && hasOption(args, '-S', '--staged') && !hasOption(args, '-W', '--worktree')) {
      return workspace('git restore --staged unstages changes');
    }
    if (hasOption(args, '-f', '--force', '--discard-changes')) return dangerous(`git ${name} --force discards uncommitted changes`);
    const dashes = args.findIndex((a) => a.value === '--');
    const paths = dashes >= 0 ? args.slice(dashes + 1) : operands(args, ['-b', '-B', '--orphan', '-s', '--source', '-c', '-C']);
    const whole = paths.find((p) => WHOLE_TREE.test(p.value ?? '.'));
    if (whole) return dangerous(`git ${name} ${whole.text} discards all uncommitted changes`);
    if (dashes >= 0 || name === 'restore') return workspace(`git ${name} discards uncommitted changes to ${values(paths).join(' ')}`);
    return workspace(`git ${name} changes the working tree`);
  };
}

const remote: SubRule = (args) => {
  const action = operands(args)[0]?.value;
  if (!action) return readOnly;
  if (action === 'get-url') return readOnly;
  if (['show', 'update', 'prune'].includes(action)) return network(`git remote ${action} contacts the remote`);
  return workspace(`git remote ${action} changes the remotes`);
};

const config: SubRule = (args) => {
  const scope = hasOption(args, '--global', '--system') || optionValue(args, '-f', '--file');
  const ops = operands(args, ['-f', '--file', '--type', '--default', '--blob']);
  const unsetting = hasOption(args, '--unset', '--unset-all') || ops[0]?.value === 'unset';
  const reading = hasOption(args, '--get', '--get-all', '--get-regexp', '--get-urlmatch', '-l', '--list')
    || ['get', 'list'].includes(ops[0]?.value ?? '') || (ops.length === 1 && !unsetting);
  if (reading) return readOnly;
  if (scope) return dangerous('git config writes a config outside the workspace');
  // The key follows the action word of `git config set key value`.
  const key = (['set', 'unset'].includes(ops[0]?.value ?? '') ? ops[1] : ops[0])?.value ?? '';
  if (!HARMLESS_CONFIG.test(key) && !unsetting) {
    return dangerous(`git config ${key} can make later git commands run any command`);
  }
  return workspace('git config changes the repository config');
};

const rebase: SubRule = (args, cmd) => {
  const exec = optionValue(args, '-x', '--exec');
  return exec ? cmd.source(exec, 'git rebase --exec') : workspace('git rebase rewrites commits');
};

const submodule: SubRule = (args, cmd) => {
  const action = operands(args)[0]?.value ?? 'status';
  if (action === 'status' || action === 'summary') return readOnly;
  if (action === 'foreach') {
    const code = operands(args).slice(1);
    return cmd.source({ text: code.map((w) => w.text).join(' '), value: code.some((w) => w.value === null) ? null : values(code).join(' ') }, 'git submodule foreach');
  }
  return action === 'update' || action === 'sync' ? network(`git submodule ${action} fetches submodules`) : workspace(`git submodule ${action}`);
};

/** difftool/mergetool run -x's command, or a tool by name (whose command config says). */
function tool(args: Word[], cmd: Invocation, name: string): Verdict {
  const extcmd = optionValue(args, '-x', '--extcmd');
  return extcmd ? cmd.source(extcmd, `git ${name} -x`) : workspace(`git ${name} runs the configured tool`);
}

const SUBCOMMANDS: Record<string, SubRule> = {
  ...Object.fromEntries(READ_ONLY_SUBS.map((name) => [name, reads])),
  branch,
  tag,
  stash,
  reset,
  clean,
  checkout: discards('checkout'),
  restore: discards('restore'),
  switch: discards('switch'),
  remote,
  config,
  rebase,
  submodule,
  difftool: (args, cmd) => tool(args, cmd, 'difftool'),
  mergetool: (args, cmd) => tool(args, cmd, 'mergetool'),
  bisect: (args, cmd) => (args[0]?.value === 'run' ? cmd.run(args.slice(1)) : workspace('git bisect moves HEAD')),
  reflog: (args) => (['expire', 'delete'].includes(args[0]?.value ?? '') ? dangerous('git reflog expire/delete throws away the undo history') : readOnly),
  worktree: (args) => (args[0]?.value === 'list' ? readOnly : workspace('git worktree changes worktrees')),
  push: sub(dangerous('git push publishes commits to a remote')),
  'send-email': sub(dangerous('git send-email sends patches by email')),
  'filter-branch': sub(dangerous('git filter-branch rewrites the whole history')),
  'filter-repo': sub(dangerous('git filter-repo rewrites the whole history')),
  'update-ref': (args) => (hasOption(args, '-d') ? dangerous('git update-ref -d deletes a ref') : workspace('git update-ref moves a ref')),
  fetch: sub(network('git fetch downloads from a remote')),
  pull: sub(network('git pull downloads from a remote and merges')),
  clone: sub(network('git clone downloads a repository')),
  'ls-remote': sub(network('git ls-remote asks a remote for its refs')),
  archive: (args) => (hasOption(args, '--remote') ? network('git archive --remote downloads') : workspace('git archive writes an archive')),
  lfs: (args) => {
    const action = args[0]?.value ?? '';
    if (action === 'push') return dangerous('git lfs push publishes files to a remote');
    return ['pull', 'fetch', 'clone'].includes(action) ? network(`git lfs ${action} downloads files`) : workspace(`git lfs ${action}`);
  },
};

/** Global options that move git to another repository or working tree. */
const ELSEWHERE = ['-C', '--git-dir', '--work-tree'];

export const git: Rule = (cmd) => {
  const verdicts: Verdict[] = [];
  const places: Word[] = [];
  let i = 0;
  for (; i < cmd.args.length; i++) {
    const arg = cmd.args[i]!.value ?? '';
    if (!arg.startsWith('-')) break;
    // -c key=value, -ckey=value, --config-env=key=VAR, --config-env key=VAR
    const config = /^(-c|--config-env)(=?)(.*)$/s.exec(arg);
    if (config) {
      const setting = config[3] ? { text: config[3], value: config[3] } : cmd.args[i + 1];
      const key = (setting?.value ?? '').split('=')[0]!;
      if (!HARMLESS_CONFIG.test(key)) verdicts.push(dangerous(`git -c ${setting?.text ?? ''} can make git run any command`));
    }
    const elsewhere = ELSEWHERE.find((o) => arg === o || arg.startsWith(`${o}=`));
    if (elsewhere) places.push(arg === elsewhere ? (cmd.args[i + 1] ?? { text: '', value: null }) : { text: arg, value: arg.slice(elsewhere.length + 1) });
    if (arg.startsWith('--exec-path=')) verdicts.push(dangerous('git --exec-path runs git commands from another folder'));
    if (GLOBAL_WITH_VALUE.includes(arg)) i++;
  }
  const name = cmd.args[i];
  if (!name) return readOnly;
  if (name.value === null) return dangerous(`the git subcommand is computed (${name.text})`);
  const rule = SUBCOMMANDS[name.value];
  const verdict = rule ? rule(cmd.args.slice(i + 1), cmd) : workspace(`git ${name.value} changes the repository`);
  // A repository outside the workspace is not the workspace's to change.
  const away = places.find((p) => !['inside', 'root'].includes(cmd.path(p).place));
  verdicts.push(away && verdict.class !== 'read-only'
    ? dangerous(`git ${name.value} changes a repository or working tree outside the workspace: ${away.text}`)
    : verdict);
  return worst(verdicts);
};
