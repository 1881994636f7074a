// The two ways grep searches: ripgrep when it is on PATH, else a JS walker
// with the same rules (.gitignore, hidden files, binary files skipped). Both
// return the same structured lines, so the output is identical.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { delimiter, join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { comparePaths, walk } from './walk.ts';

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
}

export function findRg(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'rg'))) return join(dir, 'rg');
  }
  return undefined;
}

const rel = (cwd: string, abs: string) => relative(cwd, abs).split(sep).join('/') || abs;

export function sortLines(lines: GrepLine[]): GrepLine[] {
  return lines.sort((a, b) => comparePaths(a.file, b.file) || a.line - b.line);
}

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
  let stderr = '';
  let rest = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const part of parts) {
      if (capped) return;
      const ev = JSON.parse(part);
      if (ev.type !== 'match' && ev.type !== 'context') continue;
      const d = ev.data;
      const path = d.path.text ?? Buffer.from(d.path.bytes, 'base64').toString();
      if (keep && !keep(path)) continue;
      const text = (d.lines.text ?? Buffer.from(d.lines.bytes, 'base64').toString()).replace(/\r?\n$/, '');
      lines.push({ file: rel(q.cwd, path), line: d.line_number, text, match: ev.type === 'match' });
      if (ev.type === 'match' && ++matches >= q.cap) {
        capped = true;
        child.kill();
      }
    }
  });
  const code = await new Promise<number | null>((resolve) => {
    child.on('close', resolve);
    child.on('error', () => resolve(2));
  });
  if (code === 2 && !capped && !q.signal.aborted) throw new Error(stderr.trim() || 'ripgrep failed');
  return { lines: sortLines(lines), matches, capped };
}

const BINARY_SNIFF = 8192;
const MAX_FILE_BYTES = 50 * 1024 * 1024;
/** Files read at once by the JS search. */
const PARALLEL_READS = 32;

/** The file's text, or undefined for binary and oversized files (as ripgrep skips them). */
async function readText(path: string): Promise<string | undefined> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return undefined;
  try {
    if ((await fh.stat()).size > MAX_FILE_BYTES) return undefined;
    const buf = await fh.readFile();
    return buf.subarray(0, BINARY_SNIFF).includes(0) ? undefined : buf.toString('utf8');
  } finally {
    await fh.close();
  }
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
  let matches = 0;
  const info = await stat(q.root);
  const files = info.isFile() ? [{ abs: q.root }] : walk(q.root, q.cwd, q.signal);
  // Read files concurrently; results are sorted at the end, so order does not matter.
  const inFlight = new Set<Promise<void>>();
  const search = async (abs: string) => {
    const content = await readText(abs);
    if (content === undefined || matches >= q.cap) return;
    const found = searchText(content, rel(q.cwd, abs), re, q.context, q.cap - matches);
    matches += found.matches;
    lines.push(...found.lines);
  };
  for await (const e of files as AsyncIterable<{ abs: string; dir?: boolean }>) {
    if (matches >= q.cap) break;
    if (e.dir || (keep && !keep(e.abs))) continue;
    const p = search(e.abs).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= PARALLEL_READS) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return { lines: sortLines(lines), matches, capped: matches >= q.cap };
}
