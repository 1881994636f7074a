// Workspace trust: nothing a project ships (settings, MCP servers, hooks, system
// prompt, custom tools, endpoint-changing .env lines) takes effect before the
// person trusts its folder once. Trust belongs to the repository root and is
// recorded in <nanocode home>/trust.json with a fingerprint of that config, so
// a change to it (a pull, a new clone at the same path) asks again.
import { createHash, type Hash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { parseDotenv } from './dotenv.ts';

export type TrustState = 'trusted' | 'untrusted' | 'changed' | 'unknown';

/** The repository root (a `.git` folder, or file in worktrees), else the folder itself. */
export function projectRoot(cwd: string): string {
  const start = real(cwd);
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

/** Config files that trust gates, in every folder from the root down to the cwd. */
const FILES = ['.nanocode/settings.json', '.nanocode/mcp.json', '.mcp.json', '.nanocode/SYSTEM.md', '.nanocode/APPEND_SYSTEM.md'];
/** Skills (skills.ts reads these three in a trusted project) can tell the model to run their scripts. */
const FOLDERS = ['.nanocode/hooks', '.nanocode/tools', '.nanocode/skills', '.agents/skills', '.claude/skills'];
/** Bounds the work a hostile repository can cause at startup. */
const MAX_FOLDER_ENTRIES = 1000;
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Per folder (relative to the root, '' for the root): each gated item and its hash. */
export type ConfigManifest = Record<string, Record<string, string>>;

export function configManifest(cwd: string): ConfigManifest {
  const root = projectRoot(cwd);
  const manifest: ConfigManifest = {};
  for (const dir of chain(root, real(cwd))) {
    const abs = join(root, dir);
    const items: Record<string, string> = {};
    for (const f of FILES) {
      const h = fileHash(join(abs, f));
      if (h) items[f] = h;
    }
    for (const f of FOLDERS) {
      const h = folderHash(join(abs, f));
      if (h) items[f] = h;
    }
    const env = endpointLines(join(abs, '.env'));
    if (env) items['.env'] = sha256(env);
    if (Object.keys(items).length) manifest[dir] = items;
  }
  return manifest;
}

const TrustRecord = z.object({
  trusted: z.boolean(),
  at: z.string(),
  /** A manifest rather than one hash: trusting from a subfolder must not make the root look changed. */
  config: z.record(z.string(), z.record(z.string(), z.string())),
});
const TrustFile = z.record(z.string(), TrustRecord);
type TrustFile = z.infer<typeof TrustFile>;

/** `now`: the folder's manifest, when the caller has it already. */
export function trustState(home: string, cwd: string, now?: ConfigManifest): TrustState {
  const root = projectRoot(cwd);
  const record = readTrust(home)[root];
  if (!record) return 'unknown';
  if (!record.trusted) return 'untrusted';
  now ??= configManifest(cwd);
  for (const dir of chain(root, real(cwd))) {
    if (!sameItems(record.config[dir] ?? {}, now[dir] ?? {})) return 'changed';
  }
  return 'trusted';
}

export function recordTrust(home: string, cwd: string, trusted: boolean): void {
  const root = projectRoot(cwd);
  const file = readTrust(home);
  const previous = file[root];
  // Folders confirmed earlier from elsewhere in the project stay confirmed.
  const config = trusted && previous?.trusted ? { ...previous.config } : {};
  const now = configManifest(cwd);
  for (const dir of chain(root, real(cwd))) {
    delete config[dir];
    if (now[dir]) config[dir] = now[dir];
  }
  file[root] = { trusted, at: new Date().toISOString(), config };
  writeAtomic(join(home, 'trust.json'), `${JSON.stringify(file, null, 2)}\n`);
}

/** A damaged or missing file trusts nothing: the person is asked again. */
function readTrust(home: string): TrustFile {
  try {
    const parsed = TrustFile.safeParse(JSON.parse(readFileSync(join(home, 'trust.json'), 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** Never a half-written file, readable by the owner only. */
function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

/**
 * The project .env before trust. It may give its own keys; variables that move
 * where a key is sent apply only with a key from the same file that the user's
 * environment does not override (so the user's own key never goes to a URL
 * the project chose); variables that move config or run code wait for trust.
 * The user's environment wins over the file, as in loadDotenv.
 */
export function splitProjectEnv(
  dotenvVars: Record<string, string>,
  userEnv: NodeJS.ProcessEnv,
): { apply: Record<string, string>; ignored: string[] } {
  const apply: Record<string, string> = {};
  const ignored: string[] = [];
  for (const [name, value] of Object.entries(dotenvVars)) {
    if (userEnv[name] !== undefined) continue;
    const endpoint = endpointPrefix(name);
    const blocked = MOVES_CONFIG.some((re) => re.test(name)) || (endpoint !== undefined && !keyFromFile(endpoint, dotenvVars, userEnv));
    if (blocked) ignored.push(name);
    else apply[name] = value;
  }
  return { apply, ignored };
}

/** Variables that move nanocode's config or credentials, or make it (or git, or bash) run other code. */
const MOVES_CONFIG = [
  /^(HOME|PATH|SHELL|TMPDIR|BASH_ENV|ENV|PROMPT_COMMAND|SHELLOPTS|BASHOPTS)$/,
  // The editor nanocode itself starts (/dequeue edit), outside the sandbox.
  /^(EDITOR|VISUAL)$/,
  /^XDG_/,
  /^NANOCODE_\w*(HOME|DIR|PATH|FILE)$/,
  /_PROXY$/i,
  /^(NODE|LD|DYLD|GIT|BASH_FUNC)_/,
  /^SSL_CERT_|_CA_BUNDLE$/,
];

/** `OPENAI_BASE_URL` → `OPENAI`: variables that say where requests (and their keys) go. */
function endpointPrefix(name: string): string | undefined {
  return /^(\w+?)_(BASE_URL|API_BASE)$/.exec(name)?.[1];
}

/** Keys that providers.ts sends to OPENAI_BASE_URL / INFERENCE_BASE_URL, whichever is set. */
const SHARED_ENDPOINT_KEYS = ['OPENAI_API_KEY', 'OPENROUTER_API_KEY', 'INFERENCE_API_KEY'];

/** True when a key for this endpoint comes from the file and none from the user's environment. */
function keyFromFile(prefix: string, file: Record<string, string>, user: NodeJS.ProcessEnv): boolean {
  const isKey = (n: string) =>
    (prefix === 'OPENAI' || prefix === 'INFERENCE' ? SHARED_ENDPOINT_KEYS.includes(n) : false) ||
    (n.startsWith(`${prefix}_`) && /KEY|TOKEN|SECRET/.test(n));
  const userHasOne = Object.keys(user).some((n) => isKey(n) && user[n]);
  const fileHasOne = Object.keys(file).some((n) => isKey(n) && file[n]);
  return fileHasOne && !userHasOne;
}

/** The .env lines trust gates, as text; undefined when there are none. */
function endpointLines(path: string): string | undefined {
  const text = readBounded(path);
  if (text === undefined) return undefined;
  const lines = Object.entries(parseDotenv(text))
    .filter(([k]) => endpointPrefix(k) !== undefined || MOVES_CONFIG.some((re) => re.test(k)))
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  return lines.length ? lines.join('\n') : undefined;
}

function fileHash(path: string): string | undefined {
  const text = readBounded(path);
  return text === undefined ? undefined : sha256(text);
}

/**
 * Names and contents of a folder's files, bounded. A link counts by its
 * target's name and contents (a linked file elsewhere in the repository can
 * change in a pull), a linked folder by its own files, each folder once.
 */
function folderHash(path: string): string | undefined {
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) return undefined;
  const h = createHash('sha256');
  const budget = { entries: MAX_FOLDER_ENTRIES };
  hashFolder(h, path, '', new Set([real(path)]), budget);
  return h.digest('hex');
}

function hashFolder(h: Hash, dir: string, prefix: string, seen: Set<string>, budget: { entries: number }): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    if (budget.entries-- <= 0) return;
    const full = join(dir, name);
    const rel = `${prefix}${name}`;
    let link = '';
    try {
      link = readlinkSync(full);
    } catch {
      // not a link
    }
    h.update(`${rel}\0${link}\0`);
    const target = real(full);
    if (statSync(full, { throwIfNoEntry: false })?.isDirectory()) {
      if (seen.has(target)) continue;
      seen.add(target);
      hashFolder(h, full, `${rel}/`, seen, budget);
    } else h.update(`${readBounded(full) ?? ''}\0`);
  }
}

/** Regular files only (a link to /dev/zero must not hang startup); huge ones by size and time. */
function readBounded(path: string): string | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile()) return undefined;
    if (st.size > MAX_FILE_BYTES) return `size:${st.size} mtime:${st.mtimeMs}`;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The folders whose config counts, relative to the root ('' is the root):
 * from the root down to cwd. Outside a repository, skills, context files and
 * MCP servers are read from the folders above too (skills/ancestors.ts), so
 * those count as well (`..`, `../..`), up to the user's home, whose own
 * dotfiles are the user's: a shared temp folder above an untracked project
 * must not slip in an MCP server after trust.
 */
function chain(root: string, cwd: string): string[] {
  const rel = relative(root, cwd);
  const parts = !rel || rel.startsWith('..') ? [] : rel.split(sep);
  const down = ['', ...parts.map((_, i) => parts.slice(0, i + 1).join('/'))];
  if (existsSync(join(root, '.git'))) return down;
  const home = real(homedir());
  const up: string[] = [];
  for (let dir = dirname(root); dir !== dirname(dir) && dir !== home && !home.startsWith(dir + sep); dir = dirname(dir)) {
    up.push(relative(root, dir).split(sep).join('/'));
  }
  return [...up.reverse(), ...down];
}

function sameItems(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
