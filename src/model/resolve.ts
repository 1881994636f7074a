// Turns a ModelChoice into an AI SDK language model. Each provider SDK is
// imported only when used, so startup pays for one provider at most.
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { keyVarsOf, type ModelChoice } from '../config/providers.ts';
import { rememberKey } from './redact.ts';

/** `redact`: the configuration's redactor, for the provider's error messages. */
export async function createModel(choice: ModelChoice, redact: (text: string) => string, fetchImpl?: typeof fetch): Promise<LanguageModelV4> {
  const model = await sdkModel(choice, fetchImpl);
  rememberKey(model, keyVarsOf(choice.provider)[0], choice.apiKey, redact);
  return model;
}

async function sdkModel(choice: ModelChoice, fetchImpl?: typeof fetch): Promise<LanguageModelV4> {
  const { model, apiKey, baseURL } = choice;
  const common = { apiKey, baseURL, fetch: fetchImpl };
  switch (choice.provider) {
    case 'openai-compatible':
      return compatible('openai-compatible', model, apiKey, baseURL!, fetchImpl);
    case 'openai': {
      const { createOpenAI } = await import('@ai-sdk/openai');
      return createOpenAI(common).chat(model);
    }
    case 'anthropic': {
      const { createAnthropic } = await import('@ai-sdk/anthropic');
      return createAnthropic(common)(model);
    }
    case 'google': {
      const { createGoogleGenerativeAI } = await import('@ai-sdk/google');
      return createGoogleGenerativeAI(common)(model);
    }
    case 'groq': {
      const { createGroq } = await import('@ai-sdk/groq');
      return createGroq(common)(model);
    }
    case 'deepseek': {
      const { createDeepSeek } = await import('@ai-sdk/deepseek');
      return createDeepSeek(common)(model);
    }
    case 'xai': {
      const { createXai } = await import('@ai-sdk/xai');
      return createXai(common)(model);
    }
    case 'openrouter': {
      const { createOpenRouter } = await import('@openrouter/ai-sdk-provider');
      return createOpenRouter({ apiKey, baseURL, fetch: fetchImpl }).chat(model) as unknown as LanguageModelV4;
    }
    case 'opencode':
    case 'opencode-go': {
      // OpenCode serves Claude models on the Messages API, the rest on Chat Completions.
      if (/^claude/.test(model)) {
        const { createAnthropic } = await import('@ai-sdk/anthropic');
        return createAnthropic(common)(model);
      }
      return compatible(choice.provider, model, apiKey, baseURL!, fetchImpl);
    }
  }
}

async function compatible(name: string, model: string, apiKey: string | undefined, baseURL: string, fetchImpl?: typeof fetch) {
  const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
  return createOpenAICompatible({ name, baseURL, apiKey, includeUsage: true, fetch: fetchImpl }).chatModel(model);
}
