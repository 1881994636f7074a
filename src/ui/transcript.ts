// What the interactive terminal shows for the event stream: finished output
// to commit to the scrollback, and the live part (streaming text, thinking,
// running tools with a spinner and the tail of their output).
import { type BashDetails, bashStatus } from '../protocol/details.ts';
import type { AgentEvent } from '../protocol/events.ts';
import { stripAnsi, type Style, visibleWidth } from './ansi.ts';
import { StreamingMarkdown } from './markdown.ts';

const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
const MAX_DIFF_LINES = 40;

interface Running {
  name: string;
  args: unknown;
  started: number;
  /** The end of the live output: its last line closes the result. */
  tail: string;
}

/** "1 line", "3000 lines". */
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** The one-line form of a tool call: bash(npm test), read(src/a.ts). */
export function callLabel(name: string, args: unknown): string {
  const a = (args ?? {}) as Record<string, unknown>;
  const main = a.command ?? a.path ?? a.pattern ?? (typeof a.patch === 'string' ? /\+\+\+ (?:b\/)?(\S+)/.exec(a.patch)?.[1] : undefined);
  const s = typeof main === 'string' ? main : Object.keys(a).length ? JSON.stringify(a) : '';
  const line = s.split('\n')[0];
  return `${name}(${line.length > 80 ? `${line.slice(0, 77)}...` : line})`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export class Transcript {
  private md: StreamingMarkdown | undefined;
  private reasoning = '';
  /** The last finished thinking, shown in full on Ctrl-O. */
  lastReasoning = '';
  private running = new Map<string, Running>();
  private waitingSince: number | undefined;
  private readonly s: Style;
  private readonly showThinking: boolean;
  private readonly width: () => number;

  constructor(style: Style, showThinking = true, width: () => number = () => 80) {
    this.s = style;
    this.showThinking = showThinking;
    this.width = width;
  }

  /** The thinking Ctrl-O shows: the one under way, else the last one. */
  get thinking(): string {
    return this.reasoning.trim() || this.lastReasoning;
  }

  get busy(): boolean {
    return this.waitingSince !== undefined || this.running.size > 0;
  }

  /** Handles one event; returns the lines to commit to the scrollback. */
  handle(e: AgentEvent): string[] {
    const s = this.s;
    switch (e.type) {
      case 'turn_start':
        this.waitingSince = Date.now();
        return [];
      case 'reasoning_delta':
        this.reasoning += e.text;
        return [];
      case 'text_delta':
        this.md ??= new StreamingMarkdown(s, this.width);
        this.md.push(e.text);
        return [...this.endReasoning(), ...this.md.take()];
      case 'message':
        if (e.message.role === 'user') {
          const text = typeof e.message.content === 'string' ? e.message.content : e.message.content.map((p) => (p.type === 'text' ? p.text : '[image]')).join(' ');
          return [s.bold(`› ${text.replace(/\n/g, '\n  ')}`), ''];
        }
        if (e.message.role === 'assistant') {
          this.waitingSince = undefined;
          const out = [...this.endReasoning(), ...(this.md?.flush() ?? [])];
          this.md = undefined;
          return out.length && out.at(-1) !== '' ? [...out, ''] : out;
        }
        return [];
      case 'tool_call':
        this.running.set(e.id, { name: e.name, args: e.args, started: Date.now(), tail: '' });
        return [];
      case 'tool_output': {
        const r = this.running.get(e.id);
        if (!r) return [];
        r.tail = (r.tail + e.chunk).slice(-2000);
        return [];
      }
      case 'tool_result': {
        const r = this.running.get(e.id);
        this.running.delete(e.id);
        const took = r ? ` ${s.gray(`(${seconds(Date.now() - r.started)})`)}` : '';
        const head = `${e.isError ? s.red('⏺') : s.green('⏺')} ${s.bold(callLabel(e.name, r?.args))}`;
        const [first, ...more] = e.details?.kind === 'bash' ? this.commandSummary(e.details, e.isError, r) : this.summary(e.name, e.content, e.isError);
        const diff = e.details?.kind === 'diff' ? this.diff(e.details.diff) : [];
        return [head, `  ⎿ ${first}${took}`, ...more.map((l) => `    ${l}`), ...diff, ''];
      }
      case 'snip':
        return [s.gray(`✂ shortened ${e.count} old tool output${e.count > 1 ? 's' : ''} to save context`)];
      case 'shrink':
        return [s.gray(`✂ cut ${e.count} message${e.count > 1 ? 's' : ''} too large for the context window`)];
      case 'compaction':
        return [s.gray(`✻ compacted the conversation: about ${e.tokensBefore.toLocaleString('en-US')} → ${e.tokensAfter.toLocaleString('en-US')} tokens${e.fallback ? ' (summary made without the model)' : ''}`), ''];
      case 'retry':
        // The failed attempt's partial answer is discarded (the caller erases what it committed).
        this.md = undefined;
        this.reasoning = '';
        return [s.yellow(`↻ retrying in ${seconds(e.delayMs)} (attempt ${e.attempt} of ${e.maxAttempts}): ${e.message}`)];
      case 'error':
        this.waitingSince = undefined;
        return [s.red(`✗ ${e.message}`), ''];
      case 'done':
        this.waitingSince = undefined;
        this.running.clear();
        return [...this.endReasoning(), ...(this.md?.flush() ?? []), ...(e.reason === 'aborted' ? [s.gray('⎿ Interrupted'), ''] : [])];
      default:
        return [];
    }
  }

  /** Lines for the live region at time `now`. */
  live(now = Date.now(), width = 80): string[] {
    const s = this.s;
    const spin = SPINNER[Math.floor(now / 100) % SPINNER.length];
    const out: string[] = [];
    if (this.reasoning && this.showThinking) {
      out.push(...this.reasoning.trimEnd().split('\n').slice(-3).map((l) => s.dim(s.italic(`  ${l}`))));
    }
    out.push(...(this.md?.pending() ?? []));
    for (const r of this.running.values()) {
      out.push(`${s.cyan(spin)} ${s.bold(callLabel(r.name, r.args))} ${s.gray(`· ${seconds(now - r.started)}`)}`);
      const tail = r.tail.replace(/\r/g, '').trimEnd().split('\n').slice(-3);
      if (r.tail.trim()) out.push(...tail.map((l) => s.gray(`  │ ${clip(l, width - 4)}`)));
    }
    if (this.waitingSince !== undefined && this.running.size === 0) out.push(`${s.cyan(spin)} ${s.gray(`Working · ${seconds(now - this.waitingSince)} · esc to interrupt`)}`);
    return out;
  }

  private endReasoning(): string[] {
    if (!this.reasoning) return [];
    const text = this.reasoning.trim();
    this.reasoning = '';
    this.lastReasoning = text;
    if (!this.showThinking || !text) return [];
    const lines = text.split('\n');
    const more = lines.length > 1 ? ` … ${count(lines.length - 1, 'more line')} (ctrl-o shows ${lines.length > 2 ? 'them' : 'it'})` : '';
    return [this.s.dim(this.s.italic(`✻ ${lines[0]}${more}`)), ''];
  }

  /** The result in a line: what it amounts to. */
  private summary(name: string, content: string, isError: boolean): string[] {
    const lines = content.split('\n').filter((l) => l.trim());
    if (isError) return [this.s.red(lines[0] ?? 'failed')];
    if (name === 'read') return [`Read ${count(lines.filter((l) => /^\s*\d+\| /.test(l)).length, 'line')}`];
    if (['grep', 'glob', 'find', 'ls'].includes(name)) return [count(lines.filter((l) => !l.startsWith('[')).length, 'result')];
    return [lines[0] ?? ''];
  }

  /** `3000 lines` and the last one (from the live output); a single line as itself; how it ended first when it failed. */
  private commandSummary(d: BashDetails, isError: boolean, r: Running | undefined): string[] {
    const s = this.s;
    const last = clip(printable(r?.tail.trimEnd().split('\n').at(-1) ?? ''), this.width() - 6);
    const head = !d.lines || (d.lines === 1 && !last.trim()) ? '(no output)' : d.lines === 1 ? last : count(d.lines, 'line');
    if (isError) return [s.red(`${bashStatus(d)}: ${head}`), ...(d.lines > 1 ? [s.red(last)] : [])];
    return d.lines > 1 ? [head, s.gray(last)] : [head];
  }

  private diff(diff: string): string[] {
    const s = this.s;
    const body = diff.split('\n').filter((l) => !/^(===|---|\+\+\+|Index:)/.test(l) && l !== '');
    const shown = body.slice(0, MAX_DIFF_LINES).map((l) => `    ${l.startsWith('+') ? s.green(l) : l.startsWith('-') ? s.red(l) : l.startsWith('@@') ? s.cyan(l) : s.gray(l)}`);
    if (body.length > MAX_DIFF_LINES) shown.push(s.gray(`    … ${count(body.length - MAX_DIFF_LINES, 'more diff line')}`));
    return shown;
  }
}

/** A line of command output as it last looked: colours and overwritten progress removed. */
const printable = (line: string) => stripAnsi(line).split('\r').filter(Boolean).at(-1) ?? '';

function clip(line: string, width: number): string {
  return visibleWidth(line) > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}
