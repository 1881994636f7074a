// Builds the binary from the current source before the tests run it, and
// gives the whole run one temporary root that is removed afterwards.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLine, killPids, parentOf, pidsWithEnv } from './processes.ts';

export default function setup() {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const root = mkdtempSync(join(tmpdir(), 'nanocode-tests-'));
  process.env.NANOCODE_TEST_TMP = root;
  // Tools run inside the test process spill their output here too, not in /tmp.
  process.env.TMPDIR = root;
  return () => {
    reportLeftovers(root);
    rmSync(root, { recursive: true, force: true });
  };
}

/**
 * Every test kills what it started (test/support/cli.ts); a process that still
 * runs with an environment under the root escaped that. Say which, and end it.
 */
function reportLeftovers(root: string): void {
  const underRoot = (entry: string) => entry.startsWith(`TMPDIR=${root}`) || entry.startsWith(`HOME=${root}`);
  const pids = pidsWithEnv(underRoot).filter((pid) => parentOf(pid) !== process.pid); // not vitest's own workers
  if (!pids.length) return;
  console.warn(`\nnanocode tests left ${pids.length} process(es) running; killing them:\n${pids.map((p) => `  ${p} ${commandLine(p)}`).join('\n')}`);
  killPids(pids);
}
