// An inline, differential renderer. Finished output is written once into the
// terminal's scrollback (commit); below it, a live region (the streaming
// answer, the running tool, the prompt, the status line) is redrawn on each
// frame by rewriting only the rows that changed, inside synchronized-output
// escapes so the terminal never shows a half-drawn frame. The alternate
// screen is never used and the scrollback is never cleared.
import { visibleWidth, wrap } from './ansi.ts';

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
  commit(lines: string[], live: string[], cursor?: Cursor): void {
    if (!lines.length) return this.render(live, cursor);
    const body = lines.flatMap((l) => wrap(l, this.width)).join('\r\n');
    let s = SYNC_START + this.toTop() + '\x1b[J' + body + '\r\n';
    this.rows = [];
    this.cursorRow = 0;
    s += this.frame(live, cursor);
    this.write(s + SYNC_END);
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
    const old = this.rows;
    // Rows that exist on the terminal (an empty region still has its line).
    let existing = Math.max(old.length, 1);
    let row = this.cursorRow;
    let s = '';
    const moveTo = (target: number) => {
      if (target < existing) {
        s += move(row, target);
      } else {
        s += move(row, existing - 1) + '\r\n'.repeat(target - existing + 1);
        existing = target + 1;
      }
      row = target;
    };
    for (let i = 0; i < next.length; i++) {
      if (i < old.length && next[i] === old[i]) continue;
      moveTo(i);
      // Streaming text mostly grows a row: then only the new end is written.
      if (i < old.length && old[i] && next[i].startsWith(old[i])) s += `\x1b[${visibleWidth(old[i]) + 1}G${next[i].slice(old[i].length)}`;
      else s += `\r\x1b[2K${next[i]}`;
    }
    if (next.length < old.length) {
      moveTo(next.length);
      s += '\r\x1b[J';
    }
    this.rows = next;
    // Put the terminal cursor where the editor's cursor is.
    if (cursor && next.length) {
      moveTo(Math.min(cursor.row, next.length - 1));
      s += `\x1b[${cursor.col + 1}G`;
    }
    this.cursorRow = row;
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
