// Turning a model-given path into a file the tools may touch, and every way
// that can fail into a sentence the model can act on.
import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, open, readdir, readlink, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { closest } from './similar.ts';

/** A refusal whose message is written for the model. */
export class PathError extends Error {}
/** The path is a folder where a file was wanted. */
export class FolderError extends PathError {}

export const EMPTY_PATH = 'The path is empty; give the path of a file.';

/** Resolves a model-given path against the working directory (~ means home). */
export function resolvePath(cwd: string, path: string): string {
  if (path === '~' || path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** A path for messages: relative to cwd when inside it. */
export function shown(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : abs;
}

/** What kind of file this is, in words. */
export function kindOf(s: Stats): string {
  if (s.isFile()) return 'regular file';
  if (s.isDirectory()) return 'folder';
  if (s.isFIFO()) return 'FIFO (named pipe)';
  if (s.isSocket()) return 'socket';
  if (s.isCharacterDevice()) return 'character device';
  if (s.isBlockDevice()) return 'block device';
  if (s.isSymbolicLink()) return 'symlink';
  return 'special file';
}

/** Why a FIFO, socket or device is refused. */
export const notRegular = (s: Stats, path: string) => `${path} is a ${kindOf(s)}, not a regular file; the file tools only open regular files.`;

/** Refuses anything but a regular file: reading a FIFO or a device can block forever. */
export function requireRegular(s: Stats, path: string): void {
  if (s.isFile()) return;
  if (s.isDirectory()) throw new FolderError(`${path} is a folder, not a file.`);
  throw new PathError(notRegular(s, path));
}

/**
 * Opens a regular file for reading, never blocking: the type is checked
 * before opening (opening a device or FIFO can block or have effects), and
 * again on the open file, opened non-blocking, in case it was swapped between.
 */
export async function openRegular(abs: string, path: string): Promise<FileHandle> {
  requireRegular(await stat(abs), path);
  const fh = await open(abs, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    requireRegular(await fh.stat(), path);
  } catch (err) {
    await fh.close();
    throw err;
  }
  return fh;
}

/** The whole of a regular file. */
export async function readRegular(abs: string, path: string): Promise<Buffer> {
  const fh = await openRegular(abs, path);
  try {
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

const MAX_LINKS = 40;

/**
 * Where a write to `abs` lands: symlinks are followed, even to a file that
 * does not exist yet, so that replacing the file keeps the link.
 */
export async function writeTarget(abs: string): Promise<string> {
  let p = abs;
  for (let hops = 0; hops < MAX_LINKS; hops++) {
    let link: string;
    try {
      link = await readlink(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EINVAL' || code === 'ENOENT') return p; // not a link, or nothing there yet
      throw err;
    }
    p = resolve(dirname(p), link);
  }
  throw Object.assign(new Error('too many symbolic links'), { code: 'ELOOP' });
}

/** The note a write through a symlink adds to its result. */
export function linkNote(cwd: string, path: string, abs: string, target: string): string {
  return target === abs ? '' : ` ${path} is a symlink: its target ${shown(cwd, target)} was changed and the link kept.`;
}

/** Why `path` could not be used, from the error of a file operation on it. */
export function explain(err: unknown, path: string): string {
  if (err instanceof PathError) return err.message;
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return `No such file or folder: ${path}.`;
    case 'ELOOP':
      return `${path} is a symlink loop: following its links never reaches a file.`;
    case 'EACCES':
    case 'EPERM':
      return `Permission denied: ${path}.`;
    case 'ENOTDIR':
      return `${path}: a part of the path before the last is a file, not a folder.`;
    case 'EISDIR':
      return `${path} is a folder, not a file.`;
    case 'ENAMETOOLONG':
      return `${path}: the name is too long.`;
    default:
      return `${path}: ${e.message}.`;
  }
}

/** "File not found" with close names nearby, or what is really there (a dangling symlink). */
export async function notFound(path: string, abs: string): Promise<string> {
  const link = await lstat(abs).then((s) => s.isSymbolicLink(), () => false);
  if (link) {
    const to = await readlink(abs).catch(() => '?');
    return `${path} is a symlink to ${to}, which does not exist.`;
  }
  const name = basename(abs);
  const names = (await readdir(dirname(abs)).catch(() => [] as string[])).filter((n) => n !== name);
  const near = closest(name, names, 3);
  const dir = dirname(path);
  return near.length ? `File not found: ${path}. Did you mean: ${near.map((n) => (dir === '.' ? n : `${dir}/${n}`)).join(', ')}?` : `File not found: ${path}.`;
}

/** explain(), with close names for a missing file. */
export async function whyNot(err: unknown, path: string, abs: string): Promise<string> {
  return (err as NodeJS.ErrnoException).code === 'ENOENT' ? notFound(path, abs) : explain(err, path);
}

/** The file or folder a search starts from, or why it cannot be searched. */
export async function searchRoot(cwd: string, path: string): Promise<{ abs: string; stats: Stats } | { error: string; missing: boolean }> {
  const abs = resolvePath(cwd, path);
  try {
    return { abs, stats: await stat(abs) };
  } catch (err) {
    return { error: explain(err, path), missing: (err as NodeJS.ErrnoException).code === 'ENOENT' };
  }
}

/** The folder a search or listing starts from (absolute), or why it cannot be used. */
export async function searchFolder(cwd: string, path: string): Promise<string | { error: string }> {
  const root = await searchRoot(cwd, path);
  if ('error' in root) return root.missing ? { error: `No such folder: ${path}.` } : root;
  if (!root.stats.isDirectory()) return { error: `${path} is a ${kindOf(root.stats)}, not a folder${root.stats.isFile() ? '; use read' : ''}.` };
  return root.abs;
}
