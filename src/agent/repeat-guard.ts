// Doom-loop guard: a model that keeps making the same failing call is told to
// change approach; one that makes the same call five times in a row is stopped.

export const WARN_AFTER_FAILURES = 3;
export const STOP_AFTER_REPEATS = 5;

export interface Verdict {
  /** Appended to the tool result the model sees. */
  note?: string;
  /** Set when the run must stop, with the reason. */
  stop?: string;
}

export class RepeatGuard {
  private lastKey?: string;
  private repeats = 0;
  private failures = 0;

  record(name: string, args: unknown, isError: boolean): Verdict {
    const key = `${name} ${JSON.stringify(args)}`;
    if (key === this.lastKey) this.repeats++;
    else [this.lastKey, this.repeats, this.failures] = [key, 1, 0];
    this.failures = isError ? this.failures + 1 : 0;
    if (this.repeats >= STOP_AFTER_REPEATS) {
      return { stop: `Stopped: the model made the same call ${this.repeats} times in a row: ${key.slice(0, 300)}` };
    }
    if (this.failures >= WARN_AFTER_FAILURES) {
      return {
        note: `[This exact call has now failed ${this.failures} times in a row. Do not repeat it: read the error, check your assumptions, and change your approach.]`,
      };
    }
    return {};
  }
}
