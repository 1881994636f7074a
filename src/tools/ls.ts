import { z } from 'zod';
import { defineTool, errorResult } from '../protocol/tool.ts';
import { explain, searchFolder } from './paths.ts';
import { listDir } from './walk.ts';

const DEFAULT_LIMIT = 500;

export const lsTool = defineTool({
  name: 'ls',
  description: `List a folder's entries (folders end with "/"), sorted, leaving out what .gitignore ignores. At most ${DEFAULT_LIMIT} entries unless limit says otherwise.`,
  parameters: z.object({
    path: z.string().optional().describe('Folder to list (default: the working directory)'),
    limit: z.number().int().min(1).optional().describe(`Maximum entries (default ${DEFAULT_LIMIT})`),
  }),
  permission: 'read',
  async execute({ path = '.', limit = DEFAULT_LIMIT }, ctx) {
    const root = await searchFolder(ctx.cwd, path);
    if (typeof root !== 'string') return errorResult(root.error);
    let entries;
    try {
      entries = await listDir(root);
    } catch (err) {
      return errorResult(explain(err, path));
    }
    if (entries.length === 0) return { content: `${path} is empty.` };
    const shown = entries.slice(0, limit).map((e) => (e.dir ? `${e.name}/` : e.name));
    const more = entries.length - shown.length;
    return { content: shown.join('\n') + (more ? `\n[${more} more entries not shown; raise limit to see them]` : '') };
  },
});
