import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { defineTool, errorResult } from '../protocol/tool.ts';
import { spanDiff } from './diff.ts';
import { markSeen, withFileLock } from './file-state.ts';
import { resolvePath } from './paths.ts';

const MAX_DIFF_CHARS = 1_000_000;

/** Writes via a temp file and rename, so readers never see half a file; keeps the mode. */
export async function writeAtomic(path: string, content: string | Buffer): Promise<void> {
  const mode = await stat(path).then((s) => s.mode & 0o7777, () => undefined);
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.nanocode-${process.pid}-${Date.now()}.tmp`);
  await writeFile(tmp, content, mode === undefined ? undefined : { mode });
  await rename(tmp, path);
}

export const writeTool = defineTool({
  name: 'write',
  description: 'Write a file (creating parent folders), replacing its content entirely. Prefer edit for changes to existing files.',
  parameters: z.object({
    path: z.string().describe('File path, relative to the working directory or absolute'),
    content: z.string().describe('The complete new content'),
  }),
  readOnly: false,
  async execute({ path, content }, ctx) {
    const abs = resolvePath(ctx.cwd, path);
    let before: string;
    try {
      before = await withFileLock(abs, async () => {
        const old = await readFile(abs, 'utf8').catch(() => '');
        await writeAtomic(abs, content);
        return old;
      });
    } catch (err) {
      return errorResult(`Cannot write ${path}: ${(err as Error).message}`);
    }
    await markSeen(ctx.state, abs);
    const lines = content === '' ? 0 : content.split('\n').length - (content.endsWith('\n') ? 1 : 0);
    // The person sees what changed; huge files are not diffed.
    const details = before.length + content.length < MAX_DIFF_CHARS ? spanDiff(path, before, content) : undefined;
    return { content: `Wrote ${path}: ${lines} lines, ${Buffer.byteLength(content)} bytes.`, details };
  },
});
