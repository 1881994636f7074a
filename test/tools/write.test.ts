import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
