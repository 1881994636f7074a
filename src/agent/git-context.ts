// A snapshot of the repository state for the first user message, so the
// model starts knowing what is modified.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ContextPart } from '../protocol/messages.ts';
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

/** Looks for .git upward first: spawning git outside a repository is wasted startup time. */
function inRepository(dir: string): boolean {
  for (;;) {
    if (existsSync(join(dir, '.git'))) return true;
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

/** Undefined outside a git repository, or when `signal` ends it first (the agent closed). */
export async function gitContext(cwd: string, signal?: AbortSignal): Promise<ContextPart | undefined> {
  if (!inRepository(cwd)) return undefined;
  const [status, diff] = await Promise.all([git(cwd, ['status', '--short', ...PATHS], signal), git(cwd, ['diff', '--stat', 'HEAD', ...PATHS], signal)]);
  if (status === undefined) return undefined;
  const text = [
    '<git>',
    `$ git status --short\n${clip(status.trimEnd()) || '(clean)'}`,
    ...(diff?.trim() ? [`$ git diff --stat HEAD\n${clip(diff.trimEnd())}`] : []),
    '</git>',
  ].join('\n');
  return { kind: 'git', text };
}
