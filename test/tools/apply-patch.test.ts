import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { applyPatchTool } from '../../src/tools/apply-patch.ts';
import { tempDir } from '../support/cli.ts';
import { text, toolContext } from '../support/tool-context.ts';

function project() {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.txt'), 'one\ntwo\nthree\n');
  writeFileSync(join(dir, 'old.txt'), 'bye\n');
  return dir;
}

const PATCH = `diff --git a/a.txt b/a.txt
--- a/a.txt
+++ b/a.txt
@@ -1,3 +1,3 @@
 one
-two
+TWO
 three
--- /dev/null
+++ b/new/file.txt
@@ -0,0 +1,2 @@
+fresh
+content
--- a/old.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
`;

it('modifies, creates and deletes files from one unified diff', async () => {
  const dir = project();
  const r = await applyPatchTool.execute({ patch: PATCH }, toolContext(dir));
  expect(text(r)).toBe('Applied the patch: modified a.txt, created new/file.txt, deleted old.txt.');
  expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one\nTWO\nthree\n');
  expect(readFileSync(join(dir, 'new/file.txt'), 'utf8')).toBe('fresh\ncontent\n');
  expect(existsSync(join(dir, 'old.txt'))).toBe(false);
});

it('names the hunk that does not apply and why, and changes nothing', async () => {
  const dir = project();
  writeFileSync(join(dir, 'b.txt'), '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n');
  const patch = `--- a/a.txt
+++ b/a.txt
@@ -1,3 +1,3 @@
 one
-two
+TWO
 three
--- a/b.txt
+++ b/b.txt
@@ -1,2 +1,2 @@
-1
+one
 2
@@ -8,3 +8,3 @@
 8
-nine
+NINE
 10
`;
  const r = await applyPatchTool.execute({ patch }, toolContext(dir));
  expect(r.isError).toBe(true);
  expect(text(r)).toBe('b.txt: hunk 2 of 2 (@@ -8,3 +8,3 @@) does not apply: line 9 should be "nine" but is "9". Nothing was changed.');
  expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one\ntwo\nthree\n');
  expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n');
});

it('refuses to create a file that exists and to modify one that does not', async () => {
  const dir = project();
  const create = await applyPatchTool.execute({ patch: '--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1 @@\n+x\n' }, toolContext(dir));
  expect(text(create)).toBe('a.txt: the patch creates it, but it already exists.');
  const modify = await applyPatchTool.execute({ patch: '--- a/missing.txt\n+++ b/missing.txt\n@@ -1 +1 @@\n-x\n+y\n' }, toolContext(dir));
  expect(text(modify)).toBe('missing.txt: file not found (the patch modifies or deletes it).');
});
