// The folders that project files (context files, SYSTEM.md, skills) are
// looked for in: from the working directory up to the repository root, or up
// to the filesystem root outside a repository. Used by agent/ too, which may
// import downwards; skills/ may not import sideways from config/.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Real paths, so a symlinked working directory finds the same files as its target. */
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** The working directory first, the repository (or filesystem) root last. */
export function ancestors(cwd: string): string[] {
  const dirs: string[] = [];
  for (let dir = real(cwd); ; dir = dirname(dir)) {
    dirs.push(dir);
    // `.git` is a folder in a clone, a file in a worktree or submodule.
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return dirs;
  }
}
