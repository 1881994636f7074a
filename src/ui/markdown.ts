// Markdown to terminal lines, for streamed assistant text: headings, lists,
// quotes, code blocks with syntax highlighting, inline code, emphasis, links.
// StreamingMarkdown splits the growing text into finished blocks (rendered
// once, committed to the scrollback) and the block still being written.
import type { Style } from './ansi.ts';

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

/** Renders one block (a paragraph, list, quote, heading or fenced code block). */
export function renderBlock(block: string, s: Style): string[] {
  const lines = block.replace(/\n+$/, '').split('\n');
  const fence = /^(\s*)(```|~~~)\s*([\w+-]*)/.exec(lines[0]);
  if (fence) {
    const body = lines.slice(1);
    if (body.length && /^\s*(```|~~~)\s*$/.test(body.at(-1)!)) body.pop();
    return [s.gray(`╭─ ${fence[3] || 'code'}`), ...body.map((l) => `${s.gray('│')} ${highlight(l, s)}`), s.gray('╰─')];
  }
  return lines.map((l) => {
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
  });
}

/**
 * Accumulates streamed text. `take()` returns the lines of blocks that are
 * now complete (to commit); `pending()` renders the unfinished rest.
 */
export class StreamingMarkdown {
  private text = '';
  /** Offset up to which text has been committed. */
  private done = 0;
  private readonly style: Style;

  constructor(style: Style) {
    this.style = style;
  }

  push(delta: string): void {
    this.text += delta;
  }

  /** Complete blocks since the last call, rendered, with a blank line between blocks. */
  take(): string[] {
    const out: string[] = [];
    for (;;) {
      const end = blockEnd(this.text, this.done);
      if (end === -1) break;
      const block = this.text.slice(this.done, end).replace(/^\n+/, '');
      if (block.trim()) out.push(...renderBlock(block, this.style), '');
      this.done = end;
    }
    return out;
  }

  pending(): string[] {
    const rest = this.text.slice(this.done).replace(/^\n+/, '');
    return rest.trim() ? renderBlock(rest, this.style) : [];
  }

  /** Everything not yet committed, rendered (at the end of the message). */
  flush(): string[] {
    const lines = [...this.take(), ...this.pending()];
    this.done = this.text.length;
    return lines;
  }
}

/** End of the complete block starting at `from`, or -1 when it may still grow. */
function blockEnd(text: string, from: number): number {
  let i = from;
  while (text[i] === '\n') i++;
  const lineEnd = text.indexOf('\n', i);
  if (lineEnd === -1) return -1;
  const first = text.slice(i, lineEnd);
  const fence = /^\s*(```|~~~)/.exec(first);
  if (fence) {
    // A code block ends at its closing fence line.
    const close = new RegExp(`\\n\\s*${fence[1]}\\s*(\\n|$)`, 'g');
    close.lastIndex = lineEnd;
    const m = close.exec(text);
    if (!m || !m[1]) return -1;
    return m.index + m[0].length;
  }
  // Other blocks end at a blank line, or before a fence or heading.
  for (let p = lineEnd; p !== -1; p = text.indexOf('\n', p + 1)) {
    const next = text.indexOf('\n', p + 1);
    if (next === -1) return -1;
    const line = text.slice(p + 1, next);
    if (!line.trim() || /^\s*(```|~~~)|^#{1,6}\s/.test(line)) return p + 1;
  }
  return -1;
}
