import { execFileSync } from 'node:child_process';
import { chmodSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { writeTool } from '../../src/tools/write.ts';
import { tempDir } from '../support/cli.ts';
import { text, toolContext } from '../support/tool-context.ts';

it('creates parent folders and reports lines and bytes', async () => {
  const dir = tempDir();
  const r = await writeTool.execute({ path: 'a/b/c.txt', content: 'héllo\nworld\n' }, toolContext(dir));
  expect(text(r)).toBe('Wrote a/b/c.txt: 2 lines, 13 bytes.');
  expect(readFileSync(join(dir, 'a/b/c.txt'), 'utf8')).toBe('héllo\nworld\n');
});

it('replaces atomically, keeping the mode and leaving no temporary file', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'run.sh'), 'old');
  chmodSync(join(dir, 'run.sh'), 0o751);
  await writeTool.execute({ path: 'run.sh', content: '#!/bin/sh\necho new\n' }, toolContext(dir));
  expect(statSync(join(dir, 'run.sh')).mode & 0o777).toBe(0o751);
  expect(readFileSync(join(dir, 'run.sh'), 'utf8')).toBe('#!/bin/sh\necho new\n');
  expect(readdirSync(dir)).toEqual(['run.sh']);
});

it('writes through a symlink to the file it points to, keeping the link, and says so', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'real'));
  writeFileSync(join(dir, 'real/config.txt'), 'old\n');
  symlinkSync('real/config.txt', join(dir, 'link.txt'));
  symlinkSync('real/new.txt', join(dir, 'dangling.txt'));
  const r = await writeTool.execute({ path: 'link.txt', content: 'new\n' }, toolContext(dir));
  expect(text(r)).toBe('Wrote link.txt: 1 lines, 4 bytes. link.txt is a symlink: its target real/config.txt was changed and the link kept.');
  expect(lstatSync(join(dir, 'link.txt')).isSymbolicLink()).toBe(true);
  expect(readFileSync(join(dir, 'real/config.txt'), 'utf8')).toBe('new\n');
  // A link to a file not there yet creates the file.
  await writeTool.execute({ path: 'dangling.txt', content: 'made\n' }, toolContext(dir));
  expect(lstatSync(join(dir, 'dangling.txt')).isSymbolicLink()).toBe(true);
  expect(readFileSync(join(dir, 'real/new.txt'), 'utf8')).toBe('made\n');
  expect(readdirSync(join(dir, 'real')).sort()).toEqual(['config.txt', 'new.txt']);
});

it('writes a file with several hard links in place, so every link sees it', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.txt'), 'old\n');
  linkSync(join(dir, 'a.txt'), join(dir, 'b.txt'));
  await writeTool.execute({ path: 'a.txt', content: 'new\n' }, toolContext(dir));
  expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('new\n');
  expect(statSync(join(dir, 'a.txt')).ino).toBe(statSync(join(dir, 'b.txt')).ino);
});

it('refuses an empty path, a folder, a FIFO and a symlink loop, writing nothing', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'sub'));
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  symlinkSync('loop', join(dir, 'loop'));
  writeFileSync(join(dir, 'file'), '');
  const write = (path: string) => writeTool.execute({ path, content: 'x' }, toolContext(dir));
  expect(await write('')).toEqual({ content: 'The path is empty; give the path of a file.', isError: true });
  expect(await write('sub')).toEqual({ content: 'sub is a folder, not a file. Nothing was written.', isError: true });
  expect(await write('fifo')).toEqual({ content: 'fifo is a FIFO (named pipe), not a regular file; the file tools only open regular files. Nothing was written.', isError: true });
  expect(await write('loop')).toEqual({ content: 'loop is a symlink loop: following its links never reaches a file. Nothing was written.', isError: true });
  expect((await write('file/x.txt')).content).toMatch(/^file\/x\.txt: a part of the path before the last is a file, not a folder\. Nothing was written\.$/);
  expect(readdirSync(dir).sort()).toEqual(['fifo', 'file', 'loop', 'sub']);
});

it('gives the person a diff and the first changed line: the whole file when new, the changed lines when replaced, none when huge', async () => {
  const dir = tempDir();
  const created = await writeTool.execute({ path: 'n.txt', content: 'a\nb\n' }, toolContext(dir));
  expect(created.details).toMatchObject({ kind: 'diff', path: 'n.txt', firstChangedLine: 1 });
  expect(created.details?.kind === 'diff' && created.details.diff).toContain('@@ -0,0 +1,2 @@\n+a\n+b\n');
  const rows = Array.from({ length: 2000 }, (_, i) => `row ${i + 1}`);
  writeFileSync(join(dir, 'big.txt'), `${rows.join('\n')}\n`);
  rows[1499] = 'row fifteen hundred';
  const replaced = await writeTool.execute({ path: 'big.txt', content: `${rows.join('\n')}\n` }, toolContext(dir));
  expect(replaced.details).toMatchObject({ kind: 'diff', path: 'big.txt', firstChangedLine: 1500 });
  expect(replaced.details?.kind === 'diff' && replaced.details.diff).toContain('@@ -1497,7 +1497,7 @@\n row 1497\n row 1498\n row 1499\n-row 1500\n+row fifteen hundred\n row 1501\n');
  const huge = await writeTool.execute({ path: 'huge.txt', content: 'x'.repeat(2_000_000) }, toolContext(dir));
  expect(huge.details).toBeUndefined();
});
