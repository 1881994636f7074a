// Settings files: ~/.nanocode/settings.json (or $NANOCODE_HOME/settings.json),
// then the project's .nanocode/settings.json on top, which counts only in a
// trusted folder. Validated: a bad file is a clear error, never a silent default.
import { mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { PERMISSION_MODES, type PermissionMode } from '../safety/modes.ts';
import { ConfigError } from './providers.ts';

const Rules = z.array(z.string()).optional();

const SettingsSchema = z.object({
  bash: z
    .object({
      /** Variables passed to commands even though their names look secret. */
      allowEnv: z.array(z.string()).optional(),
    })
    .optional(),
  /** Claude Code's shape: rules such as Bash(npm run test:*), and the mode a session starts in. */
  permissions: z.object({ allow: Rules, ask: Rules, deny: Rules, defaultMode: z.enum(PERMISSION_MODES).optional() }).optional(),
  sandbox: z.object({ enabled: z.boolean().optional() }).optional(),
});

type SettingsFile = z.infer<typeof SettingsSchema>;

/** One file's permission rules, with where they come from (for messages and relative paths). */
export interface PermissionLists {
  file: string;
  allow: string[];
  ask: string[];
  deny: string[];
}

export interface Settings {
  bash: { allowEnv: string[] };
  /** The user's rules, then the project's (when trusted). */
  permissions: PermissionLists[];
  defaultMode?: PermissionMode;
  /** false: commands run outside the OS sandbox. */
  sandbox?: boolean;
  /** What the project's own settings loosen, for the person to hear of at start. */
  loosened: string[];
}

function readSettings(path: string): SettingsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = SettingsSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ConfigError(`${path}: ${issues}`);
  }
  return parsed.data;
}

const projectSettingsPath = (cwd: string) => join(cwd, '.nanocode', 'settings.json');

/** The user's settings, and the project's on top when `trusted` (an untrusted file is not even read). */
export function loadSettings(home: string, cwd: string, trusted: boolean): Settings {
  const files = [join(home, 'settings.json'), ...(trusted ? [projectSettingsPath(cwd)] : [])].map((file) => ({ file, s: readSettings(file) }));
  const last = <T>(pick: (s: SettingsFile) => T | undefined) => files.map((f) => pick(f.s)).filter((v) => v !== undefined).at(-1);
  return {
    bash: { allowEnv: files.flatMap((f) => f.s.bash?.allowEnv ?? []) },
    permissions: files.map(({ file, s }) => ({ file, allow: s.permissions?.allow ?? [], ask: s.permissions?.ask ?? [], deny: s.permissions?.deny ?? [] })),
    defaultMode: last((s) => s.permissions?.defaultMode),
    sandbox: last((s) => s.sandbox?.enabled),
    loosened: trusted ? loosenedBy(files[1].s) : [],
  };
}

/** Settings a cloned project could use to take away the person's guards: said at every start, never silent. */
function loosenedBy(s: SettingsFile): string[] {
  const said: string[] = [];
  if (s.sandbox?.enabled === false) said.push("this project's .nanocode/settings.json turns the OS sandbox off: commands run unsandboxed");
  if (s.permissions?.defaultMode === 'bypassPermissions') said.push("this project's .nanocode/settings.json starts in bypassPermissions mode: nothing asks before it runs");
  return said;
}

/**
 * Adds an allow rule to the project's settings ("yes, always for this
 * project"), keeping the rest of the file. Throws ConfigError rather than
 * replace a file it cannot read as settings, or write through a .nanocode
 * link that leads out of the project.
 */
export function addProjectRule(cwd: string, rule: string): void {
  const path = projectSettingsPath(cwd);
  const json = settingsForUpdate(path);
  const permissions = (json.permissions ?? {}) as { allow?: string[] };
  const allow = Array.isArray(permissions.allow) ? permissions.allow : [];
  if (!allow.includes(rule)) allow.push(rule);
  json.permissions = { ...permissions, allow };
  mkdirSync(dirname(path), { recursive: true });
  if (realpathSync(dirname(path)) !== join(realpathSync(cwd), '.nanocode')) throw new ConfigError(`${dirname(path)} leads out of the project`);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(json, null, 2)}\n`);
  renameSync(tmp, path);
}

function settingsForUpdate(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const permissions = (json as { permissions?: unknown } | null)?.permissions;
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(json) || (permissions !== undefined && !isObject(permissions))) throw new ConfigError(`${path} is not a settings object`);
  return json as Record<string, unknown>;
}
