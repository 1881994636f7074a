// Bundles src/main.ts into one executable ESM file, and the library
// (src/index.ts) with its type declarations. Provider SDKs stay in the
// bundle but are split into lazily imported chunks so startup only pays for
// the provider actually used.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { nanocode: 'src/bin.ts', index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  // Some dependencies still call require() for node builtins.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  define: { NANOCODE_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
  logLevel: 'warning',
});
chmodSync('dist/nanocode.js', 0o755);

// The shell parser (src/safety/shell-parser.ts) loads these at run time from beside the bundle.
for (const wasm of ['web-tree-sitter/web-tree-sitter.wasm', 'tree-sitter-bash/tree-sitter-bash.wasm']) {
  copyFileSync(createRequire(import.meta.url).resolve(wasm), `dist/${basename(wasm)}`);
}

// The library's types: a tree of .d.ts under dist/types (package.json
// "exports" points at its index). The source imports './x.ts'; the
// declarations import './x.js', as every TypeScript a user may have reads.
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.types.json'], { stdio: 'inherit' });
for (const file of readdirSync('dist/types', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.d.ts'))) {
  const path = join('dist/types', file);
  writeFileSync(path, readFileSync(path, 'utf8').replace(/((?:from |import\()'\.\.?\/[^']*)\.ts'/g, "$1.js'"));
}
