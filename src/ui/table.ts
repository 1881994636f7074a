// Markdown tables as terminal tables: aligned columns in a box, cells with
// inline markdown, columns narrowed and cells word-wrapped to fit the width.
import { type Style, visibleWidth, wrapWords } from './ansi.ts';

type Align = 'left' | 'center' | 'right';

const DELIMITER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
/** Narrowest a column gets when the table must shrink to fit. */
const MIN_COLUMN = 6;

/** The cells of a `| a | b |` row (outer pipes optional, `\|` is a literal pipe). */
export function splitRow(line: string): string[] {
  const body = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  return body.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** Whether `line` is the delimiter row under a header of `header` cells. */
export function isDelimiter(line: string, header: string): boolean {
  return line.includes('-') && DELIMITER.test(line) && splitRow(line).length === splitRow(header).length;
}

/**
 * A table being streamed: rows are added as they complete, their cells
 * rendered once, the column widths kept up to date.
 */
export class Table {
  private readonly align: Align[];
  private readonly rows: string[][] = [];
  private readonly widths: number[];
  private readonly s: Style;
  private readonly inline: (text: string) => string;

  constructor(header: string, delimiter: string, s: Style, inline: (text: string) => string) {
    this.s = s;
    this.inline = inline;
    this.align = splitRow(delimiter).map((d) => (d.startsWith(':') && d.endsWith(':') ? 'center' : d.endsWith(':') ? 'right' : 'left'));
    this.widths = this.align.map(() => 1);
    this.add(header, true);
  }

  add(line: string, header = false): void {
    const cells = splitRow(line).map((c) => this.inline(c));
    const row = this.align.map((_, i) => (header ? this.s.bold(cells[i] ?? '') : (cells[i] ?? '')));
    row.forEach((c, i) => (this.widths[i] = Math.max(this.widths[i], visibleWidth(c))));
    this.rows.push(row);
  }

  /** The table in a box at most `width` columns wide; with `lastRows`, only the header and that many last rows. */
  render(width: number, lastRows = Infinity): string[] {
    const widths = fit(this.widths, width - 3 * this.widths.length - 1);
    const g = this.s.gray;
    const rule = (l: string, m: string, r: string) => g(l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r);
    const body = this.rows.slice(Math.max(1, this.rows.length - lastRows));
    return [
      rule('┌', '┬', '┐'),
      ...this.line(this.rows[0], widths),
      rule('├', '┼', '┤'),
      ...body.flatMap((r) => this.line(r, widths)),
      rule('└', '┴', '┘'),
    ];
  }

  /** One table row: as many terminal lines as its tallest wrapped cell. */
  private line(cells: string[], widths: number[]): string[] {
    const wrapped = cells.map((c, i) => wrapWords(c, widths[i]));
    const height = Math.max(...wrapped.map((w) => w.length));
    const bar = this.s.gray('│');
    return Array.from({ length: height }, (_, k) => {
      const parts = wrapped.map((w, i) => pad(w[k] ?? '', widths[i], this.align[i]));
      return `${bar} ${parts.join(` ${bar} `)} ${bar}`;
    });
  }
}

/** Column widths within `room`: the widest columns give way first, none below MIN_COLUMN. */
function fit(natural: number[], room: number): number[] {
  const widths = [...natural];
  let over = widths.reduce((a, b) => a + b, 0) - room;
  while (over > 0) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= MIN_COLUMN) break;
    widths[widest]--;
    over--;
  }
  return widths;
}

function pad(cell: string, width: number, align: Align): string {
  const gap = Math.max(0, width - visibleWidth(cell));
  if (align === 'right') return ' '.repeat(gap) + cell;
  if (align === 'center') return ' '.repeat(Math.floor(gap / 2)) + cell + ' '.repeat(Math.ceil(gap / 2));
  return cell + ' '.repeat(gap);
}
