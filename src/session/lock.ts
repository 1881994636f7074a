// An advisory lock per session file, so two processes never append to the
// same one: <file>.lock holds the owner's PID. It is created whole (written
// aside, then hard-linked into place, which fails if it exists), so a reader
// never sees it empty. A lock whose process is gone (kill -9, a crash) is
// stale and taken over.
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/** Lock files this process holds: removed when it exits, however it exits. */
const held = new Set<string>();
process.on('exit', () => {
  for (const path of held) remove(path);
});

export interface Lock {
  release(): void;
}

/**
 * Takes the lock of `file`, or says which live process holds it. A lock that
 * cannot be created at all (an unwritable folder) is not held against anyone:
 * writing the session will fail and say so.
 */
export function lockFile(file: string): Lock | { heldBy: number } {
  const path = `${file}.lock`;
  const mine = `${path}.${process.pid}`;
  try {
    writeFileSync(mine, `${process.pid}\n`, { mode: 0o600 });
  } catch {
    return { release() {} };
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(mine, path);
        held.add(path);
        return {
          release() {
            if (held.delete(path)) remove(path);
          },
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return { release() {} };
      }
      const owner = ownerOf(path);
      if (owner !== undefined && alive(owner, path)) return { heldBy: owner };
      remove(path); // stale
    }
    return { heldBy: ownerOf(path) ?? 0 };
  } finally {
    remove(mine);
  }
}

/** A lock file that cannot be removed (the folder became unwritable) is stale once we are gone. */
function remove(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // left behind, harmlessly
  }
}

function ownerOf(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number, path: string): boolean {
  // Our own PID in a lock we do not hold: left by an earlier process that had it.
  if (pid === process.pid) return held.has(path);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
