// Drives `nanocode --mode rpc` as a program would: commands written to its
// stdin as they are needed, every stdout line parsed as it arrives.
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, baseEnv, killAfterwards, tempDir } from './cli.ts';
import { waitUntil } from './scenario.ts';

export interface RpcProcess {
  child: ChildProcess;
  /** Its environment: every process it starts carries its TMPDIR. */
  env: NodeJS.ProcessEnv;
  /** Every stdout line so far, parsed; a line that is not JSON is kept as `{ notJson: line }`. */
  lines: any[];
  /** Writes each command as one line: an object as JSON, a string as it is. */
  send(...commands: Array<object | string>): void;
  /** The first line from index `from` on that matches; waits for it. */
  waitFor(match: (line: any) => boolean, what: string, from?: number): Promise<any>;
  /** The response to the command with this id; waits for it. */
  reply(id: string | number): Promise<any>;
  /** Ends stdin (EOF). */
  end(): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export function startRpc(env: Record<string, string | undefined>, opts: { cwd?: string; timeoutMs?: number } = {}): RpcProcess {
  const full = baseEnv(env);
  killAfterwards(full);
  const child = spawn(process.execPath, [BIN, '--mode', 'rpc'], { cwd: opts.cwd ?? tempDir(), env: full, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: any[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ notJson: line });
      }
    }
  });
  child.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    }),
  );
  const waitFor = async (match: (line: any) => boolean, what: string, from = 0) => {
    const found = () => lines.slice(from).find(match);
    try {
      await waitUntil(() => found() !== undefined, what);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nstdout:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nstderr:\n${stderr}`);
    }
    return found();
  };
  return {
    child,
    env: full,
    lines,
    send: (...commands) => child.stdin!.write(commands.map((c) => `${typeof c === 'string' ? c : JSON.stringify(c)}\n`).join('')),
    waitFor,
    reply: (id) => waitFor((l) => l.type === 'response' && l.id === id, `the response to command ${id}`),
    end: () => child.stdin!.end(),
    exited,
  };
}
