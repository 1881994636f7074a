// The tools a run gets: the built-in suite, narrowed by --tools.
import type { Tool } from '../protocol/tool.ts';
import { applyPatchTool } from '../tools/apply-patch.ts';
import { bashTool } from '../tools/bash.ts';
import { editTool } from '../tools/edit.ts';
import { findTool } from '../tools/find.ts';
import { globTool } from '../tools/glob.ts';
import { grepTool } from '../tools/grep.ts';
import { lsTool } from '../tools/ls.ts';
import { readTool } from '../tools/read.ts';
import { writeTool } from '../tools/write.ts';

export const builtinTools: Tool[] = [readTool, writeTool, editTool, applyPatchTool, bashTool, globTool, grepTool, lsTool, findTool];

/** `names` is a list from --tools: undefined means all, [] means none. */
export function selectTools(names?: string[]): Tool[] {
  if (!names) return builtinTools;
  const unknown = names.filter((n) => !builtinTools.some((t) => t.name === n));
  if (unknown.length) {
    throw new Error(`Unknown tool${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Available: ${builtinTools.map((t) => t.name).join(', ')}.`);
  }
  return builtinTools.filter((t) => names.includes(t.name));
}
