import { chmod, lstat, rm } from 'node:fs/promises';
import { applyPatch, type StructuredPatch } from 'diff';
import { z } from 'zod';
import type { DiffDetails } from '../protocol/details.ts';
import { defineTool, errorResult, type ToolContext } from '../protocol/tool.ts';
import { fileDetails } from './diff.ts';
import { markSeen, staleMessage } from './file-state.ts';
import { explain, linkNote, readRegular, resolvePath, writeTarget } from './paths.ts';
import { type FilePatch, parseUnifiedDiff } from './patch-parse.ts';
import { writeAtomic } from './write.ts';

/** One file as the patch leaves it, in memory until every file applies. */
interface FileState {
  path: string;
  abs: string;
  /** Where writes land: abs with its symlinks followed. */
  target: string;
  /** On disk before the patch; null when it did not exist. */
  before: string | null;
  now: string | null;
  mode?: number;
}

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

/** The patched text, or why it does not apply. */
function patched(source: string, f: FilePatch, path: string): string | { error: string } {
  const attempt = (hunks: StructuredPatch['hunks']) => {
    try {
      return applyPatch(source, { ...f.patch, hunks });
    } catch {
      return false; // jsdiff can throw on hunks that make no sense for this file
    }
  };
  const after = attempt(f.patch.hunks);
  if (after !== false) return after;
  // Find the first hunk that fails on its own.
  const hunks = f.patch.hunks;
  for (let i = 0; i < hunks.length; i++) {
    if (attempt(hunks.slice(0, i + 1)) === false) {
      const h = hunks[i];
      return { error: `${path}: hunk ${i + 1} of ${hunks.length} (@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@, patch line ${f.hunkLines[i]}) does not apply: ${hunkMismatch(source, f.patch, i)}. Nothing was changed.` };
    }
  }
  return { error: `${path}: the patch does not apply. Nothing was changed.` };
}

/** Every file the patch touches, read once, changed in memory. */
class Plan {
  readonly files = new Map<string, FileState>();
  private readonly ctx: ToolContext;

  constructor(ctx: ToolContext) {
    this.ctx = ctx;
  }

  /** The file's state, read from disk the first time; a message when it cannot be read. */
  async file(path: string): Promise<FileState | string> {
    const abs = resolvePath(this.ctx.cwd, path);
    const known = this.files.get(abs);
    if (known) return known;
    let before: string | null = null;
    let target: string;
    try {
      target = await writeTarget(abs);
      if (await lstat(target).then(() => true, () => false)) {
        const stale = await staleMessage(this.ctx.state, abs, path);
        if (stale) return stale;
        const raw = await readRegular(target, path);
        if (raw.subarray(0, 8192).includes(0)) return `${path} is a binary file; apply_patch works on text.`;
        before = raw.toString('utf8');
      }
    } catch (err) {
      return explain(err, path);
    }
    const state: FileState = { path, abs, target, before, now: before };
    this.files.set(abs, state);
    return state;
  }

  /** Applies one file's section in memory; a message when it does not apply. */
  async apply(f: FilePatch): Promise<string | undefined> {
    const from = f.oldPath === undefined ? undefined : await this.file(f.oldPath);
    const to = f.newPath === undefined ? undefined : f.newPath === f.oldPath ? from : await this.file(f.newPath);
    if (typeof from === 'string') return from;
    if (typeof to === 'string') return to;
    const at = `(patch line ${f.line})`;
    if (from && from.now === null) return `${from.path}: file not found; the patch changes, moves or deletes it ${at}. Nothing was changed.`;
    if (to && to !== from && to.now !== null) return `${to.path}: the patch creates it, but it already exists ${at}. Nothing was changed.`;
    const after = patched(from?.now ?? '', f, (to ?? from)!.path);
    if (typeof after !== 'string') return after.error;
    if (from && !f.copy) from.now = null; // deleted or moved away
    if (to) {
      to.now = after;
      if (f.mode !== undefined) to.mode = f.mode;
    }
    return undefined;
  }

  /** Writes every change; undoes all of them if one fails. */
  async commit(): Promise<string | undefined> {
    const changed = [...this.files.values()].filter((s) => s.now !== s.before || s.mode !== undefined);
    // New content first and deletions last, so a failed move never loses the file.
    changed.sort((a, b) => Number(a.now === null) - Number(b.now === null));
    const done: FileState[] = [];
    try {
      for (const s of changed) {
        done.push(s);
        if (s.now === null) await rm(s.abs);
        else {
          await writeAtomic(s.target, s.now);
          if (s.mode !== undefined) await chmod(s.target, s.mode);
        }
      }
    } catch (err) {
      for (const s of done.reverse()) {
        if (s.before === null) await rm(s.target, { force: true }).catch(() => {});
        else await writeAtomic(s.target, s.before).catch(() => {});
      }
      return `Writing failed, every file was restored: ${(err as Error).message}`;
    }
    for (const s of changed) if (s.now !== null) await markSeen(this.ctx.state, s.abs);
    return undefined;
  }

  /** What changed, as a person reads it: the diff of every file as it was applied. */
  details(): DiffDetails | undefined {
    const changed = [...this.files.values()].filter((s) => s.now !== s.before);
    const diffs = changed.flatMap((s) => fileDetails(s.path, s.before ?? '', s.now ?? '') ?? []);
    if (!diffs.length) return undefined;
    return { ...diffs[0], diff: diffs.map((d) => d.diff).join(''), files: changed.map((s) => s.path) };
  }
}

function describe(f: FilePatch): string {
  if (f.oldPath === undefined) return `created ${f.newPath}`;
  if (f.newPath === undefined) return `deleted ${f.oldPath}`;
  if (f.oldPath !== f.newPath) return `${f.copy ? 'copied' : 'moved'} ${f.oldPath} to ${f.newPath}`;
  return `modified ${f.newPath}`;
}

export const applyPatchTool = defineTool({
  name: 'apply_patch',
  description:
    'Apply a unified diff (as from git diff or diff -u) to one or more files, including new files (--- /dev/null), deleted files (+++ /dev/null) and moves (--- a/old +++ b/new, or git\'s rename from/rename to). All files change together or none do.',
  parameters: z.object({ patch: z.string().describe('The unified diff') }),
  permission: 'edit',
  async execute({ patch }, ctx) {
    const files = parseUnifiedDiff(patch);
    if (typeof files === 'string') return errorResult(`Cannot parse the patch: ${files} Nothing was changed.`);
    if (!files.length) return errorResult('The patch contains no file changes.');
    const plan = new Plan(ctx);
    for (const f of files) {
      const problem = await plan.apply(f);
      if (problem) return errorResult(problem);
    }
    const failed = await plan.commit();
    if (failed) return errorResult(failed);
    const links = [...plan.files.values()].map((s) => (s.now === null ? '' : linkNote(ctx.cwd, s.path, s.abs, s.target))).join('');
    return { content: `Applied the patch: ${files.map(describe).join(', ')}.${links}`, details: plan.details() };
  },
});
