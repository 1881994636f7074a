// What nanocode tells the model besides the conversation, in typed parts.
// The system prompt is composed from system parts, in order: the built-in
// instructions (or --system-prompt), the environment, then what
// --append-system-prompt adds (later: context files, skills). The first
// user message carries its context (git status) as parts of its own,
// beside the user's words, never glued onto them (see UserMessage.context).
import type { Tool } from '../protocol/tool.ts';

export interface SystemPart {
  kind: 'instructions' | 'environment' | 'append' | 'context-file' | 'skills';
  /** A heading for the part (a context file's name, say). */
  title?: string;
  text: string;
}

const INSTRUCTIONS = `You are nanocode, a coding agent working in the user's terminal and repository.
Never describe what you would do. Do it: use the tools to read code, change files and run commands.
When asked to build or fix something: create or edit the files, run them or their tests, fix errors, and confirm success before you answer.
Read a file before you change it. Keep changes small and in the style of the code around them.
Finish with a short answer: what you changed and how you checked it.`;

export interface SystemOptions {
  cwd: string;
  tools: Tool[];
  /** Replaces the built-in instructions (--system-prompt). */
  override?: string;
  /** Added after the rest (--append-system-prompt). */
  append?: string;
  now?: Date;
}

export function systemParts(o: SystemOptions): SystemPart[] {
  const date = (o.now ?? new Date()).toISOString().slice(0, 10);
  const environment = `Working directory: ${o.cwd}\nDate: ${date}\nOS: ${process.platform} ${process.arch}\nTools: ${o.tools.map((t) => t.name).join(', ') || 'none'}`;
  return [{ kind: 'instructions', text: o.override ?? INSTRUCTIONS }, { kind: 'environment', text: environment }, ...(o.append ? [{ kind: 'append' as const, text: o.append }] : [])];
}

/** The system prompt: the parts in order, each titled part under its heading. */
export function composeSystem(parts: SystemPart[]): string {
  return parts.map((p) => (p.title ? `# ${p.title}\n\n${p.text}` : p.text)).join('\n\n');
}
