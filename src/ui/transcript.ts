// What the interactive terminal shows for the event stream: finished output
// to commit to the scrollback, and the live part (streaming text, thinking,
// running tools with a spinner and the tail of their output).
import type { AgentEvent } from '../protocol/events.ts';
import { type Style, visibleWidth } from './ansi.ts';
import { StreamingMarkdown } from './markdown.ts';

const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
const MAX_DIFF_LINES = 40;

interface Running {
  name: string;
  args: unknown;
  started: number;
  tail: string;
}

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

  constructor(style: Style, showThinking = true) {
    this.s = style;
    this.showThinking = showThinking;
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
        this.md ??= new StreamingMarkdown(s);
        this.md.push(e.text);
        return [...this.endReasoning(), ...this.md.take()];
      case 'message':
        if (e.message.role === 'user') {
          const text = typeof e.message.content === 'string' ? e.message.content : e.message.content.map((p) => (p.type === 'text' ? p.text : '[image]')).join(' ');
          return [s.bold(`› ${text.split('\n\n<git>')[0].replace(/\n/g, '\n  ')}`), ''];
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
        if (r) r.tail = (r.tail + e.chunk).slice(-2000);
        return [];
      }
      case 'tool_result': {
        const r = this.running.get(e.id);
        this.running.delete(e.id);
        const took = r ? ` ${s.gray(`(${seconds(Date.now() - r.started)})`)}` : '';
        const head = `${e.isError ? s.red('⏺') : s.green('⏺')} ${s.bold(callLabel(e.name, r?.args))}`;
        return [head, `  ⎿ ${this.summary(e.name, e.content, e.isError)}${took}`, ...this.diff(e.details), ''];
      }
      case 'snip':
        return [s.gray(`✂ shortened ${e.count} old tool output${e.count > 1 ? 's' : ''} to save context`)];
      case 'compaction':
        return [s.gray(`✻ compacted the conversation: about ${e.tokensBefore.toLocaleString('en-US')} → ${e.tokensAfter.toLocaleString('en-US')} tokens${e.fallback ? ' (summary made without the model)' : ''}`), ''];
      case 'retry':
        return [s.yellow(`↻ retrying in ${seconds(e.delayMs)} (attempt ${e.attempt} of ${e.maxAttempts}): ${e.message}`)];
      case 'error':
        this.waitingSince = undefined;
        return [s.red(`✗ ${e.message}`), ''];
      case 'done':
        this.waitingSince = undefined;
        this.running.clear();
        return [...(this.md?.flush() ?? []), ...(e.reason === 'aborted' ? [s.gray('⎿ Interrupted'), ''] : [])];
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
    const more = lines.length > 1 ? ` … ${lines.length - 1} more lines (ctrl-o shows them)` : '';
    return [this.s.dim(this.s.italic(`✻ ${lines[0]}${more}`)), ''];
  }

  private summary(name: string, content: string, isError: boolean): string {
    const lines = content.split('\n').filter((l) => l.trim());
    if (name === 'bash') {
      // The last line is the status: [exit code N] or [killed: ...].
      const status = (lines.at(-1) ?? '').replace(/^\[|\]$/g, '');
      const out = lines.at(-2) ?? '(no output)';
      return isError ? this.s.red(`${status}: ${out}`) : out;
    }
    if (isError) return this.s.red(lines[0] ?? 'failed');
    if (name === 'read') return `Read ${lines.filter((l) => /^\s*\d+\| /.test(l)).length} lines`;
    if (['grep', 'glob', 'find', 'ls'].includes(name)) return `${lines.filter((l) => !l.startsWith('[')).length} results`;
    return lines[0] ?? '';
  }

  private diff(details: string | undefined): string[] {
    if (!details) return [];
    const s = this.s;
    const body = details.split('\n').filter((l) => !/^(===|---|\+\+\+|Index:)/.test(l) && l !== '');
    const shown = body.slice(0, MAX_DIFF_LINES).map((l) => `    ${l.startsWith('+') ? s.green(l) : l.startsWith('-') ? s.red(l) : l.startsWith('@@') ? s.cyan(l) : s.gray(l)}`);
    if (body.length > MAX_DIFF_LINES) shown.push(s.gray(`    … ${body.length - MAX_DIFF_LINES} more diff lines`));
    return shown;
  }
}

function clip(line: string, width: number): string {
  return visibleWidth(line) > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}
