// Shared checks for end-to-end scenarios: a temporary workspace with its
// session folder, polls with deadlines, and processes that must be gone.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectSlug } from '../../src/session/records.ts';
import { tempDir } from './cli.ts';

export interface Workspace {
  /** nanocode's folder (NANOCODE_HOME). */
  home: string;
  cwd: string;
  /** The session files of cwd, oldest first by name. */
  sessionFiles(): string[];
  /** The records of the newest session file, damaged lines left out. */
  records(): any[];
}

export function workspace(): Workspace {
  const home = tempDir('nanocode-home-');
  const cwd = tempDir();
  const dir = join(home, 'sessions', projectSlug(cwd));
  const sessionFiles = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(dir, f)) : []);
  const records = () => {
    const file = sessionFiles().at(-1);
    if (!file) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((l) => {
        try {
          return l.trim() ? [JSON.parse(l)] : [];
        } catch {
          return [];
        }
      });
  };
  return { home, cwd, sessionFiles, records };
}

/** Polls until `cond` holds; throws naming `what` after the deadline. */
export async function waitUntil(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** PIDs of processes whose command line starts with `name ` (start it with `exec -a name`). */
export function pidsOf(name: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `^${name}( |$)`], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Waits until no process named `name` is left; kills any that are, then fails. */
export async function expectGone(name: string, timeoutMs = 5_000): Promise<void> {
  try {
    await waitUntil(() => pidsOf(name).length === 0, `processes named ${name} to exit`, timeoutMs);
  } catch (err) {
    killAll(name);
    throw err;
  }
}

/** For afterEach/finally: leaves nothing behind even when a test fails. */
export function killAll(name: string): void {
  for (const pid of pidsOf(name)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** A name unique to this test process, for `exec -a` markers and the like. */
export const uniqueName = (label: string) => `nc-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
