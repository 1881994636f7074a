// Known models: context window and price per million tokens (USD). Unknown
// models get the default window and no price (tokens are still counted).
import type { Usage } from '../protocol/messages.ts';

export interface ModelInfo {
  contextWindow: number;
  /** USD per million tokens. */
  price?: { input: number; output: number; cacheRead?: number; cacheWrite?: number };
}

const CATALOG: Array<[RegExp, ModelInfo]> = [
  [/claude-(opus-4-[5-9]|opus-5)/, { contextWindow: 200_000, price: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 } }],
  [/claude-opus/, { contextWindow: 200_000, price: { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 } }],
  [/claude-sonnet/, { contextWindow: 200_000, price: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } }],
  [/claude-haiku/, { contextWindow: 200_000, price: { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 } }],
  [/gpt-5(\.\d)?-mini/, { contextWindow: 400_000, price: { input: 0.25, output: 2, cacheRead: 0.025 } }],
  [/gpt-5/, { contextWindow: 400_000, price: { input: 1.25, output: 10, cacheRead: 0.125 } }],
  [/gpt-4\.1/, { contextWindow: 1_047_576, price: { input: 2, output: 8, cacheRead: 0.5 } }],
  [/gpt-4o-mini/, { contextWindow: 128_000, price: { input: 0.15, output: 0.6, cacheRead: 0.075 } }],
  [/gpt-4o/, { contextWindow: 128_000, price: { input: 2.5, output: 10, cacheRead: 1.25 } }],
  [/gemini-[23].*pro/, { contextWindow: 1_048_576, price: { input: 2, output: 12, cacheRead: 0.2 } }],
  [/gemini-[23].*flash/, { contextWindow: 1_048_576, price: { input: 0.5, output: 3, cacheRead: 0.05 } }],
  [/deepseek-(chat|reasoner)/, { contextWindow: 128_000, price: { input: 0.28, output: 0.42, cacheRead: 0.028 } }],
  [/grok-code-fast/, { contextWindow: 256_000, price: { input: 0.2, output: 1.5, cacheRead: 0.02 } }],
  [/grok-4/, { contextWindow: 256_000, price: { input: 3, output: 15, cacheRead: 0.75 } }],
  [/gpt-oss-120b/, { contextWindow: 131_072, price: { input: 0.15, output: 0.6 } }],
  [/qwen3-coder/, { contextWindow: 262_144 }],
  [/kimi-k2/, { contextWindow: 262_144 }],
];

export const DEFAULT_CONTEXT_WINDOW = 128_000;

/** `contextWindow`: the configured window, which overrides the catalog's. */
export function modelInfo(model: string, contextWindow?: number): ModelInfo {
  const known = CATALOG.find(([re]) => re.test(model))?.[1];
  return { contextWindow: contextWindow ?? known?.contextWindow ?? DEFAULT_CONTEXT_WINDOW, price: known?.price };
}

/** Cost in USD, or undefined when the model's price is unknown. */
export function costOf(usage: Usage, info: ModelInfo): number | undefined {
  const p = info.price;
  if (!p) return undefined;
  const freshInput = Math.max(0, usage.input - usage.cacheRead - usage.cacheWrite);
  return (
    (freshInput * p.input +
      usage.cacheRead * (p.cacheRead ?? p.input) +
      usage.cacheWrite * (p.cacheWrite ?? p.input) +
      usage.output * p.output) /
    1e6
  );
}
