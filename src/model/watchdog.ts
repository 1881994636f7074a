// Bounds on one model request, so a stalled connection is noticed and
// retried instead of waited on forever: no content for `idleMs`, or the whole
// request taking longer than `totalMs`. Either aborts the request's own
// signal, which closes the HTTP connection, whether it is still waiting for
// headers or reading the body.
import { StallError } from './retry.ts';

export interface RequestLimits {
  idleMs: number;
  totalMs: number;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

export class Watchdog {
  /** Aborts on the user's signal, on silence and on the overall deadline. */
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly idle: NodeJS.Timeout;
  private readonly total: NodeJS.Timeout;

  constructor(user: AbortSignal, limits: RequestLimits) {
    this.signal = AbortSignal.any([user, this.controller.signal]);
    const stop = (message: string) => () => this.controller.abort(new StallError(message));
    this.idle = setTimeout(stop(`no data from the provider for ${seconds(limits.idleMs)} (NANOCODE_STREAM_IDLE_TIMEOUT_MS)`), limits.idleMs);
    this.total = setTimeout(stop(`the response took longer than ${seconds(limits.totalMs)} (NANOCODE_REQUEST_TIMEOUT_MS)`), limits.totalMs);
  }

  /** Content arrived: the silence starts again. */
  alive(): void {
    this.idle.refresh();
  }

  /** Why the request was abandoned, if it was. */
  get stall(): StallError | undefined {
    const reason = this.controller.signal.reason;
    return reason instanceof StallError ? reason : undefined;
  }

  dispose(): void {
    clearTimeout(this.idle);
    clearTimeout(this.total);
  }
}
