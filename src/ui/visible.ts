// Text that came from the model (a command, a path) shown to the person on a
// terminal: control characters, escape sequences and bidirectional overrides
// are shown as visible marks, never obeyed, so what a question shows is what
// would run (a `\r` or an ESC cannot paint a harmless command over a harmful one).

// C0 controls but newline, DEL, C1 controls; bidi embeddings, overrides and isolates; zero-width marks.
const HIDDEN = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const mark = (c: string): string => {
  const n = c.codePointAt(0)!;
  if (c === '\t') return '  ';
  // Control Pictures: ␛ for ESC, ␍ for CR, ␡ for DEL.
  if (n < 0x20) return String.fromCodePoint(0x2400 + n);
  if (n === 0x7f) return '\u2421';
  return `<U+${n.toString(16).toUpperCase().padStart(4, '0')}>`;
};

/** The text with what a terminal would obey made visible; newlines are kept. */
export function visible(text: string): string {
  return text.replace(HIDDEN, mark);
}

/** One line: visible, newlines shown as ⏎. */
export function oneLine(text: string): string {
  return visible(text).replace(/\n/g, ' ⏎ ');
}
