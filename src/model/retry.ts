// Which provider failures are worth retrying, and how long to wait.
import { APICallError } from '@ai-sdk/provider';

export const MAX_RETRIES = 5;
/** A refused connection means nothing is listening: waiting rarely helps. */
const REFUSED_RETRIES = 2;

export interface Failure {
  retryable: boolean;
  /** A kind of failure that gets fewer retries than MAX_RETRIES, and how many. */
  limit?: { kind: string; retries: number };
  /** The provider's own words, with the HTTP status when there is one. */
  message: string;
  /** From Retry-After (or Gemini's RetryInfo), when the server said. */
  retryAfterMs?: number;
  status?: number;
}

/** An error event inside an otherwise successful (HTTP 200) stream. */
export class StreamError extends Error {
  readonly payload: unknown;
  constructor(payload: unknown) {
    super(providerMessage(payload) ?? (payload instanceof Error ? payload.message : String(payload)));
    this.payload = payload;
  }
}

/** The request was abandoned by nanocode itself: no data, or too slow overall. Always retried. */
export class StallError extends Error {}

const NETWORK = /terminated|fetch failed|socket|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|other side closed|network|premature close|aborted/i;

export function classify(err: unknown): Failure {
  // A 2xx "error" is a body that broke off while it was being read.
  if (APICallError.isInstance(err) && err.statusCode !== undefined && err.statusCode < 300) {
    return { retryable: true, message: `the connection broke while the response was being read: ${describe(err.cause)}` };
  }
  if (APICallError.isInstance(err) && err.statusCode !== undefined) {
    const status = err.statusCode;
    const message = `HTTP ${status}: ${providerMessage(err.responseBody) ?? err.message}`;
    // A 429 for an exhausted quota or budget will not clear by waiting.
    const exhausted = /insufficient_quota|billing/.test(errorType(err.responseBody) ?? '');
    const retryable = !exhausted && (status === 408 || status === 409 || status === 429 || status >= 500);
    return { retryable, message, status, retryAfterMs: retryAfter(err.responseHeaders, err.responseBody) };
  }
  if (err instanceof StreamError) {
    const type = errorType(err.payload);
    const fatal = type !== undefined && /authentication|permission|not_found|billing/.test(type);
    return { retryable: !fatal, message: `stream error: ${err.message}` };
  }
  if (err instanceof StallError) return { retryable: true, message: err.message };
  const text = describe(err);
  const refused = causes(err).some((e) => (e as { code?: unknown }).code === 'ECONNREFUSED');
  return { retryable: NETWORK.test(text), message: text, ...(refused && { limit: { kind: 'refused', retries: REFUSED_RETRIES } }) };
}

function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e instanceof Error && !chain.includes(e); e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

/** The message with its cause's, unless the message already says it. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error && !err.message.includes(cause.message) ? `${err.message} (${cause.message})` : err.message;
}

const TOO_LONG =
  /context.?length|context.?window|maximum context|too many tokens|(prompt|input|request|message|payload)s? (is |was )?too (long|large)|entity too large|token limit|exceeds? the (max|limit)/i;

/**
 * A provider error that says the request was too long for the model (a 413,
 * or an error whose words say so): compacting the history can fix it.
 */
export function isContextOverflow(err: unknown): boolean {
  const e = err as { status?: unknown; statusCode?: unknown; message?: unknown } | undefined;
  if ((e?.status ?? e?.statusCode) === 413) return true;
  return typeof e?.message === 'string' && TOO_LONG.test(e.message);
}

/** Counts the retries of one request; a kind of failure with a limit of its own is counted apart. */
export class RetryBudget {
  private readonly spent = new Map<string, number>();

  /** Whether this failure gets another attempt, and the most retries it allows from here. */
  allows(attempt: number, failure: Failure): { retry: boolean; maxAttempts: number } {
    const kind = failure.limit?.kind;
    const limit = failure.limit?.retries ?? MAX_RETRIES;
    const used = kind === undefined ? attempt : (this.spent.get(kind) ?? 0) + 1;
    if (kind !== undefined) this.spent.set(kind, used);
    return { retry: failure.retryable && used <= limit && attempt <= MAX_RETRIES, maxAttempts: Math.min(MAX_RETRIES, attempt - used + limit) };
  }
}

/** Exponential backoff with jitter, unless the server said how long to wait. */
export function backoffMs(attempt: number, failure: Failure, baseMs: number): number {
  if (failure.retryAfterMs !== undefined) return Math.min(failure.retryAfterMs, 120_000);
  const exp = Math.min(baseMs * 2 ** (attempt - 1), 30_000);
  return Math.round(exp * (0.75 + Math.random() * 0.5));
}

function retryAfter(headers: Record<string, string> | undefined, body: string | undefined): number | undefined {
  const ms = headers?.['retry-after-ms'];
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const h = headers?.['retry-after'];
  if (h) {
    if (Number.isFinite(Number(h))) return Number(h) * 1000;
    const date = Date.parse(h);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  // Gemini puts it in the body: details[].retryDelay = "12s".
  const delay = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(body ?? '');
  return delay ? Number(delay[1]) * 1000 : undefined;
}

function parse(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The message inside OpenAI, Anthropic, Gemini and OpenRouter error bodies. */
function providerMessage(body: unknown): string | undefined {
  const data = parse(body) as { error?: { message?: unknown; metadata?: { raw?: unknown } } | string; message?: unknown } | undefined;
  if (!data || typeof data !== 'object') return typeof body === 'string' && body.trim() ? body.trim().slice(0, 500) : undefined;
  if (typeof data.error === 'string') return data.error;
  // OpenRouter wraps the upstream provider's words in metadata.raw.
  const raw = data.error?.metadata?.raw;
  if (typeof data.error?.message === 'string') return typeof raw === 'string' ? `${data.error.message}: ${raw}` : data.error.message;
  if (typeof data.message === 'string') return data.message;
  return undefined;
}

function errorType(payload: unknown): string | undefined {
  const data = parse(payload) as { error?: { type?: unknown; code?: unknown } } | undefined;
  const t = data?.error?.type ?? data?.error?.code;
  return typeof t === 'string' ? t : undefined;
}
