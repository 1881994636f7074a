import type { FileHandle } from 'node:fs/promises';
import { z } from 'zod';
import { defineTool, errorResult, type ToolResult } from '../protocol/tool.ts';
import { markSeen } from './file-state.ts';
import { EMPTY_PATH, FolderError, openRegular, resolvePath, whyNot } from './paths.ts';

export const MAX_LINES = 2000;
/** "   12| text": numbers right-aligned in five columns (wider numbers push on). */
export const numbered = (n: number, text: string) => `${String(n).padStart(5)}| ${text}`;
export const MAX_BYTES = 50 * 1024;

const IMAGE_TYPES: Array<[string, (b: Buffer) => boolean]> = [
  ['image/png', (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/gif', (b) => b.subarray(0, 4).toString('latin1') === 'GIF8'],
  ['image/webp', (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP'],
];
const OTHER_TYPES: Array<[string, (b: Buffer) => boolean]> = [
  ['PDF document', (b) => b.subarray(0, 5).toString('latin1') === '%PDF-'],
  ['zip archive', (b) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04],
  ['gzip data', (b) => b[0] === 0x1f && b[1] === 0x8b],
  ['ELF executable', (b) => b.subarray(0, 4).toString('latin1') === '\x7fELF'],
];

export const readTool = defineTool({
  name: 'read',
  description: `Read a text file as numbered lines ("   12| text"). At most ${MAX_LINES} lines or 50 KB per call; use offset (1-indexed line) and limit to page through larger files. Images (png, jpg, gif, webp) are returned as images.`,
  parameters: z.object({
    path: z.string().describe('File path, relative to the working directory or absolute'),
    offset: z.number().int().min(1).optional().describe('First line to read, 1-indexed (default 1)'),
    limit: z.number().int().min(1).optional().describe(`Number of lines to read (default and maximum ${MAX_LINES})`),
  }),
  permission: 'read',
  async execute({ path, offset = 1, limit = MAX_LINES }, ctx) {
    if (!path.trim()) return errorResult(EMPTY_PATH);
    const abs = resolvePath(ctx.cwd, path);
    let fh: FileHandle;
    try {
      fh = await openRegular(abs, path);
    } catch (err) {
      return errorResult(err instanceof FolderError ? `${path} is a folder, not a file; use ls to list it.` : await whyNot(err, path, abs));
    }
    try {
      const size = (await fh.stat()).size;
      const head = await sniff(fh);
      const image = IMAGE_TYPES.find(([, test]) => test(head));
      if (image) {
        const data = (await fh.readFile()).toString('base64');
        return { content: [{ type: 'text', text: `Image ${path} (${image[0]}, ${size} bytes)` }, { type: 'image', data, mediaType: image[0] }] };
      }
      if (head.includes(0)) {
        const kind = OTHER_TYPES.find(([, test]) => test(head))?.[0] ?? 'binary data';
        return errorResult(`${path} is a binary file (${kind}, ${size} bytes); read refuses binary files.`);
      }
      const result = await readWindow(fh, offset, Math.min(limit, MAX_LINES), ctx.signal);
      await markSeen(ctx.state, abs);
      return result;
    } catch (err) {
      return errorResult(`Cannot read ${path}: ${(err as Error).message}`);
    } finally {
      await fh.close();
    }
  },
});

async function sniff(fh: FileHandle): Promise<Buffer> {
  const buf = Buffer.alloc(8192);
  const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
  return buf.subarray(0, bytesRead);
}

/**
 * Streams the file once: collects lines [offset, offset+limit) within the byte
 * budget and counts the rest, so memory does not depend on the file's size.
 */
async function readWindow(fh: FileHandle, offset: number, limit: number, signal: AbortSignal): Promise<ToolResult> {
  let lineNo = 1; // number of the line currently being read
  let current: Buffer[] = []; // pieces of the current line, only while inside the window
  let currentBytes = 0; // capped: a window line longer than the budget is cut anyway
  const out: string[] = [];
  let bytes = 0;
  let lastShown = 0;
  let full = false; // window done (by lines or bytes)
  let endsWithNewline = true;

  const emit = () => {
    let text = Buffer.concat(current).toString('utf8').replace(/\r$/, '');
    current = [];
    currentBytes = 0;
    let note = '';
    if (out.length === 0 && Buffer.byteLength(text) > MAX_BYTES) {
      text = Buffer.from(text).subarray(0, MAX_BYTES).toString('utf8').replace(/\uFFFD$/, '');
      note = ` [line truncated at 50 KB]`;
    }
    const line = numbered(lineNo, text + note);
    if (bytes + Buffer.byteLength(line) + 1 > MAX_BYTES && out.length > 0) {
      full = true;
      return;
    }
    out.push(line);
    bytes += Buffer.byteLength(line) + 1;
    lastShown = lineNo;
    if (out.length >= limit) full = true;
  };

  for await (const chunk of fh.createReadStream({ start: 0, highWaterMark: 256 << 10, signal, autoClose: false }) as AsyncIterable<Buffer>) {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl === -1 ? chunk.length : nl;
      const inWindow = !full && lineNo >= offset;
      if (inWindow && currentBytes <= MAX_BYTES) {
        current.push(chunk.subarray(start, end));
        currentBytes += end - start;
      }
      if (nl === -1) break;
      if (inWindow) emit();
      lineNo++;
      start = nl + 1;
    }
    if (chunk.length) endsWithNewline = chunk[chunk.length - 1] === 10;
  }
  // The last line has no newline after it.
  const total = endsWithNewline ? lineNo - 1 : lineNo;
  if (!endsWithNewline && !full && lineNo >= offset) emit();

  if (total === 0) return { content: '(empty file)' };
  if (offset > total) return errorResult(`offset ${offset} is past the end of the file (${total} lines).`);
  let text = out.join('\n');
  if (lastShown < total) text += `\n[lines ${offset}-${lastShown} of ${total}; use offset=${lastShown + 1} to continue]`;
  return { content: text };
}
