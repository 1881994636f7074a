// What the configuration leaves open, settled by asking servers: with no key
// configured, look for a local OpenAI-compatible server; with a custom
// endpoint and no model named, ask it which it serves.
import type { ModelChoice } from '../config/providers.ts';
import { fetchModelIds, withServerModel } from './list-models.ts';

/** The configured choice, completed over the network where needed. Never rejects. */
export function completeChoice(configured: ModelChoice | undefined, named: string | undefined, ports: number[]): Promise<ModelChoice | undefined> {
  if (!configured) return probeLocalServers(named, ports);
  if (configured.provider === 'openai-compatible' && !named) return withServerModel(configured);
  return Promise.resolve(configured);
}

export async function probeLocalServers(model: string | undefined, ports: number[], timeoutMs = 300): Promise<ModelChoice | undefined> {
  const signal = AbortSignal.timeout(timeoutMs);
  const answers = await Promise.all(
    ports.map(async (port) => {
      const baseURL = `http://127.0.0.1:${port}/v1`;
      const ids = await fetchModelIds(`${baseURL}/models`, {}, signal);
      const pick = ids && (model ?? ids[0]);
      return pick ? ({ provider: 'openai-compatible', model: pick, baseURL } satisfies ModelChoice) : undefined;
    }),
  );
  return answers.find((a) => a !== undefined);
}
