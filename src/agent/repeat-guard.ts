// Doom-loop guard: a model that keeps making the same failing call is told to
// change approach; one that makes the same call five times in a row and gets
// the same result each time is stuck. Polling (`sleep 5; tail build.log`
// while the log grows) gets a new result each time and goes on.

export const WARN_AFTER_FAILURES = 3;
export const STOP_AFTER_REPEATS = 5;

export interface Verdict {
  /** Appended to the tool result the model sees. */
  note?: string;
  /** Set when the model is stuck: what it keeps doing. */
  stuck?: string;
}

export class RepeatGuard {
  private lastCall?: string;
  private lastResult?: string;
  private repeats = 0;
  private failures = 0;

  /** `result` is what the tool returned, before any note of this guard. */
  record(name: string, args: unknown, result: string, isError: boolean): Verdict {
    const call = `${name} ${JSON.stringify(args)}`;
    if (call !== this.lastCall) [this.lastCall, this.lastResult, this.repeats, this.failures] = [call, undefined, 0, 0];
    this.repeats = result === this.lastResult ? this.repeats + 1 : 1;
    this.lastResult = result;
    this.failures = isError ? this.failures + 1 : 0;
    if (this.repeats >= STOP_AFTER_REPEATS) {
      const repeats = this.repeats;
      // If the user lets it go on, the count starts again.
      this.repeats = 0;
      return { stuck: `made the same call ${repeats} times in a row with the same result: ${call.slice(0, 300)}` };
    }
    if (this.failures >= WARN_AFTER_FAILURES) {
      return {
        note: `[This exact call has now failed ${this.failures} times in a row. Do not repeat it: read the error, check your assumptions, and change your approach.]`,
      };
    }
    return {};
  }
}
