// The shipped declarations (dist/types, package.json "types") type-check a
// user's code: the example, and test/library/types/inference.ts, whose
// expected errors prove that `args` is inferred from the zod schema.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

it('package.json points "nanocode" at the bundle and its declarations', () => {
  const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
  expect(pkg.exports['.']).toEqual({ types: './dist/types/index.d.ts', import: './dist/index.js' });
  expect(existsSync(resolve(root, pkg.exports['.'].types))).toBe(true);
  // Declarations import .js paths, as every TypeScript version resolves them.
  expect(readFileSync(resolve(root, 'dist/types/index.d.ts'), 'utf8')).toMatch(/from '\.\/agent\/agent\.js'/);
});

it('type-checks the example and typed uses of the API against the shipped .d.ts', async () => {
  const tsc = resolve(root, 'node_modules/typescript/bin/tsc');
  const result = await new Promise<{ code: number; out: string }>((done) =>
    execFile(process.execPath, [tsc, '-p', 'test/library/types/tsconfig.json'], { cwd: root }, (err, stdout, stderr) => done({ code: err ? Number(err.code) : 0, out: stdout + stderr })),
  );
  expect(result.out).toBe('');
  expect(result.code).toBe(0);
});
