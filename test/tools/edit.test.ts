import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editTool } from '../../src/tools/edit.ts';
import { readTool } from '../../src/tools/read.ts';
import { tempDir } from '../support/cli.ts';
import { text, toolContext } from '../support/tool-context.ts';

function file(content: string | Buffer, name = 'f.txt') {
  const dir = tempDir();
  writeFileSync(join(dir, name), content);
  return { dir, path: join(dir, name), ctx: toolContext(dir), read: () => readFileSync(join(dir, name), 'utf8') };
}

describe('edit', () => {
  it('replaces a unique match, tells the model briefly and the person with a diff', async () => {
    const f = file('one\ntwo\nthree\n');
    const r = await editTool.execute({ path: 'f.txt', edits: [{ oldText: 'two', newText: 'TWO' }] }, f.ctx);
    expect(r).toMatchObject({ content: 'Edited f.txt: 1 replacement, +1 -1 lines.' });
    expect(r.isError).toBeUndefined();
    expect(r.details).toMatchObject({ kind: 'diff', path: 'f.txt', firstChangedLine: 2 });
    expect(r.details?.kind === 'diff' && r.details.diff).toContain('@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three');
    expect(f.read()).toBe('one\nTWO\nthree\n');
  });

  it('numbers the diff by the file\'s real lines, deep in a large file', async () => {
    const f = file(Array.from({ length: 1000 }, (_, i) => `row ${i + 1};`).join('\n') + '\n');
    const r = await editTool.execute({ path: 'f.txt', oldText: 'row 500;', newText: 'row five hundred;' }, f.ctx);
    expect(r.details).toMatchObject({ firstChangedLine: 500 });
    expect(r.details?.kind === 'diff' && r.details.diff).toContain('@@ -497,7 +497,7 @@\n row 497;\n row 498;\n row 499;\n-row 500;\n+row five hundred;\n row 501;\n row 502;\n row 503;\n');
    const first = await editTool.execute({ path: 'f.txt', oldText: 'row 1;', newText: 'row one;' }, f.ctx);
    expect(first.details).toMatchObject({ firstChangedLine: 1 });
    expect(first.details?.kind === 'diff' && first.details.diff).toContain('@@ -1,4 +1,4 @@\n-row 1;\n+row one;\n row 2;\n');
  });

  it('accepts a single top-level oldText/newText', async () => {
    const f = file('a b c');
    await editTool.execute({ path: 'f.txt', oldText: 'b', newText: 'B' }, f.ctx);
    expect(f.read()).toBe('a B c');
  });

  it('refuses an ambiguous oldText, saying how many matches; replaceAll replaces them all', async () => {
    const f = file('x = 1\ny = 1\nz = 1\n');
    const r = await editTool.execute({ path: 'f.txt', oldText: ' = 1', newText: ' = 2' }, f.ctx);
    expect(r).toEqual({ content: 'oldText matches 3 places in f.txt; include more surrounding lines so it matches exactly one, or set replaceAll.', isError: true });
    expect(f.read()).toBe('x = 1\ny = 1\nz = 1\n');
    const all = await editTool.execute({ path: 'f.txt', oldText: ' = 1', newText: ' = 2', replaceAll: true }, f.ctx);
    expect(text(all)).toBe('Edited f.txt: 3 replacements, +3 -3 lines.');
    expect(f.read()).toBe('x = 2\ny = 2\nz = 2\n');
  });

  it('refuses an oldText that matches exactly twice, changing nothing', async () => {
    const f = file('let a = 1;\nlet b = 1;\n');
    const r = await editTool.execute({ path: 'f.txt', oldText: ' = 1;', newText: ' = 2;' }, f.ctx);
    expect(r).toEqual({ content: 'oldText matches 2 places in f.txt; include more surrounding lines so it matches exactly one, or set replaceAll.', isError: true });
    expect(f.read()).toBe('let a = 1;\nlet b = 1;\n');
  });

  it('edits the file a symlink points to, keeping the link, and says so', async () => {
    const f = file('one\ntwo\n', 'real.txt');
    symlinkSync('real.txt', join(f.dir, 'link.txt'));
    const r = await editTool.execute({ path: 'link.txt', oldText: 'two', newText: 'TWO' }, f.ctx);
    expect(text(r)).toBe('Edited link.txt: 1 replacement, +1 -1 lines. link.txt is a symlink: its target real.txt was changed and the link kept.');
    expect(lstatSync(join(f.dir, 'link.txt')).isSymbolicLink()).toBe(true);
    expect(f.read()).toBe('one\nTWO\n');
  });

  it('refuses an empty path, a folder, a FIFO and a symlink loop without blocking', async () => {
    const f = file('x');
    mkdirSync(join(f.dir, 'sub'));
    execFileSync('mkfifo', [join(f.dir, 'fifo')]);
    symlinkSync('loop', join(f.dir, 'loop'));
    const edit = (path: string) => editTool.execute({ path, oldText: 'a', newText: 'b' }, f.ctx);
    expect(await edit('')).toEqual({ content: 'The path is empty; give the path of a file.', isError: true });
    expect(await edit('sub')).toEqual({ content: 'sub is a folder, not a file.', isError: true });
    expect(await edit('fifo')).toEqual({ content: 'fifo is a FIFO (named pipe), not a regular file; the file tools only open regular files.', isError: true });
    expect(await edit('loop')).toEqual({ content: 'loop is a symlink loop: following its links never reaches a file.', isError: true });
  });

  it('applies several edits at once, located in the original', async () => {
    const f = file('alpha\nbeta\ngamma\n');
    await editTool.execute({ path: 'f.txt', edits: [{ oldText: 'gamma', newText: 'GAMMA' }, { oldText: 'alpha', newText: 'beta' }] }, f.ctx);
    expect(f.read()).toBe('beta\nbeta\nGAMMA\n');
  });

  it('refuses overlapping edits and changes nothing', async () => {
    const f = file('abcdef\n');
    const r = await editTool.execute({ path: 'f.txt', edits: [{ oldText: 'abcd', newText: 'X' }, { oldText: 'cdef', newText: 'Y' }] }, f.ctx);
    expect(r).toEqual({ content: 'edits 1 and 2 overlap; merge them into one edit.', isError: true });
    expect(f.read()).toBe('abcdef\n');
  });

  it('is all or nothing: one failing edit leaves the file untouched', async () => {
    const f = file('keep\nchange me\n');
    const r = await editTool.execute({ path: 'f.txt', edits: [{ oldText: 'change me', newText: 'changed' }, { oldText: 'absent text', newText: 'x' }] }, f.ctx);
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^edit 2: oldText not found in f\.txt\./);
    expect(f.read()).toBe('keep\nchange me\n');
  });

  it('shows the closest lines when the text is not found', async () => {
    const f = file('function add(a, b) {\n  return a + b;\n}\n');
    const r = await editTool.execute({ path: 'f.txt', oldText: 'function add(x, y) {', newText: 'function sum(a, b) {' }, f.ctx);
    expect(text(r)).toBe('oldText not found in f.txt. The closest lines are:\n    1| function add(a, b) {\n    2|   return a + b;\nRead the file and copy the text exactly.');
  });

  it('falls back to a unique match ignoring indentation, trailing spaces and curly quotes, changing only that region', async () => {
    const before = 'header line  \n\nclass A:\n    def greet(self):\n        print(\u201chello\u201d)   \n        return 1\n\nfooter \u2014 end\r\n';
    const f = file(before);
    const r = await editTool.execute(
      { path: 'f.txt', oldText: 'def greet(self):\n    print("hello")\n    return 1', newText: 'def greet(self):\n    print("hi")\n    return 2' },
      f.ctx,
    );
    expect(r.isError).toBeUndefined();
    const after = f.read();
    const start = before.indexOf('    def greet');
    const end = before.indexOf('        return 1') + '        return 1'.length;
    expect(after.slice(0, start)).toBe(before.slice(0, start));
    expect(after.slice(after.length - (before.length - end))).toBe(before.slice(end));
    expect(after.slice(start, after.length - (before.length - end))).toBe('    def greet(self):\n        print("hi")\n        return 2');
  });

  it('refuses a tolerant match that is not unique', async () => {
    const f = file('  x = 1\n\tx = 1\n');
    const r = await editTool.execute({ path: 'f.txt', oldText: 'x = 1 ', newText: 'x = 2' }, f.ctx);
    expect(text(r)).toBe('oldText was not found exactly, and matches 2 places when whitespace is ignored; include more surrounding lines.');
  });

  it('keeps CRLF line endings and a BOM', async () => {
    const f = file(Buffer.from('\uFEFFfirst\r\nsecond\r\nthird\r\n'));
    await editTool.execute({ path: 'f.txt', oldText: 'second\nthird', newText: 'SECOND\nTHIRD\nFOURTH' }, f.ctx);
    expect(readFileSync(f.path)).toEqual(Buffer.from('\uFEFFfirst\r\nSECOND\r\nTHIRD\r\nFOURTH\r\n'));
  });

  it('refuses to edit a file changed on disk since it was read, until it is read again', async () => {
    const f = file('v1\n');
    await readTool.execute({ path: 'f.txt' }, f.ctx);
    writeFileSync(f.path, 'v2\n');
    const t = statSync(f.path).mtime.getTime() / 1000 + 5;
    utimesSync(f.path, t, t);
    const r = await editTool.execute({ path: 'f.txt', oldText: 'v2', newText: 'v3' }, f.ctx);
    expect(r).toEqual({ content: 'f.txt changed on disk since you last read it; read it again, then redo the edit.', isError: true });
    await readTool.execute({ path: 'f.txt' }, f.ctx);
    expect((await editTool.execute({ path: 'f.txt', oldText: 'v2', newText: 'v3' }, f.ctx)).isError).toBeUndefined();
    // Its own edits do not make the file stale.
    expect((await editTool.execute({ path: 'f.txt', oldText: 'v3', newText: 'v4' }, f.ctx)).isError).toBeUndefined();
    expect(f.read()).toBe('v4\n');
  });

  it('never interleaves two edits of one file (per-file lock)', async () => {
    const f = file(Array.from({ length: 50 }, (_, i) => `item ${i}.`).join('\n'));
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => editTool.execute({ path: 'f.txt', oldText: `item ${i}.`, newText: `ITEM ${i}.` }, f.ctx)));
    expect(results.filter((r) => r.isError)).toEqual([]);
    expect(f.read()).toBe(Array.from({ length: 50 }, (_, i) => `ITEM ${i}.`).join('\n'));
  });

  it('reports a missing file and an empty oldText', async () => {
    const f = file('x');
    expect(text(await editTool.execute({ path: 'nope.txt', oldText: 'a', newText: 'b' }, f.ctx))).toBe('File not found: nope.txt. Use write to create a file.');
    expect(text(await editTool.execute({ path: 'f.txt', oldText: '', newText: 'b' }, f.ctx))).toBe('oldText is empty; to create or replace a whole file use write.');
    expect(text(await editTool.execute({ path: 'f.txt' }, f.ctx))).toBe('Give edits: [{oldText, newText}, ...] or both oldText and newText.');
  });
});
