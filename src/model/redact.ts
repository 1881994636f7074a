// Provider error messages can echo the request's key (a 401 that quotes it):
// every message the model layer passes on is redacted first, with the
// configuration's redactor. Each model also remembers its own key, which may
// come from a file rather than the environment.
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { makeRedactor } from '../safety/secrets.ts';

type Redact = (text: string) => string;

const byModel = new WeakMap<LanguageModelV4, Redact>();
let fallback: Redact | undefined;

/** Registers the key a model sends, under the variable name the user knows it by, on top of `redact`. */
export function rememberKey(model: LanguageModelV4, keyName: string, key: string | undefined, redact: Redact): void {
  const keyOnly = makeRedactor(key ? { [keyName]: key } : {});
  byModel.set(model, (text) => redact(keyOnly(text)));
}

/** A model made elsewhere (a test's) still has key-shaped strings removed. */
export function redactorFor(model: LanguageModelV4): Redact {
  return byModel.get(model) ?? (fallback ??= makeRedactor({}));
}
