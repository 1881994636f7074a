// Reading a unified diff for apply_patch. jsdiff does the parsing; this checks
// what jsdiff lets through (hunk headers without numbers, hunks with no file,
// empty file names) and names the line of the patch for every problem.
import { parsePatch, type StructuredPatch } from 'diff';

export interface FilePatch {
  /** Line of the patch (1-based) where this file's section starts. */
  line: number;
  /** The file as it was; undefined when the patch creates it. */
  oldPath?: string;
  /** The file as it becomes; undefined when the patch deletes it. */
  newPath?: string;
  /** A copy leaves oldPath in place; otherwise different paths mean a move. */
  copy: boolean;
  /** New permission bits (from git's "new mode" or "new file mode"). */
  mode?: number;
  patch: StructuredPatch;
  /** Line of the patch where each hunk's header is. */
  hunkLines: number[];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

const strip = (name: string | undefined) => (name === undefined || name === '/dev/null' ? undefined : name.replace(/^[ab]\//, ''));

/** The file patches, or a message naming the line that is wrong. */
export function parseUnifiedDiff(text: string): FilePatch[] | string {
  const lines = text.split('\n');
  const hunkLines: number[] = [];
  for (const [i, l] of lines.entries()) {
    if (!/^@@\s/.test(l)) continue;
    if (!HUNK_HEADER.test(l)) return `line ${i + 1}: a hunk header looks like "@@ -12,3 +12,4 @@", not ${JSON.stringify(l)}.`;
    hunkLines.push(i + 1);
  }
  let patches: StructuredPatch[];
  try {
    patches = parsePatch(text);
  } catch (err) {
    return located((err as Error).message, lines);
  }

  const out: FilePatch[] = [];
  let hunk = 0;
  let cursor = 0; // lines before this belong to earlier files
  for (const p of patches) {
    const oldPath = strip(p.oldFileName);
    const newPath = strip(p.newFileName);
    const mine = hunkLines.slice(hunk, hunk + p.hunks.length);
    hunk += p.hunks.length;
    if (!p.hunks.length && oldPath === undefined && newPath === undefined) continue; // prose between files
    const line = headerLine(lines, cursor, p) ?? mine[0] ?? cursor + 1;
    cursor = Math.max(cursor, (mine.at(-1) ?? line) - 1);
    if (p.oldFileName === undefined && p.newFileName === undefined) {
      return `line ${line}: this hunk has no file header before it (--- a/file and +++ b/file).`;
    }
    if (oldPath === '' || newPath === '' || (oldPath === undefined && newPath === undefined)) return `line ${line}: the file header names no file.`;
    if (p.isBinary) return `line ${line}: ${newPath ?? oldPath}: binary patches are not supported.`;
    const isChange = p.hunks.length || p.isRename || p.isCopy || p.isCreate || p.isDelete || p.newMode || oldPath !== newPath;
    if (!isChange) return `line ${line}: ${newPath} has a file header but no hunks (@@ -12,3 +12,4 @@ and the lines).`;
    const mode = p.newMode && newPath !== undefined ? Number.parseInt(p.newMode, 8) & 0o7777 : undefined;
    out.push({ line, oldPath, newPath, copy: !!p.isCopy, mode, patch: p, hunkLines: mine });
  }
  return out;
}

/** The first line at or after `from` that starts this file's section. */
function headerLine(lines: string[], from: number, p: StructuredPatch): number | undefined {
  const names = [p.oldFileName, p.newFileName].filter((n) => n !== undefined).map((n) => n!.replace(/^[ab]\//, ''));
  for (let i = from; i < lines.length; i++) {
    const l = lines[i];
    if (/^(diff --git |--- |\+\+\+ |rename from |copy from )/.test(l) && names.some((n) => l.includes(n))) return i + 1;
    if (/^@@\s/.test(l)) return undefined;
  }
  return undefined;
}

/** jsdiff's message, led by the line it is about. */
function located(message: string, lines: string[]): string {
  const at = /at line (\d+)/.exec(message);
  if (at) return `line ${at[1]}: ${message}.`;
  // 'Missing "+++ ..." file header for a/x': the line of the header that is there.
  const file = /file header for (.*)$/.exec(message)?.[1];
  const i = file === undefined ? -1 : lines.findIndex((l) => /^(---|\+\+\+)\s/.test(l) && l.includes(file));
  return i === -1 ? `${message}.` : `line ${i + 1}: ${message}.`;
}
