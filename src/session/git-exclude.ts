// Keeps a file nanocode leaves in the working folder out of `git status`:
// one line in the repository's own info/exclude (local, never committed),
// added once. Found by looking upward, without spawning git, the way the
// sandbox finds it: a `.git` file's gitdir counts only if that repository
// claims the folder back (the file is workspace content anyone can write).
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findGit } from '../safety/sandbox-mounts.ts';

/** Best effort: outside a repository, or in a read-only one, nothing happens. */
export function excludeFromGit(cwd: string, name: string): void {
  const gitDir = findGit(cwd)?.commonDir;
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
