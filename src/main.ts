// The nanocode command: flags, stdin, configuration, then a frontend.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Agent, AgentOptions } from './agent/agent.ts';
import type { Config } from './config/config.ts';
import { type Args, parseCliArgs, USAGE } from './args.ts';
import { endOnSignals } from './signals.ts';
import type { Safety } from './ui/safety.ts';
import { runHeadless } from './ui/headless.ts';

declare const NANOCODE_VERSION: string;

async function readStdin(): Promise<{ prompt?: string; cwd?: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text.startsWith('{')) {
    try {
      const json = JSON.parse(text) as { prompt?: unknown; cwd?: unknown };
      if (typeof json.prompt === 'string') return { prompt: json.prompt, cwd: typeof json.cwd === 'string' ? json.cwd : undefined };
    } catch {
      // not JSON after all: the text is the task
    }
  }
  return { prompt: text || undefined };
}

async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    process.stderr.write(`nanocode: ${(err as Error).message}\nTry nanocode --help.\n`);
    return 2;
  }
  if (args.help) return void process.stdout.write(`${USAGE}\n`), 0;
  if (args.version) return void process.stdout.write(`${NANOCODE_VERSION}\n`), 0;
  const ending = endOnSignals();

  let { prompt, cwd } = args;
  // RPC: stdin carries the commands, and the prompts come among them.
  const rpc = args.mode === 'rpc';
  if (!prompt && !rpc && !process.stdin.isTTY) {
    const input = await readStdin();
    prompt = input.prompt;
    cwd ??= input.cwd;
  }
  // No task and a terminal on both ends: the interactive terminal.
  const interactive = !prompt && !rpc && !!process.stdin.isTTY && !!process.stdout.isTTY;
  if (!prompt && !interactive && !rpc) {
    process.stderr.write(`nanocode: no task given.\n\n${USAGE}\n`);
    return 2;
  }
  cwd = resolve(cwd ?? process.cwd());
  const notFolder = folderProblem(cwd);
  if (notFolder) {
    process.stderr.write(`nanocode: ${args.cwd !== undefined ? '--cwd' : 'cwd'} ${cwd}: ${notFolder}\n`);
    return 2;
  }

  // Loaded only now: --help, --version and usage errors stay instant.
  const { setUpSafety } = await import('./ui/safety.ts');
  const { Agent } = await import('./agent/agent.ts');
  const { ConfigError } = await import('./config/providers.ts');
  const warn = (message: string) => process.stderr.write(`nanocode: ${message}\n`);
  let config: Config;
  let agent: Agent;
  let safety: Safety;
  try {
    safety = await setUpSafety(args, cwd, interactive, warn);
    config = safety.config;
    agent = await Agent.create({
      model: args.model,
      cwd,
      tools: safety.tools,
      beforeToolCall: safety.permissions.gate,
      systemPrompt: args.systemPrompt,
      appendSystemPrompt: args.appendSystemPrompt,
      contextFiles: args.contextFiles,
      maxTurns: args.maxTurns,
      home: config.home,
      session: sessionChoice(args, interactive),
      commandLog: config.log,
      onWarning: (message) => process.stderr.write(`nanocode: ${message}\n`),
    });
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? '' : 'nanocode: '}${(err as Error).message}\n`);
    return 2;
  }
  if (agent.choice.note) process.stderr.write(`nanocode: ${agent.choice.note}\n`);

  process.stdout.on('error', () => {}); // a closed pipe or terminal is not our failure

  if (interactive) {
    const { runRepl } = await import('./ui/repl.ts');
    const stop = new AbortController();
    ending.cancel = () => stop.abort();
    // A terminal that goes away without a SIGHUP ends it the same way.
    process.stdin.on('error', () => {
      if (!ending.signal) ending.end('SIGHUP');
    });
    const code = await runRepl({ agent, home: config.home, ui: config.ui, pickSession: args.resume === true, signal: stop.signal, permissions: safety.permissions });
    await agent.close();
    return ending.exitCode ?? code;
  }

  if (args.mode === 'rpc') {
    const { runRpc } = await import('./ui/rpc.ts');
    const stop = new AbortController();
    ending.cancel = () => stop.abort();
    const code = await runRpc({ agent, signal: stop.signal, permissions: safety.permissions });
    await agent.close();
    return ending.exitCode ?? code;
  }

  ending.cancel = () => agent.abort();
  const code = await runHeadless(agent.stream(prompt!), {
    mode: args.mode,
    quiet: args.quiet,
    progress: !!process.stderr.isTTY,
    signalExit: () => ending.exitCode,
  });
  await agent.close();
  if (ending.signal) process.stderr.write(`nanocode: stopped by ${ending.signal}\n`);
  return ending.exitCode ?? code;
}

/** Why `dir` cannot be the working folder, if it cannot. */
function folderProblem(dir: string): string | undefined {
  try {
    return statSync(dir).isDirectory() ? undefined : 'not a folder';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (err as Error).message;
  }
}

/**
 * The session the flags ask for, unless --no-session. With a bare --resume
 * the interactive picker decides later; until then, a new session.
 */
function sessionChoice(args: Args, interactive: boolean): AgentOptions['session'] {
  if (!args.session) return undefined;
  if (args.fork) return { fork: args.fork };
  if (args.continue || (args.resume === true && !interactive)) return { continue: true };
  if (typeof args.resume === 'string') return { resume: args.resume };
  return true;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Don't wait on idle keep-alive sockets or stray timers.
    setImmediate(() => process.exit(code));
  },
  (err) => {
    process.stderr.write(`nanocode: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
