// Kills what a command left running (background jobs, their children,
// daemons that did not call setsid) while its shell lives on. The shell is
// started in a session of its own, and every process a command starts stays
// in that session, even in another process group (`set -m`, a nested job
// control shell); only setsid leaves it. A kill of the shell's process group
// would take the shell with it and miss those other groups, so the members
// are found and killed one by one. On Linux /proc is read directly (no
// process spawned), and only PIDs handed out since the command began are
// looked at: the cost follows what the command started, not how busy the
// machine is.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';

const linux = process.platform === 'linux';
/** Enough rounds to catch children forked while their parents were being killed. */
const MAX_ROUNDS = 10;

/** The PID the kernel handed out last (Linux), or undefined where that is not known. */
export function lastPid(): number | undefined {
  if (!linux) return undefined;
  try {
    // "0.10 0.20 0.30 1/123 4567": the last field is the last PID.
    const last = Number(readFileSync('/proc/loadavg', 'latin1').trim().split(' ').at(-1));
    return Number.isInteger(last) && last > 0 ? last : undefined;
  } catch {
    return undefined;
  }
}

/**
 * SIGKILLs every process in the session of the shell `shell` (its session
 * leader) but the shell itself, round after round until none is left.
 * `since` (lastPid() before the command began) limits the search to newer PIDs.
 */
export function killLeftovers(shell: number, since?: number): void {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const pids = members(shell, since).filter((pid) => pid !== shell);
    if (!pids.length) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
}

/** Live (not zombie) processes in session `sid` (elsewhere than Linux: in process group `sid`). */
function members(sid: number, since: number | undefined): number[] {
  if (!linux) return psMembers(sid);
  const until = lastPid();
  // PIDs wrap around at pid_max: newer ones are above `since` or, after a wrap, at most `until`.
  const wrapped = since !== undefined && until !== undefined && until < since;
  const isNew = (pid: number) => since === undefined || until === undefined || (wrapped ? pid > since || pid <= until : pid > since && pid <= until);
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || !isNew(pid)) continue;
    const stat = procStat(pid);
    // After the command name, in parentheses: state, ppid, pgrp, session, ...
    const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields && fields[0] !== 'Z' && Number(fields[3]) === sid) found.push(pid);
  }
  return found;
}

const statBuffer = Buffer.alloc(1024);

function procStat(pid: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(`/proc/${pid}/stat`, 'r');
    return statBuffer.toString('latin1', 0, readSync(fd, statBuffer, 0, statBuffer.length, 0));
  } catch {
    return undefined; // exited meanwhile
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Elsewhere (macOS, BSD): ask ps for the process group, as sessions are not listed portably. */
function psMembers(pgid: number): number[] {
  try {
    const out = execFileSync('ps', ['-A', '-o', 'pid=', '-o', 'pgid=', '-o', 'stat='], { encoding: 'utf8' });
    return out
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([, group, state]) => Number(group) === pgid && !state?.startsWith('Z'))
      .map(([pid]) => Number(pid));
  } catch {
    return [];
  }
}
