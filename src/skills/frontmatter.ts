// The YAML frontmatter of a SKILL.md: top-level `key: value` pairs whose values
// are plain, quoted or block scalars, or lists of strings; nested maps
// (`metadata:`) are recognized and skipped. Hand-written so startup loads no
// YAML library, lenient where other agents' parsers are (an unquoted colon
// inside a description), and every error names its line.

export type FrontValue = string | string[] | { map: true };

export interface Frontmatter {
  /** Each key's value and the 1-based line of the file it is on. */
  values: Map<string, { value: FrontValue; line: number }>;
  /** The markdown after the closing `---`, trimmed. */
  body: string;
}

export type FrontmatterResult = ({ ok: true } & Frontmatter) | { ok: false; line: number; message: string };

class FrontmatterError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(message);
    this.line = line;
  }
}

const KEY = /^([A-Za-z0-9_][\w.-]*)[ \t]*:(?:[ \t]+(.*))?$/;
const BLOCK_HEADER = /^[|>]([+-]?[1-9]?|[1-9][+-])\s*(#.*)?$/;

export function parseFrontmatter(text: string): FrontmatterResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0].trimEnd() !== '---') return { ok: false, line: 1, message: 'no frontmatter: the file must start with a line "---"' };
  const end = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l));
  if (end < 0) return { ok: false, line: 1, message: 'the frontmatter has no closing "---" line' };
  try {
    return { ok: true, values: parseMapping(lines, end), body: lines.slice(end + 1).join('\n').trim() };
  } catch (err) {
    if (err instanceof FrontmatterError) return { ok: false, line: err.line, message: err.message };
    throw err;
  }
}

function parseMapping(lines: string[], end: number): Frontmatter['values'] {
  const values: Frontmatter['values'] = new Map();
  let i = 1;
  while (i < end) {
    const raw = lines[i].trimEnd();
    if (!raw || raw.trimStart().startsWith('#')) {
      i++;
      continue;
    }
    if (/^\s/.test(raw)) throw new FrontmatterError(i + 1, 'unexpected indentation');
    const m = KEY.exec(raw);
    if (!m) throw new FrontmatterError(i + 1, 'expected "key: value"');
    if (values.has(m[1])) throw new FrontmatterError(i + 1, `duplicate key "${m[1]}"`);
    const [value, next] = parseValue(lines, i, end, (m[2] ?? '').trim());
    values.set(m[1], { value, line: i + 1 });
    i = next;
  }
  return values;
}

/** The value of the key on line index i; returns it and the index of the next key's line. */
function parseValue(lines: string[], i: number, end: number, rest: string): [FrontValue, number] {
  if (rest === '' || rest.startsWith('#')) return nested(lines, i, end);
  if (rest[0] === '"' || rest[0] === "'") return quoted(lines, i, end, rest);
  if (rest[0] === '[') {
    const flow = /^\[(.*)\]\s*(#.*)?$/.exec(rest);
    if (!flow) throw new FrontmatterError(i + 1, 'a [list] must close on the same line');
    const items = flow[1].split(',').map((s) => s.trim()).filter(Boolean);
    return [items.map((s) => inlineScalar(s, i + 1)), i + 1];
  }
  const stop = childEnd(lines, i, end, false);
  if (rest[0] === '{') return [{ map: true }, stop];
  const children = lines.slice(i + 1, stop);
  if (rest[0] === '|' || rest[0] === '>') {
    if (!BLOCK_HEADER.test(rest)) throw new FrontmatterError(i + 1, `bad block scalar header "${rest}"`);
    const indent = Math.min(...children.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
    const content = children.map((l) => l.slice(indent).trimEnd());
    return [(rest[0] === '|' ? content.join('\n') : fold(content)).trim(), stop];
  }
  // A plain scalar may go on over more-indented lines, folded into one.
  return [fold([stripComment(rest), ...children.map((l) => l.trim())]).trim(), stop];
}

/** A key with nothing after it: a list of strings, a nested map (skipped), a scalar on the next lines, or empty. */
function nested(lines: string[], i: number, end: number): [FrontValue, number] {
  const stop = childEnd(lines, i, end, true);
  const children = lines
    .slice(i + 1, stop)
    .map((l, k) => ({ text: l.trim(), line: i + 2 + k }))
    .filter((c) => c.text && !c.text.startsWith('#'));
  if (children.length === 0) return ['', stop];
  const isItem = (t: string) => /^-(\s|$)/.test(t);
  if (/^[\w.-]+\s*:(\s|$)/.test(children[0].text)) return [{ map: true }, stop];
  if (!isItem(children[0].text)) return [inlineScalar(fold(children.map((c) => c.text)), children[0].line), stop];
  const odd = children.find((c) => !isItem(c.text));
  if (odd) throw new FrontmatterError(odd.line, 'list items must be one line each, starting with "- "');
  return [children.map((c) => inlineScalar(c.text.slice(1).trim(), c.line)), stop];
}

/** A quoted scalar, which may span lines; the closing quote ends it. */
function quoted(lines: string[], i: number, end: number, rest: string): [string, number] {
  const q = rest[0];
  let text = rest.slice(1);
  for (let j = i; ; ) {
    const close = closingQuote(text, q);
    if (close >= 0) {
      const after = text.slice(close + 1).trim();
      if (after && !after.startsWith('#')) throw new FrontmatterError(j + 1, 'unexpected text after the closing quote');
      return [unquote(text.slice(0, close), q), j + 1];
    }
    if (++j >= end) throw new FrontmatterError(i + 1, 'the quoted value is never closed');
    text += `\n${lines[j]}`;
  }
}

/** A list item or flow-list entry: quoted on one line, or plain. */
function inlineScalar(text: string, line: number): string {
  if (text[0] !== '"' && text[0] !== "'") return stripComment(text);
  const close = closingQuote(text.slice(1), text[0]);
  if (close < 0) throw new FrontmatterError(line, 'the quoted value is never closed');
  return unquote(text.slice(1, close + 1), text[0]);
}

function closingQuote(text: string, q: string): number {
  for (let k = 0; k < text.length; k++) {
    if (q === '"' && text[k] === '\\') k++;
    else if (text[k] === q) {
      if (q === "'" && text[k + 1] === "'") k++;
      else return k;
    }
  }
  return -1;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '"': '"', '\\': '\\', '/': '/', ' ': ' ' };

function unquote(raw: string, q: string): string {
  const lines = raw.split('\n');
  const folded = fold(lines.map((l, k) => (k === 0 ? l.trimEnd() : k === lines.length - 1 ? l.trimStart() : l.trim())));
  if (q === "'") return folded.replaceAll("''", "'");
  return folded.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, e: string) =>
    e.length > 1 ? String.fromCodePoint(parseInt(e.slice(1), 16)) : (ESCAPES[e] ?? e),
  );
}

/** YAML folding: single line breaks become spaces, each empty line a newline. */
function fold(lines: string[]): string {
  return lines
    .join('\n')
    .replace(/([^\n])\n(?=[^\n])/g, '$1 ')
    .replace(/\n\n/g, '\n');
}

function stripComment(text: string): string {
  return text.replace(/\s+#.*$/, '').trim();
}

/** The index after the last line that belongs to the key on line i: indented lines (and, for lists, "- " lines). */
function childEnd(lines: string[], i: number, end: number, dashes: boolean): number {
  let last = i;
  for (let j = i + 1; j < end; j++) {
    const l = lines[j];
    if (!l.trim()) continue;
    if (/^[ \t]/.test(l) || (dashes && /^-(\s|$)/.test(l))) last = j;
    else break;
  }
  return last + 1;
}
