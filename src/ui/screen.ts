// An inline, differential renderer. Finished output is written once into the
// terminal's scrollback (commit); below it, a live region (the streaming
// answer, the running tool, the prompt, the status line) is redrawn on each
// frame by rewriting only the rows that changed, inside synchronized-output
// escapes so the terminal never shows a half-drawn frame. The live region is
// never taller than the terminal (only its last rows are shown), since rows
// that scroll off the top can no longer be reached to redraw. The alternate
// screen is never used and the scrollback is never cleared.
import { visibleWidth, wrap } from './ansi.ts';

const SYNC_START = '\x1b[?2026h';
const SYNC_END = '\x1b[?2026l';

export interface Output {
  write(s: string): unknown;
  columns?: number;
  rows?: number;
  isTTY?: boolean;
}

export class Screen {
  private rows: string[] = [];
  /** Row of the live region the terminal cursor is on. */
  private cursorRow = 0;
  private readonly out: Output;
  /** Rows committed since mark(). */
  private sinceMark = 0;
  /** The furthest row below the mark written since (past the terminal's height, the mark has scrolled off). */
  private depth = 0;
  /** Bytes written, for tests and the render benchmark. */
  bytesWritten = 0;

  constructor(out: Output) {
    this.out = out;
  }

  get width(): number {
    return this.out.columns || 80;
  }

  get height(): number {
    return this.out.rows || 24;
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
    const rows = lines.flatMap((l) => wrap(l, this.width));
    let s = SYNC_START + this.toTop() + '\x1b[J' + rows.join('\r\n') + '\r\n';
    this.sinceMark += rows.length;
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
    this.depth = Infinity; // rows may have re-wrapped: what was committed can no longer be counted
    this.write(s);
  }

  /** Remembers the current end of the scrollback, for erase(). */
  mark(): void {
    this.sinceMark = 0;
    this.depth = Math.max(this.rows.length, 1);
  }

  /**
   * Removes what was committed since mark(), with the live region, if it is
   * all still on the screen; false (and nothing changed) if part of it has
   * scrolled off. The caller draws the live region again.
   */
  erase(): boolean {
    if (this.depth > this.height) return false;
    const up = this.cursorRow + this.sinceMark;
    this.write(SYNC_START + (up > 0 ? `\x1b[${up}A` : '') + '\r\x1b[J' + SYNC_END);
    this.rows = [];
    this.cursorRow = 0;
    this.mark();
    return true;
  }

  private frame(lines: string[], cursor?: Cursor): string {
    let next = lines.flatMap((l) => wrap(l, this.width));
    // Only the last rows that fit; the cursor stays on a shown row.
    const hidden = Math.max(0, next.length - this.height);
    if (hidden) {
      next = next.slice(hidden);
      if (cursor) cursor = { row: Math.max(0, cursor.row - hidden), col: cursor.col };
    }
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
    this.depth = Math.max(this.depth, this.sinceMark + existing);
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
