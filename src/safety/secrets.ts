// Credentials must not leak into commands the model runs (or, later, into
// logs and sessions): variables whose names look secret are held back.

export const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD/i;

/** The environment for child processes, without secret-looking variables except those allowed. */
export function commandEnv(env: NodeJS.ProcessEnv, allowed: readonly string[] = []): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !SECRET_NAME.test(k) || allowed.includes(k)));
}

/** Strings shaped like well-known API keys and tokens. */
const KEY_SHAPES = [
  /\bsk-ant-[A-Za-z0-9_-]{16,}/g,
  /\bsk-(?:proj-|or-v1-)?[A-Za-z0-9_-]{20,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{30,}/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}/g,
  /\bgsk_[A-Za-z0-9]{20,}/g,
  /\bxai-[A-Za-z0-9]{20,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*/g,
];

/**
 * Removes secrets from text bound for logs and session files: the values of
 * secret-named environment variables, and key-shaped strings.
 */
export function makeRedactor(env: NodeJS.ProcessEnv): (text: string) => string {
  const values = Object.entries(env)
    .filter(([k, v]) => SECRET_NAME.test(k) && v && v.length >= 8)
    .map(([k, v]) => [k, v!] as const)
    .sort((a, b) => b[1].length - a[1].length);
  return (text) => {
    let out = text;
    for (const [name, value] of values) {
      if (out.includes(value)) out = out.split(value).join(`[REDACTED:${name}]`);
      // The same value as it appears inside a JSON string.
      const escaped = JSON.stringify(value).slice(1, -1);
      if (escaped !== value && out.includes(escaped)) out = out.split(escaped).join(`[REDACTED:${name}]`);
    }
    for (const shape of KEY_SHAPES) out = out.replace(shape, '[REDACTED]');
    return out;
  };
}
