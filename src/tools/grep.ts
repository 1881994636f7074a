import { z } from 'zod';
import { defineTool, errorResult } from '../protocol/tool.ts';
import { findRg, type GrepLine, type GrepResult, grepWithJs, grepWithRg, RgFailed, toRegExp } from './grep-backends.ts';
import { notRegular, searchRoot } from './paths.ts';
import { unreadableNote } from './walk.ts';

const DEFAULT_LIMIT = 100;
const MAX_LINE = 500;
/** Matches counted beyond the limit, to say how many more there are. */
const COUNT_CAP = 10_000;

/** Formats the first `limit` matches with their context lines. */
export function formatLines(lines: GrepLine[], limit: number, context: number): string {
  const shown = lines.filter((l) => l.match).slice(0, limit);
  const last = shown.at(-1);
  const near = (l: GrepLine) => shown.some((m) => m.file === l.file && Math.abs(m.line - l.line) <= context);
  const out: string[] = [];
  for (const l of lines) {
    if (l.match ? !shown.includes(l) : !near(l)) continue;
    const text = l.text.length > MAX_LINE ? `${l.text.slice(0, MAX_LINE)} [... ${l.text.length - MAX_LINE} more chars]` : l.text;
    out.push(l.match ? `${l.file}:${l.line}: ${text}` : `${l.file}-${l.line}- ${text}`);
    if (l === last && !context) break;
  }
  return out.join('\n');
}

export const grepTool = defineTool({
  name: 'grep',
  description: `Search file contents with a regular expression (or literal text), below a folder or in one file. Output lines are "path:line: text" (context lines "path-line- text"). Honours .gitignore; skips hidden and binary files. Default limit ${DEFAULT_LIMIT} matches; long lines are cut at ${MAX_LINE} characters.`,
  parameters: z.object({
    pattern: z.string().describe('Regular expression (or literal text with literal: true)'),
    path: z.string().optional().describe('File or folder to search (default: the working directory)'),
    glob: z.string().optional().describe('Only files matching this glob, e.g. "*.ts" or "src/**/*.py"'),
    ignoreCase: z.boolean().optional(),
    literal: z.boolean().optional().describe('Treat pattern as plain text'),
    context: z.number().int().min(0).max(20).optional().describe('Lines of context around each match'),
    limit: z.number().int().min(1).optional().describe(`Maximum matches shown (default ${DEFAULT_LIMIT})`),
  }),
  permission: 'read',
  async execute(args, ctx) {
    const limit = args.limit ?? DEFAULT_LIMIT;
    const path = args.path ?? '.';
    const root = await searchRoot(ctx.cwd, path);
    if ('error' in root) return errorResult(root.error);
    // A FIFO or device given by name would block ripgrep and the JS reader alike.
    if (!root.stats.isDirectory() && !root.stats.isFile()) return errorResult(notRegular(root.stats, path));
    const query = {
      pattern: args.pattern,
      root: root.abs,
      cwd: ctx.cwd,
      glob: args.glob,
      ignoreCase: !!args.ignoreCase,
      literal: !!args.literal,
      context: args.context ?? 0,
      signal: ctx.signal,
      cap: Math.max(limit, COUNT_CAP),
    };
    try {
      toRegExp(query);
    } catch (err) {
      return errorResult(`Invalid regular expression: ${(err as Error).message}. Use literal: true to search plain text.`);
    }
    let result: GrepResult;
    let fallback = '';
    try {
      const rg = findRg(ctx.env);
      result = rg ? await grepWithRg(rg, query).catch((err) => {
        if (!(err instanceof RgFailed)) throw err;
        fallback = `\n[ripgrep failed (${err.message}); searched with the built-in matcher instead]`;
        return grepWithJs(query);
      }) : await grepWithJs(query);
    } catch (err) {
      return errorResult(`grep failed: ${(err as Error).message}`);
    }
    let text = 'No matches.';
    if (result.matches > 0) {
      text = formatLines(result.lines, limit, query.context);
      if (result.matches > limit) {
        const total = result.capped ? `${result.matches}+` : String(result.matches);
        text += `\n[showing ${limit} of ${total} matches; narrow the pattern, path or glob, or raise limit]`;
      }
    }
    return { content: text + unreadableNote(result.unreadable) + fallback };
  },
});
