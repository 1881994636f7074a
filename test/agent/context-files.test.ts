import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextListing, loadContextFiles, MAX_CONTEXT_BYTES, type ContextOptions } from '../../src/agent/context-files.ts';
import { composeSystem, systemParts } from '../../src/agent/prompt.ts';
import { ancestors } from '../../src/skills/ancestors.ts';
import { tempDir } from '../support/cli.ts';

/** A user home with nanocode's folder, and a repository with cwd two levels down. */
function setup(files: Record<string, string>, opts: { repo?: boolean } = {}) {
  const root = realpathSync(tempDir());
  const user = join(root, 'user');
  const repo = join(root, 'repo');
  mkdirSync(join(repo, 'a/b'), { recursive: true });
  mkdirSync(join(user, '.nanocode'), { recursive: true });
  if (opts.repo !== false) mkdirSync(join(repo, '.git'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  const options: ContextOptions = { cwd: join(repo, 'a/b'), home: join(user, '.nanocode'), userHome: user, trusted: true, enabled: true };
  return { root, options, load: (o: Partial<ContextOptions> = {}) => loadContextFiles({ ...options, ...o }) };
}

/** The system prompt with these files, without its environment part; BUILTIN stands for the built-in instructions. */
function composed(loaded: ReturnType<typeof loadContextFiles>): string {
  const parts = systemParts({ cwd: '/', tools: [], context: loaded }).filter((p) => p.kind !== 'environment');
  const builtin = systemParts({ cwd: '/', tools: [] })[0].text;
  return composeSystem(parts).replace(builtin, 'BUILTIN');
}

const rel = (root: string, paths: string[]) => paths.filter((p) => p.startsWith(root)).map((p) => p.slice(root.length + 1));
const paths = (root: string, loaded: ReturnType<typeof loadContextFiles>) => rel(root, loaded.parts.map((p) => p.path));

describe('context files', () => {
  it('loads the global file, then each folder from the repository root down to cwd, each under its path', () => {
    const { root, load } = setup({
      'AGENTS.md': 'above the repository',
      'user/.nanocode/AGENTS.md': 'global',
      'repo/AGENTS.md': 'root level',
      'repo/a/CLAUDE.md': 'middle level',
      'repo/a/.nanocode/AGENTS.md': 'middle nanocode',
      'repo/a/b/agents.md': 'cwd level',
    });
    const loaded = load();
    expect(paths(root, loaded)).toEqual(['user/.nanocode/AGENTS.md', 'repo/AGENTS.md', 'repo/a/CLAUDE.md', 'repo/a/.nanocode/AGENTS.md', 'repo/a/b/agents.md']);
    expect(loaded.parts.every((p) => p.kind === 'context-file')).toBe(true);
    expect(loaded.warnings).toEqual([]);
    const prompt = composed(loaded);
    expect(prompt.startsWith('BUILTIN\n\n# Context files\n')).toBe(true);
    const order = ['global', 'root level', 'middle level', 'middle nanocode', 'cwd level'].map((t) => prompt.indexOf(t));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(prompt).toContain(`## ${join(root, 'repo/a/b/agents.md')}\n\ncwd level`);
  });

  it('takes AGENTS.md over CLAUDE.md in one folder, and lower-case names when they are all there is', () => {
    const { root, load } = setup({ 'repo/AGENTS.md': 'agents', 'repo/CLAUDE.md': 'claude', 'repo/a/claude.md': 'lower claude' });
    expect(paths(root, load())).toEqual(['repo/AGENTS.md', 'repo/a/claude.md']);
  });

  it('walks up to the filesystem root outside a repository', () => {
    const { root, load, options } = setup({ 'AGENTS.md': 'top', 'repo/a/b/AGENTS.md': 'cwd' }, { repo: false });
    expect(ancestors(options.cwd).at(-1)).toBe('/');
    expect(paths(root, load())).toEqual(['AGENTS.md', 'repo/a/b/AGENTS.md']);
  });

  it('follows @imports once, relative to the importing file, nested, and from the home folder', () => {
    const { root, load } = setup({
      'repo/AGENTS.md': 'Read @docs/style.md and @./notes.md, then @~/personal.md.\nAgain: @docs/style.md',
      'repo/docs/style.md': 'style guide, see @../common/terms.md',
      'repo/common/terms.md': 'terms',
      'repo/notes.md': 'notes',
      'user/personal.md': 'personal',
    });
    const loaded = load();
    expect(paths(root, loaded)).toEqual(['repo/AGENTS.md', 'repo/docs/style.md', 'repo/common/terms.md', 'repo/notes.md', 'user/personal.md']);
    expect(loaded.parts[2].importedBy).toBe(join(root, 'repo/docs/style.md'));
    expect(loaded.warnings).toEqual([]);
  });

  it('ignores @ in code, emails, decorators and package names', () => {
    const { root, load } = setup({
      'repo/AGENTS.md': [
        'Mail bob@example.com about @Component and @types/node.',
        'Inline code: `cat @inline.md | wc` and ``a ` @inline.md b``.',
        '```ts',
        '@decorator.md',
        '```',
        '~~~',
        '@tilde.md',
        '~~~',
        'But @real.md counts.',
      ].join('\n'),
      'repo/real.md': 'real',
      'repo/inline.md': 'inline',
      'repo/decorator.md': 'decorator',
      'repo/tilde.md': 'tilde',
    });
    const loaded = load();
    expect(paths(root, loaded)).toEqual(['repo/AGENTS.md', 'repo/real.md']);
    expect(loaded.warnings).toEqual([]);
  });

  it('reports an import cycle and a missing import as warnings, not to the model', () => {
    const { root, load } = setup({
      'repo/AGENTS.md': 'top @a.md',
      'repo/a.md': 'a imports @b.md',
      'repo/b.md': 'b imports back\n@AGENTS.md\nand @missing.md',
    });
    const loaded = load();
    expect(paths(root, loaded)).toEqual(['repo/AGENTS.md', 'repo/a.md', 'repo/b.md']);
    const b = join(root, 'repo/b.md');
    expect(loaded.warnings).toHaveLength(2);
    expect(loaded.warnings[0]).toContain(`${b}:2: @AGENTS.md is an import cycle`);
    expect(loaded.warnings[1]).toBe(`${b}:3: @missing.md was not found; import skipped`);
    const prompt = composed(loaded);
    expect(prompt).not.toContain('cycle');
    expect(prompt).not.toContain('skipped');
  });

  it('stops at 64 KB in all, cutting at a line and naming what was cut', () => {
    const big = (c: string) => `${c.repeat(99)}\n`.repeat(400); // 40,000 bytes
    const { root, load } = setup({ 'user/.nanocode/AGENTS.md': big('g'), 'repo/AGENTS.md': big('r'), 'repo/a/AGENTS.md': 'small' });
    const loaded = load();
    const total = loaded.parts.reduce((n, p) => n + p.bytes, 0);
    expect(total).toBeLessThanOrEqual(MAX_CONTEXT_BYTES);
    expect(total).toBeGreaterThan(MAX_CONTEXT_BYTES - 200);
    expect(paths(root, loaded)).toEqual(['user/.nanocode/AGENTS.md', 'repo/AGENTS.md']);
    const cut = loaded.parts[1].text.split('\n');
    expect(cut.at(-2)).toBe('r'.repeat(99));
    expect(cut.at(-1)).toBe(`[... cut here: nanocode reads at most 64 KB of context files; read ${join(root, 'repo/AGENTS.md')} for the rest]`);
    expect(loaded.warnings).toHaveLength(1);
    expect(loaded.warnings[0]).toContain('limited to 64 KB');
    expect(loaded.warnings[0]).toContain(`${join(root, 'repo/AGENTS.md')} (`);
    expect(loaded.warnings[0]).toContain(`${join(root, 'repo/a/AGENTS.md')} (left out)`);
  });

  it('uses the nearest project SYSTEM.md, else the global one, in place of the built-in instructions', () => {
    const { root, load } = setup({
      'user/.nanocode/SYSTEM.md': 'global system',
      'repo/.nanocode/SYSTEM.md': 'root system',
      'repo/a/.nanocode/system.md': 'nearest system',
    });
    const nearest = load();
    expect(paths(root, nearest)).toEqual(['repo/a/.nanocode/system.md']);
    expect(nearest.parts[0].kind).toBe('system');
    expect(composed(nearest)).toBe('nearest system');
    const global = setup({ 'user/.nanocode/SYSTEM.md': 'global system' });
    expect(paths(global.root, global.load())).toEqual(['user/.nanocode/SYSTEM.md']);
    expect(composed(global.load())).toBe('global system');
    expect(composed(setup({}).load())).toBe('BUILTIN');
  });

  it.each(['APPEND_SYSTEM.md', 'append_system.md', 'append-system.md'])('appends %s, global then project, after everything else', (name) => {
    const { root, load } = setup({ [`user/.nanocode/${name}`]: 'global append', [`repo/a/.nanocode/${name}`]: 'project append', 'repo/AGENTS.md': 'context' });
    const loaded = load();
    expect(paths(root, loaded)).toEqual(['repo/AGENTS.md', `user/.nanocode/${name}`, `repo/a/.nanocode/${name}`]);
    expect(composed(loaded)).toMatch(/^BUILTIN\n\n# Context files\n[\s\S]*context\n\nglobal append\n\nproject append$/);
  });

  it('ignores the project files of an untrusted folder and keeps the global ones', () => {
    const { root, load } = setup({
      'user/.nanocode/AGENTS.md': 'global',
      'user/.nanocode/SYSTEM.md': 'global system',
      'repo/AGENTS.md': 'project',
      'repo/a/.nanocode/SYSTEM.md': 'project system',
      'repo/.nanocode/APPEND_SYSTEM.md': 'project append',
    });
    expect(paths(root, load({ trusted: false }))).toEqual(['user/.nanocode/SYSTEM.md', 'user/.nanocode/AGENTS.md']);
  });

  it('loads nothing when disabled (--no-context-files)', () => {
    const { load } = setup({ 'user/.nanocode/AGENTS.md': 'global', 'user/.nanocode/SYSTEM.md': 'system', 'repo/AGENTS.md': 'project' });
    expect(load({ enabled: false })).toEqual({ parts: [], warnings: [] });
  });

  it('passes over a FIFO named AGENTS.md or imported, without waiting on it', () => {
    const { root, load } = setup({ 'repo/CLAUDE.md': 'claude @pipe.md' });
    execFileSync('mkfifo', [join(root, 'repo/AGENTS.md'), join(root, 'repo/pipe.md')]);
    const loaded = load();
    expect(paths(root, loaded)).toEqual(['repo/CLAUDE.md']);
    expect(loaded.warnings).toEqual([`${join(root, 'repo/CLAUDE.md')}:1: @pipe.md is not a regular file; import skipped`]);
  });

  it('lists what was loaded with sizes for /context', () => {
    const { root, load } = setup({ 'repo/AGENTS.md': 'see @x.md', 'repo/x.md': 'x'.repeat(2048) });
    const listing = contextListing(load());
    expect(listing.split('\n')).toEqual([
      `context-file       9 B  ${join(root, 'repo/AGENTS.md')}`,
      `context-file    2.0 KB  ${join(root, 'repo/x.md')} (imported by ${join(root, 'repo/AGENTS.md')})`,
      `                2.0 KB  in all (at most 64.0 KB)`,
    ]);
    expect(contextListing({ parts: [], warnings: [] })).toBe('No context files loaded.');
  });
});
