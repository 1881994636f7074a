// Locating an edit's oldText in a file: exact occurrences first; failing
// that, a line-by-line match that tolerates indentation, trailing whitespace
// and Unicode quote and dash variants, accepted only when it is unique.
import { numbered } from './read.ts';

export interface Region {
  start: number;
  end: number;
  /** The replacement, re-indented to the file when the fuzzy match needed it. */
  replacement: string;
}

export function occurrences(text: string, needle: string): number[] {
  const hits: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + 1)) hits.push(i);
  return hits;
}

/** Leftmost non-overlapping occurrences, as replaceAll replaces them. */
export function nonOverlapping(hits: number[], length: number): number[] {
  const out: number[] = [];
  for (const h of hits) if (!out.length || h >= out.at(-1)! + length) out.push(h);
  return out;
}

const canon = (s: string) =>
  s
    .replace(/[\u2018\u2019\u201A\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u00A0\u2000-\u200A\u202F\u3000]/g, ' ')
    .trim();

const indentOf = (s: string) => /^[ \t]*/.exec(s)![0];

interface Line {
  start: number;
  /** End of the content, before \r\n or \n. */
  end: number;
  /** After the line ending. */
  next: number;
  text: string;
}

export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const next = nl === -1 ? text.length : nl + 1;
    const end = nl === -1 ? text.length : nl > start && text[nl - 1] === '\r' ? nl - 1 : nl;
    lines.push({ start, end, next, text: text.slice(start, end) });
    if (nl === -1) break;
    start = next;
  }
  return lines;
}

/** Unique tolerant match: a region, or how many regions matched (0 or more than 1). */
export function fuzzyFind(text: string, oldText: string, newText: string, eol: string): Region | number {
  const oldLines = oldText.split(/\r?\n/);
  const endsWithNewline = oldLines.length > 1 && oldLines.at(-1) === '';
  if (endsWithNewline) oldLines.pop();
  if (!oldLines.some((l) => l.trim())) return 0;
  const want = oldLines.map(canon);
  const lines = splitLines(text);
  const found: number[] = [];
  for (let s = 0; s + want.length <= lines.length; s++) {
    if (want.every((w, j) => canon(lines[s + j].text) === w)) found.push(s);
  }
  if (found.length !== 1) return found.length;
  const first = lines[found[0]];
  const last = lines[found[0] + want.length - 1];
  // Carry the file's indentation over to the replacement.
  const k = oldLines.findIndex((l) => l.trim());
  const fileIndent = indentOf(lines[found[0] + k].text);
  const oldIndent = indentOf(oldLines[k]);
  let replacement = newText;
  if (fileIndent !== oldIndent) {
    replacement = newText
      .split(eol)
      .map((l) => (l.trim() && l.startsWith(oldIndent) ? fileIndent + l.slice(oldIndent.length) : l))
      .join(eol);
  }
  return { start: first.start, end: endsWithNewline ? last.next : last.end, replacement };
}

function bigrams(s: string): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < s.length - 1; i++) {
    const g = s.slice(i, i + 2);
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/** Dice similarity of character bigrams: cheap enough for every line of a large file. */
function similarity(a: Map<string, number>, aLen: number, b: string): number {
  if (aLen < 2 || b.length < 2) return 0;
  let common = 0;
  const seen = new Map<string, number>();
  for (let i = 0; i < b.length - 1; i++) {
    const g = b.slice(i, i + 2);
    const used = seen.get(g) ?? 0;
    if (used < (a.get(g) ?? 0)) {
      common++;
      seen.set(g, used + 1);
    }
  }
  return (2 * common) / (aLen - 1 + b.length - 1);
}

/** The lines of the file most like oldText, numbered, to show the model what is really there. */
export function closestLines(text: string, oldText: string): string | undefined {
  const firstOld = oldText.split(/\r?\n/).find((l) => l.trim());
  if (!firstOld) return undefined;
  const target = canon(firstOld);
  const grams = bigrams(target);
  const lines = splitLines(text);
  let best = -1;
  let bestScore = 0.5;
  lines.forEach((l, i) => {
    const score = similarity(grams, target.length, canon(l.text));
    if (score > bestScore) [best, bestScore] = [i, score];
  });
  if (best === -1) return undefined;
  const count = oldText.split(/\r?\n/).length;
  const from = Math.max(0, best - 1);
  const to = Math.min(lines.length, best + count + 1);
  return lines
    .slice(from, to)
    .map((l, i) => numbered(from + i + 1, l.text))
    .join('\n');
}
