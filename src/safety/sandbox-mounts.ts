// What the sandbox may write, and what stays read-only inside that. The rest
// of the file system is read-only anyway; the work here is the exceptions
// inside the writable folders: the repository's hooks and config (a hook
// planted there runs, unsandboxed, at the user's next commit), the project's
// .nanocode/ and nanocode's own home (settings, sessions, trust).
import { lstatSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { type Hidden, hiddenPaths } from './sandbox-hidden.ts';

export interface MountSpec {
  /** The working folder: writable, except for the protected paths in it. */
  workspace: string;
  /** The temp folder (os.tmpdir()): writable. */
  tmp: string;
  /** nanocode's own folder (settings, sessions, trust): read-only, and hidden but for its skills. */
  nanocodeHome: string;
  /** The user's home, where the secret places are (os.homedir() unless given). */
  home?: string;
  /**
   * nanocode's own folders inside the writable ones (the spill folder in the
   * temp folder), read-only: a command that swapped one for a link would
   * have nanocode write its next file wherever the link points.
   */
  own?: string[];
}

export interface Mounts {
  /** Folders bound writable, outermost first. */
  writable: string[];
  /**
   * Folders between a writable root and a protected path, bound onto
   * themselves. A mount point cannot be renamed or removed (EBUSY), so
   * `mv .git x && mkdir -p .git/hooks` cannot sidestep the protection.
   */
  pinned: string[];
  /** Paths bound read-only on top, each of which exists. */
  readOnly: string[];
  /** Secret places, hidden on top of everything (sandbox-hidden.ts). */
  hidden: Hidden[];
}

interface Protected {
  path: string;
  /** What to create when it is missing, so it cannot be created later; none: only protect it if it exists. */
  missing: 'dir' | 'file' | 'none';
}

const inside = (path: string, root: string) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
const exists = (path: string) => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

/** The real path, also of a path that does not exist yet (its nearest existing ancestor resolved). */
function real(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(real(parent), basename(abs));
  }
}

interface Git {
  /** The `.git` entry found: a folder, or a file pointing elsewhere (worktrees, submodules). */
  dotGit: string;
  gitDir: string;
  /** Where objects, refs, config and hooks live; gitDir itself outside worktrees. */
  commonDir: string;
}

/**
 * The repository the workspace belongs to, found the way git finds it: the
 * nearest `.git` upwards. A `.git` file's redirection counts only when the
 * repository it names claims this folder back (see claimedBy): the file is
 * ordinary workspace content that a command or a cloned archive can write,
 * and its gitdir would otherwise pick which outside folder becomes writable.
 */
export function findGit(workspace: string): Git | undefined {
  for (let dir = workspace; ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    try {
      const st = lstatSync(dotGit);
      if (st.isDirectory()) return { dotGit, gitDir: dotGit, commonDir: dotGit };
      // A link to a repository: followed only within its own folder, where it was writable anyway.
      if (st.isSymbolicLink() && isDir(dotGit)) {
        const target = real(dotGit);
        return inside(target, dir) ? { dotGit: target, gitDir: target, commonDir: target } : undefined;
      }
      const m = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'));
      if (m) return claimedBy(dotGit, real(resolve(dir, m[1].trim())));
    } catch {
      // no .git here
    }
    if (dirname(dir) === dir) return undefined;
  }
}

const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile() === true;
const isDir = (path: string) => statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
const readText = (path: string) => (isFile(path) ? readFileSync(path, 'utf8').trim() : undefined);

/**
 * The repository a `.git` file points at, if that repository names this
 * worktree as its own: a worktree's `<common>/worktrees/<name>/gitdir` names
 * the `.git` file, a submodule's `core.worktree` names its folder. Writing
 * either needs write access to that repository already.
 */
function claimedBy(dotGit: string, gitDir: string): Git | undefined {
  if (!isFile(join(gitDir, 'HEAD'))) return undefined;
  const common = readText(join(gitDir, 'commondir'));
  if (common !== undefined) {
    const commonDir = real(resolve(gitDir, common));
    const isRepo = isDir(join(commonDir, 'objects')) && isDir(join(commonDir, 'refs'));
    const back = readText(join(gitDir, 'gitdir'));
    const claims = back !== undefined && real(resolve(gitDir, back)) === real(dotGit);
    return isRepo && dirname(gitDir) === join(commonDir, 'worktrees') && claims ? { dotGit, gitDir, commonDir } : undefined;
  }
  const worktree = /^\s*worktree\s*=\s*(.+?)\s*$/m.exec(readText(join(gitDir, 'config')) ?? '')?.[1];
  const claims = worktree !== undefined && real(resolve(gitDir, worktree)) === real(dirname(dotGit));
  return claims && isDir(join(gitDir, 'objects')) ? { dotGit, gitDir, commonDir: gitDir } : undefined;
}

/**
 * Files that must not appear in the repository while commands run, since no
 * mount can stop their creation without stopping git's own writes beside
 * them: `commondir` in a repository's own .git folder makes git, outside the
 * sandbox too, read config (core.fsmonitor, filters: code that runs on
 * `git status`) from wherever it points. The caller removes what it finds.
 */
export function forbiddenPaths(workspace: string): string[] {
  const git = findGit(real(workspace));
  // A worktree's commondir is legitimate, and protected instead.
  return git && git.gitDir === git.commonDir ? [join(git.gitDir, 'commondir')] : [];
}

function protectedPaths(workspace: string, nanocodeHome: string, git: Git | undefined): Protected[] {
  const list: Protected[] = [
    { path: join(workspace, '.nanocode'), missing: 'dir' },
    { path: nanocodeHome, missing: 'dir' },
  ];
  if (!git) return list;
  list.push(
    { path: join(git.commonDir, 'hooks'), missing: 'dir' },
    { path: join(git.commonDir, 'config'), missing: 'file' },
    // Read only when the protected config enables them, so only kept as they are.
    { path: join(git.commonDir, 'config.worktree'), missing: 'none' },
    { path: join(git.gitDir, 'config.worktree'), missing: 'none' },
  );
  if (git.dotGit !== git.gitDir) {
    // Redirections: rewritten, they would point git at a repository with other hooks.
    list.push({ path: git.dotGit, missing: 'none' }, { path: join(git.gitDir, 'commondir'), missing: 'none' });
  }
  return list;
}

/**
 * Works out the bind mounts for a workspace. Creates protected paths that are
 * missing but could be created inside a writable folder (an empty
 * `.nanocode/`, `.git/hooks/`, nanocode's home): bwrap needs something to
 * mount on, and an empty folder is what the sandbox would otherwise create.
 */
export function sandboxMounts(spec: MountSpec): Mounts {
  const workspace = real(spec.workspace);
  const git = findGit(workspace);
  // A repository above the workspace, or a worktree's, must stay writable for git add/commit.
  const roots = [real(spec.tmp), workspace, ...(git ? [git.gitDir, git.commonDir] : [])];
  const writable = [...new Set(roots)]
    .sort((a, b) => a.length - b.length)
    .filter((root, i, all) => !all.slice(0, i).some((outer) => inside(root, outer)));

  const wanted = [...protectedPaths(workspace, real(spec.nanocodeHome), git), ...(spec.own ?? []).map((path) => ({ path: real(path), missing: 'none' as const }))];
  // A path inside another protected path is read-only already.
  const protect = wanted.filter((p) => !wanted.some((q) => q !== p && q.path !== p.path && inside(p.path, q.path)));
  const pinned = new Set<string>();
  const readOnly = new Set<string>();
  for (const { path, missing } of protect) {
    // The innermost mount it lies in: every folder between that and the path gets pinned.
    const root = writable.filter((r) => inside(path, r)).at(-1);
    if (!root) continue; // outside every writable folder: read-only with the rest
    if (!exists(path)) {
      if (missing === 'none') continue;
      if (missing === 'dir') mkdirSync(path, { recursive: true });
      else {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, '', { flag: 'a' });
      }
    }
    const parts = relative(root, path).split(sep).slice(0, -1);
    parts.forEach((_, i) => pinned.add(join(root, ...parts.slice(0, i + 1))));
    readOnly.add(path);
  }
  const byDepth = (paths: Iterable<string>) => [...paths].sort((a, b) => a.length - b.length);
  const hidden = hiddenPaths({ home: spec.home, nanocodeHome: spec.nanocodeHome, open: writable }, real);
  return { writable, pinned: byDepth([...pinned].filter((p) => !readOnly.has(p))), readOnly: byDepth(readOnly), hidden };
}
