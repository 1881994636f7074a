// The `skill` tool: the model loads a skill's instructions by name when a task
// matches its description (the prompt lists only names and descriptions).
import { z } from 'zod';
import { defineTool, errorResult } from '../protocol/tool.ts';
import { formatSkill, type Skill } from './skills.ts';

/** Built per discovery: /reload makes a new one. Leave it out when there are no skills. */
export function skillTool(skills: readonly Skill[]) {
  return defineTool({
    name: 'skill',
    description:
      "Load a skill listed under Skills in the system prompt: returns its instructions and the absolute path of its folder, whose scripts and references you can then read or run.",
    parameters: z.object({ name: z.string().describe('The skill name, as listed') }),
    permission: 'read',
    async execute({ name }) {
      const wanted = name.trim().toLowerCase();
      const skill = skills.find((s) => s.name === wanted);
      return skill ? { content: formatSkill(skill) } : errorResult(unknown(name, skills));
    },
  });
}

/** Names sharing a word with the request ("pdf" for "pdf-forms"), else all of them. */
function unknown(name: string, skills: readonly Skill[]): string {
  const words = name.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 1);
  const close = skills.map((s) => s.name).filter((n) => words.some((w) => n.includes(w)));
  const names = (close.length ? close : skills.map((s) => s.name)).slice(0, 20);
  if (names.length === 0) return `Unknown skill "${name}": no skills are installed.`;
  return `Unknown skill "${name}". ${close.length ? 'Did you mean' : 'Available'}: ${names.join(', ')}${skills.length > names.length && !close.length ? ', ...' : ''}.`;
}
