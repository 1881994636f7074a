// The README's module table lists every source file with its true line count.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function sources(dir = 'src'): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : [],
  );
}

it('lists every file under src/ with its line count (node scripts/readme-lines.mjs fixes counts)', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const rows = new Map([...readme.matchAll(/^\| `(src\/[^`]+)` \| (\d+) \|/gm)].map((m) => [m[1], Number(m[2])]));
  const actual = new Map(sources().map((f) => [f, readFileSync(join(root, f), 'utf8').split('\n').length - 1]));
  expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(actual));
});
