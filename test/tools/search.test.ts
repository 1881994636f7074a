import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTool } from '../../src/tools/find.ts';
import { globTool } from '../../src/tools/glob.ts';
import { findRg } from '../../src/tools/grep-backends.ts';
import { grepTool } from '../../src/tools/grep.ts';
import { lsTool } from '../../src/tools/ls.ts';
import { tempDir } from '../support/cli.ts';
import { text, toolContext } from '../support/tool-context.ts';

function tree(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const PROJECT = {
  '.gitignore': 'build/\n*.log\n',
  'src/a.ts': 'const needle = 1;\nfunction foo() {}\n// NEEDLE upper\n',
  'src/b.py': 'needle = 2\n',
  'src/nested/.gitignore': 'secret.ts\n',
  'src/nested/secret.ts': 'needle hidden by the nested .gitignore\n',
  'src/nested/c.ts': 'x\nneedle in c\ny\nz\n',
  'src/a.ts.bak': 'needle in a backup\n',
  'build/out.js': 'needle in build\n',
  'app.log': 'needle in a log\n',
  '.hidden/h.ts': 'needle in a hidden folder\n',
  '.env': 'needle in a dotfile\n',
  'bin.dat': Buffer.concat([Buffer.from('needle'), Buffer.from([0, 1, 2])]),
  'docs/readme.md': 'no match here\nA needle (with parens)\n' + 'long '.repeat(200) + 'needle\n',
};

const rgEnv = { PATH: process.env.PATH };
const jsEnv = { PATH: '/nonexistent' };

describe('grep', () => {
  it('has ripgrep available for these tests (apt-get install ripgrep)', () => {
    expect(findRg(rgEnv)).toBeDefined();
    expect(findRg(jsEnv)).toBeUndefined();
  });

  it('prints path:line: text, honouring .gitignore (nested too), skipping hidden and binary files', async () => {
    const dir = tree(PROJECT);
    for (const env of [rgEnv, jsEnv]) {
      const out = text(await grepTool.execute({ pattern: 'needle' }, toolContext(dir, { env })));
      expect(out).toBe(
        [
          'docs/readme.md:2: A needle (with parens)',
          `docs/readme.md:3: ${('long '.repeat(200) + 'needle').slice(0, 500)} [... 506 more chars]`,
          'src/a.ts:1: const needle = 1;',
          'src/a.ts.bak:1: needle in a backup',
          'src/b.py:1: needle = 2',
          'src/nested/c.ts:2: needle in c',
        ].join('\n'),
      );
    }
  });

  it.each([
    [{ pattern: 'NEEDLE', ignoreCase: true }],
    [{ pattern: 'needle (with', literal: true }],
    [{ pattern: 'needle', context: 1 }],
    [{ pattern: 'needle', glob: '*.ts' }],
    [{ pattern: 'needle', path: 'src' }],
    [{ pattern: 'needle', path: 'src/nested/c.ts' }],
    [{ pattern: 'ne+dle\\s\\w+' }],
    [{ pattern: 'needle', limit: 2 }],
    [{ pattern: 'nothing matches this' }],
  ])('gives the same output with ripgrep and with the JS walker: %j', async (args) => {
    const dir = tree(PROJECT);
    const rg = text(await grepTool.execute(args, toolContext(dir, { env: rgEnv })));
    const js = text(await grepTool.execute(args, toolContext(dir, { env: jsEnv })));
    expect(js).toBe(rg);
    expect(rg.length).toBeGreaterThan(0);
  });

  it('shows context lines as path-line- text and says how many matches were left out', async () => {
    const dir = tree(PROJECT);
    expect(text(await grepTool.execute({ pattern: 'needle in c', context: 1 }, toolContext(dir)))).toBe('src/nested/c.ts-1- x\nsrc/nested/c.ts:2: needle in c\nsrc/nested/c.ts-3- y');
    expect(text(await grepTool.execute({ pattern: 'needle', limit: 2 }, toolContext(dir)))).toMatch(/\n\[showing 2 of 6 matches; narrow the pattern, path or glob, or raise limit\]$/);
  });

  it('reports an invalid regular expression', async () => {
    const r = await grepTool.execute({ pattern: 'a(b' }, toolContext(tempDir()));
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^Invalid regular expression: .*Use literal: true to search plain text\.$/);
  });
});

describe('glob', () => {
  it('lists matching files newest first, honouring .gitignore', async () => {
    const dir = tree(PROJECT);
    const at = (f: string, s: number) => utimesSync(join(dir, f), s, s);
    at('src/a.ts', 1_000_000);
    at('src/nested/c.ts', 3_000_000);
    expect(text(await globTool.execute({ pattern: '**/*.ts' }, toolContext(dir)))).toBe('src/nested/c.ts\nsrc/a.ts');
    expect(text(await globTool.execute({ pattern: '*.py', path: 'src' }, toolContext(dir)))).toBe('src/b.py');
    expect(text(await globTool.execute({ pattern: '*.rs' }, toolContext(dir)))).toBe('No files match *.rs in ..');
  });

  it('stops at 1,000 files and counts the rest', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1010; i++) files[`many/f${i}.txt`] = '';
    const out = text(await globTool.execute({ pattern: '*.txt' }, toolContext(tree(files))));
    expect(out.split('\n')).toHaveLength(1001);
    expect(out.split('\n').at(-1)).toBe('[10 more files not shown; narrow the pattern or path]');
  });
});

describe('ls and find', () => {
  it('ls lists folders with a slash, hidden entries included, ignored ones left out', async () => {
    const dir = tree(PROJECT);
    expect(text(await lsTool.execute({}, toolContext(dir)))).toBe('.env\n.gitignore\n.hidden/\nbin.dat\ndocs/\nsrc/');
    expect(text(await lsTool.execute({ path: 'src', limit: 2 }, toolContext(dir)))).toBe('a.ts\na.ts.bak\n[2 more entries not shown; raise limit to see them]');
    expect(text(await lsTool.execute({ path: 'nowhere' }, toolContext(dir)))).toBe('No such folder: nowhere');
  });

  it('find matches names by glob or by a part of the name', async () => {
    const dir = tree(PROJECT);
    expect(text(await findTool.execute({ pattern: '*.ts' }, toolContext(dir)))).toBe('src/a.ts\nsrc/nested/c.ts');
    expect(text(await findTool.execute({ pattern: 'NEST' }, toolContext(dir)))).toBe('src/nested/');
    expect(text(await findTool.execute({ pattern: 'a', limit: 1 }, toolContext(dir)))).toBe('bin.dat\n[3 more not shown; narrow the pattern or raise limit]');
  });
});
