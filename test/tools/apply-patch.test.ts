import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
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
  // The person sees each file's diff as applied, starting at the first change.
  expect(r.details).toMatchObject({ kind: 'diff', path: 'a.txt', firstChangedLine: 2, files: ['a.txt', 'new/file.txt', 'old.txt'] });
  const diff = r.details?.kind === 'diff' ? r.details.diff : '';
  expect(diff).toContain('--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n');
  expect(diff).toContain('@@ -0,0 +1,2 @@\n+fresh\n+content\n');
  expect(diff).toContain('@@ -1,1 +0,0 @@\n-bye\n');
});

it('numbers the diff by where the hunk applied, not where the patch said', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'f.txt'), `${Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n')}\n`);
  // Says line 5; line 20 is where it fits.
  const patch = '--- a/f.txt\n+++ b/f.txt\n@@ -5,3 +5,3 @@\n line 19\n-line 20\n+line twenty\n line 21\n';
  const r = await applyPatchTool.execute({ patch }, toolContext(dir));
  expect(text(r)).toBe('Applied the patch: modified f.txt.');
  expect(r.details).toMatchObject({ firstChangedLine: 20 });
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
  expect(text(r)).toBe('b.txt: hunk 2 of 2 (@@ -8,3 +8,3 @@, patch line 14) does not apply: line 9 should be "nine" but is "9". Nothing was changed.');
  expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one\ntwo\nthree\n');
  expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n');
});

it('refuses to create a file that exists and to modify one that does not', async () => {
  const dir = project();
  const create = await applyPatchTool.execute({ patch: '--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1 @@\n+x\n' }, toolContext(dir));
  expect(text(create)).toBe('a.txt: the patch creates it, but it already exists (patch line 1). Nothing was changed.');
  const modify = await applyPatchTool.execute({ patch: '--- a/missing.txt\n+++ b/missing.txt\n@@ -1 +1 @@\n-x\n+y\n' }, toolContext(dir));
  expect(text(modify)).toBe('missing.txt: file not found; the patch changes, moves or deletes it (patch line 1). Nothing was changed.');
});

it('moves a file on --- a/x +++ b/y, applying its hunks, and on a pure git rename', async () => {
  const dir = project();
  const move = `--- a/a.txt\n+++ b/moved/a2.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n`;
  const r = await applyPatchTool.execute({ patch: move }, toolContext(dir));
  expect(text(r)).toBe('Applied the patch: moved a.txt to moved/a2.txt.');
  expect(existsSync(join(dir, 'a.txt'))).toBe(false);
  expect(readFileSync(join(dir, 'moved/a2.txt'), 'utf8')).toBe('one\n2\nthree\n');
  const rename = `diff --git a/old.txt b/new.txt\nsimilarity index 100%\nrename from old.txt\nrename to new.txt\n`;
  expect(text(await applyPatchTool.execute({ patch: rename }, toolContext(dir)))).toBe('Applied the patch: moved old.txt to new.txt.');
  expect(existsSync(join(dir, 'old.txt'))).toBe(false);
  expect(readFileSync(join(dir, 'new.txt'), 'utf8')).toBe('bye\n');
});

it('refuses a move onto a file that exists, changing nothing', async () => {
  const dir = project();
  const r = await applyPatchTool.execute({ patch: `--- a/a.txt\n+++ b/old.txt\n@@ -1 +1 @@\n-one\n+ONE\n` }, toolContext(dir));
  expect(r).toEqual({ content: 'old.txt: the patch creates it, but it already exists (patch line 1). Nothing was changed.', isError: true });
  expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one\ntwo\nthree\n');
  expect(readFileSync(join(dir, 'old.txt'), 'utf8')).toBe('bye\n');
});

it('names the line of a malformed patch', async () => {
  const dir = project();
  const cases: Array<[string, string]> = [
    ['--- a/a.txt\n+++ b/a.txt\n@@ -1,x +1 @@\n-one\n+ONE\n', 'Cannot parse the patch: line 3: a hunk header looks like "@@ -12,3 +12,4 @@", not "@@ -1,x +1 @@". Nothing was changed.'],
    ['--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n one\n*two\n+TWO\n three\n', 'Cannot parse the patch: line 3: Hunk at line 3 contained invalid line *two. Nothing was changed.'],
    ['@@ -1 +1 @@\n-one\n+ONE\n', 'Cannot parse the patch: line 1: this hunk has no file header before it (--- a/file and +++ b/file). Nothing was changed.'],
    ['--- a/a.txt\n@@ -1 +1 @@\n-one\n+ONE\n', 'Cannot parse the patch: line 1: Missing "+++ ..." file header for a/a.txt. Nothing was changed.'],
    ['--- a/\n+++ b/\n@@ -1 +1 @@\n-one\n+ONE\n', 'Cannot parse the patch: line 1: the file header names no file. Nothing was changed.'],
    ['--- a/a.txt\n+++ b/a.txt\n', 'Cannot parse the patch: line 1: a.txt has a file header but no hunks (@@ -12,3 +12,4 @@ and the lines). Nothing was changed.'],
  ];
  for (const [patch, message] of cases) expect(await applyPatchTool.execute({ patch }, toolContext(dir))).toEqual({ content: message, isError: true });
});

/** A small deterministic generator, so a failure can be reproduced. */
function random(seed: number) {
  return (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
}

it('answers every one of 60 malformed patches with a message, never a crash, changing nothing when it fails', async () => {
  const pick = random(8);
  const JUNK = ['', '@@', '@@ -1 +1', '@@ -0,0 +0,0 @@', '@@ -99999,2 +1,2 @@', '--- ', '+++ ', '--- /dev/null', '+++ /dev/null', '\\ No newline at end of file', 'diff --git a/a.txt', 'rename from a.txt', 'Binary files a/x and b/x differ', '+', '-', ' ', '\r', 'garbage'];
  const base = PATCH.split('\n');
  const mutate = (lines: string[]): string[] => {
    const out = [...lines];
    const at = pick(out.length);
    switch (pick(6)) {
      case 0: out.splice(at, 1); break; // drop a line
      case 1: out.splice(at, 0, out[pick(out.length)]); break; // repeat a line
      case 2: out.splice(at, 0, JUNK[pick(JUNK.length)]); break; // insert junk
      case 3: out[at] = JUNK[pick(JUNK.length)]; break; // replace with junk
      case 4: out[at] = out[at].replace(/\d+/, String(pick(40))); break; // wrong numbers
      default: return out.slice(0, at); // cut short
    }
    return out;
  };
  for (let i = 0; i < 60; i++) {
    let lines = base;
    for (let k = 0, n = 1 + pick(3); k < n; k++) lines = mutate(lines);
    const patch = lines.join('\n');
    const dir = project();
    const before = snapshot(dir);
    let r;
    try {
      r = await applyPatchTool.execute({ patch }, toolContext(dir));
    } catch (err) {
      throw new Error(`threw on patch ${i}:\n${patch}\n${err}`);
    }
    const message = text(r);
    expect(message, patch).not.toMatch(/TypeError|ReferenceError|RangeError|undefined|NaN|\[object/);
    if (r.isError) {
      expect(snapshot(dir), patch).toEqual(before);
      if (message !== 'The patch contains no file changes.') expect(message, patch).toMatch(/line \d+/);
    }
  }
});

function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (f.isFile()) files[join(f.parentPath, f.name).slice(dir.length)] = readFileSync(join(f.parentPath, f.name), 'utf8');
  }
  return files;
}

it('changes the file a symlink points to, keeping the link; refuses folders and FIFOs without blocking', async () => {
  const dir = project();
  symlinkSync('a.txt', join(dir, 'link.txt'));
  const r = await applyPatchTool.execute({ patch: '--- a/link.txt\n+++ b/link.txt\n@@ -1 +1 @@\n-one\n+ONE\n' }, toolContext(dir));
  expect(text(r)).toBe('Applied the patch: modified link.txt. link.txt is a symlink: its target a.txt was changed and the link kept.');
  expect(lstatSync(join(dir, 'link.txt')).isSymbolicLink()).toBe(true);
  expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('ONE\ntwo\nthree\n');
  mkdirSync(join(dir, 'sub'));
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  const patch = (name: string) => `--- a/${name}\n+++ b/${name}\n@@ -1 +1 @@\n-x\n+y\n`;
  expect(await applyPatchTool.execute({ patch: patch('sub') }, toolContext(dir))).toEqual({ content: 'sub is a folder, not a file.', isError: true });
  expect(await applyPatchTool.execute({ patch: patch('fifo') }, toolContext(dir))).toEqual({
    content: 'fifo is a FIFO (named pipe), not a regular file; the file tools only open regular files.',
    isError: true,
  });
});

it('applies a git mode change', async () => {
  const dir = project();
  const patch = 'diff --git a/a.txt b/a.txt\nold mode 100644\nnew mode 100755\n';
  expect(text(await applyPatchTool.execute({ patch }, toolContext(dir)))).toBe('Applied the patch: modified a.txt.');
  expect(statSync(join(dir, 'a.txt')).mode & 0o777).toBe(0o755);
  expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one\ntwo\nthree\n');
});
