import { stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import { defineTool, errorResult } from '../protocol/tool.ts';
import { resolvePath, searchFolder } from './paths.ts';
import { sortUnreadable, type Unreadable, unreadableEntry, unreadableNote, walk } from './walk.ts';

const MAX_RESULTS = 1000;

export const globTool = defineTool({
  name: 'glob',
  description: `Find files whose path matches a glob pattern (e.g. "src/**/*.ts", "*.json"), newest first. Honours .gitignore (but searches a folder you name even if a .gitignore above ignores it) and skips hidden files. At most ${MAX_RESULTS} results.`,
  parameters: z.object({
    pattern: z.string().describe('Glob, relative to path; a pattern without "/" matches file names at any depth'),
    path: z.string().optional().describe('Folder to search (default: the working directory)'),
  }),
  permission: 'read',
  async execute({ pattern, path = '.' }, ctx) {
    const root = await searchFolder(ctx.cwd, path);
    if (typeof root !== 'string') return errorResult(root.error);
    const isMatch = picomatch(pattern, { dot: false, basename: !pattern.includes('/') });
    const found: Array<{ rel: string; mtime: number }> = [];
    const unreadable: Unreadable[] = [];
    for await (const e of walk(root, ctx.cwd, ctx.signal, (abs, err) => unreadable.push(unreadableEntry(ctx.cwd, abs, err)))) {
      if (e.dir || !isMatch(relative(root, e.abs).split(sep).join('/'))) continue;
      found.push({ rel: e.rel, mtime: 0 });
    }
    const note = unreadableNote(sortUnreadable(unreadable));
    if (found.length === 0) return { content: `No files match ${pattern} in ${path}.${note}` };
    await Promise.all(found.map(async (f) => (f.mtime = (await stat(resolvePath(ctx.cwd, f.rel)).catch(() => undefined))?.mtimeMs ?? 0)));
    found.sort((a, b) => b.mtime - a.mtime || (a.rel < b.rel ? -1 : 1));
    const shown = found.slice(0, MAX_RESULTS).map((f) => f.rel);
    const more = found.length - shown.length;
    return { content: shown.join('\n') + (more ? `\n[${more} more files not shown; narrow the pattern or path]` : '') + note };
  },
});
