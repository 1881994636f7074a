// Walks a directory tree the way ripgrep does by default: .gitignore and
// .ignore files (including those above the start, up to the repository root)
// are honoured, hidden entries and symlinks are skipped, and entries come in
// sorted order. As in ripgrep, the rules of the folders above never hide the
// folder the walk was asked to start from. Shared by glob, grep, ls and find.
import { type Dirent, existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { getSystemErrorMessage } from 'node:util';
import ignore, { type Ignore } from 'ignore';
import { readRegular } from './paths.ts';

interface Rules {
  /** Absolute directory the rules are relative to. */
  base: string;
  ig: Ignore;
}

export interface Entry {
  /** Absolute path. */
  abs: string;
  /** Path relative to the walk's display base, with forward slashes. */
  rel: string;
  dir: boolean;
}

async function rulesIn(dir: string, extra = ''): Promise<Rules | undefined> {
  // readRegular: a .gitignore that is a FIFO must not hang the walk.
  const texts = await Promise.all(['.gitignore', '.ignore'].map((f) => readRegular(join(dir, f), f).then(String, () => '')));
  const text = texts.join('\n');
  return text.trim() ? { base: dir, ig: ignore().add(text).add(extra) } : undefined;
}

/** Matches one path exactly, as a gitignore pattern (special characters escaped). */
const exactly = (rel: string) => `!/${rel.replace(/[\\*?[\]!# ]/g, '\\$&')}/`;

/**
 * Rules from the directories above `root`, up to the repository root. Each
 * also re-includes the folders from its base down to root: being asked to
 * search a folder overrides a rule above it that ignores it (or a parent).
 */
async function ancestorRules(root: string): Promise<Rules[]> {
  if (existsSync(join(root, '.git'))) return [];
  const dirs: string[] = [];
  for (let d = dirname(root); ; d = dirname(d)) {
    dirs.unshift(d);
    if (existsSync(join(d, '.git'))) break; // the repository root
    if (dirname(d) === d) return []; // not inside a repository: nothing above counts
  }
  const reinclude = (base: string) => {
    const parts = relative(base, root).split(sep);
    return parts.map((_, i) => exactly(parts.slice(0, i + 1).join('/'))).join('\n');
  };
  return (await Promise.all(dirs.map((d) => rulesIn(d, reinclude(d))))).filter((r): r is Rules => !!r);
}

/** Deepest rules decide, as nested .gitignore files do. */
export function isIgnored(abs: string, dir: boolean, rules: Rules[]): boolean {
  for (let i = rules.length - 1; i >= 0; i--) {
    const rel = relative(rules[i].base, abs).split(sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    const r = rules[i].ig.test(dir ? `${rel}/` : rel);
    if (r.ignored) return true;
    if (r.unignored) return false;
  }
  return false;
}

const toRel = (base: string, abs: string) => relative(base, abs).split(sep).join('/') || '.';

/** Told about each folder that cannot be listed; the walk goes on without it. */
export type OnUnreadable = (abs: string, err: NodeJS.ErrnoException) => void;

/**
 * Yields entries under `root` depth-first in sorted order. `displayBase` is
 * what `rel` is relative to (the working directory).
 */
export async function* walk(root: string, displayBase: string, signal?: AbortSignal, onUnreadable?: OnUnreadable): AsyncGenerator<Entry> {
  const inherited = await ancestorRules(root);
  const own = await rulesIn(root);
  yield* walkDir(root, displayBase, own ? [...inherited, own] : inherited, signal, onUnreadable);
}

async function* walkDir(dir: string, displayBase: string, rules: Rules[], signal?: AbortSignal, onUnreadable?: OnUnreadable): AsyncGenerator<Entry> {
  if (signal?.aborted) return;
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    onUnreadable?.(dir, err as NodeJS.ErrnoException);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.isSymbolicLink()) continue;
    const abs = join(dir, e.name);
    const isDir = e.isDirectory();
    if (!isDir && !e.isFile()) continue;
    if (isIgnored(abs, isDir, rules)) continue;
    yield { abs, rel: toRel(displayBase, abs), dir: isDir };
    if (isDir) {
      const own = await rulesIn(abs);
      yield* walkDir(abs, displayBase, own ? [...rules, own] : rules, signal, onUnreadable);
    }
  }
}

/** Lists one directory with the same rules (hidden entries are shown, .git is not). */
export async function listDir(dir: string): Promise<Array<{ name: string; dir: boolean }>> {
  const rules = [...(await ancestorRules(dir)), ...[await rulesIn(dir)].filter((r): r is Rules => !!r)];
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.name !== '.git')
    .map((e) => ({ name: e.name, dir: e.isDirectory() }))
    .filter((e) => !isIgnored(join(dir, e.name), e.dir, rules))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Orders paths component by component, as a sorted depth-first walk does. */
export function comparePaths(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** A file or folder that could not be searched, and why. */
export interface Unreadable {
  /** Relative to the working directory. */
  path: string;
  /** As ripgrep words it: "permission denied". */
  reason: string;
}

export function unreadableEntry(cwd: string, abs: string, err: NodeJS.ErrnoException): Unreadable {
  return { path: toRel(cwd, abs), reason: typeof err.errno === 'number' ? getSystemErrorMessage(err.errno) : err.message };
}

export const sortUnreadable = (list: Unreadable[]) => list.sort((a, b) => comparePaths(a.path, b.path));

/** Unreadable paths named in a note; the rest are counted. */
const MAX_UNREADABLE_SHOWN = 10;

/** Names the paths that could not be searched: what was found is from the rest. */
export function unreadableNote(list: Unreadable[]): string {
  if (!list.length) return '';
  const named = list.slice(0, MAX_UNREADABLE_SHOWN).map((u) => `${u.path} (${u.reason})`);
  const more = list.length - named.length;
  return `\n[could not read ${list.length === 1 ? '1 path' : `${list.length} paths`}: ${named.join(', ')}${more ? `, and ${more} more` : ''}]`;
}
