// Path judgement for command arguments, and the word helpers it relies on:
// ~ and $HOME, relative paths, .., globs standing for their folder, devices,
// brace expansion and $'…' strings.
import { describe, expect, it } from 'vitest';
import { expandPath, judgePath, type PathScope } from '../../src/safety/command-paths.ts';
import { decodeAnsiC, expandBraces } from '../../src/safety/shell-words.ts';

const scope: PathScope = { cwd: '/work/ws', home: '/home/u', workspace: '/work/ws' };

describe('expandPath', () => {
  it.each([
    ['~', '/home/u'],
    ['~/x/../y', '/home/u/y'],
    ['src/a.ts', '/work/ws/src/a.ts'],
    ['./src/', '/work/ws/src'],
    ['..', '/work'],
    ['../ws/./b', '/work/ws/b'],
    ['/etc//hosts', '/etc/hosts'],
    ['.', '/work/ws'],
  ])('%s → %s', (value, expected) => {
    expect(expandPath(value, scope)).toBe(expected);
  });

  it('cannot know ~user, nor a relative path once cd went somewhere computed', () => {
    expect(expandPath('~root/x', scope)).toBeNull();
    expect(expandPath('src', { ...scope, cwd: null })).toBeNull();
    expect(expandPath('/etc', { ...scope, cwd: null })).toBe('/etc');
  });
});

describe('judgePath', () => {
  it.each([
    ['.', 'root'],
    ['./', 'root'],
    ['*', 'root'],
    ['./*', 'root'],
    ['.*', 'root'],
    ['/work/ws', 'root'],
    ['src/../', 'root'],
    ['src', 'inside'],
    ['*.o', 'inside'],
    ['src/*', 'inside'],
    ['build/**/x', 'inside'],
    ['~', 'outside'],
    ['~/*', 'outside'],
    ['/', 'outside'],
    ['/*', 'outside'],
    ['..', 'outside'],
    ['../*.bak', 'outside'],
    ['/work/ws2', 'outside'],
    ['/tmp/x', 'outside'],
    ['/dev/sda', 'device'],
    ['/dev/nvme0n1', 'device'],
    ['/proc/sys/kernel/x', 'device'],
    ['/dev/null', 'harmless-device'],
    ['/dev/stderr', 'harmless-device'],
    ['/dev/fd/3', 'harmless-device'],
    ['~bob', 'unknown'],
  ])('%s is %s', (value, place) => {
    expect(judgePath(value, scope).place).toBe(place);
  });

  it('knows nothing of a computed path', () => {
    expect(judgePath(null, scope).place).toBe('unknown');
    expect(judgePath('', scope).place).toBe('unknown');
  });

  it('marks .git and what is inside it', () => {
    expect(judgePath('.git', scope)).toMatchObject({ place: 'inside', git: true });
    expect(judgePath('.git/hooks/pre-commit', scope)).toMatchObject({ place: 'inside', git: true });
    expect(judgePath('.github/x', scope).git).toBeUndefined();
  });

  it('judges against the workspace root, not the folder the shell stands in', () => {
    const below = { ...scope, cwd: '/work/ws/src' };
    expect(judgePath('.', below).place).toBe('inside');
    expect(judgePath('..', below).place).toBe('root');
    expect(judgePath('../..', below).place).toBe('outside');
  });

  it('sees the workspace inside home as inside, and home itself as outside', () => {
    const inHome = { cwd: '/home/u/proj', home: '/home/u', workspace: '/home/u/proj' };
    expect(judgePath('~/proj/src', inHome).place).toBe('inside');
    expect(judgePath('~', inHome).place).toBe('outside');
  });
});

describe('expandBraces', () => {
  it.each([
    ['{~,x}', ['~', 'x']],
    ['a{b,c}d', ['abd', 'acd']],
    ['{1..3}', ['1', '2', '3']],
    ['x{a..c}', ['xa', 'xb', 'xc']],
    ['{a,{b,c}}', ['a', 'b', 'c']],
    ['${HOME}', ['${HOME}']],
    ['{single}', ['{single}']],
    ['plain', ['plain']],
  ])('%s → %j', (value, expected) => {
    expect(expandBraces(value)).toEqual(expected);
  });

  it('stops at a bound', () => {
    expect(expandBraces('{1..100000}')).toHaveLength(64);
  });
});

describe('decodeAnsiC', () => {
  it.each([
    ['\\x72\\x6d', 'rm'],
    ['\\162\\155', 'rm'],
    ['\\u0072m', 'rm'],
    ['a\\nb\\t', 'a\nb\t'],
    ["it\\'s", "it's"],
  ])('%s → %j', (body, expected) => {
    expect(decodeAnsiC(body)).toBe(expected);
  });
});

describe('symlinks inside the workspace', () => {
  it('judges a path through a link that leaves the workspace as outside, and an existing link to the inside as inside', async () => {
    const { mkdirSync, realpathSync, symlinkSync } = await import('node:fs');
    const { tempDir } = await import('../support/cli.ts');
    const ws = realpathSync(tempDir('paths-ws-'));
    const home = realpathSync(tempDir('paths-home-'));
    symlinkSync(home, `${ws}/home`);
    mkdirSync(`${ws}/src`);
    symlinkSync(`${ws}/src`, `${ws}/lib`);
    const real: PathScope = { cwd: ws, home, workspace: ws };
    expect(judgePath('home/.bashrc', real)).toEqual({ place: 'outside', path: `${home}/.bashrc` });
    expect(judgePath('home', real).place).toBe('outside');
    expect(judgePath('lib/new.ts', real)).toMatchObject({ place: 'inside' });
    expect(judgePath('src/not/yet', real)).toMatchObject({ place: 'inside' });
  });
});
