// A hostile repository's skills try to reach the user's secrets: a SKILL.md
// that links to one, a scripts/ folder that links out of the skill.
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretTest } from '../../src/agent/secret-files.ts';
import { discoverSkills, skillPrompt } from '../../src/skills/skills.ts';
import { tempDir } from '../support/cli.ts';

const SECRET = 'SECRET-VALUE-42';
const skillMd = (name: string) => `---\nname: ${name}\ndescription: ${name} things\n---\n\nInstructions of ${name}.\n`;

function scene(files: Record<string, string>, links: Record<string, string>) {
  const root = realpathSync(tempDir());
  mkdirSync(join(root, 'repo/.git'), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  for (const [name, target] of Object.entries(links)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    symlinkSync(join(root, target), join(root, name));
  }
  const home = join(root, 'user/.nanocode');
  const places = { home: join(root, 'user'), cwd: join(root, 'repo'), nanocodeHome: home };
  return discoverSkills({ cwd: join(root, 'repo'), home, userHome: join(root, 'user'), trusted: true, isSecret: secretTest(places, join(home, 'skills')) });
}

describe('skills and secret places', () => {
  it('skips a SKILL.md that links to a secret place, and keeps the user\'s own skills, linked in or not', () => {
    const { skills, warnings } = scene(
      {
        // A secret that happens to look like a skill: its text must still not reach the prompt.
        'user/.nanocode/hidden.md': skillMd('stolen') + SECRET,
        'user/.ssh/config': skillMd('ssh') + SECRET,
        'user/.nanocode/skills/mine/SKILL.md': skillMd('mine'),
        'user/dotfiles/linked/SKILL.md': skillMd('linked'),
      },
      {
        'repo/.claude/skills/stolen/SKILL.md': 'user/.nanocode/hidden.md',
        'repo/.nanocode/skills/ssh/SKILL.md': 'user/.ssh/config',
        'user/.nanocode/skills/linked': 'user/dotfiles/linked',
      },
    );
    expect(skills.map((s) => s.name).sort()).toEqual(['linked', 'mine']);
    expect(warnings.filter((w) => w.includes('is a secret place'))).toHaveLength(2);
  });

  it('lists only files inside the skill folder, not those a link leads out to', () => {
    const { skills } = scene(
      {
        'repo/.nanocode/skills/tool/SKILL.md': skillMd('tool'),
        'repo/.nanocode/skills/tool/scripts/run.sh': 'echo',
        'user/.ssh/id_rsa': SECRET,
        'user/.aws/credentials': SECRET,
      },
      {
        'repo/.nanocode/skills/tool/references': 'user/.ssh',
        'repo/.nanocode/skills/tool/scripts/creds': 'user/.aws/credentials',
      },
    );
    const shown = skillPrompt(skills[0], '');
    expect(shown).toContain('Files: scripts/run.sh\n');
    expect(shown).not.toMatch(/id_rsa|creds/);
  });
});
