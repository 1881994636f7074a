// A snapshot of the repository state for the first user message, so the
// model starts knowing what is modified.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContextPart } from '../protocol/messages.ts';
import { findGit } from '../safety/sandbox-mounts.ts';
import { LOG_NAME } from '../session/command-log.ts';

const MAX_CHARS = 2000;
/** The whole repository, but not nanocode's own command log. */
const PATHS = ['--', ':/', `:(top,exclude,glob)**/${LOG_NAME}`];

function git(cwd: string, args: string[], signal?: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 3000, maxBuffer: 1 << 20, signal }, (err, stdout) => resolve(err ? undefined : stdout));
  });
}

function clip(text: string): string {
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}\n[... ${text.length - MAX_CHARS} more characters]` : text;
}

/**
 * Whether git may run in the repository, judged from its config read as text.
 * This runs outside any sandbox and before the folder is trusted, so config
 * a project brings along (an archive's .git/config) or a command planted
 * must not make `git status` run code: core.fsmonitor (also overridden
 * below), filter and diff drivers, includes, or a commondir in a
 * repository's own .git (see safety/sandbox-mounts.ts). A plain-text check
 * that errs on the safe side: such a repository just gets no snapshot.
 */
function safeRepository(cwd: string): boolean {
  const repo = findGit(cwd);
  if (!repo) return false;
  if (repo.gitDir === repo.commonDir && existsSync(join(repo.gitDir, 'commondir'))) return false;
  try {
    const config = [join(repo.commonDir, 'config'), join(repo.gitDir, 'config.worktree')].map((f) => (existsSync(f) ? readFileSync(f, 'utf8') : '')).join('\n');
    return !/fsmonitor|filter|textconv|external|command|include/i.test(config);
  } catch {
    return false;
  }
}

/** Undefined outside a git repository, or when `signal` ends it first (the agent closed). */
export async function gitContext(cwd: string, signal?: AbortSignal): Promise<ContextPart | undefined> {
  if (!safeRepository(cwd)) return undefined;
  const safe = ['-c', 'core.fsmonitor=false'];
  const [status, diff] = await Promise.all([
    git(cwd, [...safe, 'status', '--short', '--ignore-submodules=all', ...PATHS], signal),
    git(cwd, [...safe, 'diff', '--stat', '--no-ext-diff', '--no-textconv', '--ignore-submodules=all', 'HEAD', ...PATHS], signal),
  ]);
  if (status === undefined) return undefined;
  const text = [
    '<git>',
    `$ git status --short\n${clip(status.trimEnd()) || '(clean)'}`,
    ...(diff?.trim() ? [`$ git diff --stat HEAD\n${clip(diff.trimEnd())}`] : []),
    '</git>',
  ].join('\n');
  return { kind: 'git', text };
}
