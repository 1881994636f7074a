// Per-file bookkeeping shared by the file tools: what the model last saw of a
// file (to refuse edits of files changed behind its back), and a lock so two
// writes to one file never interleave.
import { stat } from 'node:fs/promises';
import type { ToolState } from '../protocol/tool.ts';

export async function markSeen(state: ToolState, abs: string): Promise<void> {
  const s = await stat(abs).catch(() => undefined);
  if (s) state.seen.set(abs, s.mtimeMs);
}

/** A refusal message when the file changed on disk since the model last read or wrote it. */
export async function staleMessage(state: ToolState, abs: string, path: string): Promise<string | undefined> {
  const seen = state.seen.get(abs);
  if (seen === undefined) return undefined;
  const now = await stat(abs).then((s) => s.mtimeMs, () => undefined);
  if (now === seen) return undefined;
  return `${path} changed on disk since you last read it; read it again, then redo the edit.`;
}

const locks = new Map<string, Promise<unknown>>();

export function withFileLock<T>(abs: string, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(abs) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const settled = run.catch(() => undefined);
  locks.set(abs, settled);
  void settled.then(() => {
    if (locks.get(abs) === settled) locks.delete(abs);
  });
  return run;
}
