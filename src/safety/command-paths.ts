// Where a path argument of a command points: the workspace root, inside it,
// outside it, a device, or unknown (computed, or relative to a folder that
// only running the command would tell). A path inside the workspace is
// followed through the symlinks that exist (`ln -s ~ home`, or a link a
// cloned repository holds): without a sandbox, nothing else would notice
// that `home/.bashrc` is outside.
import { realpathSync } from 'node:fs';
import { posix } from 'node:path';
import type { PathJudgement, Place } from './command-types.ts';

export interface PathScope {
  /** The folder the command runs in; null after a `cd` to a computed place. */
  cwd: string | null;
  home: string;
  workspace: string;
}

/** Devices a command may write to without harm. */
const HARMLESS_DEVICES = /^\/dev\/(null|zero|full|stdout|stderr|stdin|tty|fd\/\d+)$/;

const GLOB = /[*?[]/;

/** A path component that matches everything in its folder: `*`, `.*`, `.[!.]*`, `*.*`… */
/** (only wildcards and classes, and perhaps a leading dot: `?*`, `[a-z]*`, `.[!.]*`) */
const EVERYTHING = /^(\.?(\*|\?|\[[^\]/]*\])*\*(\.\*+)?|\.\?\?\*|\.\.\?\*)$/;

/** Worst first: the order in which a judgement of several paths reports them. */
const BADNESS: Place[] = ['device', 'unknown', 'outside', 'root', 'inside', 'harmless-device'];

export function worstPlace(judgements: PathJudgement[]): PathJudgement {
  return [...judgements].sort((a, b) => BADNESS.indexOf(a.place) - BADNESS.indexOf(b.place))[0] ?? { place: 'inside' };
}

/** Expands `~`, `~/…`, a relative path and `..`; null when it cannot be known. */
export function expandPath(value: string, scope: PathScope): string | null {
  let path = value;
  if (path === '~' || path.startsWith('~/')) path = scope.home + path.slice(1);
  else if (path.startsWith('~')) return null; // ~user, ~+, ~-: someone else's home or the shell's stacks
  if (!path.startsWith('/')) {
    if (scope.cwd === null) return null;
    path = posix.join(scope.cwd, path);
  }
  return posix.normalize(path).replace(/(.)\/$/, '$1');
}

export function judgePath(value: string | null, scope: PathScope): PathJudgement {
  if (value === null || value === '') return { place: 'unknown' };
  const expanded = expandPath(value, scope);
  if (expanded === null) return { place: 'unknown' };
  const { path, child } = globFolder(expanded);
  if (!child && HARMLESS_DEVICES.test(path)) return { place: 'harmless-device', path };
  if (/^\/(dev|proc|sys)(\/|$)/.test(path)) return { place: 'device', path };
  const ws = scope.workspace;
  const git = path === `${ws}/.git` || path.startsWith(`${ws}/.git/`);
  if (path !== ws && !isWithin(path, ws)) return { place: 'outside', path };
  const real = followLinks(path);
  const realWs = followLinks(ws);
  if (real !== realWs && !isWithin(real, realWs)) return { place: 'outside', path: real };
  if (path === ws) return { place: child ? 'inside' : 'root', path };
  return { place: 'inside', path, ...(git && { git }) };
}

/** The path with the symlinks of its existing part resolved; the part that does not exist yet is kept. */
function followLinks(path: string): string {
  const missing: string[] = [];
  for (let p = path; ; p = posix.dirname(p)) {
    try {
      return posix.join(realpathSync(p), ...missing);
    } catch {
      if (p === '/') return path;
      missing.unshift(posix.basename(p));
    }
  }
}

export function isWithin(path: string, folder: string): boolean {
  return folder === '/' || path.startsWith(`${folder}/`);
}

/**
 * A glob stands for the folder it searches: `dir/*` for dir itself (it takes
 * everything in it), `dir/*.o` for something inside dir.
 */
function globFolder(path: string): { path: string; child: boolean } {
  const parts = path.split('/');
  const at = parts.findIndex((part) => GLOB.test(part));
  if (at < 0) return { path, child: false };
  const folder = parts.slice(0, at).join('/') || '/';
  const everything = at === parts.length - 1 && EVERYTHING.test(parts[at]!);
  return { path: folder, child: !everything };
}
