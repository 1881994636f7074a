import { readFile, rm } from 'node:fs/promises';
import { applyPatch, parsePatch, type StructuredPatch } from 'diff';
import { z } from 'zod';
import { defineTool, errorResult } from '../protocol/tool.ts';
import { markSeen, staleMessage } from './file-state.ts';
import { resolvePath } from './paths.ts';
import { writeAtomic } from './write.ts';

interface Change {
  path: string;
  abs: string;
  /** New content, or null to delete. */
  after: string | null;
  /** Content before, or null when the file is new. */
  before: string | null;
}

const strip = (name: string | undefined) => (!name || name === '/dev/null' ? undefined : name.replace(/^[ab]\//, ''));

/** Why a hunk does not fit: the first line it expects that the file does not have. */
function hunkMismatch(source: string, patch: StructuredPatch, index: number): string {
  const hunk = patch.hunks[index];
  const lines = source.split('\n');
  const expected = hunk.lines.filter((l) => !l.startsWith('+') && !l.startsWith('\\')).map((l) => l.slice(1));
  for (let k = 0; k < expected.length; k++) {
    const actual = lines[hunk.oldStart - 1 + k];
    if (actual?.replace(/\r$/, '') !== expected[k].replace(/\r$/, '')) {
      return `line ${hunk.oldStart + k} should be ${JSON.stringify(expected[k])} but is ${actual === undefined ? 'past the end of the file' : JSON.stringify(actual)}`;
    }
  }
  return 'its context does not match the file';
}

export const applyPatchTool = defineTool({
  name: 'apply_patch',
  description:
    'Apply a unified diff (as from git diff or diff -u) to one or more files, including new files (--- /dev/null) and deleted files (+++ /dev/null). All files change together or none do.',
  parameters: z.object({ patch: z.string().describe('The unified diff') }),
  readOnly: false,
  async execute({ patch }, ctx) {
    let patches: StructuredPatch[];
    try {
      patches = parsePatch(patch);
    } catch (err) {
      return errorResult(`Cannot parse the patch: ${(err as Error).message}`);
    }
    patches = patches.filter((p) => p.hunks.length || strip(p.oldFileName) || strip(p.newFileName));
    if (!patches.length) return errorResult('The patch contains no file changes.');

    const changes: Change[] = [];
    for (const p of patches) {
      const oldPath = strip(p.oldFileName);
      const newPath = strip(p.newFileName);
      const path = (newPath ?? oldPath)!;
      const abs = resolvePath(ctx.cwd, path);
      if (oldPath) {
        const stale = await staleMessage(ctx.state, abs, path);
        if (stale) return errorResult(stale);
      }
      const before = oldPath ? await readFile(resolvePath(ctx.cwd, oldPath), 'utf8').catch(() => null) : null;
      if (oldPath && before === null) return errorResult(`${oldPath}: file not found (the patch modifies or deletes it).`);
      if (!oldPath && (await readFile(abs, 'utf8').catch(() => null)) !== null) return errorResult(`${path}: the patch creates it, but it already exists.`);
      const after = applyPatch(before ?? '', p);
      if (after === false) {
        // Find the first hunk that fails on its own.
        for (let i = 0; i < p.hunks.length; i++) {
          if (applyPatch(before ?? '', { ...p, hunks: p.hunks.slice(0, i + 1) }) === false) {
            const h = p.hunks[i];
            return errorResult(`${path}: hunk ${i + 1} of ${p.hunks.length} (@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@) does not apply: ${hunkMismatch(before ?? '', p, i)}. Nothing was changed.`);
          }
        }
        return errorResult(`${path}: the patch does not apply. Nothing was changed.`);
      }
      changes.push({ path, abs, before, after: newPath ? after : null });
    }

    // Everything applies in memory; now write, undoing on failure.
    const done: Change[] = [];
    try {
      for (const c of changes) {
        if (c.after === null) await rm(c.abs);
        else await writeAtomic(c.abs, c.after);
        done.push(c);
      }
    } catch (err) {
      for (const c of done.reverse()) {
        if (c.before === null) await rm(c.abs, { force: true });
        else await writeAtomic(c.abs, c.before);
      }
      return errorResult(`Writing failed, every file was restored: ${(err as Error).message}`);
    }
    for (const c of changes) if (c.after !== null) await markSeen(ctx.state, c.abs);
    const summary = changes.map((c) => `${c.before === null ? 'created' : c.after === null ? 'deleted' : 'modified'} ${c.path}`);
    return { content: `Applied the patch: ${summary.join(', ')}.`, details: patch };
  },
});
