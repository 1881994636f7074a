// Context files: the instructions people already write for agents (AGENTS.md,
// CLAUDE.md), plus nanocode's SYSTEM.md (replaces the built-in instructions)
// and APPEND_SYSTEM.md (added at the end), read for the system prompt's parts
// (prompt.ts). Problems are warnings for the user, never errors sent to the
// model.
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isInside } from '../safety/places.ts';
import { ancestors } from '../skills/ancestors.ts';
import { importPath, importsOf } from './context-imports.ts';
import { secretTest } from './secret-files.ts';

export interface ContextPart {
  kind: 'context-file' | 'system' | 'append-system';
  path: string;
  text: string;
  /** UTF-8 bytes of text. */
  bytes: number;
  /** For a file pulled in by an `@path` import: the file that imported it. */
  importedBy?: string;
}

export interface LoadedContext {
  /** system first, then context files (global, then the project root down to cwd, each followed by its imports), then append-system. */
  parts: ContextPart[];
  warnings: string[];
}

export interface ContextOptions {
  cwd: string;
  /** nanocode's folder (~/.nanocode or NANOCODE_HOME): its files always count. */
  home: string;
  /** The user's home, for `@~/...` imports. */
  userHome: string;
  /** Project files count only in a trusted folder. */
  trusted: boolean;
  /** false for --no-context-files. */
  enabled: boolean;
}

export const MAX_CONTEXT_BYTES = 64 * 1024;
/** Claude Code's limit for nested imports. */
const MAX_IMPORT_DEPTH = 5;
/** AGENTS.md is the cross-agent convention; CLAUDE.md counts only where there is none. */
const CONTEXT_NAMES = ['AGENTS.md', 'agents.md', 'CLAUDE.md', 'claude.md'];
const SYSTEM_NAMES = ['SYSTEM.md', 'system.md'];
const APPEND_NAMES = ['APPEND_SYSTEM.md', 'append_system.md', 'append-system.md'];

interface LoadState {
  remaining: number;
  /** Real paths loaded (or left out) so far: every file is included once. */
  seen: Set<string>;
  warnings: string[];
  cut: string[];
  userHome: string;
  nanocodeHome: string;
  isSecret: (path: string) => boolean;
}

export function loadContextFiles(o: ContextOptions): LoadedContext {
  if (!o.enabled) return { parts: [], warnings: [] };
  const project = o.trusted ? ancestors(o.cwd) : []; // nearest first
  const projectNanocode = project.map((dir) => join(dir, '.nanocode'));
  const isSecret = secretTest({ home: o.userHome, cwd: o.cwd, nanocodeHome: o.home });
  const s: LoadState = { remaining: MAX_CONTEXT_BYTES, seen: new Set(), warnings: [], cut: [], userHome: o.userHome, nanocodeHome: o.home, isSecret };
  // A project file is the project's: one that is a link to a secret place is refused (nanocode's own folder is one).
  const fromProject = (f: string | undefined) => (f && refused(s, f, f) ? undefined : f);
  const system = firstFile([...projectNanocode, o.home], SYSTEM_NAMES);
  // SYSTEM.md and APPEND_SYSTEM.md are written for nanocode on purpose: they take the budget first.
  const systemParts = load(s, system && dirname(system) === o.home ? system : fromProject(system), 'system');
  const appends = [firstFile([o.home], APPEND_NAMES), fromProject(firstFile(projectNanocode, APPEND_NAMES))].flatMap((f) => load(s, f, 'append-system'));
  const contextFiles = [
    firstFile([o.home], CONTEXT_NAMES),
    ...project.toReversed().flatMap((dir) => [firstFile([dir], CONTEXT_NAMES), firstFile([join(dir, '.nanocode')], CONTEXT_NAMES)].map(fromProject)),
  ].flatMap((f) => load(s, f, 'context-file'));
  if (s.cut.length) s.warnings.push(`context files are limited to ${MAX_CONTEXT_BYTES / 1024} KB in all; cut: ${s.cut.join(', ')}`);
  return { parts: [...systemParts, ...contextFiles, ...appends], warnings: s.warnings };
}

/** The first of names in the first folder that has one. */
function firstFile(dirs: string[], names: string[]): string | undefined {
  for (const dir of dirs) {
    for (const name of names) {
      const path = join(dir, name);
      if (isFile(path)) return path;
    }
  }
  return undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The file's part, followed (for context files) by the parts of the files it imports. */
function load(s: LoadState, path: string | undefined, kind: ContextPart['kind'], importedBy?: string, stack: string[] = []): ContextPart[] {
  if (!path || s.seen.has(real(path))) return [];
  s.seen.add(real(path));
  if (s.remaining <= 0) {
    s.cut.push(`${path} (left out)`);
    return [];
  }
  const read = readBounded(path, s.remaining);
  if ('error' in read) {
    s.warnings.push(`${path}: ${read.error}; not loaded`);
    return [];
  }
  const bytes = Buffer.byteLength(read.text);
  // After a cut, nothing later gets in: a small later file must not jump ahead of the rest of this one.
  s.remaining = read.cut ? 0 : s.remaining - bytes;
  if (read.cut) s.cut.push(bytes ? `${path} (${bytes} of ${read.size} bytes kept)` : `${path} (left out)`);
  if (!read.text.trim()) return [];
  const part: ContextPart = { kind, path, text: read.text, bytes, ...(importedBy && { importedBy }) };
  if (kind !== 'context-file') return [part];
  const chain = [...stack, real(path)];
  return [part, ...importsOf(read.text).flatMap((imp) => follow(s, path, imp.token, imp.line, chain))];
}

function follow(s: LoadState, from: string, token: string, line: number, chain: string[]): ContextPart[] {
  const where = `${from}:${line}: @${token}`;
  const target = importPath(token, dirname(from), s.userHome);
  // The user's own Markdown beside ~/.nanocode/AGENTS.md is theirs to import; nothing else in that folder is.
  const home = real(s.nanocodeHome);
  const own = /\.md$/i.test(target) && isInside(real(from), home) && isInside(real(target), home);
  if (!own && refused(s, target, where)) return [];
  if (!isFile(target)) {
    s.warnings.push(`${where} ${existsSync(target) ? 'is not a regular file' : 'was not found'}; import skipped`);
    return [];
  }
  if (chain.includes(real(target))) {
    s.warnings.push(`${where} is an import cycle (${[...chain, real(target)].join(' -> ')}); import skipped`);
    return [];
  }
  if (chain.length > MAX_IMPORT_DEPTH) {
    s.warnings.push(`${where} nests imports deeper than ${MAX_IMPORT_DEPTH}; import skipped`);
    return [];
  }
  return load(s, target, 'context-file', from, chain);
}

/** A secret place never goes into the prompt (secret-files.ts). */
function refused(s: LoadState, path: string, where: string): boolean {
  if (!s.isSecret(path)) return false;
  s.warnings.push(`${where} is a secret place (credentials or nanocode's own configuration); not loaded`);
  return true;
}

type Read = { text: string; size: number; cut: boolean } | { error: string };

/** At most `limit` bytes; a longer file is cut at a line end and says where the rest is. */
function readBounded(path: string, limit: number): Read {
  let fd: number;
  try {
    // Non-blocking, so a FIFO named AGENTS.md cannot hang startup.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return { error: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { error: 'not a regular file' };
    const buf = Buffer.alloc(Math.min(st.size, limit));
    let got = 0;
    for (let n = 1; got < buf.length && n > 0; got += n) n = readSync(fd, buf, got, buf.length - got, got);
    if (buf.subarray(0, got).includes(0)) return { error: 'not a text file' };
    if (st.size <= limit) return { text: buf.subarray(0, got).toString('utf8'), size: st.size, cut: false };
    const marker = `\n[... cut here: nanocode reads at most ${MAX_CONTEXT_BYTES / 1024} KB of context files; read ${path} for the rest]`;
    const room = limit - Buffer.byteLength(marker);
    if (room <= 0) return { text: '', size: st.size, cut: true };
    const lineEnd = buf.lastIndexOf(10, room - 1);
    const end = lineEnd > room / 2 ? lineEnd : room;
    // stream: true holds back a character split at the cut instead of writing U+FFFD.
    return { text: new TextDecoder().decode(buf.subarray(0, end), { stream: true }) + marker, size: st.size, cut: true };
  } finally {
    closeSync(fd);
  }
}

/** For /context: each loaded file with its size. */
export function contextListing(loaded: LoadedContext): string {
  if (loaded.parts.length === 0) return 'No context files loaded.';
  const size = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`);
  const total = loaded.parts.reduce((sum, p) => sum + p.bytes, 0);
  return [
    ...loaded.parts.map((p) => `${p.kind.padEnd(13)} ${size(p.bytes).padStart(8)}  ${p.path}${p.importedBy ? ` (imported by ${p.importedBy})` : ''}`),
    `${''.padEnd(13)} ${size(total).padStart(8)}  in all (at most ${size(MAX_CONTEXT_BYTES)})`,
  ].join('\n');
}
