// Walks a directory tree the way ripgrep does by default: .gitignore and
// .ignore files (including those above the start, up to the repository root)
// are honoured, hidden entries and symlinks are skipped, and entries come in
// sorted order. Shared by glob, grep, ls and find.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

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

async function rulesIn(dir: string): Promise<Rules | undefined> {
  const texts = await Promise.all(['.gitignore', '.ignore'].map((f) => readFile(join(dir, f), 'utf8').catch(() => '')));
  const text = texts.join('\n');
  return text.trim() ? { base: dir, ig: ignore().add(text) } : undefined;
}

/** Rules from the directories above `root`, up to the repository root. */
async function ancestorRules(root: string): Promise<Rules[]> {
  if (existsSync(join(root, '.git'))) return [];
  const dirs: string[] = [];
  for (let d = dirname(root); ; d = dirname(d)) {
    dirs.unshift(d);
    if (existsSync(join(d, '.git'))) break; // the repository root
    if (dirname(d) === d) return []; // not inside a repository: nothing above counts
  }
  return (await Promise.all(dirs.map(rulesIn))).filter((r): r is Rules => !!r);
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

/**
 * Yields entries under `root` depth-first in sorted order. `displayBase` is
 * what `rel` is relative to (the working directory).
 */
export async function* walk(root: string, displayBase: string, signal?: AbortSignal): AsyncGenerator<Entry> {
  const inherited = await ancestorRules(root);
  const own = await rulesIn(root);
  yield* walkDir(root, displayBase, own ? [...inherited, own] : inherited, signal);
}

async function* walkDir(dir: string, displayBase: string, rules: Rules[], signal?: AbortSignal): AsyncGenerator<Entry> {
  if (signal?.aborted) return;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
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
      yield* walkDir(abs, displayBase, own ? [...rules, own] : rules, signal);
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
