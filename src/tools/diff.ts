// Unified diffs for people: what an edit or a write changed.
import { formatPatch, structuredPatch } from 'diff';

export function countOf(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

/**
 * A unified diff of the changed span only, with three lines of context:
 * before and after are identical outside [from, to), and diffing whole large
 * files is slow.
 */
export function spanDiff(path: string, before: string, after: string, from = 0, to = before.length): string {
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
  return formatPatch(patch);
}
