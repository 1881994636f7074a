// One SKILL.md into a Skill, checked against the Agent Skills standard
// (agentskills.io/specification). A skill whose frontmatter cannot be used is
// skipped with an error naming the file and line; cosmetic departures from the
// standard (a name that differs from its folder) only warn, since skills
// written for other agents should still load.
import { basename, dirname } from 'node:path';
import { parseFrontmatter, type FrontValue } from './frontmatter.ts';

export interface Skill {
  name: string;
  description: string;
  /** Tools the skill expects to use (experimental in the standard; not enforced). */
  allowedTools?: string[];
  /** The skill's folder, absolute: its scripts/, references/ and assets/ are relative to it. */
  dir: string;
  /** Its SKILL.md. */
  file: string;
  /** The instructions: SKILL.md after the frontmatter. */
  body: string;
}

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const MAX_NAME = 64;
const MAX_DESCRIPTION = 1024;

export type ParsedSkill = { skill: Skill; warnings: string[] } | { error: string };

export function parseSkill(file: string, text: string): ParsedSkill {
  const fm = parseFrontmatter(text);
  if (!fm.ok) return { error: `${file}:${fm.line}: ${fm.message}; skill skipped` };
  const dir = dirname(file);
  const folder = basename(dir);
  const field = (key: string) => fm.values.get(key);
  const bad = (line: number, message: string): ParsedSkill => ({ error: `${file}:${line}: ${message}; skill skipped` });
  const warnings: string[] = [];

  // Claude Code lets `name` default to the folder's name; so do we.
  const name = field('name');
  const nameValue = name ? name.value : folder;
  if (typeof nameValue !== 'string') return bad(name!.line, '"name" must be a string');
  if (!NAME.test(nameValue) || nameValue.length > MAX_NAME) {
    const what = name ? `name "${nameValue}"` : `no "name", and the folder name "${folder}"`;
    return bad(name?.line ?? 1, `${what} is not a valid skill name (1-${MAX_NAME} lower-case letters, digits and single hyphens, not at either end)`);
  }
  if (name && nameValue !== folder) warnings.push(`${file}:${name.line}: name "${nameValue}" differs from its folder "${folder}"; loaded as "${nameValue}"`);

  const description = field('description');
  if (!description) return bad(1, '"description" is missing');
  if (typeof description.value !== 'string' || !description.value.trim()) return bad(description.line, '"description" must be a non-empty string');
  if (description.value.length > MAX_DESCRIPTION) {
    warnings.push(`${file}:${description.line}: description is over ${MAX_DESCRIPTION} characters; the prompt gets the first ${MAX_DESCRIPTION}`);
  }

  const tools = field('allowed-tools');
  const allowedTools = tools ? toolList(tools.value) : undefined;
  if (tools && !allowedTools) return bad(tools.line, '"allowed-tools" must be a space-separated string or a list of strings');

  return {
    skill: { name: nameValue, description: description.value.slice(0, MAX_DESCRIPTION), ...(allowedTools && { allowedTools }), dir, file, body: fm.body },
    warnings,
  };
}

function toolList(value: FrontValue): string[] | undefined {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  return Array.isArray(value) ? value : undefined;
}
