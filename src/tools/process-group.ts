// Kills what a command left running in its shell's process group (background
// jobs, their children, daemons that did not call setsid) while the shell
// itself lives on. Without job control every process a command starts stays
// in the shell's group, so the group is the complete list; but a kill of the
// whole group would take the shell with it, so the members are found and
// killed one by one. On Linux /proc is read directly (no process spawned),
// and only PIDs handed out since the command began are looked at: the cost
// follows what the command started, not how busy the machine is.
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
 * SIGKILLs every process of group `pgid` except `keep`, round after round
 * until none is left. `since` (from lastPid before the command began) limits
 * the search to newer PIDs.
 */
export function killGroupExcept(pgid: number, keep: number, since?: number): void {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const pids = members(pgid, since).filter((pid) => pid !== keep);
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

/** Live (not zombie) processes in group `pgid`. */
function members(pgid: number, since: number | undefined): number[] {
  if (!linux) return psMembers(pgid);
  const until = lastPid();
  // PIDs wrap around at pid_max: newer ones are above `since` or, after a wrap, at most `until`.
  const wrapped = since !== undefined && until !== undefined && until < since;
  const isNew = (pid: number) => since === undefined || until === undefined || (wrapped ? pid > since || pid <= until : pid > since && pid <= until);
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || !isNew(pid)) continue;
    const stat = procStat(pid);
    // After the command name, in parentheses: state, ppid, pgrp, ...
    const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields && fields[0] !== 'Z' && Number(fields[2]) === pgid) found.push(pid);
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

/** Elsewhere (macOS, BSD): ask ps. */
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
