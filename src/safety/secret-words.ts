// Whether a simple command names a secret place in its words: `cat
// ~/.ssh/id_rsa`, but also a relative path after `cd ~`, a glob or brace
// that reaches a secret (`~/.a?s/credentials`, `~/.{aws,x}/*`), a recursive
// reader given a folder that holds secrets (`grep -r key ~`), and another
// process's environment (`/proc/$PPID/environ`, `ps eww`). The analysis
// calls reading read-only; the gate still asks before credentials reach the model.
import { posix } from 'node:path';
import picomatch from 'picomatch';
import type { SimpleCommand } from './command-types.ts';
import { isInside, isSecretPath, type Places, secretRoots } from './places.ts';
import { expandBraces } from './shell-words.ts';

export interface SecretScope extends Places {
  /** Where the shell stands before the line runs. */
  shellCwd: string;
  sandboxed: boolean;
}

const GLOB = /[*?[]/;

export function touchesSecret(c: SimpleCommand, scope: SecretScope): boolean {
  if (!scope.sandboxed && c.name === 'ps' && c.args.some((a) => /^[a-zA-Z]*e[a-zA-Z]*$/.test(a))) return true; // BSD `e`: environments
  const recursive = readsFolders(c);
  const words = [...c.args, ...c.redirects.map((r) => r.value ?? r.target)];
  return words.some((word) => {
    if (/\$\{?NANOCODE_HOME\b/.test(word)) return true;
    if (/environ\b/.test(word) && (/(^|\/)proc\b/.test(word) || c.cwd === null || c.cwd.startsWith('/proc'))) return true;
    return expandBraces(word.replace(/^--?[\w-]+=/, '')).some((value) => {
      const path = absolute(value, c.cwd ?? scope.shellCwd, scope.home);
      if (!path) return false;
      if (!GLOB.test(path)) return isSecretPath(path, scope) || (recursive && holdsSecret(path, scope));
      return globReachesSecret(path, scope, recursive);
    });
  });
}

function absolute(value: string, cwd: string, home: string): string | undefined {
  const expanded = value.replace(/^(\$HOME|\$\{HOME\}|~)(?=\/|$)/, home);
  if (!expanded.startsWith('/') && !/^[\w.-]/.test(expanded)) return undefined;
  return posix.resolve(cwd, expanded);
}

/** A folder with a secret place below it (the home, `/`, ~/.config). */
function holdsSecret(path: string, places: Places): boolean {
  return secretRoots(places).some((root) => isInside(root, path));
}

/** A glob whose leading components can match a secret place, or a private key's name. */
function globReachesSecret(pattern: string, places: Places, recursive: boolean): boolean {
  const parts = pattern.split('/');
  const isName = picomatch(parts.at(-1)!, { dot: true });
  if (['id_rsa', 'id_ed25519', 'id_ecdsa', 'id_dsa'].some((key) => isName(key))) return true;
  return secretRoots(places).some((root) => {
    const rootParts = root.split('/');
    const depth = Math.min(parts.length, rootParts.length);
    const matches = picomatch(parts.slice(0, depth).join('/') || '/', { dot: true })(rootParts.slice(0, depth).join('/') || '/');
    // As deep as the secret or deeper: inside it. Shallower: a folder above it.
    return matches && (parts.length >= rootParts.length || recursive);
  });
}

/** Commands that read everything below a folder they are given. */
function readsFolders(c: SimpleCommand): boolean {
  const flags = c.args.filter((a) => /^-[a-zA-Z]+$/.test(a)).join('');
  switch (c.name) {
    case 'rg': case 'ag': case 'ack': case 'rsync': case 'tar': case 'zip': case '7z':
      return true;
    case 'find': // names alone are no secret; what it runs on them may read them
      return c.args.some((a) => /^-(exec|execdir|ok|okdir)$/.test(a));
    case 'grep': case 'egrep': case 'fgrep': case 'zgrep':
      return /[rR]/.test(flags) || c.args.some((a) => /^--(recursive|dereference-recursive|directories=recurse)$/.test(a));
    case 'cp': case 'scp': case 'diff':
      return /[rRa]/.test(flags) || c.args.includes('--recursive');
    default:
      return false;
  }
}
