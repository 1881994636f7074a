// The shell parser's WebAssembly files ship in dist/ and are found there by
// the bundled analysis, which never reaches node_modules at run time.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WASM_FILES } from '../../src/safety/shell-parser.ts';
import { bundleAnalysis } from '../support/bundle-analysis.ts';
import { tempDir } from '../support/cli.ts';

const DIST = resolve(import.meta.dirname, '../../dist');

describe('the shell parser in the bundle', () => {
  it('the build copies the parser\'s .wasm files into dist/', () => {
    for (const spec of Object.values(WASM_FILES)) expect(existsSync(join(DIST, spec.split('/')[1]!))).toBe(true);
  });

  it('the bundled analysis loads them from beside itself, away from node_modules', async () => {
    const dir = tempDir('analysis-bundle-');
    const entry = await bundleAnalysis(dir);
    expect(readdirSync(join(dir, 'chunks')).length).toBeGreaterThan(0);
    expect(analyzeWith(entry, 'ls && rm -rf ~')).toMatchObject({
      class: 'dangerous',
      commands: [{ name: 'ls', class: 'read-only' }, { name: 'rm', class: 'dangerous' }],
    });
  });

  it('without its grammar every command is dangerous, and says why', async () => {
    const dir = tempDir('analysis-bundle-');
    const entry = await bundleAnalysis(dir);
    rmSync(join(dir, 'tree-sitter-bash.wasm'));
    const analysis = analyzeWith(entry, 'ls');
    expect(analysis).toMatchObject({ class: 'dangerous', commands: [] });
    expect(analysis.reasons[0]).toContain('the shell parser could not be loaded');
  });
});

/** Runs the bundled analysis in a fresh Node process, from the bundle's folder. */
function analyzeWith(entry: string, command: string) {
  const script = `const { analyze } = await import(${JSON.stringify(pathToFileURL(entry).href)});
    console.log(JSON.stringify(await analyze(${JSON.stringify(command)}, { cwd: '/w', home: '/h' })));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dirname(entry), encoding: 'utf8' });
  return JSON.parse(out) as { class: string; commands: unknown[]; reasons: string[] };
}
