// One long-lived bash per agent. Spawning a process for every command costs
// about 10 ms here (forking a large Node process), so commands are sent to
// a persistent shell instead. Each command gets empty
// stdin and merged output; when it ends, its background jobs are killed and
// a marker reports the exit status and directory. A timeout or abort kills
// the shell's whole process group; the next command starts a fresh shell in
// the last known directory.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ShellResult {
  /** Exit status; null when killed. */
  code: number | null;
  signal: string | null;
}

/** May return a promise to pause the shell's output until it resolves (backpressure). */
export type OnData = (chunk: Buffer) => void | Promise<void>;

interface Running {
  marker: Buffer;
  onData: OnData;
  done: (r: ShellResult) => void;
}

export class Shell {
  private child?: ChildProcess;
  private running?: Running;
  private pending = Buffer.alloc(0);
  cwd: string;
  private readonly env: NodeJS.ProcessEnv;
  /** Where the shell lists a command's leftover background jobs. */
  private readonly jobsFile = join(tmpdir(), `nanocode-jobs-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);

  constructor(cwd: string, env: NodeJS.ProcessEnv) {
    this.cwd = cwd;
    this.env = env;
    process.once('exit', () => this.close());
  }

  run(command: string, onData: OnData): Promise<ShellResult> {
    const child = this.child ?? this.start();
    const nonce = Math.random().toString(36).slice(2, 10);
    const marker = Buffer.from(`\x1eNC${nonce}\x1e`);
    // The command travels in a quoted here-document (read is a builtin: no
    // process, no temporary file) and runs through eval, so a syntax error
    // is reported without taking the shell down.
    const heredoc = `IFS= read -r -d '' __nc_cmd <<'NC_END_${nonce}'\n${command}\nNC_END_${nonce}\n`;
    const script = [
      'eval "$__nc_cmd" < /dev/null 2>&1',
      '__nc_s=$?',
      // Builtins only: a $(jobs -p) would fork a subshell every time.
      `jobs -p > ${JSON.stringify(this.jobsFile)}`,
      `while read -r __nc_p; do kill -9 "$__nc_p"; wait "$__nc_p"; done < ${JSON.stringify(this.jobsFile)} 2>/dev/null`,
      `printf '\\036NC${nonce}\\036%d\\036%s\\036' "$__nc_s" "$PWD"`,
    ].join('; ');
    this.hold(child, true);
    return new Promise((done) => {
      this.running = { marker, onData, done };
      child.stdin!.write(`${heredoc}${script}\n`);
    });
  }

  /** Kills the shell and everything it started. */
  kill(): void {
    const pid = this.child?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  close(): void {
    this.kill();
    rmSync(this.jobsFile, { force: true });
  }

  private start(): ChildProcess {
    const child = spawn('bash', ['--noprofile', '--norc'], {
      cwd: this.cwd,
      env: this.env,
      detached: true, // its own process group, killed as one
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    this.pending = Buffer.alloc(0);
    child.stdout!.on('data', (d: Buffer) => this.onStdout(d));
    child.stderr!.on('data', (d: Buffer) => this.emit(d));
    child.stdin!.on('error', () => {}); // the shell may die with a write pending
    child.on('error', (err) => this.finish({ code: 127, signal: null }, Buffer.from(`${err.message}\n`)));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      // The command ended the shell (exit, a signal, or our kill).
      this.finish({ code, signal }, this.pending);
    });
    return child;
  }

  private onStdout(data: Buffer): void {
    const r = this.running;
    if (!r) return;
    const buf = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    const at = buf.indexOf(r.marker);
    if (at === -1) {
      // Hold back only what could be the start of a marker split across chunks.
      let keep = Math.min(buf.length, r.marker.length - 1);
      while (keep > 0 && !buf.subarray(buf.length - keep).equals(r.marker.subarray(0, keep))) keep--;
      const safe = buf.length - keep;
      if (safe > 0) this.emit(buf.subarray(0, safe));
      this.pending = Buffer.from(buf.subarray(safe));
      return;
    }
    const rest = buf.subarray(at + r.marker.length).toString('utf8');
    const m = /^(\d+)\x1e([^\x1e]*)\x1e/.exec(rest);
    if (!m) {
      // The status and directory have not fully arrived yet.
      if (at > 0) this.emit(buf.subarray(0, at));
      this.pending = Buffer.from(buf.subarray(at));
      return;
    }
    if (at > 0) this.emit(buf.subarray(0, at));
    this.pending = Buffer.alloc(0);
    this.cwd = m[2] || this.cwd;
    this.finish({ code: Number(m[1]), signal: null });
  }

  /** Passes output on, pausing the shell while the consumer catches up. */
  private emit(chunk: Buffer): void {
    const wait = this.running?.onData(chunk);
    const out = this.child?.stdout;
    if (wait && out) {
      out.pause();
      void wait.then(() => out.resume());
    }
  }

  /** An idle shell must not keep Node running; a busy one must. */
  private hold(child: ChildProcess, busy: boolean): void {
    for (const h of [child, child.stdin, child.stdout, child.stderr] as Array<{ ref?(): void; unref?(): void } | null>) {
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
