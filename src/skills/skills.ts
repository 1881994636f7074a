// Agent Skills (agentskills.io): folders with a SKILL.md found in the project's
// and the user's skills folders. The model sees only names and descriptions
// (bounded); the skill tool or /skill:<name> loads a skill's instructions when
// they are needed, so many skills cost little prompt.
import { readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join, resolve } from 'node:path';
import { ancestors } from './ancestors.ts';
import { parseSkill, type Skill } from './skill-file.ts';

export type { Skill } from './skill-file.ts';

export interface SkillsOptions {
  cwd: string;
  /** nanocode's folder (~/.nanocode or NANOCODE_HOME). */
  home: string;
  /** The user's home, for the folders shared with other agents (~/.agents, ~/.claude). */
  userHome: string;
  /** Project skills count only in a trusted folder. */
  trusted: boolean;
  /** A SKILL.md that is (or links to) a secret place is skipped: its text would reach the prompt unasked. */
  isSecret?: (path: string) => boolean;
}

/** In each project folder, nearest first; `.agents/skills` is the standard's cross-agent folder, `.claude/skills` Claude Code's. */
const PROJECT_FOLDERS = ['.nanocode/skills', '.agents/skills', '.claude/skills'];
const MAX_SKILL_BYTES = 256 * 1024;
/** A skills folder with more entries than this is cut, so a stray huge folder cannot stall startup. */
const MAX_ENTRIES = 500;
const MAX_BODY_CHARS = 40_000;
const MAX_RESOURCES = 50;

/** Skills in precedence order: the nearest project folder first, then the user's. A name seen again is shadowed. */
export function discoverSkills(o: SkillsOptions): { skills: Skill[]; warnings: string[] } {
  const roots = [
    ...(o.trusted ? ancestors(o.cwd).flatMap((dir) => PROJECT_FOLDERS.map((f) => join(dir, f))) : []),
    join(o.home, 'skills'),
    join(o.userHome, '.agents', 'skills'),
    join(o.userHome, '.claude', 'skills'),
  ];
  const found = new Map<string, Skill>();
  const warnings: string[] = [];
  // The same folder or SKILL.md reached twice (through a symlink, or as home
  // and ancestor at once) is one skill, not a clash.
  const seen = new Set<string>();
  for (const root of roots) {
    if (!firstVisit(seen, root)) continue;
    for (const file of skillFiles(resolve(root), warnings)) {
      if (!firstVisit(seen, file)) continue;
      if (o.isSecret?.(file)) {
        warnings.push(`${file} is a secret place (credentials or nanocode's own configuration); skill skipped`);
        continue;
      }
      const text = readSkill(file, warnings);
      if (text === undefined) continue;
      const parsed = parseSkill(file, text);
      if ('error' in parsed) {
        warnings.push(parsed.error);
        continue;
      }
      warnings.push(...parsed.warnings);
      const winner = found.get(parsed.skill.name);
      if (winner) warnings.push(`skill "${parsed.skill.name}": ${file} is shadowed by ${winner.file}`);
      else found.set(parsed.skill.name, parsed.skill);
    }
  }
  return { skills: [...found.values()], warnings };
}

function firstVisit(seen: Set<string>, path: string): boolean {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return false; // missing: nothing to visit
  }
  if (seen.has(real)) return false;
  seen.add(real);
  return true;
}

/** <root>/<folder>/SKILL.md for each folder (or link to one), sorted. */
function skillFiles(root: string, warnings: string[]): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  entries = entries.filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1));
  if (entries.length > MAX_ENTRIES) {
    warnings.push(`${root} has ${entries.length} entries; only the first ${MAX_ENTRIES} were searched for skills`);
    entries = entries.slice(0, MAX_ENTRIES);
  }
  return entries.filter((e) => e.isDirectory() || e.isSymbolicLink()).map((e) => join(root, e.name, 'SKILL.md'));
}

function readSkill(file: string, warnings: string[]): string | undefined {
  try {
    const st = statSync(file);
    if (!st.isFile()) return undefined;
    if (st.size > MAX_SKILL_BYTES) {
      warnings.push(`${file} is ${st.size} bytes, over the ${MAX_SKILL_BYTES}-byte limit for a SKILL.md; skill skipped`);
      return undefined;
    }
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // no SKILL.md: not a skill folder
  }
}

const PROMPT_HEAD = `# Skills
Skills hold instructions for particular tasks. When a task matches a skill's description, call the skill tool with its name first and follow what it returns.`;

/** Names and descriptions only, within maxBytes; '' when there are no skills (then leave the part and the tool out). */
export function skillsPromptPart(skills: readonly Skill[], maxBytes = 4000): string {
  if (skills.length === 0) return '';
  const size = (s: string) => Buffer.byteLength(s);
  let out = PROMPT_HEAD;
  let shown = 0;
  for (const s of skills) {
    const line = `\n- ${s.name}: ${s.description.replace(/\s+/g, ' ').trim()}`;
    // Room for the "N more" line (names are at most 64 bytes) unless this is the last skill.
    const reserve = shown === skills.length - 1 ? 0 : 160;
    if (size(out + line) + reserve > maxBytes) break;
    out += line;
    shown++;
  }
  if (shown === skills.length) return out;
  let more = `\n${skills.length - shown} more: use the skill tool by name:`;
  for (const [i, s] of skills.slice(shown).entries()) {
    const next = `${i ? ',' : ''} ${s.name}`;
    if (size(out + more + next + ' ...') > maxBytes) return `${out}${more} ...`;
    more += next;
  }
  return out + more;
}

/** What the model (skill tool) or the user (/skill:<name>) gets: the folder, its files, the instructions. */
export function formatSkill(skill: Skill): string {
  const files = resources(skill.dir);
  const listed = files.slice(0, MAX_RESOURCES).join(', ') + (files.length > MAX_RESOURCES ? ', ... (list the folder for the rest)' : '');
  const body =
    skill.body.length > MAX_BODY_CHARS
      ? `${skill.body.slice(0, MAX_BODY_CHARS)}\n[... cut at ${MAX_BODY_CHARS} characters; read the rest from ${skill.file}]`
      : skill.body;
  return [
    `<skill name="${skill.name}" folder="${skill.dir}">`,
    `Relative paths in this skill are relative to its folder, ${skill.dir}.`,
    ...(files.length ? [`Files: ${listed}`] : []),
    '',
    body,
    '</skill>',
  ].join('\n');
}

/** The prompt /skill:<name> [args] sends. */
export function skillPrompt(skill: Skill, args: string): string {
  return formatSkill(skill) + (args.trim() ? `\n\nUser request: ${args.trim()}` : '');
}

/**
 * Files under scripts/, references/ and assets/, relative to the skill folder; stops after MAX_RESOURCES + 1.
 * Links that lead out of the folder are left out: a hostile skill must not
 * list the names in ~/.ssh as its own files.
 */
function resources(dir: string): string[] {
  const out: string[] = [];
  const home = realOrNull(dir);
  const inside = (rel: string) => {
    const r = realOrNull(join(dir, rel));
    return !!home && !!r && (r === home || r.startsWith(`${home}/`));
  };
  const walk = (rel: string, depth: number) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (out.length > MAX_RESOURCES) return;
      if (e.name.startsWith('.') || !inside(`${rel}/${e.name}`)) continue;
      if (e.isDirectory()) {
        if (depth < 3) walk(`${rel}/${e.name}`, depth + 1);
      } else out.push(`${rel}/${e.name}`);
    }
  };
  for (const folder of ['scripts', 'references', 'assets']) if (inside(folder)) walk(folder, 0);
  return out;
}

function realOrNull(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
