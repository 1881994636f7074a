// .nanocode.log is kept out of `git status` through the repository's own
// info/exclude, found without git; a forged `.git` file cannot aim that write
// at another repository.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { excludeFromGit } from '../../src/session/git-exclude.ts';
import { tempDir } from '../support/cli.ts';

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });
const exclude = (gitDir: string) => (existsSync(join(gitDir, 'info/exclude')) ? readFileSync(join(gitDir, 'info/exclude'), 'utf8') : '');

it('adds the name once to the repository of a subfolder, and to the main repository of a linked worktree', () => {
  const repo = tempDir('repo-');
  git(repo, 'init', '-q');
  mkdirSync(join(repo, 'sub'));
  excludeFromGit(join(repo, 'sub'), '.nanocode.log');
  excludeFromGit(repo, '.nanocode.log');
  expect(exclude(join(repo, '.git')).split('\n').filter((l) => l === '.nanocode.log')).toHaveLength(1);

  git(repo, 'commit', '-q', '--allow-empty', '-m', 'first');
  const linked = join(tempDir('linked-'), 'wt');
  git(repo, 'worktree', 'add', '-q', linked);
  excludeFromGit(linked, 'other.log');
  expect(exclude(join(repo, '.git'))).toContain('other.log\n');
  writeFileSync(join(linked, 'other.log'), 'x\n');
  expect(git(linked, 'status', '--porcelain', '--untracked-files=all')).toBe('');
});

it('ignores a .git file naming a repository that does not claim the folder', () => {
  const victim = tempDir('victim-');
  git(victim, 'init', '-q');
  const before = exclude(join(victim, '.git'));
  const ws = tempDir('ws-');
  writeFileSync(join(ws, '.git'), `gitdir: ${join(victim, '.git')}\n`);
  excludeFromGit(ws, '.nanocode.log');
  expect(exclude(join(victim, '.git'))).toBe(before);
});
