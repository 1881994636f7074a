// What the sandbox hides from reading: the places whose reading the gate
// asks about (places.ts: ~/.ssh, ~/.aws, tokens of gh, npm, docker, other
// agents' logins) and nanocode's own folder (settings, trust, every
// session's transcript). The gate sees only the command line; a script, a
// Makefile or `npm test` it lets run could read them all. Folders become an
// empty read-only tmpfs, files /dev/null; nanocode's skills stay readable,
// since a skill may tell the model to run its scripts.
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HOME_SECRETS, isInside } from './places.ts';

export interface Hidden {
  path: string;
  kind: 'dir' | 'file';
  /** Folders inside it shown again, read-only. */
  keep: string[];
}

/**
 * The existing secret places, as real paths (`real` resolves links), outermost
 * first. `home` is the user's; none that holds the workspace or the temp folder.
 */
export function hiddenPaths(o: { home?: string; nanocodeHome: string; open: string[] }, real: (path: string) => string): Hidden[] {
  const home = real(o.home ?? homedir());
  const nanocodeHome = real(o.nanocodeHome);
  const candidates = [...new Set([...HOME_SECRETS.map((s) => real(join(home, s))), nanocodeHome])].sort((a, b) => a.length - b.length);
  const hidden: Hidden[] = [];
  for (const path of candidates) {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st || (!st.isDirectory() && !st.isFile())) continue;
    if (o.open.some((p) => isInside(p, path)) || hidden.some((h) => isInside(path, h.path))) continue;
    const skills = join(path, 'skills');
    const keep = path === nanocodeHome && statSync(skills, { throwIfNoEntry: false })?.isDirectory() ? [skills] : [];
    hidden.push({ path, kind: st.isDirectory() ? 'dir' : 'file', keep });
  }
  return hidden;
}
