import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
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

  const LONG = `docs/readme.md:3: ${('long '.repeat(200) + 'needle').slice(0, 500)} [... 506 more chars]`;
  it.each<[Record<string, unknown>, string[]]>([
    [{ pattern: 'NEEDLE', ignoreCase: true }, ['docs/readme.md:2: A needle (with parens)', LONG, 'src/a.ts:1: const needle = 1;', 'src/a.ts:3: // NEEDLE upper', 'src/a.ts.bak:1: needle in a backup', 'src/b.py:1: needle = 2', 'src/nested/c.ts:2: needle in c']],
    [{ pattern: 'needle (with', literal: true }, ['docs/readme.md:2: A needle (with parens)']],
    [
      { pattern: 'needle', context: 1 },
      ['docs/readme.md-1- no match here', 'docs/readme.md:2: A needle (with parens)', LONG, 'src/a.ts:1: const needle = 1;', 'src/a.ts-2- function foo() {}', 'src/a.ts.bak:1: needle in a backup', 'src/b.py:1: needle = 2', 'src/nested/c.ts-1- x', 'src/nested/c.ts:2: needle in c', 'src/nested/c.ts-3- y'],
    ],
    [{ pattern: 'needle', glob: '*.ts' }, ['src/a.ts:1: const needle = 1;', 'src/nested/c.ts:2: needle in c']],
    [{ pattern: 'needle', path: 'src' }, ['src/a.ts:1: const needle = 1;', 'src/a.ts.bak:1: needle in a backup', 'src/b.py:1: needle = 2', 'src/nested/c.ts:2: needle in c']],
    [{ pattern: 'needle', path: 'src/nested/c.ts' }, ['src/nested/c.ts:2: needle in c']],
    [{ pattern: 'ne+dle\\s\\w+' }, ['src/a.ts.bak:1: needle in a backup', 'src/nested/c.ts:2: needle in c']],
    [{ pattern: 'needle', limit: 2 }, ['docs/readme.md:2: A needle (with parens)', LONG, '[showing 2 of 6 matches; narrow the pattern, path or glob, or raise limit]']],
    [{ pattern: 'nothing matches this' }, ['No matches.']],
  ])('gives the expected output with ripgrep and with the JS walker alike: %j', async (args, expected) => {
    const dir = tree(PROJECT);
    for (const env of [rgEnv, jsEnv]) expect(text(await grepTool.execute(args as any, toolContext(dir, { env })))).toBe(expected.join('\n'));
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
    expect(text(await lsTool.execute({ path: 'nowhere' }, toolContext(dir)))).toBe('No such folder: nowhere.');
  });

  it('find matches names by glob or by a part of the name', async () => {
    const dir = tree(PROJECT);
    expect(text(await findTool.execute({ pattern: '*.ts' }, toolContext(dir)))).toBe('src/a.ts\nsrc/nested/c.ts');
    expect(text(await findTool.execute({ pattern: 'NEST' }, toolContext(dir)))).toBe('src/nested/');
    expect(text(await findTool.execute({ pattern: 'a', limit: 1 }, toolContext(dir)))).toBe('bin.dat\n[3 more not shown; narrow the pattern or raise limit]');
  });
});

describe('the folder asked for', () => {
  /** A repository whose .gitignore ignores node_modules and *.log. */
  const repo = () => {
    const dir = tree({
      '.gitignore': 'node_modules/\n*.log\n',
      'node_modules/x/package.json': '{ "name": "x" }\n',
      'node_modules/x/lib/index.js': 'module.exports = "x";\n',
      'node_modules/x/debug.log': '"name" in a log\n',
      'node_modules/x/node_modules/y/package.json': '{ "name": "y" }\n',
      'package.json': '{ "name": "top" }\n',
    });
    mkdirSync(join(dir, '.git'));
    return dir;
  };

  it('is searched even when a .gitignore above ignores it; rules still apply inside it', async () => {
    const dir = repo();
    const ctx = toolContext(dir);
    expect(text(await globTool.execute({ pattern: '**/package.json', path: 'node_modules/x' }, ctx))).toBe('node_modules/x/package.json');
    expect(text(await globTool.execute({ pattern: '**/package.json' }, ctx))).toBe('package.json');
    expect(text(await findTool.execute({ pattern: '*.js*', path: 'node_modules/x' }, ctx))).toBe('node_modules/x/lib/index.js\nnode_modules/x/package.json');
    expect(text(await lsTool.execute({ path: 'node_modules/x' }, ctx))).toBe('lib/\npackage.json');
    for (const env of [rgEnv, jsEnv]) {
      expect(text(await grepTool.execute({ pattern: '"name"', path: 'node_modules/x' }, toolContext(dir, { env })))).toBe('node_modules/x/package.json:1: { "name": "x" }');
      expect(text(await grepTool.execute({ pattern: 'exports', path: 'node_modules/x/lib' }, toolContext(dir, { env })))).toBe('node_modules/x/lib/index.js:1: module.exports = "x";');
    }
  });

  it('is refused clearly when it is missing, a file, a FIFO or a symlink loop', async () => {
    const dir = tree({ 'a.txt': 'needle\n' });
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    symlinkSync('loop', join(dir, 'loop'));
    const ctx = toolContext(dir);
    const loop = { content: 'loop is a symlink loop: following its links never reaches a file.', isError: true };
    for (const tool of [globTool, findTool] as any[]) {
      expect(await tool.execute({ pattern: '*', path: 'nowhere' }, ctx)).toEqual({ content: 'No such folder: nowhere.', isError: true });
      expect(await tool.execute({ pattern: '*', path: 'a.txt' }, ctx)).toEqual({ content: 'a.txt is a regular file, not a folder; use read.', isError: true });
      expect(await tool.execute({ pattern: '*', path: 'loop' }, ctx)).toEqual(loop);
    }
    expect(await lsTool.execute({ path: 'loop' }, ctx)).toEqual(loop);
    expect(await lsTool.execute({ path: 'fifo' }, ctx)).toEqual({ content: 'fifo is a FIFO (named pipe), not a folder.', isError: true });
    for (const env of [rgEnv, jsEnv]) {
      const grep = (path: string) => grepTool.execute({ pattern: 'needle', path }, toolContext(dir, { env }));
      expect(await grep('loop')).toEqual(loop);
      expect(await grep('nowhere')).toEqual({ content: 'No such file or folder: nowhere.', isError: true });
      expect(await grep('fifo')).toEqual({ content: 'fifo is a FIFO (named pipe), not a regular file; the file tools only open regular files.', isError: true });
      // Met inside a folder, a FIFO is skipped, as ripgrep skips it.
      expect(text(await grep('.'))).toBe('a.txt:1: needle');
    }
  });

  it('is walked without blocking when its .gitignore is a FIFO', async () => {
    const dir = tree({ 'a.txt': 'needle\n' });
    execFileSync('mkfifo', [join(dir, '.gitignore')]);
    const ctx = toolContext(dir, { env: jsEnv });
    expect(text(await globTool.execute({ pattern: '*.txt' }, ctx))).toBe('a.txt');
    expect(text(await lsTool.execute({}, ctx))).toBe('.gitignore\na.txt');
    expect(text(await grepTool.execute({ pattern: 'needle' }, ctx))).toBe('a.txt:1: needle');
  });
});

describe('grep with a broken ripgrep', () => {
  /** A folder with an "rg" that runs `script`, for PATH. */
  const fakeRg = (script: string) => {
    const bin = tempDir('nanocode-bin-');
    writeFileSync(join(bin, 'rg'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return { PATH: `${bin}:${process.env.PATH}` };
  };

  it.each([
    ['prints lines that are not JSON', 'echo "this is not ripgrep"', 'not ripgrep\'s JSON: "this is not ripgrep"'],
    ['prints JSON of the wrong shape', `echo '{"type":"match","data":{}}'`, `not ripgrep's JSON: "{\\"type\\":\\"match\\",\\"data\\":{}}"`],
    ['prints half a line and exits', 'printf \'{"type":"mat\'', 'not ripgrep\'s JSON: "{\\"type\\":\\"mat"'],
    ['fails without a summary', 'echo "rg: something broke" >&2; exit 2', 'rg: something broke'],
    ['is killed', 'kill -9 $$', 'ripgrep was killed by SIGKILL'],
  ])('still answers, from the built-in matcher, when ripgrep %s', async (_what, script, why) => {
    const dir = tree({ 'a.txt': 'needle\n' });
    const env = fakeRg(script);
    const out = text(await grepTool.execute({ pattern: 'needle' }, toolContext(dir, { env })));
    const rg = join(env.PATH.split(':')[0], 'rg');
    const reason = why.startsWith('not') ? `${rg} printed output that is ${why}` : why;
    expect(out).toBe(`a.txt:1: needle\n[ripgrep failed (${reason}); searched with the built-in matcher instead]`);
  });

  it('searches with the built-in matcher when ripgrep rejects a pattern JavaScript accepts', async () => {
    const dir = tree({ 'a.txt': 'foobar\nfoobaz\n' });
    const out = text(await grepTool.execute({ pattern: 'foo(?=bar)' }, toolContext(dir, { env: rgEnv })));
    expect(out.split('\n')[0]).toBe('a.txt:1: foobar');
    expect(out.split('\n')[1]).toMatch(/^\[ripgrep failed \(regex parse error:\); searched with the built-in matcher instead\]$/);
  });
});
