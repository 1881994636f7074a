import picomatch from 'picomatch';
import { z } from 'zod';
import { defineTool, errorResult } from '../protocol/tool.ts';
import { resolvePath } from './paths.ts';
import { walk } from './walk.ts';

const DEFAULT_LIMIT = 200;

export const findTool = defineTool({
  name: 'find',
  description: `Find files and folders by name anywhere below a path: a glob ("*.test.ts") or, without wildcards, a case-insensitive part of the name ("config"). Honours .gitignore and skips hidden entries. At most ${DEFAULT_LIMIT} results unless limit says otherwise.`,
  parameters: z.object({
    pattern: z.string().describe('Name glob, or a plain part of the name'),
    path: z.string().optional().describe('Folder to search (default: the working directory)'),
    limit: z.number().int().min(1).optional().describe(`Maximum results (default ${DEFAULT_LIMIT})`),
  }),
  readOnly: true,
  async execute({ pattern, path = '.', limit = DEFAULT_LIMIT }, ctx) {
    const name = (p: string) => p.slice(p.lastIndexOf('/') + 1);
    const needle = pattern.toLowerCase();
    const matches = picomatch.scan(pattern).isGlob ? picomatch(pattern, { basename: true }) : (p: string) => name(p).toLowerCase().includes(needle);
    const found: string[] = [];
    let total = 0;
    try {
      for await (const e of walk(resolvePath(ctx.cwd, path), ctx.cwd, ctx.signal)) {
        if (!matches(e.rel)) continue;
        if (++total <= limit) found.push(e.dir ? `${e.rel}/` : e.rel);
      }
    } catch (err) {
      return errorResult(`Cannot search ${path}: ${(err as Error).message}`);
    }
    if (total === 0) return { content: `Nothing named like ${pattern} in ${path}.` };
    return { content: found.join('\n') + (total > limit ? `\n[${total - limit} more not shown; narrow the pattern or raise limit]` : '') };
  },
});
