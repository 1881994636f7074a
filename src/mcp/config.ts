// MCP servers, from the files people already write for other agents:
// `~/.nanocode/mcp.json`, then, in a trusted folder, each folder's `.mcp.json`
// and `.nanocode/mcp.json` from the repository root down to the working
// directory. All use the common `{"mcpServers": {...}}` format; a server
// defined again nearer the working directory replaces the farther one. A bad
// file or entry is a warning that skips it, never fatal.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { commandEnv } from '../safety/secrets.ts';
import { ancestors } from '../skills/ancestors.ts';

export const DEFAULT_TIMEOUT_MS = 30_000;

export type McpTransportConfig =
  | { type: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd: string }
  | { type: 'http' | 'sse'; url: string; headers: Record<string, string> };

export interface McpServerConfig {
  name: string;
  /** The file it came from, for /mcp and for errors. */
  source: string;
  transport: McpTransportConfig;
  /** For starting and for each request, in ms. */
  timeout: number;
  /** Tools offered to the model directly as `mcp__<server>__<tool>`: all of them, or those named. */
  directTools?: true | string[];
  disabled: boolean;
}

export interface McpConfigOptions {
  /** nanocode's folder (~/.nanocode). */
  home: string;
  cwd: string;
  /** Project files count only in a trusted folder. */
  trusted: boolean;
  /** What `${VAR}` in the user's own file expands from. */
  env: Record<string, string | undefined>;
  /**
   * What `${VAR}` in a project's files expands from: what its servers get
   * anyway (the command env, secrets removed; default: env without them). A
   * cloned repository must not ask for the user's keys by name.
   */
  projectEnv?: Record<string, string | undefined>;
}

const common = {
  disabled: z.boolean().default(false),
  timeout: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
  directTools: z.union([z.literal(true), z.array(z.string().min(1))], { error: 'expected true or a list of tool names' }).optional(),
};
const strings = z.record(z.string(), z.string()).default({});
const Stdio = z.object({ type: z.literal('stdio').optional(), command: z.string().min(1), args: z.array(z.string()).default([]), env: strings, cwd: z.string().optional(), ...common });
// Streamable HTTP; "streamable-http" and an untyped entry with a url are how some clients spell it.
const Remote = z.object({ type: z.enum(['http', 'streamable-http', 'sse']).optional(), url: z.string().min(1), headers: strings, ...common });
const File = z.object({ mcpServers: z.record(z.string(), z.unknown()).default({}) });

/**
 * Names become tool names and rule names (`mcp__name__tool`): no `__` inside,
 * and no `_` at the end, or `mcp__a___t` could be server "a_" or tool "_t".
 */
const NAME = /^(?!.*__)(?!.*_$)[A-Za-z0-9_-]{1,40}$/;

export function loadMcpConfig(options: McpConfigOptions): { servers: McpServerConfig[]; warnings: string[] } {
  const user = join(options.home, 'mcp.json');
  const files = [{ file: user, base: dirname(options.home) }];
  if (options.trusted) {
    for (const dir of ancestors(options.cwd).reverse()) {
      for (const file of [join(dir, '.mcp.json'), join(dir, '.nanocode', 'mcp.json')]) if (resolve(file) !== resolve(user)) files.push({ file, base: dir });
    }
  }
  const servers = new Map<string, McpServerConfig>();
  const warnings: string[] = [];
  const projectEnv = options.projectEnv ?? commandEnv(options.env);
  const project: Expansion = { env: projectEnv, heldBack: (name) => !!options.env[name] && projectEnv[name] === undefined };
  for (const { file, base } of files) {
    const expansion = file === user ? { env: options.env } : project;
    for (const server of readFile(file, base, options.cwd, expansion, warnings)) servers.set(server.name, server);
  }
  return { servers: [...servers.values()], warnings };
}

/** What `${VAR}` expands from in one file; heldBack: set, but not for this file. */
interface Expansion {
  env: Record<string, string | undefined>;
  heldBack?: (name: string) => boolean;
}

function readFile(file: string, base: string, cwd: string, expansion: Expansion, warnings: string[]): McpServerConfig[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warnings.push(`${file}: ${(err as Error).message}`);
    return [];
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    warnings.push(`${file}: not valid JSON: ${(err as Error).message}`);
    return [];
  }
  const parsed = File.safeParse(json);
  if (!parsed.success) {
    warnings.push(`${file}: ${issues(parsed.error)}`);
    return [];
  }
  const servers: McpServerConfig[] = [];
  for (const [name, entry] of Object.entries(parsed.data.mcpServers)) {
    const where = `${file}: mcpServers.${name}`;
    if (!NAME.test(name)) {
      warnings.push(`${where}: a server name takes letters, digits, - and _ (no "__", no "_" at the end), at most 40; skipped`);
      continue;
    }
    try {
      servers.push({ name, source: file, ...server(entry, base, cwd, expansion) });
    } catch (err) {
      warnings.push(`${where}: ${(err as Error).message}; skipped`);
    }
  }
  return servers;
}

/** Throws a message that starts with the field it is about ("url: ..."). */
function server(entry: unknown, base: string, cwd: string, expansion: Expansion): Omit<McpServerConfig, 'name' | 'source'> {
  const remote = !!entry && typeof entry === 'object' && ('url' in entry || ['http', 'streamable-http', 'sse'].includes(String((entry as { type?: unknown }).type)));
  // A disabled entry is kept for /mcp as written: its variables may well be unset.
  const expander = (e: { disabled: boolean }) => (e.disabled ? (v: string) => v : expandFrom(expansion));
  if (remote) {
    const e = parse(Remote, entry);
    const expand = expander(e);
    const url = expand(e.url, 'url');
    if (!/^https?:\/\//.test(url) || !URL.canParse(url)) throw new Error(`url: not an http(s) URL: ${url}`);
    const transport = { type: e.type === 'sse' ? ('sse' as const) : ('http' as const), url, headers: expandAll(e.headers, 'headers', expand) };
    return { transport, timeout: e.timeout, directTools: e.directTools, disabled: e.disabled };
  }
  const e = parse(Stdio, entry);
  const expand = expander(e);
  const transport = {
    type: 'stdio' as const,
    command: expand(e.command, 'command'),
    args: e.args.map((a, i) => expand(a, `args.${i}`)),
    env: expandAll(e.env, 'env', expand),
    cwd: e.cwd ? resolve(base, expand(e.cwd, 'cwd')) : cwd,
  };
  return { transport, timeout: e.timeout, directTools: e.directTools, disabled: e.disabled };
}

function parse<T>(schema: z.ZodType<T>, entry: unknown): T {
  const r = schema.safeParse(entry);
  if (!r.success) throw new Error(issues(r.error));
  return r.data;
}

/** Each problem with the field it is about: "timeout: Invalid input: expected number, received string". */
function issues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** `${VAR}` and `${VAR:-default}`; an unset variable without a default is an error naming the field. */
function expandFrom({ env, heldBack }: Expansion) {
  return (value: string, field: string) =>
    value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      // Held back, not missing: a default would hide that the server lacks it.
      if (heldBack?.(name)) {
        throw new Error(`${field}: \${${name}} looks secret, and a project's configuration gets no secret variables (set the server up in ~/.nanocode/mcp.json, or list ${name} in bash.allowEnv)`);
      }
      if (fallback !== undefined) return fallback;
      throw new Error(`${field}: \${${name}} is not set`);
    });
}

function expandAll(record: Record<string, string>, field: string, expand: (v: string, f: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, expand(v, `${field}.${k}`)]));
}
