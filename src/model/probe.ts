// With no key configured, look for a local OpenAI-compatible server.
import type { ModelChoice } from '../config/providers.ts';

export const LOCAL_PORTS = [11434, 1234, 8080, 8000]; // Ollama, LM Studio, llama.cpp, vLLM

export async function probeLocalServers(model: string | undefined, ports = LOCAL_PORTS, timeoutMs = 300): Promise<ModelChoice | undefined> {
  const signal = AbortSignal.timeout(timeoutMs);
  const answers = await Promise.all(
    ports.map(async (port) => {
      const baseURL = `http://127.0.0.1:${port}/v1`;
      try {
        const res = await fetch(`${baseURL}/models`, { signal });
        if (!res.ok) return undefined;
        const body = (await res.json()) as { data?: Array<{ id?: unknown }> };
        const first = body.data?.find((m) => typeof m.id === 'string')?.id as string | undefined;
        if (!model && !first) return undefined;
        return { provider: 'openai-compatible', model: model ?? first!, baseURL } satisfies ModelChoice;
      } catch {
        return undefined;
      }
    }),
  );
  return answers.find((a) => a !== undefined);
}
