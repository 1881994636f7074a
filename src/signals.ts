// SIGINT, SIGTERM and SIGHUP (a closed terminal) end nanocode the same way in
// every frontend, as Ctrl-C does: the run is cancelled (which kills the
// running command's processes), it gets a moment to finish so the session
// records how it ended, and the exit code is 128 + the signal's number. The
// shells' exit hook kills whatever is left. A second signal exits at once, as
// does a signal before a frontend runs.

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
export type EndSignal = keyof typeof EXIT_CODES;

/** How long the cancelled run may take to wind up before nanocode exits anyway. */
const GRACE_MS = 2000;

export interface Ending {
  /** Stops the frontend's work; set once a frontend runs. */
  cancel?: () => void;
  /** The signal that is ending nanocode, once one has arrived. */
  readonly signal: EndSignal | undefined;
  /** 128 + the signal's number, once one has arrived. */
  readonly exitCode: number | undefined;
  /** Ends as if `signal` had arrived (say, the terminal is gone). */
  end(signal: EndSignal): void;
}

export function endOnSignals(): Ending {
  let received: EndSignal | undefined;
  const ending: Ending = {
    get signal() {
      return received;
    },
    get exitCode() {
      return received && EXIT_CODES[received];
    },
    end(signal) {
      if (received || !ending.cancel) process.exit(EXIT_CODES[signal]);
      received = signal;
      ending.cancel();
      setTimeout(() => process.exit(EXIT_CODES[signal]), GRACE_MS);
    },
  };
  for (const signal of Object.keys(EXIT_CODES) as EndSignal[]) process.on(signal, () => ending.end(signal));
  return ending;
}
