// The models an endpoint offers (GET /models): for /model, and for the
// default model of an OpenAI-compatible server.
import type { ModelChoice } from '../config/providers.ts';

const DEFAULT_BASE: Partial<Record<ModelChoice['provider'], string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  groq: 'https://api.groq.com/openai/v1',
  deepseek: 'https://api.deepseek.com/v1',
  xai: 'https://api.x.ai/v1',
  openrouter: 'https://openrouter.ai/api/v1',
  google: 'https://generativelanguage.googleapis.com/v1beta/openai',
};

/** Model ids, sorted, or undefined when the endpoint cannot list them. */
export async function listModels(choice: ModelChoice, signal = AbortSignal.timeout(5000)): Promise<string[] | undefined> {
  const ids = await serverModels(choice, signal);
  return ids?.length ? ids.sort() : undefined;
}

/**
 * With OPENAI_BASE_URL and no model named, the server's first listed model
 * (a local server rarely serves the default gpt-5.2). Says which in `note`.
 */
export async function withServerModel(choice: ModelChoice, signal = AbortSignal.timeout(5000)): Promise<ModelChoice> {
  const first = (await serverModels(choice, signal))?.[0];
  const models = `${choice.baseURL?.replace(/\/+$/, '')}/models`;
  const note = first
    ? `no model named; using ${first}, the first model ${models} lists (name another with --model)`
    : `no model named and ${models} lists none; using ${choice.model}`;
  return { ...choice, model: first ?? choice.model, note };
}

/** The ids the endpoint lists, in its order. */
async function serverModels(choice: ModelChoice, signal: AbortSignal): Promise<string[] | undefined> {
  const base = (choice.baseURL ?? DEFAULT_BASE[choice.provider])?.replace(/\/+$/, '');
  if (!base) return undefined;
  const anthropic = choice.provider === 'anthropic';
  const headers: Record<string, string> = anthropic
    ? { 'x-api-key': choice.apiKey ?? '', 'anthropic-version': '2023-06-01' }
    : choice.apiKey
      ? { authorization: `Bearer ${choice.apiKey}` }
      : {};
  return fetchModelIds(`${base}/models`, headers, signal);
}

/** The ids a /models endpoint lists, in its order; undefined when it does not answer. */
export async function fetchModelIds(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<string[] | undefined> {
  try {
    const res = await fetch(url, { headers, signal });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { data?: Array<{ id?: unknown }> };
    return (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
  } catch {
    return undefined;
  }
}
