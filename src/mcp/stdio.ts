// The stdio transport: the server runs as a child process speaking JSON-RPC
// lines on stdin and stdout. Unlike the SDK's own, it starts the server in a
// process group of its own, so closing it ends the server together with what
// the server started (`npx` runs the real server as a grandchild), and Ctrl-C
// at the terminal, which signals nanocode's group, leaves servers alone.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface StdioParams {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd: string;
}

/** The end of the server's stderr, kept for error reports. */
const STDERR_TAIL = 2000;
/** How long a server may take to exit on its own once its stdin closes, and after SIGTERM. */
const EXIT_GRACE_MS = 500;

/** Process groups of servers still running, killed when nanocode exits without closing them. */
const live = new Set<number>();
let exitHooked = false;

export class StdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private child?: ChildProcess;
  private readonly buffer = new ReadBuffer();
  private stderr = '';
  /** How the process ended, once it has: "exit code 1", "signal SIGKILL". */
  exit?: string;

  private readonly params: StdioParams;

  constructor(params: StdioParams) {
    this.params = params;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The end of what the server wrote to stderr. */
  get stderrTail(): string {
    return this.stderr.trim();
  }

  start(): Promise<void> {
    const { command, args, env, cwd } = this.params;
    const child = spawn(command, args, { env, cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => {
      try {
        this.buffer.append(chunk);
      } catch (err) {
        this.onerror?.(err as Error); // a message over 10 MB: the stream cannot be trusted any more
        void this.close();
        return;
      }
      for (;;) {
        let message: JSONRPCMessage | null;
        try {
          message = this.buffer.readMessage();
        } catch (err) {
          this.onerror?.(err as Error); // a line that is not JSON-RPC (a server logging to stdout): skipped
          continue;
        }
        if (!message) break;
        this.onmessage?.(message);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_TAIL)));
    child.stdin.on('error', () => {}); // the server may exit with a message pending; 'exit' reports it
    return new Promise((resolve, reject) => {
      child.once('spawn', () => {
        if (!exitHooked) process.once('exit', () => [...live].forEach((pid) => killGroup(pid, 'SIGKILL')));
        exitHooked = true;
        live.add(child.pid!);
        resolve();
      });
      child.once('error', (err: NodeJS.ErrnoException) => {
        // Node reports a missing working directory as a missing command.
        if (err.code !== 'ENOENT') reject(err);
        else reject(new Error(existsSync(cwd) ? `command not found: ${command}` : `working directory not found: ${cwd}`));
      });
      child.once('exit', (code, signal) => {
        this.exit = signal ? `signal ${signal}` : `exit code ${code}`;
        // What the server started goes with it.
        killGroup(child.pid!, 'SIGKILL');
        live.delete(child.pid!);
        this.child = undefined;
        this.onclose?.();
      });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin?.writable) return Promise.reject(new Error(`the server is not running${this.exit ? ` (${this.exit})` : ''}`));
    return new Promise((resolve) => (stdin.write(serializeMessage(message)) ? resolve() : stdin.once('drain', resolve)));
  }

  /** As the MCP spec asks: close stdin, then SIGTERM, then SIGKILL; the whole group in the end. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const waited = () => Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, EXIT_GRACE_MS).unref())]);
    child.stdin?.end();
    await waited();
    if (child.exitCode === null && child.signalCode === null) {
      killGroup(child.pid, 'SIGTERM');
      await waited();
    }
    killGroup(child.pid, 'SIGKILL');
    await exited;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}
