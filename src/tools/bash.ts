import { z } from 'zod';
import type { BashDetails } from '../protocol/details.ts';
import { defineTool, errorResult, type ToolState } from '../protocol/tool.ts';
import { LiveOutput } from './live-output.ts';
import { OutputBuffer } from './output-buffer.ts';
import { Shell } from './shell.ts';

const DEFAULT_TIMEOUT_S = 120;
const MAX_TIMEOUT_S = 600;

/** Each agent's shell, alive between its commands. */
const shells = new WeakMap<ToolState, Shell>();

export const bashTool = defineTool({
  name: 'bash',
  description: `Run a bash command. The shell persists between calls (cd and exported variables carry over). Stdout and stderr are merged; output over 8000 bytes keeps its head and tail and the full output goes to a log file. Stdin is empty; background processes are stopped when the command ends. Default timeout ${DEFAULT_TIMEOUT_S} s, at most ${MAX_TIMEOUT_S} s.`,
  parameters: z.object({
    command: z.string().describe('The command line, run by bash'),
    timeout: z.number().positive().optional().describe(`Seconds before the command is killed (default ${DEFAULT_TIMEOUT_S}, max ${MAX_TIMEOUT_S})`),
  }),
  permission: 'execute',
  async execute({ command, timeout = DEFAULT_TIMEOUT_S }, ctx) {
    if (ctx.signal.aborted) return errorResult('Not run: cancelled.');
    const seconds = Math.min(timeout, MAX_TIMEOUT_S);
    let shell = shells.get(ctx.state);
    if (!shell) {
      shell = new Shell(ctx.state.shellCwd ?? ctx.cwd, ctx.env);
      shells.set(ctx.state, shell);
    }
    const output = new OutputBuffer(ctx.redact);
    const live = new LiveOutput(ctx.onOutput);

    let killedBy: 'timeout' | 'abort' | undefined;
    const kill = (why: 'timeout' | 'abort') => {
      killedBy ??= why;
      shell.kill();
    };
    const timer = setTimeout(() => kill('timeout'), seconds * 1000);
    const onAbort = () => kill('abort');
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const started = performance.now();
    const { code, signal } = await shell.run(command, (chunk) => {
      live.push(chunk);
      // Backpressure: a command faster than the disk waits for the log file.
      return output.push(chunk) ? undefined : output.drained();
    });
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
    live.flush();
    await output.close();
    ctx.state.shellCwd = shell.cwd;

    const details: BashDetails = {
      kind: 'bash',
      exitCode: killedBy ? null : code,
      ...(signal && { signal }),
      durationMs: Math.round(performance.now() - started),
      lines: output.lines,
      truncated: output.truncated,
      ...(output.savedPath && { fullOutputPath: output.savedPath }),
      ...(killedBy && { killed: killedBy }),
    };
    const text = output.text();
    const body = text.trim() ? text.replace(/\n?$/, '\n') : '(no output)\n';
    if (killedBy === 'timeout') return { ...errorResult(`${body}[killed: timed out after ${seconds} s]`), details };
    if (killedBy === 'abort') return { ...errorResult(`${body}[killed: cancelled by the user]`), details };
    const status = code ?? (signal ? `killed by ${signal}` : 'unknown');
    return { content: `${body}[exit code ${status}]`, isError: code !== 0, details };
  },
});

/** Ends an agent's shell and everything its commands started (Agent.close). */
export function closeShell(state: ToolState): void {
  shells.get(state)?.kill();
  shells.delete(state);
}
