// What people add to an agent beside its tools: context files (AGENTS.md,
// SYSTEM.md, APPEND_SYSTEM.md), skills and MCP servers, composed into the
// system prompt and the toolset. Read when the Agent is created and again on
// reload(). Project files count only in a trusted folder, and trust is read
// at each load: a project whose configuration changed since it was trusted
// (a pull between two /reloads) does not get its new servers started.
// Problems are warnings for the user, never errors for the model.
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import { trustState } from '../config/trust.ts';
import type { McpManager } from '../mcp/manager.ts';
import { loadMcp } from '../mcp/mcp.ts';
import type { Tool } from '../protocol/tool.ts';
import { skillTool } from '../skills/skill-tool.ts';
import { discoverSkills, type Skill, skillsPromptPart } from '../skills/skills.ts';
import { type LoadedContext, loadContextFiles } from './context-files.ts';
import { composeSystem, systemParts } from './prompt.ts';
import { secretTest } from './secret-files.ts';
import { selectTools } from './toolset.ts';

export interface ExtensionOptions {
  config: Config;
  cwd: string;
  /** Tool objects, or names from the built-in suite (default: all built-ins); `skill` and the MCP tools come after them. */
  tools?: Array<Tool | string>;
  /** --system-prompt: replaces the built-in instructions and SYSTEM.md. */
  systemPrompt?: string;
  /** --append-system-prompt: added last, after APPEND_SYSTEM.md. */
  appendSystemPrompt?: string;
  /** false: no context files, SYSTEM.md or APPEND_SYSTEM.md (--no-context-files). */
  contextFiles: boolean;
  /** An MCP server failed to start or died, later on. */
  onNotice: (message: string) => void;
}

export interface Extensions {
  /** What they were loaded with: reload() loads them again from it. */
  options: ExtensionOptions;
  system: string;
  tools: Tool[];
  /** For /context. */
  context: LoadedContext;
  /** For /skills and /skill:<name>. */
  skills: readonly Skill[];
  /** Absent when no MCP server is configured (then the MCP SDK is never loaded). */
  mcp?: McpManager;
  /** Bad files, cut context, shadowed skills: for the user. */
  warnings: string[];
}

const CHANGED = "this project's nanocode configuration changed since it was trusted: its context files, skills and MCP servers are left out until it is trusted again";

export async function loadExtensions(o: ExtensionOptions): Promise<Extensions> {
  const { config, cwd } = o;
  const given = toolsFrom(o.tools); // first: an unknown name fails before any server starts
  const trust = trustState(config.home, cwd);
  const where = { cwd, home: config.home, userHome: config.userHome, trusted: trust === 'trusted' };
  const context = loadContextFiles({ ...where, enabled: o.contextFiles });
  // The user's own skills live in nanocode's folder, a secret place otherwise.
  const isSecret = secretTest({ home: config.userHome, cwd, nanocodeHome: config.home }, join(config.home, 'skills'));
  const { skills, warnings } = discoverSkills({ ...where, isSecret });
  const mcp = await loadMcp({ home: config.home, cwd, trusted: where.trusted, env: config.env, serverEnv: config.commandEnv, onNotice: o.onNotice });
  const tools = [...given, ...(skills.length ? [skillTool(skills)] : []), ...mcp.tools];
  const parts = systemParts({ cwd, tools, override: o.systemPrompt, append: o.appendSystemPrompt, context, skills: skillsPromptPart(skills) });
  return { options: o, system: composeSystem(parts), tools, context, skills, mcp: mcp.manager, warnings: [...(trust === 'changed' ? [CHANGED] : []), ...context.warnings, ...warnings, ...mcp.warnings] };
}

/** `fn`'s result; if it throws, the MCP servers started already (those with direct tools) are stopped first. */
export async function closingOnError<T>(ext: Extensions, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    await ext.mcp?.close();
    throw err;
  }
}

/** Tool objects as given; names picked from the built-in suite (all unknown names reported at once). */
function toolsFrom(list?: Array<Tool | string>): Tool[] {
  if (!list) return selectTools();
  const named = selectTools(list.filter((t) => typeof t === 'string'));
  return list.map((t) => (typeof t === 'string' ? named.find((n) => n.name === t)! : t));
}
