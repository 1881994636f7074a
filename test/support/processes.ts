// Finds the processes a test started by an entry of their environment, which
// every descendant inherits: a shell nanocode left behind, a job it started in
// the background, or a `sleep` whose parent was killed, all carry it.
import { readdirSync, readFileSync } from 'node:fs';

/** PIDs (not this process) with an environment entry that matches, such as `TMPDIR=/x`. */
export function pidsWithEnv(matches: (entry: string) => boolean): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').some(matches)) pids.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** The command line of a process, for reports. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '(gone)';
  }
}

export function parentOf(pid: number): number | undefined {
  try {
    // The command name in parentheses may hold spaces; the fields after it do not.
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  } catch {
    return undefined;
  }
}

export function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
