// Where a path lies, for the permission defaults: inside the workspace, in a
// secret place (credentials, nanocode's own config), or in the workspace's
// protected machinery (what the sandbox keeps read-only). Paths are absolute;
// the caller resolves symlinks first, so a link cannot stand in for its target.
import { basename, isAbsolute, relative, resolve } from 'node:path';

export interface Places {
  home: string;
  /** The workspace: the working folder the session runs in. */
  cwd: string;
  /** nanocode's own folder (~/.nanocode or $NANOCODE_HOME). */
  nanocodeHome: string;
}

/** True when `path` is `dir` or below it, after folding `..`. */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !isAbsolute(rel));
}

/** Credentials under the home: folders and files whose contents log in somewhere. */
export const HOME_SECRETS = [
  '.ssh',
  '.aws',
  '.gnupg',
  '.config/gh',
  '.config/hub',
  '.config/gcloud',
  '.config/git/credentials',
  '.azure',
  '.kube/config',
  '.docker/config.json',
  '.netrc',
  '.npmrc',
  '.pypirc',
  '.git-credentials',
  '.cargo/credentials',
  '.cargo/credentials.toml',
  '.gem/credentials',
  '.terraform.d/credentials.tfrc.json',
  '.vault-token',
  '.pgpass',
  '.password-store',
  // Other agents' logins; nanocode itself reads OpenCode's.
  '.local/share/opencode/auth.json',
  '.claude/.credentials.json',
  '.codex/auth.json',
];

/** Private keys by their usual names, wherever they are. */
const KEY_FILE = /^id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/;
/** `.env`, `.env.local`, `.env.production`, ... but not the checked-in templates. */
const DOTENV = /^\.env(\.(?!example$|sample$|template$)[\w.-]+)?$/;

/** The secret places that are folders or files of their own: the home's credentials and nanocode's folder. */
export function secretRoots(places: Places): string[] {
  return [resolve(places.nanocodeHome), ...HOME_SECRETS.map((s) => resolve(places.home, s))];
}

export function isSecretPath(path: string, places: Places): boolean {
  const p = resolve(path);
  if (isInside(p, places.nanocodeHome)) return true;
  if (HOME_SECRETS.some((s) => isInside(p, resolve(places.home, s)))) return true;
  // Another process's environment holds its keys (nanocode's own through /proc/$PPID).
  if (/^\/proc\/[^/]+\/environ$/.test(p)) return true;
  const name = basename(p);
  if (KEY_FILE.test(name)) return true;
  // A project's own .env is part of the work; other folders' are someone's secrets.
  return DOTENV.test(name) && !isInside(p, places.cwd);
}

/**
 * Inside the workspace but not ordinary work: git hooks and config run code
 * on the person's next git command, and .nanocode/ holds the project's rules.
 * The same places the sandbox keeps read-only.
 */
export function isProtectedPath(path: string, workspace: string): boolean {
  if (!isInside(path, workspace)) return false;
  const rel = relative(resolve(workspace), resolve(path));
  const under = (dir: string) => rel === dir || rel.startsWith(`${dir}/`);
  return under('.git/hooks') || rel === '.git/config' || under('.nanocode');
}
