import { spawn } from 'node:child_process';
import { z } from 'zod';
import { defineTool, errorResult } from '../protocol/tool.ts';
import { LiveOutput } from './live-output.ts';
import { OutputBuffer } from './output-buffer.ts';

const DEFAULT_TIMEOUT_S = 120;
const MAX_TIMEOUT_S = 600;

/** Kills the whole process group, so background children die too. */
function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export const bashTool = defineTool({
  name: 'bash',
  description: `Run a bash command. The working directory persists between calls (a cd carries over). Stdout and stderr are merged; output over 8000 bytes keeps its head and tail and the full output goes to a log file. Stdin is empty; background processes are stopped when the command ends. Default timeout ${DEFAULT_TIMEOUT_S} s, at most ${MAX_TIMEOUT_S} s.`,
  parameters: z.object({
    command: z.string().describe('The command line, run with bash -c'),
    timeout: z.number().positive().optional().describe(`Seconds before the command is killed (default ${DEFAULT_TIMEOUT_S}, max ${MAX_TIMEOUT_S})`),
  }),
  readOnly: false,
  async execute({ command, timeout = DEFAULT_TIMEOUT_S }, ctx) {
    if (ctx.signal.aborted) return errorResult('Not run: cancelled.');
    const seconds = Math.min(timeout, MAX_TIMEOUT_S);
    // fd 3 reports the final directory without mixing it into the output.
    const script = `${command}\n__nanocode_status=$?\npwd -P >&3\nexit $__nanocode_status`;
    const child = spawn('bash', ['-c', script], {
      cwd: ctx.state.shellCwd ?? ctx.cwd,
      detached: true, // its own process group
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: ctx.env,
    });
    const output = new OutputBuffer();
    const live = new LiveOutput(ctx.onOutput);
    const onData = (chunk: Buffer) => {
      live.push(chunk);
      // Backpressure: a command faster than the disk waits for the log file.
      if (!output.push(chunk)) {
        child.stdout!.pause();
        child.stderr!.pause();
        void output.drained().then(() => (child.stdout!.resume(), child.stderr!.resume()));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    let finalDir = '';
    child.stdio[3]!.on('data', (d: Buffer) => (finalDir += d.toString()));

    let killedBy: 'timeout' | 'abort' | undefined;
    const kill = (why: 'timeout' | 'abort') => {
      killedBy ??= why;
      killGroup(child.pid);
    };
    const timer = setTimeout(() => kill('timeout'), seconds * 1000);
    const onAbort = () => kill('abort');
    ctx.signal.addEventListener('abort', onAbort, { once: true });

    const closed = new Promise((resolve) => child.on('close', resolve));
    const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      child.on('error', (err) => {
        output.push(Buffer.from(`${err.message}\n`));
        resolve({ code: 127, signal: null });
      });
      // 'exit', not 'close': a background child may keep the pipes open.
      child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
    // Background children would hold the pipes open forever: the group goes,
    // then the pipes drain.
    killGroup(child.pid);
    await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
    live.flush();
    await output.close();
    if (finalDir.trim()) ctx.state.shellCwd = finalDir.trim();

    const text = output.text();
    const body = text.trim() ? text.replace(/\n?$/, '\n') : '(no output)\n';
    if (killedBy === 'timeout') return errorResult(`${body}[killed: timed out after ${seconds} s]`);
    if (killedBy === 'abort') return errorResult(`${body}[killed: cancelled by the user]`);
    const status = code ?? (signal ? `killed by ${signal}` : 'unknown');
    return { content: `${body}[exit code ${status}]`, isError: code !== 0 };
  },
});
