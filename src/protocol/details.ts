// What a person sees of a tool result, typed: the frontends render these and
// never re-parse the text the model gets.

/** A bash command: how it ended and how much it printed. */
export interface BashDetails {
  kind: 'bash';
  /** null when the command did not exit by itself (killed by a signal, a timeout or the user). */
  exitCode: number | null;
  signal?: string;
  durationMs: number;
  /** Lines in the whole output, however much of it the model got. */
  lines: number;
  /** The model got the head and the tail only. */
  truncated: boolean;
  /** Where the whole output was saved, when it was cut. */
  fullOutputPath?: string;
  killed?: 'timeout' | 'abort';
}

/** A change to files: edit, write, apply_patch. */
export interface DiffDetails {
  kind: 'diff';
  /** The (first) file changed. */
  path: string;
  /** A unified diff. */
  diff: string;
  /** The first changed line in the new file, 1-based, for jumping to it. */
  firstChangedLine?: number;
  /** Every file changed, when there are several. */
  files?: string[];
}

export type ToolDetails = BashDetails | DiffDetails;

/** How a command ended, in words: "exit code 0", "killed: timed out", ... */
export function bashStatus(d: BashDetails): string {
  if (d.killed) return d.killed === 'timeout' ? 'killed: timed out' : 'killed: cancelled by the user';
  return d.exitCode !== null ? `exit code ${d.exitCode}` : `killed by ${d.signal ?? 'a signal'}`;
}
