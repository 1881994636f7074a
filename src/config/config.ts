// Configuration is read here and nowhere else: flags, the environment, .env in
// the working folder and the settings files become one validated Config that
// is passed down. Only this folder reads process.env; every other layer gets
// what it needs from the Config (or from what it is given by its caller), so a
// library Agent with an `env` of its own is configured by that env alone.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { commandEnv, makeRedactor } from '../safety/secrets.ts';
import { readDotenv } from './dotenv.ts';
import { ConfigError, chooseModel, type ModelChoice, requestedModel } from './providers.ts';
import { loadSettings, type Settings } from './settings.ts';
import { type ConfigManifest, configManifest, recordTrust, splitProjectEnv, trustState, type TrustState } from './trust.ts';

export type Env = Record<string, string | undefined>;

/** How a model request is retried and when it counts as stalled. */
export interface RetryConfig {
  /** The first backoff delay; it doubles each retry. */
  baseMs: number;
  /** No content for this long: the request is closed and retried. */
  idleTimeoutMs: number;
  /** One request, start to end, takes at most this long. */
  requestTimeoutMs: number;
}

export interface CompactionSettings {
  enabled: boolean;
  reserveTokens: number;
  remainingRatio: number;
  keepRecentTokens: number;
}

/** What the interactive terminal takes from the environment. */
export interface UiConfig {
  showThinking: boolean;
  noColor: boolean;
  /** The command that edits a file ($VISUAL, $EDITOR, else vi). */
  editor: string;
}

export interface Config {
  cwd: string;
  /** nanocode's own folder: settings, sessions, history. */
  home: string;
  /** The user's home ($HOME): ~/.agents and ~/.claude skills, `@~/` imports in context files. */
  userHome: string;
  /** The environment, .env merged: what `${VAR}` in MCP configuration expands from. */
  env: Env;
  /** The model named by the flag or the environment, if any. */
  requestedModel?: string;
  /** Provider, model and key as configured; undefined when nothing is (local servers may be probed). */
  choice?: ModelChoice;
  /** Where to look for a local OpenAI-compatible server when no provider is configured. */
  localPorts: number[];
  retry: RetryConfig;
  compaction: CompactionSettings;
  /** Overrides the model catalog's context window. */
  contextWindow?: number;
  /** Keep .nanocode.log, the command log. */
  log: boolean;
  ui: UiConfig;
  settings: Settings;
  trust: TrustInfo;
  /** The environment for commands the model runs: secrets removed, except those the settings allow. */
  commandEnv: NodeJS.ProcessEnv;
  /** Removes secrets (the environment's secret values, key-shaped strings) from text bound for files and the screen. */
  redact: (text: string) => string;
}

/** Whether the project's own config counts (see trust.ts). */
export interface TrustInfo {
  state: TrustState;
  trusted: boolean;
  /** The project ships config that trust gates (settings, MCP servers, endpoint lines in .env, ...). */
  hasConfig: boolean;
  /** One line for the user when project config is ignored. */
  notice?: string;
}

export interface ConfigInput {
  /** What the caller says outright, above the environment. `trust`: record that this folder is trusted (--trust). */
  flags?: { model?: string; home?: string; trust?: boolean };
  /** The process environment unless given (a library Agent may bring its own). */
  env?: Env;
  cwd: string;
}

export const LOCAL_PORTS = [11434, 1234, 8080, 8000]; // Ollama, LM Studio, llama.cpp, vLLM

/** setTimeout's longest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const whole = (min: number, max = Number.MAX_SAFE_INTEGER) => z.string().regex(/^\d+$/).transform(Number).pipe(z.number().min(min).max(max));
const ratio = z.string().regex(/^\d*\.?\d+$/).transform(Number).pipe(z.number().min(0).lt(1));
const ON = ['1', 'true', 'on', 'yes'];
const onOff = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum([...ON, '0', 'false', 'off', 'no']))
  .transform((s) => ON.includes(s));
const ports = z
  .string()
  .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
  .pipe(z.array(whole(1, 65535)));

const MS = 'a whole number of milliseconds';
const TOKENS = 'a whole number of tokens';
const ON_OFF = '0 or 1';

/** Builds the Config; throws ConfigError naming the variable or file that is wrong. */
export function loadConfig({ flags = {}, env = process.env, cwd }: ConfigInput): Config {
  // Read before .env is merged: a project's .env must not move nanocode's own folder.
  const home = flags.home ?? (env.NANOCODE_HOME || join(homedir(), '.nanocode'));
  if (flags.trust) recordTrust(home, cwd, true);
  // Hashed once: the trust state and the notice of what waits for trust both need it.
  const manifest = configManifest(cwd);
  const state = trustState(home, cwd, manifest);
  const trusted = state === 'trusted';
  const { merged, fromDotenv, ignored } = withDotenv(env, cwd, trusted);
  /** A variable parsed by `schema`; `fallback` when unset, `empty` when set to nothing. */
  const read = <T, F>(name: string, schema: z.ZodType<T, string>, must: string, fallback: F, empty: T | F = fallback): T | F => {
    const raw = merged[name];
    if (raw === undefined) return fallback;
    if (!raw.trim()) return empty;
    const parsed = schema.safeParse(raw.trim());
    if (parsed.success) return parsed.data;
    const where = fromDotenv.has(name) ? ' (in .env)' : '';
    throw new ConfigError(`nanocode: ${name}${where} must be ${must}, not ${JSON.stringify(raw)}`);
  };
  const settings = loadSettings(home, cwd, trusted);
  return {
    cwd,
    home,
    userHome: env.HOME || homedir(),
    env: merged,
    requestedModel: requestedModel(flags.model, merged),
    choice: chooseModel(flags.model, merged),
    localPorts: read('NANOCODE_LOCAL_PORTS', ports, 'port numbers (1 to 65535) separated by commas, such as 11434,5000', LOCAL_PORTS, []),
    retry: {
      baseMs: read('NANOCODE_RETRY_BASE_MS', whole(0, MAX_TIMER_MS), MS, 1000),
      idleTimeoutMs: read('NANOCODE_STREAM_IDLE_TIMEOUT_MS', whole(1, MAX_TIMER_MS), MS, 120_000),
      requestTimeoutMs: read('NANOCODE_REQUEST_TIMEOUT_MS', whole(1, MAX_TIMER_MS), MS, 600_000),
    },
    compaction: {
      enabled: read('NANOCODE_COMPACTION', onOff, ON_OFF, true),
      reserveTokens: read('NANOCODE_COMPACTION_RESERVE_TOKENS', whole(0), TOKENS, 16384),
      remainingRatio: read('NANOCODE_COMPACTION_REMAINING_RATIO', ratio, 'a number from 0 to below 1, such as 0.15', 0.15),
      keepRecentTokens: read('NANOCODE_COMPACTION_KEEP_RECENT_TOKENS', whole(0), TOKENS, 20000),
    },
    contextWindow: read('NANOCODE_CONTEXT_WINDOW_TOKENS', whole(1), TOKENS, undefined),
    log: read('NANOCODE_LOG', onOff, ON_OFF, true),
    ui: {
      showThinking: read('SHOW_THINKING', onOff, ON_OFF, true),
      // no-color.org: set and not empty, whatever its value.
      noColor: !!merged.NO_COLOR,
      editor: merged.VISUAL || merged.EDITOR || 'vi',
    },
    settings,
    trust: trustInfo(state, manifest, ignored),
    commandEnv: commandEnv(merged, settings.bash?.allowEnv),
    redact: makeRedactor(merged),
  };
}

/**
 * The environment with .env's variables added; those already set win, and
 * NANOCODE_HOME is never taken from .env. Before trust, only what
 * splitProjectEnv lets through: a base URL there never gets the user's key.
 */
function withDotenv(env: Env, cwd: string, trusted: boolean): { merged: Env; fromDotenv: Set<string>; ignored: string[] } {
  const merged = { ...env };
  const fromDotenv = new Set<string>();
  const all = readDotenv(cwd);
  const split = trusted ? { apply: all, ignored: [] } : splitProjectEnv(all, env);
  const { apply } = split;
  // NANOCODE_HOME is never taken from .env, trusted or not: no point in asking for trust.
  const ignored = split.ignored.filter((name) => name !== 'NANOCODE_HOME');
  for (const [key, value] of Object.entries(apply)) {
    if (merged[key] !== undefined || key === 'NANOCODE_HOME') continue;
    merged[key] = value;
    fromDotenv.add(key);
  }
  return { merged, fromDotenv, ignored };
}

function trustInfo(state: TrustState, manifest: ConfigManifest, ignoredEnv: string[]): TrustInfo {
  const hasConfig = Object.keys(manifest).length > 0;
  if (state === 'trusted') return { state, trusted: true, hasConfig };
  // The .env lines a key from the same file made usable are not ignored; the rest of .env never needs trust.
  const files = Object.entries(manifest).flatMap(([dir, items]) => Object.keys(items).filter((f) => f !== '.env').map((f) => (dir ? `${dir}/${f}` : f)));
  const ignored = [...files, ...ignoredEnv.map((v) => `${v} from .env`)];
  const notice = ignored.length
    ? `ignoring this project's ${ignored.join(', ')} until you trust this folder (--trust, or answer yes when the interactive terminal asks)`
    : undefined;
  return { state, trusted: false, hasConfig, ...(notice && { notice }) };
}
