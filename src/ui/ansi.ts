// Terminal styling and text measurement. Colours are off with NO_COLOR or
// when the output is not a terminal.

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  italic(s: string): string;
  underline(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  magenta(s: string): string;
  cyan(s: string): string;
  gray(s: string): string;
}

const code = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;

export const colors: Style = {
  bold: code(1, 22),
  dim: code(2, 22),
  italic: code(3, 23),
  underline: code(4, 24),
  red: code(31, 39),
  green: code(32, 39),
  yellow: code(33, 39),
  blue: code(34, 39),
  magenta: code(35, 39),
  cyan: code(36, 39),
  gray: code(90, 39),
};

const id = (s: string) => s;
export const plain: Style = Object.fromEntries(Object.keys(colors).map((k) => [k, id])) as unknown as Style;

export function styleFor(stream: { isTTY?: boolean }, noColor: boolean): Style {
  return stream.isTTY && !noColor ? colors : plain;
}

export const stripAnsi = (s: string) => s.replace(ANSI, '');

/** Columns a string takes (wide East Asian characters and emoji count two). */
export function visibleWidth(s: string): number {
  let w = 0;
  for (const ch of stripAnsi(s)) w += wide(ch.codePointAt(0)!) ? 2 : 1;
  return w;
}

function wide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0x1f300 && cp <= 0x1faff)
  );
}

/** Splits a styled line into rows of at most `width` columns, keeping escape codes intact. */
export function wrap(line: string, width: number): string[] {
  if (width < 1 || visibleWidth(line) <= width) return [line];
  return carryStyles(cut(line, width));
}

function cut(line: string, width: number): string[] {
  const rows: string[] = [];
  let row = '';
  let w = 0;
  for (const t of line.split(SGR_SPLIT)) {
    if (t.startsWith('\x1b')) {
      row += t;
      continue;
    }
    for (const ch of t) {
      const cw = wide(ch.codePointAt(0)!) ? 2 : 1;
      if (w + cw > width) {
        rows.push(row);
        row = '';
        w = 0;
      }
      row += ch;
      w += cw;
    }
  }
  rows.push(row);
  return rows;
}

/** Like wrap, but breaks between words where it can (a word longer than a row is cut). */
export function wrapWords(line: string, width: number): string[] {
  if (width < 1 || visibleWidth(line) <= width) return [line];
  const rows: string[] = [];
  let row = '';
  for (const word of line.split(/(?<= )(?=[^ ])/)) {
    const fits = visibleWidth(row) + visibleWidth(word.trimEnd()) <= width;
    if (fits || !row) row += word;
    else {
      rows.push(row.trimEnd());
      row = word;
    }
    // A word wider than the row: cut it, keep its last piece open.
    if (visibleWidth(row.trimEnd()) > width) {
      const pieces = cut(row, width);
      rows.push(...pieces.slice(0, -1));
      row = pieces.at(-1)!;
    }
  }
  rows.push(row.trimEnd());
  return carryStyles(rows);
}

const SGR_SPLIT = /(\x1b\[[0-9;?]*[A-Za-z])/;
const SGR = /\x1b\[([0-9;]*)m/g;

/**
 * Ends each row with a reset and opens the next with the styles still in
 * effect, so every row can be redrawn on its own.
 */
function carryStyles(rows: string[]): string[] {
  let open: string[] = [];
  return rows.map((row, i) => {
    const styled = open.length ? `\x1b[${open.join(';')}m${row}` : row;
    for (const m of row.matchAll(SGR)) open = applySgr(open, m[1]);
    return i < rows.length - 1 && open.length ? `${styled}\x1b[0m` : styled;
  });
}

const CLOSES: Record<string, (code: string) => boolean> = {
  '22': (c) => c === '1' || c === '2',
  '23': (c) => c === '3',
  '24': (c) => c === '4',
  '39': (c) => /^(3\d|9\d)$/.test(c),
};

function applySgr(open: string[], params: string): string[] {
  let next = open;
  for (const p of params.split(';')) {
    if (p === '' || p === '0') next = [];
    else if (CLOSES[p]) next = next.filter((c) => !CLOSES[p](c));
    else next = [...next, p];
  }
  return next;
}
