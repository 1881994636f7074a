// An inline, differential renderer. Finished output is written once into the
// terminal's scrollback (commit); below it, a live region (the streaming
// answer, the running tool, the prompt, the status line) is redrawn on each
// frame by rewriting only the rows that changed, inside synchronized-output
// escapes so the terminal never shows a half-drawn frame. The alternate
// screen is never used and the scrollback is never cleared.
import { wrap } from './ansi.ts';

const SYNC_START = '\x1b[?2026h';
const SYNC_END = '\x1b[?2026l';

export interface Output {
  write(s: string): unknown;
  columns?: number;
  isTTY?: boolean;
}

export class Screen {
  private rows: string[] = [];
  /** Row of the live region the terminal cursor is on. */
  private cursorRow = 0;
  private readonly out: Output;
  /** Bytes written, for tests and the render benchmark. */
  bytesWritten = 0;

  constructor(out: Output) {
    this.out = out;
  }

  get width(): number {
    return this.out.columns || 80;
  }

  private write(s: string) {
    this.bytesWritten += Buffer.byteLength(s);
    this.out.write(s);
  }

  /** Moves from the cursor's row to the top of the live region, ready to draw. */
  private toTop(): string {
    return (this.cursorRow > 0 ? `\x1b[${this.cursorRow}A` : '') + '\r';
  }

  /** Writes lines into the scrollback above the live region. */
  commit(lines: string[], live: string[] = this.rowsAsLines, cursor?: Cursor): void {
    if (!lines.length) return this.render(live, cursor);
    const body = lines.flatMap((l) => wrap(l, this.width)).join('\r\n');
    let s = SYNC_START + this.toTop() + '\x1b[J' + body + '\r\n';
    this.rows = [];
    this.cursorRow = 0;
    s += this.frame(live, cursor);
    this.write(s + SYNC_END);
  }

  private get rowsAsLines(): string[] {
    return this.rows;
  }

  /** Redraws the live region, rewriting only changed rows. */
  render(lines: string[], cursor?: Cursor): void {
    const s = this.frame(lines, cursor);
    if (s) this.write(SYNC_START + s + SYNC_END);
  }

  /** Forgets what is drawn (after a resize), so the next frame redraws it all. */
  invalidate(): void {
    const s = this.toTop() + '\x1b[J';
    this.rows = [];
    this.cursorRow = 0;
    this.write(s);
  }

  private frame(lines: string[], cursor?: Cursor): string {
    const next = lines.flatMap((l) => wrap(l, this.width));
    let first = 0;
    while (first < next.length && first < this.rows.length && next[first] === this.rows[first]) first++;
    const same = first === next.length && next.length === this.rows.length;
    let s = '';
    if (!same) {
      if (this.rows.length === 0 && next.length === 0) return '';
      // Go to the first changed row (or the last existing one, to append below it).
      const target = Math.min(first, Math.max(this.rows.length - 1, 0));
      s += move(this.cursorRow, target) + '\r';
      let row = target;
      if (first > target) {
        s += '\r\n'; // append after the last row
        row++;
      }
      for (let i = first; i < next.length; i++) {
        s += `\x1b[2K${next[i]}`;
        if (i < next.length - 1) s += '\r\n';
        row = i;
      }
      if (next.length < this.rows.length) s += next.length ? '\x1b[J' : '\r\x1b[J';
      this.cursorRow = Math.max(row, 0);
      this.rows = next;
    }
    // Put the terminal cursor where the editor's cursor is.
    if (cursor && next.length) {
      const target = Math.min(cursor.row, next.length - 1);
      s += move(this.cursorRow, target) + `\x1b[${cursor.col + 1}G`;
      this.cursorRow = target;
    }
    return s;
  }
}

export interface Cursor {
  /** Row within the (wrapped) live region. */
  row: number;
  col: number;
}

function move(from: number, to: number): string {
  if (to < from) return `\x1b[${from - to}A`;
  if (to > from) return `\x1b[${to - from}B`;
  return '';
}
