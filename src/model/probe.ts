// With no key configured, look for a local OpenAI-compatible server.
import type { ModelChoice } from '../config/providers.ts';
import { fetchModelIds } from './list-models.ts';

export const LOCAL_PORTS = [11434, 1234, 8080, 8000]; // Ollama, LM Studio, llama.cpp, vLLM

export async function probeLocalServers(model: string | undefined, ports = LOCAL_PORTS, timeoutMs = 300): Promise<ModelChoice | undefined> {
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
