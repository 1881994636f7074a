import { stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import { defineTool, errorResult } from '../protocol/tool.ts';
import { resolvePath } from './paths.ts';
import { walk } from './walk.ts';

const MAX_RESULTS = 1000;

export const globTool = defineTool({
  name: 'glob',
  description: `Find files whose path matches a glob pattern (e.g. "src/**/*.ts", "*.json"), newest first. Honours .gitignore and skips hidden files. At most ${MAX_RESULTS} results.`,
  parameters: z.object({
    pattern: z.string().describe('Glob, relative to path; a pattern without "/" matches file names at any depth'),
    path: z.string().optional().describe('Folder to search (default: the working directory)'),
  }),
  readOnly: true,
  async execute({ pattern, path = '.' }, ctx) {
    const root = resolvePath(ctx.cwd, path);
    const isMatch = picomatch(pattern, { dot: false, basename: !pattern.includes('/') });
    const found: Array<{ rel: string; mtime: number }> = [];
    try {
      for await (const e of walk(root, ctx.cwd, ctx.signal)) {
        if (e.dir || !isMatch(relative(root, e.abs).split(sep).join('/'))) continue;
        found.push({ rel: e.rel, mtime: 0 });
      }
    } catch (err) {
      return errorResult(`Cannot search ${path}: ${(err as Error).message}`);
    }
    if (found.length === 0) return { content: `No files match ${pattern} in ${path}.` };
    await Promise.all(found.map(async (f) => (f.mtime = (await stat(resolvePath(ctx.cwd, f.rel)).catch(() => undefined))?.mtimeMs ?? 0)));
    found.sort((a, b) => b.mtime - a.mtime || (a.rel < b.rel ? -1 : 1));
    const shown = found.slice(0, MAX_RESULTS).map((f) => f.rel);
    const more = found.length - shown.length;
    return { content: shown.join('\n') + (more ? `\n[${more} more files not shown; narrow the pattern or path]` : '') };
  },
});
