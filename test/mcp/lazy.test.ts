// The MCP SDK is loaded only when a server starts: not by nanocode's startup,
// not by loading the MCP configuration and tools.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.ts';
import { EVERYTHING } from './servers.ts';

const root = resolve(import.meta.dirname, '../..');
/** A string of the SDK's protocol code that minifying keeps. */
const SDK_MARK = 'notifications/initialized';

/** The files an ES module loads before it runs: its static imports, transitively (not `import()`). */
function staticClosure(entry: string, seen = new Set<string>()): Set<string> {
  seen.add(entry);
  const code = readFileSync(entry, 'utf8');
  for (const m of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{}\s,]*?from\s*)?["'](\.\.?\/[^"']+)["']/g)) {
    const file = resolve(dirname(entry), m[1]);
    if (!seen.has(file)) staticClosure(file, seen);
  }
  return seen;
}

const mentionsSdk = (files: Iterable<string>) => [...files].filter((f) => readFileSync(f, 'utf8').includes(SDK_MARK));

describe('the MCP SDK loads lazily', () => {
  it('is in none of the code the built binary and the library load at startup', () => {
    // The binary imports its main chunk once the compile cache is on.
    const main = /import\("(\.\/chunks\/main-[^"]+)"\)/.exec(readFileSync(join(root, 'dist/nanocode.js'), 'utf8'))![1];
    for (const entry of ['dist/nanocode.js', join('dist', main), 'dist/index.js']) {
      const loaded = staticClosure(join(root, entry));
      expect(mentionsSdk(loaded)).toEqual([]);
    }
  });

  it('bundled, loading the MCP tools leaves the SDK in a chunk of its own, imported when a server starts', async () => {
    const out = tempDir();
    await build({ entryPoints: [join(root, 'src/mcp/mcp.ts')], outdir: out, bundle: true, splitting: true, format: 'esm', platform: 'node', minify: true, logLevel: 'silent' });
    const loaded = staticClosure(join(out, 'mcp.js'));
    expect(mentionsSdk(loaded)).toEqual([]);
    const all = execFileSync('find', [out, '-name', '*.js'], { encoding: 'utf8' }).trim().split('\n');
    expect(mentionsSdk(all).length).toBeGreaterThan(0);
  });

  it('at run time: configuring servers and making the tools loads none of it; the first start does', () => {
    const dir = tempDir();
    const home = join(dir, 'home');
    execFileSync('mkdir', ['-p', home]);
    writeFileSync(join(home, 'mcp.json'), JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING, 'stdio'] } } }));
    // Every module URL Node resolves, recorded by a resolve hook.
    const script = `
      import { registerHooks } from 'node:module';
      const loaded = [];
      registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); loaded.push(r.url); return r; } });
      const sdk = () => loaded.filter((u) => u.includes('@modelcontextprotocol/sdk')).length;
      const { loadMcp } = await import(${JSON.stringify(join(root, 'src/mcp/mcp.ts'))});
      const mcp = await loadMcp({ home: ${JSON.stringify(home)}, cwd: ${JSON.stringify(dir)}, trusted: false, env: {}, serverEnv: { PATH: process.env.PATH } });
      const before = sdk();
      await mcp.manager.tools('everything');
      const after = sdk();
      await mcp.manager.close();
      console.log(JSON.stringify({ tools: mcp.tools.map((t) => t.name), before, after }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    const r = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(r.tools).toEqual(['mcp_search', 'mcp_inspect', 'mcp_call']);
    expect(r.before).toBe(0);
    expect(r.after).toBeGreaterThan(0);
  });
});
