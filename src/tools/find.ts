import picomatch from 'picomatch';
import { z } from 'zod';
import { defineTool, errorResult } from '../protocol/tool.ts';
import { searchFolder } from './paths.ts';
import { sortUnreadable, type Unreadable, unreadableEntry, unreadableNote, walk } from './walk.ts';

const DEFAULT_LIMIT = 200;

export const findTool = defineTool({
  name: 'find',
  description: `Find files and folders by name anywhere below a path: a glob ("*.test.ts") or, without wildcards, a case-insensitive part of the name ("config"). Honours .gitignore (but searches a folder you name even if a .gitignore above ignores it) and skips hidden entries. At most ${DEFAULT_LIMIT} results unless limit says otherwise.`,
  parameters: z.object({
    pattern: z.string().describe('Name glob, or a plain part of the name'),
    path: z.string().optional().describe('Folder to search (default: the working directory)'),
    limit: z.number().int().min(1).optional().describe(`Maximum results (default ${DEFAULT_LIMIT})`),
  }),
  permission: 'read',
  async execute({ pattern, path = '.', limit = DEFAULT_LIMIT }, ctx) {
    const root = await searchFolder(ctx.cwd, path);
    if (typeof root !== 'string') return errorResult(root.error);
    const name = (p: string) => p.slice(p.lastIndexOf('/') + 1);
    const needle = pattern.toLowerCase();
    const matches = picomatch.scan(pattern).isGlob ? picomatch(pattern, { basename: true }) : (p: string) => name(p).toLowerCase().includes(needle);
    const found: string[] = [];
    const unreadable: Unreadable[] = [];
    let total = 0;
    for await (const e of walk(root, ctx.cwd, ctx.signal, (abs, err) => unreadable.push(unreadableEntry(ctx.cwd, abs, err)))) {
      if (!matches(e.rel)) continue;
      if (++total <= limit) found.push(e.dir ? `${e.rel}/` : e.rel);
    }
    const note = unreadableNote(sortUnreadable(unreadable));
    if (total === 0) return { content: `Nothing named like ${pattern} in ${path}.${note}` };
    return { content: found.join('\n') + (total > limit ? `\n[${total - limit} more not shown; narrow the pattern or raise limit]` : '') + note };
  },
});
