// Markdown to terminal lines, for streamed assistant text: headings, lists,
// quotes, code blocks with syntax highlighting, tables, inline code,
// emphasis, links.
import type { Style } from './ansi.ts';
import { isDelimiter, Table } from './table.ts';

const KEYWORDS = new Set(
  (
    'abstract as async await break case catch class const continue def default defer del do elif else enum except export extends false final finally fn for from func function go if impl import in interface is lambda let loop match mod module mut new nil none not null or package pass pub raise return self static struct super switch this throw trait true try type typeof use var void while with yield'
  ).split(' '),
);

/** A small, language-agnostic highlighter: comments, strings, numbers, keywords. */
export function highlight(line: string, s: Style): string {
  const re = /(\/\/.*$|#.*$|--\s.*$)|("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`(?:[^`\\]|\\.)*`?)|(\b\d[\d_.]*\b)|([A-Za-z_][\w]*)/g;
  return line.replace(re, (m, comment, str, num, word) => {
    if (comment) return s.gray(m);
    if (str) return s.green(m);
    if (num) return s.yellow(m);
    if (word && KEYWORDS.has(word)) return s.magenta(m);
    return m;
  });
}

function inline(text: string, s: Style): string {
  return text
    .replace(/`([^`]+)`/g, (_, c) => s.cyan(c))
    .replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, (_, a, b) => s.bold(a ?? b))
    .replace(/(^|[^*\w])\*([^*\s][^*]*)\*(?!\*)|(^|\W)_([^_\s][^_]*)_(?!\w)/g, (_, p1, a, p2, b) => (p1 ?? p2) + s.italic(a ?? b))
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, t, u) => `${t} ${s.underline(s.blue(u))}`);
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/;

/** One line outside code blocks and tables: heading, list item, quote, rule or text. */
function renderLine(l: string, s: Style): string {
  const h = /^(#{1,6})\s+(.*)$/.exec(l);
  if (h) return s.bold(h[1].length <= 2 ? s.underline(inline(h[2], s)) : inline(h[2], s));
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(l);
  if (bullet) return `${bullet[1]}• ${inline(bullet[2], s)}`;
  const num = /^(\s*)(\d+)[.)]\s+(.*)$/.exec(l);
  if (num) return `${num[1]}${num[2]}. ${inline(num[3], s)}`;
  const quote = /^>\s?(.*)$/.exec(l);
  if (quote) return s.gray(`│ ${inline(quote[1], s)}`);
  if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(l)) return s.gray('─'.repeat(20));
  return inline(l, s);
}

/** The live view of a partial line longer than this shows only its end. */
const LIVE_TAIL = 2000;
/** An open table shows its header and this many last rows until it is complete. */
const LIVE_TABLE_ROWS = 8;

/**
 * Renders streamed text line by line: each line is rendered once, when it is
 * complete, and returned by take() to be committed to the scrollback, so the
 * work per delta does not grow with the length of the answer or of an open
 * code block. Only a table waits for its last row (its columns depend on
 * every row). pending() renders what is not complete yet, for the live region.
 */
export class StreamingMarkdown {
  /** Text after the last complete line. */
  private partial = '';
  /** How much of `partial` is known to hold no newline. */
  private scanned = 0;
  /** The closing line of the open code block. */
  private fence: RegExp | undefined;
  private table: Table | undefined;
  /** A line that is a table's header if the next line is its delimiter row. */
  private header: string | undefined;
  /** A blank line is due before the next output (between blocks). */
  private gap = false;
  private started = false;
  private readonly s: Style;
  private readonly width: () => number;

  constructor(style: Style, width: () => number = () => 80) {
    this.s = style;
    this.width = width;
  }

  push(delta: string): void {
    this.partial += delta;
  }

  /** The lines completed since the last call, rendered. */
  take(): string[] {
    const out: string[] = [];
    for (;;) {
      const nl = this.partial.indexOf('\n', this.scanned);
      if (nl === -1) break;
      const line = this.partial.slice(0, nl);
      this.partial = this.partial.slice(nl + 1);
      this.scanned = 0;
      this.line(line, out);
    }
    this.scanned = this.partial.length;
    return out;
  }

  /** What is not complete yet: an open table, a possible table header, the partial line. */
  pending(): string[] {
    const s = this.s;
    const out: string[] = [];
    if (this.table) out.push(...this.table.render(this.width(), LIVE_TABLE_ROWS));
    if (this.header !== undefined) out.push(renderLine(this.header, s));
    const tail = this.partial.length > LIVE_TAIL ? `…${this.partial.slice(-LIVE_TAIL)}` : this.partial;
    if (tail.trim()) out.push(this.fence ? `${s.gray('│')} ${highlight(tail, s)}` : renderLine(tail, s));
    return out.length && this.gap && this.started ? ['', ...out] : out;
  }

  /** Everything not yet committed, rendered, and a blank line (at the end of the message). */
  flush(): string[] {
    const out = this.take();
    if (this.partial) this.line(this.partial, out);
    this.partial = '';
    this.scanned = 0;
    this.endTable(out);
    if (this.header !== undefined) this.emit(out, renderLine(this.header, this.s));
    this.header = undefined;
    if (this.fence) this.emit(out, this.s.gray('╰─'));
    this.fence = undefined;
    // The answer ends with a blank line, before whatever comes next.
    if (this.started) out.push('');
    this.started = false;
    return out;
  }

  private emit(out: string[], ...lines: string[]): void {
    if (this.gap && this.started) out.push('');
    this.gap = false;
    this.started = true;
    out.push(...lines);
  }

  private line(l: string, out: string[]): void {
    const s = this.s;
    if (this.fence) {
      if (this.fence.test(l)) {
        this.emit(out, s.gray('╰─'));
        this.fence = undefined;
        this.gap = true;
      } else this.emit(out, `${s.gray('│')} ${highlight(l, s)}`);
      return;
    }
    if (this.header !== undefined) {
      const header = this.header;
      this.header = undefined;
      if (isDelimiter(l, header)) {
        if (this.started) this.gap = true;
        this.table = new Table(header, l, s, (t) => inline(t, s));
        return;
      }
      this.emit(out, renderLine(header, s));
    }
    if (this.table) {
      if (l.includes('|') && l.trim()) return this.table.add(l);
      this.endTable(out);
    }
    if (!l.trim()) {
      this.gap = this.started;
      return;
    }
    const fence = FENCE.exec(l);
    if (fence) {
      this.gap = this.started;
      this.emit(out, s.gray(`╭─ ${fence[3] || 'code'}`));
      this.fence = new RegExp(`^\\s*${fence[2]}${fence[2][0]}*\\s*$`);
      return;
    }
    if (/^#{1,6}\s/.test(l)) this.gap = this.started;
    if (l.includes('|')) this.header = l;
    else this.emit(out, renderLine(l, s));
  }

  private endTable(out: string[]): void {
    if (!this.table) return;
    this.emit(out, ...this.table.render(this.width()));
    this.table = undefined;
    this.gap = true;
  }
}
