// Keeps a file nanocode leaves in the working folder out of `git status`:
// one line in the repository's own info/exclude (local, never committed),
// added once. Found by looking upward, without spawning git.
import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Best effort: outside a repository, or in a read-only one, nothing happens. */
export function excludeFromGit(cwd: string, name: string): void {
  const gitDir = commonGitDir(cwd);
  if (!gitDir) return;
  const file = join(gitDir, 'info', 'exclude');
  try {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      mkdirSync(dirname(file), { recursive: true });
    }
    if (text.split('\n').some((line) => line.trim() === name)) return;
    appendFileSync(file, `${text && !text.endsWith('\n') ? '\n' : ''}${name}\n`);
  } catch {
    // The file then just shows as untracked.
  }
}

/** The repository's .git folder; for a linked worktree, the main repository's (git reads info/exclude there). */
function commonGitDir(cwd: string): string | undefined {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    try {
      if (statSync(dotGit).isDirectory()) return dotGit;
      // A worktree or a submodule: a file saying "gitdir: <path>".
      const gitDir = resolve(dir, /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1].trim() ?? '.git');
      try {
        return resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
      } catch {
        return gitDir;
      }
    } catch {
      // no .git here
    }
    if (dirname(dir) === dir) return undefined;
  }
}
