// Headless frontends: plain text (the answer on stdout, progress on stderr)
// and JSON lines (every event on stdout, then a result line).
import type { AgentEvent, StopReason } from '../protocol/events.ts';
import { oneLine, visible } from './visible.ts';

export interface HeadlessOptions {
  mode: 'text' | 'json';
  quiet: boolean;
  /** Progress lines on stderr (tool calls); on when stderr is a terminal. */
  progress: boolean;
  /** The exit code of a signal that stopped the run (SIGTERM: 143), if one did. */
  signalExit?: () => number | undefined;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

export const EXIT_CODES: Record<StopReason, number> = { stop: 0, max_turns: 1, error: 1, stuck: 1, aborted: 130 };

/** Consumes the event stream; resolves to the process exit code. */
export async function runHeadless(events: AsyncIterable<AgentEvent>, o: HeadlessOptions): Promise<number> {
  const out = o.out ?? process.stdout;
  const err = o.err ?? process.stderr;
  let exit = 1;
  let error: string | undefined;
  for await (const e of events) {
    if (o.mode === 'json') out.write(`${JSON.stringify(e)}\n`);
    else if (e.type === 'tool_call' && o.progress && !o.quiet) err.write(`⏺ ${e.name}(${summarize(e.args)})\n`);
    else if (e.type === 'tool_result' && o.progress && !o.quiet) err.write(`  ⎿ ${firstLine(e.content)}\n`);
    // A refused call is the user's business even when quiet: they may want to allow it.
    if (e.type === 'permission' && e.decision === 'deny' && o.mode === 'text') err.write(`nanocode: permission denied for ${e.name}: ${denialLine(e.reason ?? '')}\n`);
    if (e.type === 'retry' && !o.quiet && o.mode === 'text') {
      err.write(`retrying in ${(e.delayMs / 1000).toFixed(1)} s (attempt ${e.attempt} of ${e.maxAttempts}): ${e.message}\n`);
    }
    if (e.type === 'error') {
      // Also in JSON mode: a script that only checks stderr must see it.
      error = e.message;
      err.write(`nanocode: ${e.message}\n`);
    }
    if (e.type === 'done') {
      exit = o.signalExit?.() ?? EXIT_CODES[e.reason];
      if (o.mode === 'json') {
        const result = { type: 'result', reason: e.reason, exitCode: exit, ...(error !== undefined && { error }), text: e.text, turns: e.turns, usage: e.usage, cost: e.cost };
        out.write(`${JSON.stringify(result)}\n`);
      } else if (e.text) {
        out.write(e.text.endsWith('\n') ? e.text : `${e.text}\n`);
      }
    }
  }
  return exit;
}

/**
 * One line per denied call, for the person: the reasons of its parts joined,
 * without the sentences meant for the model, and nothing the terminal would
 * obey (the command is the model's text).
 */
function denialLine(reason: string): string {
  const forPerson = reason.replace(/ Do not retry it(?: unchanged| in plan mode)?: [^\n]*/g, '');
  // Each part's reason ends a sentence; a newline elsewhere is inside a command.
  return forPerson.split(/(?<=\.)\n/).map(oneLine).join(' · ');
}

function summarize(args: unknown): string {
  if (!args || typeof args !== 'object') return '';
  const first = Object.values(args as Record<string, unknown>)[0];
  const s = typeof first === 'string' ? first : JSON.stringify(first ?? '');
  return firstLine(s).slice(0, 80);
}

function firstLine(s: string): string {
  const line = visible(s.split('\n').find((l) => l.trim()) ?? '');
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
