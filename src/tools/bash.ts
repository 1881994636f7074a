// The bash tool: commands run in one persistent shell per agent, inside the
// OS sandbox when it is given one (the CLI does; see safety/shell-sandbox.ts).
import { z } from 'zod';
import type { BashDetails } from '../protocol/details.ts';
import { defineTool, errorResult, type ToolContext, type ToolState } from '../protocol/tool.ts';
import { explainSandboxFailure } from '../safety/sandbox-failure.ts';
import type { ShellSandbox } from '../safety/shell-sandbox.ts';
import { LiveOutput } from './live-output.ts';
import { OutputBuffer } from './output-buffer.ts';
import { type Launcher, Shell } from './shell.ts';
import { processSpills } from './spills.ts';

const DEFAULT_TIMEOUT_S = 120;
const MAX_TIMEOUT_S = 600;

/** Each agent's shell, alive between its commands. */
const shells = new WeakMap<ToolState, Shell>();

/** The bash tool; with a sandbox, its commands run in it. */
export function makeBashTool(sandbox?: ShellSandbox) {
  return defineTool({
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
      const found = await sandbox?.sandbox();
      if (sandbox?.required && found?.kind === 'none') return errorResult(`Not run: the sandbox is required (--sandbox on), and ${found.why}.`);
      const bwrap = found?.kind === 'bwrap' ? found.path : undefined;
      // A command allowed the network runs once in a shell that has it; the persistent one never does.
      const network = !!bwrap && sandbox!.takeNetwork(command);
      const shell = network ? new Shell(ctx.state.shellCwd ?? ctx.cwd, ctx.env, inSandbox(sandbox!, bwrap!, true)) : shellOf(ctx, sandbox, bwrap);
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
      if (network) shell.kill();
      else ctx.state.shellCwd = shell.cwd;
      // Outside the sandbox, with nothing of the command left running.
      const removed = bwrap ? sandbox!.removeForbidden() : undefined;
      if (sandbox) sandbox.cwd = ctx.state.shellCwd;

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
      const note = removed ? `\n${removed}` : '';
      if (killedBy === 'timeout') return { ...errorResult(`${body}[killed: timed out after ${seconds} s]${note}`), details };
      if (killedBy === 'abort') return { ...errorResult(`${body}[killed: cancelled by the user]${note}`), details };
      const status = code ?? (signal ? `killed by ${signal}` : 'unknown');
      const hint = bwrap ? explainSandboxFailure(text, code, network) : undefined;
      return { content: `${body}[exit code ${status}]${hint ? `\n${hint}` : ''}${note}`, isError: code !== 0, details };
    },
  });
}

/** Without a sandbox: what the library's built-in suite offers. */
export const bashTool = makeBashTool();

/** The agent's persistent shell, started (in the sandbox, when there is one) at its first command. */
function shellOf(ctx: ToolContext, sandbox: ShellSandbox | undefined, bwrap: string | undefined): Shell {
  let shell = shells.get(ctx.state);
  if (!shell) {
    shell = new Shell(ctx.state.shellCwd ?? ctx.cwd, ctx.env, sandbox && bwrap ? inSandbox(sandbox, bwrap, false) : undefined);
    shells.set(ctx.state, shell);
  }
  return shell;
}

function inSandbox(sandbox: ShellSandbox, bwrap: string, network: boolean): Launcher {
  // The spill folder exists before the shell, so that the shell gets it read-only.
  return { spawn: (o) => sandbox.spawn(bwrap, network, o, spillFolder()), sandboxed: true };
}

function spillFolder(): string[] {
  try {
    return [processSpills().folder()];
  } catch {
    return []; // no spill folder, nothing to protect (output then says why it was not saved)
  }
}

/** Ends an agent's shell and everything its commands started (Agent.close). */
export function closeShell(state: ToolState): void {
  shells.get(state)?.kill();
  shells.delete(state);
}
