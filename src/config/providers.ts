// Which provider and model to use, from flags and environment variables.
// Pure: reads env and files, never the network (local probing is in model/).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type ProviderId =
  | 'openai'
  | 'openai-compatible'
  | 'anthropic'
  | 'google'
  | 'groq'
  | 'deepseek'
  | 'xai'
  | 'openrouter'
  | 'opencode'
  | 'opencode-go';

export interface ProviderSpec {
  id: ProviderId;
  /** Environment variables holding the key, first match wins. */
  keyVars: string[];
  defaultModel: string;
  baseURL?: string;
}

/** In auto-detection order. */
export const PROVIDERS: ProviderSpec[] = [
  { id: 'openai', keyVars: ['OPENAI_API_KEY'], defaultModel: 'gpt-5.2' },
  { id: 'anthropic', keyVars: ['ANTHROPIC_API_KEY'], defaultModel: 'claude-sonnet-4-6' },
  { id: 'google', keyVars: ['GEMINI_API_KEY', 'GOOGLE_GENERATIVE_AI_API_KEY'], defaultModel: 'gemini-3-flash' },
  { id: 'groq', keyVars: ['GROQ_API_KEY'], defaultModel: 'openai/gpt-oss-120b' },
  { id: 'deepseek', keyVars: ['DEEPSEEK_API_KEY'], defaultModel: 'deepseek-chat' },
  { id: 'xai', keyVars: ['XAI_API_KEY'], defaultModel: 'grok-code-fast-1' },
  { id: 'openrouter', keyVars: ['OPENROUTER_API_KEY'], defaultModel: 'anthropic/claude-sonnet-4.6' },
  { id: 'opencode', keyVars: ['OPENCODE_API_KEY'], defaultModel: 'kimi-k2.5', baseURL: 'https://opencode.ai/zen/v1' },
  { id: 'opencode-go', keyVars: ['OPENCODE_API_KEY'], defaultModel: 'kimi-k2.5', baseURL: 'https://opencode.ai/zen/go/v1' },
];

export const KEY_VARS = [...new Set(PROVIDERS.flatMap((p) => p.keyVars))];

export interface ModelChoice {
  provider: ProviderId;
  model: string;
  apiKey?: string;
  baseURL?: string;
  /** How nanocode picked the model when none was named, for the user to see. */
  note?: string;
}

export class ConfigError extends Error {}

const spec = (id: ProviderId) => PROVIDERS.find((p) => p.id === id)!;

/** The variables a provider's key is read from (an OpenAI-compatible server uses OpenAI's). */
export function keyVarsOf(id: ProviderId): string[] {
  return id === 'openai-compatible' ? ['OPENAI_API_KEY'] : spec(id).keyVars;
}

function keyFor(p: ProviderSpec, env: NodeJS.ProcessEnv, home: string): string | undefined {
  for (const v of p.keyVars) if (env[v]) return env[v];
  if (p.id === 'opencode' || p.id === 'opencode-go') return openCodeAuthKey(home);
  return undefined;
}

/** OpenCode stores its login in ~/.local/share/opencode/auth.json. */
function openCodeAuthKey(home: string): string | undefined {
  try {
    const auth = JSON.parse(readFileSync(join(home, '.local/share/opencode/auth.json'), 'utf8'));
    const entry = auth?.opencode ?? auth?.['opencode-go'];
    return typeof entry?.key === 'string' ? entry.key : undefined;
  } catch {
    return undefined;
  }
}

/** The explicitly requested model id, if any: --model, then the env vars. */
export function requestedModel(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return flag || env.NANOCODE_MODEL || env.MODEL || env.MODEL_NAME || env.OPENAI_MODEL || undefined;
}

/**
 * Resolves provider, model, key and base URL. Returns undefined when nothing
 * is configured at all, so the caller may probe local servers; throws
 * ConfigError when a model names a provider whose key is not set.
 */
export function chooseModel(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  home = homedir(),
): ModelChoice | undefined {
  const wanted = requestedModel(flag, env);
  const openaiBase = env.OPENAI_BASE_URL || env.INFERENCE_BASE_URL;

  // "provider/model" names a provider explicitly (openrouter/qwen/qwen3-coder).
  if (wanted?.includes('/')) {
    const [prefix, ...rest] = wanted.split('/');
    const p = PROVIDERS.find((s) => s.id === prefix || (prefix === 'gemini' && s.id === 'google'));
    if (p) {
      const key = keyFor(p, env, home);
      // A custom OpenAI-compatible endpoint (a local server) may need no key.
      if (!key && !(p.id === 'openai' && openaiBase)) throw new ConfigError(missingProviderKey(p, wanted));
      return withEndpoint(p.id, rest.join('/'), key, env);
    }
  }

  // A custom OpenAI-compatible endpoint takes any model name.
  if (openaiBase) {
    const key = env.OPENAI_API_KEY || env.OPENROUTER_API_KEY || env.INFERENCE_API_KEY;
    return { provider: 'openai-compatible', model: wanted ?? spec('openai').defaultModel, apiKey: key, baseURL: openaiBase };
  }

  const guessed = wanted ? guessProvider(wanted) : undefined;
  if (guessed) {
    const p = spec(guessed);
    const key = keyFor(p, env, home);
    if (key) return withEndpoint(p.id, wanted!, key, env);
  }
  for (const p of PROVIDERS) {
    const key = keyFor(p, env, home);
    if (key) return withEndpoint(p.id, wanted ?? p.defaultModel, key, env);
  }
  return undefined;
}

function withEndpoint(provider: ProviderId, model: string, apiKey: string | undefined, env: NodeJS.ProcessEnv): ModelChoice {
  let baseURL = spec(provider).baseURL;
  if (provider === 'anthropic' && env.ANTHROPIC_BASE_URL) baseURL = anthropicBase(env.ANTHROPIC_BASE_URL);
  if (provider === 'openai' && (env.OPENAI_BASE_URL || env.INFERENCE_BASE_URL)) {
    return { provider: 'openai-compatible', model, apiKey, baseURL: env.OPENAI_BASE_URL || env.INFERENCE_BASE_URL };
  }
  return { provider, model, apiKey, baseURL };
}

/** ANTHROPIC_BASE_URL is conventionally given without the /v1 suffix. */
function anthropicBase(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
}

/** A bare model name hints at its provider (claude-* is Anthropic's). */
function guessProvider(model: string): ProviderId | undefined {
  if (/^claude/.test(model)) return 'anthropic';
  if (/^gemini/.test(model)) return 'google';
  if (/^(gpt|o\d|chatgpt|codex)/.test(model)) return 'openai';
  if (/^deepseek/.test(model)) return 'deepseek';
  if (/^grok/.test(model)) return 'xai';
  return undefined;
}

function missingProviderKey(p: ProviderSpec, model: string): string {
  const [first, ...others] = p.keyVars;
  const vars = others.length ? `${first} (or ${others.join(', ')})` : first;
  return `nanocode: ${vars} is not set, and the model ${model} needs it.\nSet it in the environment or in .env.`;
}

/** `probed`: the local ports that were looked at. */
export function missingKeyMessage(probed: number[]): string {
  return [
    'nanocode: no model provider is configured.',
    'Set one of these environment variables (or put it in .env):',
    ...KEY_VARS.map((v) => `  ${v}`),
    'or point OPENAI_BASE_URL at any OpenAI-compatible server (Ollama, LM Studio, vLLM, ...).',
    probed.length ? `No local server answered on ${probed.length > 1 ? 'ports' : 'port'} ${probed.join(', ')}.` : 'No local server was looked for (NANOCODE_LOCAL_PORTS is empty).',
  ].join('\n');
}
