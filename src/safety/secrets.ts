// Credentials must not leak into commands the model runs (or, later, into
// logs and sessions): variables whose names look secret are held back.

export const SECRET_NAME = /KEY|SECRET|TOKEN|PASSW(OR)?D|PASSPHRASE|CREDENTIAL|AUTH(?!OR)|COOKIE|_PASS$|_PWD$/i;

/** The environment for child processes, without secret-looking variables except those allowed. */
export function commandEnv(env: NodeJS.ProcessEnv, allowed: readonly string[] = []): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !SECRET_NAME.test(k) || allowed.includes(k)));
}

/** Starts a key: not inside a word, though right after an escape like \n in JSON is fine. */
const START = String.raw`(?:(?<![A-Za-z0-9])|(?<=\\[nrt]))`;

/** Strings shaped like well-known API keys and tokens. */
const KEY_SHAPES = [
  String.raw`sk-ant-[A-Za-z0-9_-]{16,}`,
  String.raw`sk-(?:proj-|or-v1-)?[A-Za-z0-9_-]{20,}`,
  String.raw`gh[pousr]_[A-Za-z0-9]{30,}`,
  String.raw`github_pat_[A-Za-z0-9_]{30,}`,
  String.raw`xox[abposr]-[A-Za-z0-9-]{10,}`,
  String.raw`AKIA[0-9A-Z]{16}`,
  String.raw`AIza[0-9A-Za-z_-]{35}`,
  String.raw`gsk_[A-Za-z0-9]{20,}`,
  String.raw`xai-[A-Za-z0-9]{20,}`,
  String.raw`Bearer\s+[A-Za-z0-9._~+/-]{20,}=*`,
].map((shape) => new RegExp(START + shape, 'g'));

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
