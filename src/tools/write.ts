import { chmod, chown, lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { defineTool, errorResult } from '../protocol/tool.ts';
import { fileDetails } from './diff.ts';
import { markSeen, withFileLock } from './file-state.ts';
import { EMPTY_PATH, explain, linkNote, PathError, readRegular, requireRegular, resolvePath, writeTarget } from './paths.ts';

/** An older file this large is not read to diff it. */
const MAX_DIFF_CHARS = 1_000_000;

const missing = (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err));

/**
 * Replaces a file's content in one step: a temporary file beside it is renamed
 * over it, so readers never see half a file, and it is removed if anything
 * fails. Keeps the mode and owner. A file with several hard links is written
 * in place instead, so that every link sees the new content. `path` must not
 * be a symlink (see writeTarget): a rename would replace the link.
 */
export async function writeAtomic(path: string, content: string | Buffer): Promise<void> {
  const info = await lstat(path).catch(missing);
  if (info) requireRegular(info, path);
  if (info && info.nlink > 1) return writeFile(path, content);
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw code === 'EEXIST' || code === 'ENOTDIR' ? new PathError(`${path}: a part of the path before the last is a file, not a folder.`) : err;
  }
  const tmp = join(dirname(path), `.${basename(path)}.nanocode-${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`);
  try {
    // Never readable by more people than the file it replaces, even for a moment.
    await writeFile(tmp, content, { flag: 'wx', mode: info ? info.mode & 0o777 : 0o666 });
    if (info) {
      await chmod(tmp, info.mode & 0o7777);
      if (info.uid !== process.getuid?.() || info.gid !== process.getgid?.()) await chown(tmp, info.uid, info.gid).catch(() => {});
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** What the file holds now, for the diff: '' when it does not exist, undefined when too large to diff. */
async function current(target: string, path: string): Promise<string | undefined> {
  const info = await lstat(target).catch(missing);
  if (!info) return '';
  requireRegular(info, path);
  return info.size < MAX_DIFF_CHARS ? (await readRegular(target, path)).toString('utf8') : undefined;
}

export const writeTool = defineTool({
  name: 'write',
  description: 'Write a file (creating parent folders), replacing its content entirely. Prefer edit for changes to existing files. Writing through a symlink changes the file it points to.',
  parameters: z.object({
    path: z.string().describe('File path, relative to the working directory or absolute'),
    content: z.string().describe('The complete new content'),
  }),
  permission: 'edit',
  async execute({ path, content }, ctx) {
    if (!path.trim()) return errorResult(EMPTY_PATH);
    const abs = resolvePath(ctx.cwd, path);
    let target: string;
    let before: string | undefined;
    try {
      target = await writeTarget(abs);
      before = await withFileLock(target, async () => {
        const old = await current(target, path);
        await writeAtomic(target, content);
        return old;
      });
    } catch (err) {
      return errorResult(`${explain(err, path)} Nothing was written.`);
    }
    await markSeen(ctx.state, abs);
    const lines = content === '' ? 0 : content.split('\n').length - (content.endsWith('\n') ? 1 : 0);
    // The person sees what changed; huge files are not diffed.
    const details = before === undefined ? undefined : fileDetails(path, before, content);
    return { content: `Wrote ${path}: ${lines} lines, ${Buffer.byteLength(content)} bytes.${linkNote(ctx.cwd, path, abs, target)}`, details };
  },
});
