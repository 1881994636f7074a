import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTool } from '../../src/tools/read.ts';
import { tempDir } from '../support/cli.ts';
import { text, toolContext } from '../support/tool-context.ts';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/web/binary');

function dirWith(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const lines = (n: number, f = (i: number) => `line ${i}`) => Array.from({ length: n }, (_, i) => f(i + 1)).join('\n') + '\n';

describe('read', () => {
  it('numbers lines from 1', async () => {
    const dir = dirWith({ 'a.txt': 'alpha\nbeta\n' });
    expect(text(await readTool.execute({ path: 'a.txt' }, toolContext(dir)))).toBe('    1| alpha\n    2| beta');
  });

  it('pages with a 1-indexed offset and limit, ending with the exact hint', async () => {
    const dir = dirWith({ 'a.txt': lines(8312) });
    const first = text(await readTool.execute({ path: 'a.txt' }, toolContext(dir)));
    expect(first.split('\n')).toHaveLength(2001);
    expect(first.split('\n').at(-1)).toBe('[lines 1-2000 of 8312; use offset=2001 to continue]');
    const window = text(await readTool.execute({ path: 'a.txt', offset: 2001, limit: 3 }, toolContext(dir)));
    expect(window).toBe(' 2001| line 2001\n 2002| line 2002\n 2003| line 2003\n[lines 2001-2003 of 8312; use offset=2004 to continue]');
    const tail = text(await readTool.execute({ path: 'a.txt', offset: 8311 }, toolContext(dir)));
    expect(tail).toBe(' 8311| line 8311\n 8312| line 8312');
  });

  it('stops at 50 KB without cutting a line', async () => {
    const dir = dirWith({ 'wide.txt': lines(1000, (i) => `${i}:${'x'.repeat(200)}`) });
    const out = text(await readTool.execute({ path: 'wide.txt' }, toolContext(dir)));
    const body = out.split('\n').slice(0, -1);
    expect(Buffer.byteLength(body.join('\n'))).toBeLessThanOrEqual(50 * 1024);
    expect(body.every((l) => l.endsWith('x'.repeat(200)))).toBe(true);
    expect(out.split('\n').at(-1)).toBe(`[lines 1-${body.length} of 1000; use offset=${body.length + 1} to continue]`);
  });

  it('reads a last line without a newline, and reports an empty file', async () => {
    const dir = dirWith({ 'a.txt': 'one\ntwo', 'empty.txt': '' });
    expect(text(await readTool.execute({ path: 'a.txt' }, toolContext(dir)))).toBe('    1| one\n    2| two');
    expect(text(await readTool.execute({ path: 'empty.txt' }, toolContext(dir)))).toBe('(empty file)');
  });

  it('refuses an offset past the end', async () => {
    const dir = dirWith({ 'a.txt': 'one\n' });
    const r = await readTool.execute({ path: 'a.txt', offset: 5 }, toolContext(dir));
    expect(r.isError).toBe(true);
    expect(text(r)).toBe('offset 5 is past the end of the file (1 lines).');
  });

  it('suggests close names for a missing file', async () => {
    const dir = dirWith({ 'src/config.ts': '', 'src/configure.ts': '', 'src/main.ts': '' });
    const r = await readTool.execute({ path: 'src/confg.ts' }, toolContext(dir));
    expect(text(r)).toBe('File not found: src/confg.ts. Did you mean: src/config.ts?');
    expect(text(await readTool.execute({ path: 'nothing-like-it.md' }, toolContext(dir)))).toBe('File not found: nothing-like-it.md.');
    expect(r.isError).toBe(true);
  });

  it('refuses binary files with their type and size', async () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'dummy.pdf'), join(dir, 'doc.pdf'));
    writeFileSync(join(dir, 'blob.bin'), Buffer.from([1, 2, 0, 3]));
    const pdf = await readTool.execute({ path: 'doc.pdf' }, toolContext(dir));
    const size = (await import('node:fs')).statSync(join(dir, 'doc.pdf')).size;
    expect(pdf).toEqual({ content: `doc.pdf is a binary file (PDF document, ${size} bytes); read refuses binary files.`, isError: true });
    const blob = await readTool.execute({ path: 'blob.bin' }, toolContext(dir));
    expect(blob).toEqual({ content: 'blob.bin is a binary file (binary data, 4 bytes); read refuses binary files.', isError: true });
  });

  it('refuses a FIFO, a socket and a device by type, at once, without opening them', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const server = createServer().listen(join(dir, 'sock'));
    await once(server, 'listening');
    symlinkSync('/dev/zero', join(dir, 'zero'));
    try {
      for (const [name, kind] of [['fifo', 'FIFO (named pipe)'], ['sock', 'socket'], ['zero', 'character device']]) {
        const r = await readTool.execute({ path: name }, toolContext(dir));
        expect(r).toEqual({ content: `${name} is a ${kind}, not a regular file; the file tools only open regular files.`, isError: true });
      }
    } finally {
      server.close();
    }
  });

  it('says what is wrong with an empty path, a folder, a symlink loop and a dangling link', async () => {
    const dir = dirWith({ 'sub/a.txt': 'a\n' });
    symlinkSync('loop', join(dir, 'loop'));
    symlinkSync('nowhere.txt', join(dir, 'dangling'));
    symlinkSync('sub/a.txt', join(dir, 'link.txt'));
    const read = async (path: string) => readTool.execute({ path }, toolContext(dir));
    expect(await read('')).toEqual({ content: 'The path is empty; give the path of a file.', isError: true });
    expect(await read('sub')).toEqual({ content: 'sub is a folder, not a file; use ls to list it.', isError: true });
    expect(await read('loop')).toEqual({ content: 'loop is a symlink loop: following its links never reaches a file.', isError: true });
    expect(await read('loop/x')).toEqual({ content: 'loop/x is a symlink loop: following its links never reaches a file.', isError: true });
    expect(await read('dangling')).toEqual({ content: 'dangling is a symlink to nowhere.txt, which does not exist.', isError: true });
    expect(text(await read('link.txt'))).toBe('    1| a');
  });

  it('returns images as image content', async () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'red-circle.png'), join(dir, 'circle.png'));
    const r = await readTool.execute({ path: 'circle.png' }, toolContext(dir));
    expect(Array.isArray(r.content)).toBe(true);
    const [caption, image] = r.content as any[];
    expect(caption.text).toMatch(/^Image circle\.png \(image\/png, \d+ bytes\)$/);
    expect(image.type).toBe('image');
    expect(image.mediaType).toBe('image/png');
    expect(Buffer.from(image.data, 'base64').subarray(1, 4).toString()).toBe('PNG');
  });

  it('reads a window deep in a 1 GB file with memory independent of its size', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const big = join(dir, 'big.txt');
    // 5,400,000 lines of 200 bytes: 1.08 GB, every line numbered.
    execFileSync('bash', ['-c', `seq -f '%0199.0f' 1 5400000 > ${big}`]);
    const script = `
      import { readTool } from ${JSON.stringify(resolve(import.meta.dirname, '../../src/tools/read.ts'))};
      const r = await readTool.execute({ path: 'big.txt', offset: 5000000, limit: 100 }, { cwd: ${JSON.stringify(dir)}, env: {}, state: { seen: new Map() }, signal: new AbortController().signal, onOutput() {} });
      console.log(JSON.stringify({ content: r.content, rss: process.resourceUsage().maxRSS }));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: resolve(import.meta.dirname, '../..') });
    expect(child.stderr).toBe('');
    const { content, rss } = JSON.parse(child.stdout);
    const out = content.split('\n');
    expect(out).toHaveLength(101);
    expect(out[0]).toBe(`5000000| ${'5000000'.padStart(199, '0')}`);
    expect(out[99]).toBe(`5000099| ${'5000099'.padStart(199, '0')}`);
    expect(out[100]).toBe('[lines 5000000-5000099 of 5400000; use offset=5000100 to continue]');
    expect(rss / 1024).toBeLessThan(300); // MB: Node and zod take about 80, the rest is GC slack; the file is over 1,000
  });
});
