// What nanocode tells the model besides the conversation, in typed parts.
// The system prompt is composed from system parts, in order: the
// instructions (--system-prompt, else SYSTEM.md, else the built-in ones), the
// environment, the context files (AGENTS.md and the like, each under its
// path), the skills' names and descriptions, then APPEND_SYSTEM.md and
// --append-system-prompt. The first user message carries its context (git
// status) as parts of its own, beside the user's words, never glued onto them
// (see UserMessage.context).
import type { Tool } from '../protocol/tool.ts';
import type { LoadedContext } from './context-files.ts';

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
  /** Replaces the built-in instructions, and SYSTEM.md (--system-prompt). */
  override?: string;
  /** Added after the rest, APPEND_SYSTEM.md included (--append-system-prompt). */
  append?: string;
  /** Context files, SYSTEM.md and APPEND_SYSTEM.md, as loaded. */
  context?: LoadedContext;
  /** The skills' names and descriptions (skillsPromptPart); '' when there are none. */
  skills?: string;
  now?: Date;
}

const CONTEXT_HEAD = "# Context files\nThe user's instructions for this project, from the most general to the most specific: later ones win where they disagree.";

export function systemParts(o: SystemOptions): SystemPart[] {
  const date = (o.now ?? new Date()).toISOString().slice(0, 10);
  const environment = `Working directory: ${o.cwd}\nDate: ${date}\nOS: ${process.platform} ${process.arch}\nTools: ${o.tools.map((t) => t.name).join(', ') || 'none'}`;
  const files = (kind: string) => (o.context?.parts ?? []).filter((p) => p.kind === kind);
  const contextFiles = files('context-file').map((f): SystemPart => ({ kind: 'context-file', title: f.path, text: f.text.trim() }));
  const appended = [...files('append-system').map((f) => f.text.trim()), o.append].filter((text): text is string => !!text);
  return [
    { kind: 'instructions', text: o.override ?? files('system')[0]?.text.trim() ?? INSTRUCTIONS },
    { kind: 'environment', text: environment },
    ...(contextFiles.length ? [{ kind: 'context-file' as const, text: CONTEXT_HEAD }, ...contextFiles] : []),
    ...(o.skills ? [{ kind: 'skills' as const, text: o.skills }] : []),
    ...appended.map((text): SystemPart => ({ kind: 'append', text })),
  ];
}

/** The system prompt: the parts in order, each titled part (a context file) under its heading. */
export function composeSystem(parts: SystemPart[]): string {
  return parts.map((p) => (p.title ? `## ${p.title}\n\n${p.text}` : p.text)).join('\n\n');
}
