// The two ways grep searches: ripgrep when it is on PATH, else a JS walker
// with the same rules (.gitignore, hidden files, binary files skipped). Both
// return the same structured lines, so the output is identical.
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { type FileHandle, stat } from 'node:fs/promises';
import { delimiter, join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import { openRegular, PathError } from './paths.ts';
import { comparePaths, sortUnreadable, type Unreadable, unreadableEntry, walk } from './walk.ts';

export interface GrepQuery {
  pattern: string;
  /** Absolute file or folder to search. */
  root: string;
  /** What paths are shown relative to. */
  cwd: string;
  glob?: string;
  ignoreCase: boolean;
  literal: boolean;
  context: number;
  signal: AbortSignal;
  /** Stop collecting after this many matching lines. */
  cap: number;
}

export interface GrepLine {
  file: string;
  line: number;
  text: string;
  match: boolean;
}

export interface GrepResult {
  lines: GrepLine[];
  matches: number;
  /** The cap was reached: there may be more. */
  capped: boolean;
  /** Sorted by path. */
  unreadable: Unreadable[];
}

/** ripgrep could not do the search (not ripgrep, a pattern it rejects, a crash): search without it. */
export class RgFailed extends Error {}

/** An executable rg on PATH. */
export function findRg(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const rg = dir && join(dir, 'rg');
    try {
      if (rg && statSync(rg).isFile()) {
        accessSync(rg, constants.X_OK);
        return rg;
      }
    } catch {
      // not there, or not executable
    }
  }
  return undefined;
}

const rel = (cwd: string, abs: string) => relative(cwd, abs).split(sep).join('/') || '.';

export function sortLines(lines: GrepLine[]): GrepLine[] {
  return lines.sort((a, b) => comparePaths(a.file, b.file) || a.line - b.line);
}

/** ripgrep's --json output is outside input: only well-formed lines are used. */
const RgText = z.union([z.object({ text: z.string() }), z.object({ bytes: z.string() })]);
const RgLine = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['match', 'context']), data: z.object({ path: RgText, lines: RgText, line_number: z.number().int() }) }),
  z.object({ type: z.enum(['begin', 'end', 'summary']) }),
]);
const decode = (t: z.infer<typeof RgText>) => ('text' in t ? t.text : Buffer.from(t.bytes, 'base64').toString());

export async function grepWithRg(rg: string, q: GrepQuery): Promise<GrepResult> {
  const args = ['--json', '--no-config', '--no-require-git', '--line-number'];
  if (q.ignoreCase) args.push('--ignore-case');
  if (q.literal) args.push('--fixed-strings');
  if (q.context) args.push('--context', String(q.context));
  // No --glob: ripgrep lets it override .gitignore; the same filter as the
  // JS walker is applied to the results instead.
  args.push('--regexp', q.pattern, '--', q.root);
  const keep = globFilter(q);
  const child = spawn(rg, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: q.signal });
  const lines: GrepLine[] = [];
  let matches = 0;
  let capped = false;
  let finished = false; // ripgrep printed its summary: it searched everything it could
  let failure: string | undefined; // why ripgrep's answer cannot be used
  let stderr = '';
  let rest = '';
  const onLine = (part: string) => {
    let ev: z.infer<typeof RgLine>;
    try {
      ev = RgLine.parse(JSON.parse(part));
    } catch {
      failure ??= `${rg} printed output that is not ripgrep's JSON: ${JSON.stringify(part.slice(0, 200))}`;
      child.kill();
      return;
    }
    if (ev.type === 'summary') finished = true;
    if (ev.type !== 'match' && ev.type !== 'context') return;
    const path = decode(ev.data.path);
    if (keep && !keep(path)) return;
    const text = decode(ev.data.lines).replace(/\r?\n$/, '');
    lines.push({ file: rel(q.cwd, path), line: ev.data.line_number, text, match: ev.type === 'match' });
    if (ev.type === 'match' && ++matches >= q.cap) {
      capped = true;
      child.kill();
    }
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => (stderr += d.slice(0, 1_000_000 - stderr.length)));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const part of parts) if (part && !capped && failure === undefined) onLine(part);
  });
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => {
    child.on('close', (c, s) => resolve([c, s]));
    child.on('error', (err) => {
      if (!q.signal.aborted) failure ??= `cannot run ${rg}: ${err.message}`;
      resolve([2, null]);
    });
  });
  if (rest.trim() && !capped && failure === undefined) onLine(rest);
  if (q.signal.aborted || capped) return { lines: sortLines(lines), matches, capped, unreadable: [] };
  if (failure !== undefined) throw new RgFailed(failure);
  // Exit 2 after the summary: some paths could not be read, the rest was searched.
  if (code !== 0 && code !== 1 && !(code === 2 && finished)) throw new RgFailed(stderr.trim().split('\n')[0] || (signal ? `ripgrep was killed by ${signal}` : `ripgrep exited with ${code}`));
  return { lines: sortLines(lines), matches, capped, unreadable: sortUnreadable(rgErrors(stderr, q.cwd)) };
}

/** ripgrep's "path: reason (os error 13)" lines (newer versions start them with "rg: "). */
function rgErrors(stderr: string, cwd: string): Unreadable[] {
  return stderr
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const m = /^(?:rg: )?(\/.*?): (.*?)(?: \(os error \d+\))?$/.exec(l);
      return m ? { path: rel(cwd, m[1]), reason: m[2].toLowerCase() } : { path: l, reason: 'ripgrep' };
    });
}

const BINARY_SNIFF = 8192;
const MAX_FILE_BYTES = 50 * 1024 * 1024;
/** Files read at once by the JS search. */
const PARALLEL_READS = 32;

/** The file's text, or undefined for binary, oversized and special files (as ripgrep skips them). */
async function readText(path: string): Promise<string | undefined> {
  let fh;
  try {
    fh = await openRegular(path, path);
  } catch (err) {
    if (err instanceof PathError) return undefined;
    throw err;
  }
  try {
    const buf = await readAtMost(fh, MAX_FILE_BYTES, (await fh.stat()).size);
    return !buf || buf.subarray(0, BINARY_SNIFF).includes(0) ? undefined : buf.toString('utf8');
  } finally {
    await fh.close();
  }
}

/**
 * The file's bytes, or undefined when it has more than `max`: its size may be
 * wrong (it grew since, or reports none, like the files in /proc).
 */
async function readAtMost(fh: FileHandle, max: number, size: number): Promise<Buffer | undefined> {
  if (size > max) return undefined;
  const chunk = Math.min(Math.max(size + 1, 4096), 256 * 1024);
  const parts: Buffer[] = [];
  let total = 0;
  while (total <= max) {
    const { bytesRead, buffer } = await fh.read(Buffer.allocUnsafe(chunk), 0, chunk, total);
    if (!bytesRead) return Buffer.concat(parts, total);
    parts.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
  }
  return undefined;
}

/** The glob option as a test on absolute paths (relative to the search root; no "/" means any depth). */
function globFilter(q: GrepQuery): ((abs: string) => boolean) | undefined {
  if (!q.glob) return undefined;
  const isMatch = picomatch(q.glob, { basename: !q.glob.includes('/'), dot: true });
  return (abs) => isMatch(relative(q.root, abs).split(sep).join('/') || abs);
}

export function toRegExp(q: Pick<GrepQuery, 'pattern' | 'literal' | 'ignoreCase'>): RegExp {
  const source = q.literal ? q.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : q.pattern;
  return new RegExp(source, q.ignoreCase ? 'i' : '');
}

function searchText(content: string, file: string, re: RegExp, context: number, budget: number): { lines: GrepLine[]; matches: number } {
  const fileLines = content.split('\n');
  if (fileLines.at(-1) === '') fileLines.pop();
  const shown = new Map<number, boolean>();
  let matches = 0;
  for (let i = 0; i < fileLines.length && matches < budget; i++) {
    if (!re.test(fileLines[i])) continue;
    matches++;
    shown.set(i, true);
    for (let c = Math.max(0, i - context); c <= Math.min(fileLines.length - 1, i + context); c++) if (!shown.has(c)) shown.set(c, false);
  }
  const lines = [...shown].map(([i, match]) => ({ file, line: i + 1, text: fileLines[i].replace(/\r$/, ''), match }));
  return { lines, matches };
}

export async function grepWithJs(q: GrepQuery): Promise<GrepResult> {
  const re = toRegExp(q);
  const keep = globFilter(q);
  const lines: GrepLine[] = [];
  const unreadable: Unreadable[] = [];
  const cannotRead = (abs: string, err: NodeJS.ErrnoException) => unreadable.push(unreadableEntry(q.cwd, abs, err));
  let matches = 0;
  const files = (await stat(q.root)).isFile() ? [{ abs: q.root }] : walk(q.root, q.cwd, q.signal, cannotRead);
  // Read files concurrently; results are sorted at the end, so order does not
  // matter. A search never rejects: a file it cannot read is noted instead.
  const inFlight = new Set<Promise<void>>();
  const search = async (abs: string) => {
    try {
      const content = await readText(abs);
      if (content === undefined || matches >= q.cap) return;
      const found = searchText(content, rel(q.cwd, abs), re, q.context, q.cap - matches);
      matches += found.matches;
      lines.push(...found.lines);
    } catch (err) {
      cannotRead(abs, err as NodeJS.ErrnoException);
    }
  };
  try {
    for await (const e of files as AsyncIterable<{ abs: string; dir?: boolean }>) {
      if (matches >= q.cap) break;
      if (e.dir || (keep && !keep(e.abs))) continue;
      const p = search(e.abs).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= PARALLEL_READS) await Promise.race(inFlight);
    }
  } finally {
    await Promise.all(inFlight);
  }
  return { lines: sortLines(lines), matches, capped: matches >= q.cap, unreadable: sortUnreadable(unreadable) };
}
