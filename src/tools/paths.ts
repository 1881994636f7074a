import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';

/** Resolves a model-given path against the working directory (~ means home). */
export function resolvePath(cwd: string, path: string): string {
  if (path === '~' || path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(cwd, path);
}
