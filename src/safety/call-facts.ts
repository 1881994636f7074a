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
import { OUTPUT_OPS } from './shell-walk.ts';
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
  if (kind === 'read' || kind === 'edit') {
    const paths = pathsOf(call.name, args);
    // A patch with no file it can read changes nothing (the tool refuses it), but it is still an edit: plan mode refuses it too.
    if (!paths.length) return { items: [{ facts: { kind, insideWorkspace: true }, subject: call.name }] };
    return { items: paths.map((p) => pathItem(kind, p, scope)) };
  }
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
  const items: Item[] = analysis.commands.flatMap((c) => {
    const words = [c.name, ...c.args];
    const item: Item = {
      request: { kind: 'bash', words },
      facts: {
        kind: 'execute', commandClass: c.class, commandReason: c.reason, sandboxed: scope.sandboxed, secretPath: touchesSecret(c, scope),
        ...(c.outside && { reachesOutside: c.outside }),
      },
      subject: renderCommand(words),
    };
    return [item, ...redirectItems(c, scope)];
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

/**
 * A redirection that writes a file is an edit of that file, judged (and
 * matched against Edit rules) on its own: `Bash(git status)` allows the
 * command, not `git status > ~/.bashrc`.
 */
function redirectItems(c: SimpleCommand, scope: Scope): Item[] {
  return c.redirects
    .filter((r) => OUTPUT_OPS.has(r.op) && !/^(\d+|-)$/.test(r.value ?? '') && !HARMLESS_DEVICE.test(r.value ?? ''))
    .map((r) => {
      if (r.value === null) {
        return { facts: { kind: 'edit', insideWorkspace: false }, subject: `${r.op} ${r.target} (a file known only when the command runs)` };
      }
      const given = /^\$HOME(?=\/|$)|^\$\{HOME\}(?=\/|$)/.test(r.value) ? r.value.replace(/^\$\{?HOME\}?/, '~') : r.value;
      return pathItem('edit', given, { ...scope, shellCwd: c.cwd ?? scope.shellCwd }, true);
    });
}

const HARMLESS_DEVICE = /^\/dev\/(null|zero|full|stdout|stderr|tty|fd\/\d+)$/;

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

/** A file tool's path resolves against the workspace; a redirection's against where the shell stands. */
function pathItem(kind: 'read' | 'edit', given: string, scope: Scope, fromShell = false): Item {
  // As the file tools resolve it (~ is the home), then as the file system does (symlinks).
  const base = fromShell ? scope.shellCwd : scope.cwd;
  const lexical = given === '~' || given.startsWith('~/') ? join(scope.home, given.slice(2)) : isAbsolute(given) ? resolve(given) : resolve(base, given);
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
