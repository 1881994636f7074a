// Unified diffs for people: what an edit, a write or a patch changed.
import { formatPatch, type StructuredPatch, structuredPatch } from 'diff';
import type { DiffDetails } from '../protocol/details.ts';

/** A larger change is not diffed: diffing it is slow, and nobody reads it. */
const MAX_DIFF_CHARS = 1_000_000;

export function countOf(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** The diff of a change to one file, for a person; undefined when the change is too large to diff. */
export function fileDetails(path: string, before: string, after: string): DiffDetails | undefined {
  const [from, to] = changedSpan(before, after);
  // The changed text on both sides.
  if (2 * (to - from) + after.length - before.length >= MAX_DIFF_CHARS) return undefined;
  return spanDetails(path, before, after, from, to);
}

/** The same, when the caller knows `before` and `after` are identical outside [from, to) of `before`. */
export function spanDetails(path: string, before: string, after: string, from: number, to: number): DiffDetails {
  const patch = spanDiff(path, before, after, from, to);
  return { kind: 'diff', path, diff: formatPatch(patch), firstChangedLine: firstChanged(patch) };
}

/** [from, to) of `before`: everything outside it is the same in `after`. */
function changedSpan(before: string, after: string): [number, number] {
  const shorter = Math.min(before.length, after.length);
  let head = 0;
  while (head < shorter && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < shorter - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  return [head, before.length - tail];
}

/**
 * The changed span only, with three lines of context: diffing whole large
 * files is slow.
 */
function spanDiff(path: string, before: string, after: string, from: number, to: number): StructuredPatch {
  let start = before.lastIndexOf('\n', from - 1) + 1;
  for (let i = 0; i < 3 && start > 0; i++) start = before.lastIndexOf('\n', start - 2) + 1;
  let end = to;
  for (let i = 0; i < 4 && end < before.length; i++) {
    const nl = before.indexOf('\n', end);
    end = nl === -1 ? before.length : nl + 1;
  }
  const tail = before.length - end;
  const patch = structuredPatch(`a/${path}`, `b/${path}`, before.slice(start, end), after.slice(start, after.length - tail), undefined, undefined, { context: 3 });
  const offset = countOf(before.slice(0, start), '\n');
  for (const h of patch.hunks) {
    h.oldStart += offset;
    h.newStart += offset;
  }
  return patch;
}

/** The first line of the new file that differs (where a deletion was, for a deletion). */
function firstChanged(patch: StructuredPatch): number | undefined {
  const hunk = patch.hunks[0];
  if (!hunk) return undefined;
  let line = Math.max(1, hunk.newStart);
  for (const l of hunk.lines) {
    if (l.startsWith('+') || l.startsWith('-')) return line;
    if (l.startsWith(' ')) line++;
  }
  return undefined;
}
