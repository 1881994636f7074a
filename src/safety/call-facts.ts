// What one tool call would touch, as the permission rules and modes see it:
// each simple command of a bash line with its class, or each file a file tool
// reads or writes, with where it lies (after symlinks). One call can make
// several items; the gate judges each on its own.
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { parsePatch } from 'diff';
import type { GateCall } from '../protocol/tool.ts';
import { analyzeCommand, type Analysis } from './command-analysis.ts';
import { CLASSES, type ShellMemory, type SimpleCommand } from './command-types.ts';
import type { CallFacts } from './modes.ts';
import { isInside, isProtectedPath, isSecretPath, type Places } from './places.ts';
import { touchesSecret } from './secret-words.ts';
import { renderCommand, type PermissionRequest } from './rules.ts';

export interface Item {
  /** What rules are matched against; none for a tool no rule can name. */
  request?: PermissionRequest;
  facts: CallFacts;
  /** What a person is asked about: a command, or a path. */
  subject: string;
}

export interface Scope extends Places {
  /** Where the shell is now (an earlier `cd`); the workspace (cwd) otherwise. */
  shellCwd: string;
  sandboxed: boolean;
  /** What earlier commands left in the persistent shell. */
  shell?: ShellMemory;
}

export interface CallItems {
  items: Item[];
  /** For bash: the analysis of the whole line. */
  analysis?: Analysis;
}

export async function callItems(call: GateCall, scope: Scope): Promise<CallItems> {
  const args = (call.args ?? {}) as Record<string, unknown>;
  const kind = call.tool.permission;
  if (kind === 'execute' && typeof args.command === 'string') return commandItems(args.command, scope);
  if (kind === 'read' || kind === 'edit') return { items: pathsOf(call.name, args).map((p) => pathItem(kind, p, scope)) };
  if (kind === 'network') {
    const url = typeof args.url === 'string' ? args.url : undefined;
    return { items: [{ request: url ? { kind: 'webfetch', url } : { kind: 'websearch' }, facts: { kind }, subject: url ?? call.name }] };
  }
  // MCP tools name their server and tool (issue 11); other tools no rule can name.
  const target = (call.tool as { permissionTarget?: (a: unknown) => { server: string; tool?: string; resource?: string } | undefined }).permissionTarget?.(call.args);
  const request: PermissionRequest | undefined = target && { kind: 'mcp', server: target.server, tool: target.tool ?? target.resource ?? '' };
  return { items: [{ request, facts: { kind }, subject: call.name }] };
}

async function commandItems(command: string, scope: Scope): Promise<CallItems> {
  let analysis: Analysis;
  try {
    analysis = await analyzeCommand(command, { cwd: scope.shellCwd, home: scope.home, workspace: scope.cwd, ...(scope.shell && { shell: scope.shell }) });
  } catch (err) {
    analysis = { class: 'dangerous', commands: [], reasons: [`the command could not be analysed (${(err as Error).message})`] };
  }
  const items: Item[] = analysis.commands.map((c) => {
    const words = [c.name, ...c.args];
    return {
      request: { kind: 'bash', words },
      facts: { kind: 'execute', commandClass: c.class, commandReason: c.reason, sandboxed: scope.sandboxed, secretPath: touchesSecret(c, scope) },
      subject: renderCommand(words),
    };
  });
  // A class no single command carries (a parse failure, a write by redirection): the whole line answers for it.
  const worst = Math.max(-1, ...analysis.commands.map((c) => CLASSES.indexOf(c.class)));
  if (CLASSES.indexOf(analysis.class) > worst) {
    items.push({
      request: { kind: 'bash', command },
      facts: { kind: 'execute', commandClass: analysis.class, commandReason: analysis.reasons.join('; ') || undefined, sandboxed: scope.sandboxed },
      subject: command,
    });
  }
  return { items, analysis };
}

/** The paths a file tool's call names: `path` (default the working folder), or every file of apply_patch's diff. */
function pathsOf(tool: string, args: Record<string, unknown>): string[] {
  if (tool === 'apply_patch' && typeof args.patch === 'string') {
    // The same parser apply_patch uses: a patch it cannot read here, it refuses too.
    try {
      const strip = (n: string | undefined) => (n === undefined || n === '/dev/null' ? [] : [n.replace(/^[ab]\//, '')]);
      return parsePatch(args.patch).flatMap((p) => [...strip(p.oldFileName), ...strip(p.newFileName)]).filter(Boolean);
    } catch {
      return [];
    }
  }
  return [typeof args.path === 'string' && args.path ? args.path : '.'];
}

function pathItem(kind: 'read' | 'edit', given: string, scope: Scope): Item {
  // As the file tools resolve it (~ is the home), then as the file system does (symlinks).
  const lexical = given === '~' || given.startsWith('~/') ? join(scope.home, given.slice(2)) : isAbsolute(given) ? resolve(given) : resolve(scope.cwd, given);
  const path = real(lexical);
  const workspace = real(scope.cwd);
  const facts: CallFacts = {
    kind,
    insideWorkspace: isInside(path, workspace),
    secretPath: isSecretPath(lexical, scope) || isSecretPath(path, { ...scope, cwd: workspace, nanocodeHome: real(scope.nanocodeHome) }),
    protectedPath: kind === 'edit' && isProtectedPath(path, workspace),
  };
  return { request: { kind, path }, facts, subject: path };
}

/** The real path, also of a file that does not exist yet (its nearest existing folder resolved). */
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(real(parent), basename(path));
  }
}
