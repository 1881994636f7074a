// One long-lived bash per agent. Spawning a process for every command costs
// about 10 ms here (forking a large Node process), so commands are sent to
// a persistent shell instead.
//
// Output travels on the shell's fd 3, which the command never sees open: it
// runs with fd 3 closed and its stdout and stderr pointed at fd 3's pipe,
// and bash undoes those redirections when the command ends, whatever the
// command did to its own descriptors (`exec >/dev/null`, `exec 1>&-`). So the
// markers the shell prints before and after each command always arrive, and
// the next command starts with its output intact. The markers carry a random
// nonce: command output cannot forge them.
//
// When a command ends, whatever it left running is killed (leftovers.ts). A
// timeout or abort kills the shell too; the next command starts a fresh
// shell in the last known directory.
//
// In the OS sandbox (safety/sandbox.ts) the shell is bwrap's: killing bwrap
// ends its PID namespace and everything in it, and leftovers are killed from
// inside with `kill -9 -1`, which there reaches every process but the shell
// and the namespace's init, setsid daemons included.
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { killLeftovers, lastPid } from './leftovers.ts';

export interface ShellResult {
  /** Exit status; null when killed. */
  code: number | null;
  signal: string | null;
}

/** May return a promise to pause the shell's output until it resolves (backpressure). */
export type OnData = (chunk: Buffer) => void | Promise<void>;

interface Running {
  child: ChildProcess;
  begin: Buffer;
  end: Buffer;
  /** Set once the begin marker has arrived: output before it is stale. */
  begun: boolean;
  /** lastPid() when the command was sent. */
  since?: number;
  onData: OnData;
  done: (r: ShellResult) => void;
}

const CLOSE_INHERITED =
  'for __nc_fd in /proc/$$/fd/*; do __nc_fd=${__nc_fd##*/}; [ "$__nc_fd" -gt 3 ] && eval "exec $__nc_fd>&-"; done 2>/dev/null; unset __nc_fd\n';

/** How long a dead shell's output may stay open (held by a process that left the group). */
const DRAIN_MS = 1000;

/** Every shell with a live process, so all can be killed when nanocode ends. */
const live = new Set<Shell>();
let exitHooked = false;

/** How a shell is started: plain bash, or bash in the sandbox. */
export interface Launcher {
  spawn(options: SpawnOptions): ChildProcess;
  /** The shell has a PID namespace of its own. */
  sandboxed: boolean;
}

const plainBash: Launcher = { spawn: (options) => spawn('bash', ['--noprofile', '--norc'], options), sandboxed: false };

/** Kills every shell and everything their commands started (SIGTERM, SIGHUP, exit). */
export function killAllShells(): void {
  for (const shell of live) shell.kill();
}

export class Shell {
  private child?: ChildProcess;
  private running?: Running;
  private pending = Buffer.alloc(0);
  cwd: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly launcher: Launcher;

  constructor(cwd: string, env: NodeJS.ProcessEnv, launcher: Launcher = plainBash) {
    this.cwd = cwd;
    this.env = env;
    this.launcher = launcher;
  }

  run(command: string, onData: OnData): Promise<ShellResult> {
    const child = this.child ?? this.start();
    const nonce = randomBytes(12).toString('hex');
    // The command travels in a quoted here-document (read is a builtin: no
    // process, no temporary file) and runs through eval, so a syntax error
    // is reported without taking the shell down. Leftover jobs are disowned
    // (bash would report them "Killed" into the next command's output) and
    // killed once the end marker arrives. If fd 3 is beyond repair, the shell
    // exits with the command's status and the next command starts afresh.
    const script =
      `IFS= read -r -d '' __nc_cmd <<'NC_END_${nonce}'\n${command}\nNC_END_${nonce}\n` +
      `printf '\\036NC${nonce}+\\036' >&3; ` +
      'eval "$__nc_cmd" </dev/null >&3 2>&3 3>&-; __nc_s=$?; disown -a; ' +
      (this.launcher.sandboxed ? 'kill -9 -1 2>/dev/null; ' : '') +
      `printf '\\036NC${nonce}=%d\\037%s\\036' "$__nc_s" "$PWD" >&3 || exit "$__nc_s"\n`;
    this.pending = Buffer.alloc(0);
    this.hold(child, true);
    return new Promise((done) => {
      this.running = { child, begin: Buffer.from(`\x1eNC${nonce}+\x1e`), end: Buffer.from(`\x1eNC${nonce}=`), begun: false, since: lastPid(), onData, done };
      child.stdin!.write(script);
    });
  }

  /** Kills the shell and everything its commands started. */
  kill(): void {
    if (this.child?.pid) killShell(this.child.pid, this.running?.since);
  }

  private start(): ChildProcess {
    // fd 3 carries the output; the shell's own stdout and stderr (its
    // noise, a `set -x` trace of this wrapper) go nowhere.
    const child = this.launcher.spawn({
      cwd: nearestFolder(this.cwd),
      env: this.env,
      detached: true, // its own session and process group
      stdio: ['pipe', 'ignore', 'ignore', 'pipe'],
    });
    if (!exitHooked) process.once('exit', killAllShells);
    exitHooked = true;
    live.add(this);
    this.child = child;
    const out = child.stdio[3] as Readable;
    out.on('data', (d: Buffer) => {
      if (this.running?.child === child) this.onOutput(d);
    });
    child.stdin!.on('error', () => {}); // the shell may die with a write pending
    // Descriptors nanocode inherited without close-on-exec (from a terminal,
    // an IDE, a service manager) would reach every command, in the sandbox
    // too: the shell closes all but its stdin and fd 3 first.
    child.stdin!.write(CLOSE_INHERITED);
    // bash could not be started: the message is the output.
    child.on('error', (err) => this.ended(child, { code: 127, signal: null }, Buffer.from(`${err.message}\n`)));
    child.on('exit', () => {
      // The command ended the shell (exit, exec, a signal, or our kill). What
      // it left behind goes too; then the rest of its output is read.
      if (child.pid) killShell(child.pid, this.running?.child === child ? this.running.since : undefined);
      if (this.child === child) this.child = undefined;
      if (!out.closed) setTimeout(() => out.destroy(), DRAIN_MS).unref();
    });
    // After the exit and the end of its output.
    child.on('close', (code, signal) => this.ended(child, { code, signal }, this.running?.begun ? this.pending : undefined));
    return child;
  }

  private ended(child: ChildProcess, result: ShellResult, output?: Buffer): void {
    if (this.child === child) this.child = undefined;
    if (!this.child) live.delete(this);
    if (this.running?.child === child) this.finish(result, output);
  }

  private onOutput(data: Buffer): void {
    const r = this.running!;
    let buf = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    if (!r.begun) {
      // Anything before the begin marker was written by an earlier command's
      // leftovers before they were killed.
      const at = buf.indexOf(r.begin);
      if (at === -1) {
        this.pending = Buffer.from(buf.subarray(Math.max(0, buf.length - r.begin.length + 1)));
        return;
      }
      r.begun = true;
      buf = buf.subarray(at + r.begin.length);
    }
    const at = buf.indexOf(r.end);
    if (at === -1) {
      // Hold back only what could be the start of a marker split across chunks.
      let keep = Math.min(buf.length, r.end.length - 1);
      while (keep > 0 && !buf.subarray(buf.length - keep).equals(r.end.subarray(0, keep))) keep--;
      const safe = buf.length - keep;
      if (safe > 0) this.emit(buf.subarray(0, safe));
      this.pending = Buffer.from(buf.subarray(safe));
      return;
    }
    if (at > 0) this.emit(buf.subarray(0, at));
    const rest = buf.subarray(at + r.end.length);
    const m = /^(\d+)\x1f([^\x1e]*)\x1e/.exec(rest.toString('utf8'));
    if (!m) {
      // The status and directory have not fully arrived yet.
      this.pending = Buffer.from(buf.subarray(at));
      return;
    }
    this.pending = Buffer.alloc(0);
    this.cwd = m[2] || this.cwd;
    if (r.child.pid) killLeftovers(r.child.pid, r.since);
    this.finish({ code: Number(m[1]), signal: null });
  }

  /** Passes output on, pausing the shell while the consumer catches up. */
  private emit(chunk: Buffer): void {
    const wait = this.running?.onData(chunk);
    const out = this.running?.child.stdio[3] as Readable | undefined;
    if (wait && out) {
      out.pause();
      void wait.then(() => out.resume());
    }
  }

  /** An idle shell must not keep Node running; a busy one must. */
  private hold(child: ChildProcess, busy: boolean): void {
    for (const h of [child, child.stdin, child.stdio[3]] as Array<{ ref?(): void; unref?(): void } | null>) {
      if (busy) h?.ref?.();
      else h?.unref?.();
    }
  }

  private finish(result: ShellResult, leftover?: Buffer): void {
    const r = this.running;
    if (!r) return;
    this.running = undefined;
    if (this.child) this.hold(this.child, false);
    if (leftover?.length) r.onData(leftover);
    r.done(result);
  }
}

/** Kills the shell's process group at once, then what its commands moved to other groups. */
function killShell(pid: number, since?: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
  killLeftovers(pid, since);
}

/** The folder, or its nearest parent that still exists (a command may delete the folder it was in). */
function nearestFolder(dir: string): string {
  while (dirname(dir) !== dir && !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) dir = dirname(dir);
  return dir;
}
