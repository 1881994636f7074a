import type { Tool } from '../protocol/tool.ts';

const BASE = `You are nanocode, a coding agent working in the user's terminal and repository.
Never describe what you would do. Do it: use the tools to read code, change files and run commands.
When asked to build or fix something: create or edit the files, run them or their tests, fix errors, and confirm success before you answer.
Read a file before you change it. Keep changes small and in the style of the code around them.
Finish with a short answer: what you changed and how you checked it.`;

export interface PromptOptions {
  cwd: string;
  tools: Tool[];
  /** Replaces the base instructions (--system-prompt). */
  override?: string;
  /** Added after them (--append-system-prompt). */
  append?: string;
  now?: Date;
}

export function buildSystemPrompt(o: PromptOptions): string {
  const date = (o.now ?? new Date()).toISOString().slice(0, 10);
  const parts = [
    o.override ?? BASE,
    `Working directory: ${o.cwd}\nDate: ${date}\nOS: ${process.platform} ${process.arch}\nTools: ${o.tools.map((t) => t.name).join(', ') || 'none'}`,
  ];
  if (o.append) parts.push(o.append);
  return parts.join('\n\n');
}
