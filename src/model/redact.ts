// Provider error messages can echo the request's key (a 401 that quotes it):
// every message the model layer passes on is redacted first. Each model
// remembers its own key, which may come from a file rather than the
// environment.
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { makeRedactor } from '../safety/secrets.ts';

type Redact = (text: string) => string;

const byModel = new WeakMap<LanguageModelV4, Redact>();
let fallback: Redact | undefined;

/** Registers the key a model sends, under the variable name the user knows it by. */
export function rememberKey(model: LanguageModelV4, keyName: string, key: string | undefined): void {
  byModel.set(model, makeRedactor({ ...process.env, ...(key && { [keyName]: key }) }));
}

export function redactorFor(model: LanguageModelV4): Redact {
  const known = byModel.get(model);
  if (known) return known;
  fallback ??= makeRedactor(process.env);
  return fallback;
}
