import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFrontmatter } from '../../src/skills/frontmatter.ts';
import { skillTool } from '../../src/skills/skill-tool.ts';
import { discoverSkills, skillPrompt, skillsPromptPart, type Skill, type SkillsOptions } from '../../src/skills/skills.ts';
import { tempDir } from '../support/cli.ts';
import { text, toolContext } from '../support/tool-context.ts';

const skillMd = (name: string, description: string, body = `Instructions of ${name}.`) => `---\nname: ${name}\ndescription: ${description}\n---\n\n${body}\n`;

/** A user home with nanocode's folder, and a repository with cwd one level down. */
function setup(files: Record<string, string>) {
  const root = realpathSync(tempDir());
  mkdirSync(join(root, 'repo/sub'), { recursive: true });
  mkdirSync(join(root, 'repo/.git'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  const options: SkillsOptions = { cwd: join(root, 'repo/sub'), home: join(root, 'user/.nanocode'), userHome: join(root, 'user'), trusted: true };
  return { root, discover: (o: Partial<SkillsOptions> = {}) => discoverSkills({ ...options, ...o }) };
}

const where = (root: string, skills: Skill[]) => skills.map((s) => `${s.name} ${s.file.slice(root.length + 1)}`);

describe('skill discovery', () => {
  it('finds project skills nearest first, then the user folders; the nearest wins a name clash', () => {
    const { root, discover } = setup({
      'repo/sub/.claude/skills/review/SKILL.md': skillMd('review', 'Nearest review'),
      'repo/.nanocode/skills/review/SKILL.md': skillMd('review', 'Root review'),
      'repo/.nanocode/skills/deploy/SKILL.md': skillMd('deploy', 'Project deploy'),
      'repo/.agents/skills/bench/SKILL.md': skillMd('bench', 'Benchmarks'),
      'user/.nanocode/skills/deploy/SKILL.md': skillMd('deploy', 'User deploy'),
      'user/.nanocode/skills/notes/SKILL.md': skillMd('notes', 'Notes'),
      'user/.agents/skills/lint/SKILL.md': skillMd('lint', 'Lint'),
      'user/.claude/skills/format/SKILL.md': skillMd('format', 'Format'),
      'user/.claude/skills/README.md': 'not a skill',
      'user/.claude/skills/empty/notes.txt': 'a folder without SKILL.md',
    });
    const { skills, warnings } = discover();
    expect(where(root, skills)).toEqual([
      'review repo/sub/.claude/skills/review/SKILL.md',
      'deploy repo/.nanocode/skills/deploy/SKILL.md',
      'bench repo/.agents/skills/bench/SKILL.md',
      'notes user/.nanocode/skills/notes/SKILL.md',
      'lint user/.agents/skills/lint/SKILL.md',
      'format user/.claude/skills/format/SKILL.md',
    ]);
    expect(skills[0]).toMatchObject({ description: 'Nearest review', dir: join(root, 'repo/sub/.claude/skills/review'), body: 'Instructions of review.' });
    expect(warnings).toEqual([
      `skill "review": ${join(root, 'repo/.nanocode/skills/review/SKILL.md')} is shadowed by ${join(root, 'repo/sub/.claude/skills/review/SKILL.md')}`,
      `skill "deploy": ${join(root, 'user/.nanocode/skills/deploy/SKILL.md')} is shadowed by ${join(root, 'repo/.nanocode/skills/deploy/SKILL.md')}`,
    ]);
  });

  it('ignores project skills in an untrusted folder and keeps the user ones', () => {
    const { root, discover } = setup({
      'repo/.nanocode/skills/deploy/SKILL.md': skillMd('deploy', 'Project deploy'),
      'user/.nanocode/skills/deploy/SKILL.md': skillMd('deploy', 'User deploy'),
    });
    const { skills, warnings } = discover({ trusted: false });
    expect(where(root, skills)).toEqual(['deploy user/.nanocode/skills/deploy/SKILL.md']);
    expect(warnings).toEqual([]);
  });

  it('skips a skill with bad frontmatter, naming the file and line, and loads the rest', () => {
    const { root, discover } = setup({
      'user/.nanocode/skills/good/SKILL.md': skillMd('good', 'Fine'),
      'user/.nanocode/skills/no-colon/SKILL.md': '---\nname: no-colon\ndescription "forgot the colon"\n---\nbody',
      'user/.nanocode/skills/Upper/SKILL.md': '---\nname: Upper_Case\ndescription: bad name\n---\nbody',
      'user/.nanocode/skills/no-desc/SKILL.md': '---\nname: no-desc\n---\nbody',
      'user/.nanocode/skills/unclosed/SKILL.md': '---\nname: unclosed\ndescription: "never closed\n---\nbody',
      'user/.nanocode/skills/no-front/SKILL.md': '# Just markdown',
      'user/.nanocode/skills/tools-map/SKILL.md': '---\nname: tools-map\ndescription: d\nallowed-tools:\n  read: yes\n---\nbody',
    });
    const { skills, warnings } = discover();
    expect(skills.map((s) => s.name)).toEqual(['good']);
    const file = (name: string) => join(root, `user/.nanocode/skills/${name}/SKILL.md`);
    expect(warnings).toEqual([
      `${file('Upper')}:2: name "Upper_Case" is not a valid skill name (1-64 lower-case letters, digits and single hyphens, not at either end); skill skipped`,
      `${file('no-colon')}:3: expected "key: value"; skill skipped`,
      `${file('no-desc')}:1: "description" is missing; skill skipped`,
      `${file('no-front')}:1: no frontmatter: the file must start with a line "---"; skill skipped`,
      `${file('tools-map')}:4: "allowed-tools" must be a space-separated string or a list of strings; skill skipped`,
      `${file('unclosed')}:3: the quoted value is never closed; skill skipped`,
    ]);
  });

  it('loads a skill whose name differs from its folder, with a warning; a missing name is the folder name', () => {
    const { root, discover } = setup({
      'user/.agents/skills/folder-name/SKILL.md': skillMd('other-name', 'Differs'),
      'user/.agents/skills/nameless/SKILL.md': '---\ndescription: No name\n---\nbody',
    });
    const { skills, warnings } = discover();
    expect(skills.map((s) => s.name)).toEqual(['other-name', 'nameless']);
    expect(warnings).toEqual([`${join(root, 'user/.agents/skills/folder-name/SKILL.md')}:2: name "other-name" differs from its folder "folder-name"; loaded as "other-name"`]);
  });
});

describe('SKILL.md frontmatter', () => {
  it('reads the YAML people write: block scalars, quotes, lists, nested maps, comments, colons in plain text', () => {
    const fm = parseFrontmatter(
      [
        '---',
        '# a comment',
        'name: pdf-tools',
        'description: >',
        '  Extract text from PDFs.',
        '  Use when: the user mentions PDFs.',
        'allowed-tools: Bash(git:*) Read',
        'license: "Apache-2.0 \\u00e9"',
        "compatibility: 'it''s fine'",
        'metadata:',
        '  author: someone',
        '  version: "1.0"',
        'tags:',
        '- one',
        '- "two"',
        'flow: [a, "b c"]',
        'literal: |',
        '  line 1',
        '  line 2',
        'plain: first: part # comment',
        '  continued',
        'next-line:',
        '  on the lines',
        '  below',
        'quoted-below:',
        '  "quoted: below"',
        '---',
        '',
        '# Body',
      ].join('\n'),
    );
    expect(fm.ok).toBe(true);
    if (!fm.ok) return;
    const v = Object.fromEntries([...fm.values].map(([k, { value }]) => [k, value]));
    expect(v).toEqual({
      name: 'pdf-tools',
      description: 'Extract text from PDFs. Use when: the user mentions PDFs.',
      'allowed-tools': 'Bash(git:*) Read',
      license: 'Apache-2.0 é',
      compatibility: "it's fine",
      metadata: { map: true },
      tags: ['one', 'two'],
      flow: ['a', 'b c'],
      literal: 'line 1\nline 2',
      plain: 'first: part continued',
      'next-line': 'on the lines below',
      'quoted-below': 'quoted: below',
    });
    expect(fm.values.get('tags')!.line).toBe(13);
    expect(fm.body).toBe('# Body');
  });

  it('names the line of an error', () => {
    expect(parseFrontmatter('---\nname: a\n  indented: b\n---')).toMatchObject({ ok: true });
    expect(parseFrontmatter('---\nname: a\nname: b\n---')).toEqual({ ok: false, line: 3, message: 'duplicate key "name"' });
    expect(parseFrontmatter('---\nname: a\n')).toEqual({ ok: false, line: 1, message: 'the frontmatter has no closing "---" line' });
    expect(parseFrontmatter('---\nlist: [a, b\n---')).toEqual({ ok: false, line: 2, message: 'a [list] must close on the same line' });
    expect(parseFrontmatter('---\nq: "done" trailing\n---')).toEqual({ ok: false, line: 2, message: 'unexpected text after the closing quote' });
  });
});

describe('skills in the prompt', () => {
  const skill = (i: number): Skill => ({
    name: `skill-${i}`,
    description: `Does task ${i}.\nUse it when the user asks for task ${i}. ${'Padding. '.repeat(10)}`,
    dir: `/s/skill-${i}`,
    file: `/s/skill-${i}/SKILL.md`,
    body: `SECRET BODY ${i}`,
  });

  it('lists names and descriptions only, on one line each', () => {
    const part = skillsPromptPart([skill(1), skill(2)]);
    expect(part).toMatch(/^# Skills\n.*skill tool.*\n- skill-1: Does task 1\. Use it when/);
    expect(part).toContain('\n- skill-2: Does task 2.');
    expect(part).not.toContain('SECRET BODY');
    expect(part).not.toContain('more:');
    expect(skillsPromptPart([])).toBe('');
  });

  it('stays within its byte bound and says how to reach the rest', () => {
    const many = Array.from({ length: 100 }, (_, i) => skill(i));
    for (let max = 500; max <= 4000; max += 7) {
      const part = skillsPromptPart(many, max);
      expect(Buffer.byteLength(part)).toBeLessThanOrEqual(max);
      expect(part).toMatch(/\n\d+ more: use the skill tool by name: skill-\d+, skill-\d+.* \.\.\.$/);
    }
    const part = skillsPromptPart(many);
    const listed = part.split('\n').filter((l) => l.startsWith('- ')).length;
    expect(part).toContain(`\n${100 - listed} more: use the skill tool by name: skill-${listed}, skill-${listed + 1}`);
  });
});

describe('the skill tool and /skill:<name>', () => {
  function oneSkill() {
    const { root, discover } = setup({
      'user/.nanocode/skills/pdf-forms/SKILL.md': skillMd('pdf-forms', 'Fill PDF forms', 'Run scripts/fill.py on the form.'),
      'user/.nanocode/skills/pdf-forms/scripts/fill.py': 'print(1)',
      'user/.nanocode/skills/pdf-forms/references/fields/FIELDS.md': '# fields',
      'user/.nanocode/skills/pdf-forms/assets/template.pdf': '%PDF',
      'user/.nanocode/skills/code-review/SKILL.md': skillMd('code-review', 'Review code'),
    });
    const { skills } = discover();
    return { dir: join(root, 'user/.nanocode/skills/pdf-forms'), skills, pdf: skills.find((s) => s.name === 'pdf-forms')! };
  }

  it('returns the body, the absolute folder and its files', async () => {
    const { dir, skills } = oneSkill();
    const tool = skillTool(skills);
    expect(tool.permission).toBe('read');
    const result = await tool.execute({ name: 'pdf-forms' }, toolContext(dir));
    expect(result.isError).toBeUndefined();
    expect(text(result)).toBe(
      [
        `<skill name="pdf-forms" folder="${dir}">`,
        `Relative paths in this skill are relative to its folder, ${dir}.`,
        'Files: scripts/fill.py, references/fields/FIELDS.md, assets/template.pdf',
        '',
        'Run scripts/fill.py on the form.',
        '</skill>',
      ].join('\n'),
    );
  });

  it('answers an unknown name with an error listing close names, or all of them', async () => {
    const { dir, skills } = oneSkill();
    const tool = skillTool(skills);
    const close = await tool.execute({ name: 'pdf' }, toolContext(dir));
    expect(close.isError).toBe(true);
    expect(text(close)).toBe('Unknown skill "pdf". Did you mean: pdf-forms.');
    expect(text(await tool.execute({ name: 'deploy' }, toolContext(dir)))).toBe('Unknown skill "deploy". Available: code-review, pdf-forms.');
  });

  it('makes the /skill:<name> prompt from the body and the arguments', () => {
    const { dir, pdf } = oneSkill();
    const prompt = skillPrompt(pdf, '  fill tax.pdf ');
    expect(prompt.startsWith(`<skill name="pdf-forms" folder="${dir}">`)).toBe(true);
    expect(prompt).toContain('Run scripts/fill.py on the form.\n</skill>');
    expect(prompt.endsWith('\n\nUser request: fill tax.pdf')).toBe(true);
    expect(skillPrompt(pdf, '').endsWith('</skill>')).toBe(true);
  });
});
