// Credentials must not leak into commands the model runs (or, later, into
// logs and sessions): variables whose names look secret are held back.

export const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD/i;

/** The environment for child processes, without secret-looking variables except those allowed. */
export function commandEnv(env: NodeJS.ProcessEnv, allowed: readonly string[] = []): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !SECRET_NAME.test(k) || allowed.includes(k)));
}
