// One model step: stream a response, retrying failed requests, and assemble
// the assistant message. Deltas are yielded live as AgentEvents.
import type { LanguageModelV4, LanguageModelV4StreamPart, LanguageModelV4Usage } from '@ai-sdk/provider';
import type { RetryConfig } from '../config/config.ts';
import type { AgentEvent } from '../protocol/events.ts';
import type { AssistantMessage, Message, ProviderMetadata, ReasoningPart, TextPart, Usage } from '../protocol/messages.ts';
import { emptyUsage } from '../protocol/messages.ts';
import type { Tool } from '../protocol/tool.ts';
import { toFunctionTools, toPrompt } from './convert.ts';
import { redactorFor } from './redact.ts';
import { backoffMs, classify, type Failure, RetryBudget, StreamError } from './retry.ts';
import { Watchdog } from './watchdog.ts';

export interface StepRequest {
  model: LanguageModelV4;
  system: string;
  messages: Message[];
  tools: Tool[];
  signal: AbortSignal;
  maxOutputTokens?: number;
  retry: RetryConfig;
}

export interface StepResult {
  message: AssistantMessage;
  usage: Usage;
  finishReason: string;
  /** Tool call ids whose arguments were not valid JSON, with the raw text. */
  badArgs: Map<string, string>;
}

/** A provider failure that retrying did not (or could not) fix. */
export class ProviderError extends Error {
  readonly status?: number;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

/** A reply with neither text nor tool calls; worth one more try. */
const EMPTY_REPLY = 'the model sent an empty reply (no text and no tool calls)';
const EMPTY_RETRIES = 1;

export async function* streamStep(req: StepRequest): AsyncGenerator<AgentEvent, StepResult> {
  const cache = req.model.provider.startsWith('anthropic');
  const prompt = toPrompt(req.system, req.messages, cache);
  const tools = req.tools.length ? toFunctionTools(req.tools, cache) : undefined;
  const redact = redactorFor(req.model);
  const limits = { idleMs: req.retry.idleTimeoutMs, totalMs: req.retry.requestTimeoutMs };
  const budget = new RetryBudget();
  for (let attempt = 1; ; attempt++) {
    const step = new StepBuilder();
    const watchdog = new Watchdog(req.signal, limits);
    let failure: Failure;
    try {
      const { stream } = await req.model.doStream({ prompt, tools, abortSignal: watchdog.signal, maxOutputTokens: req.maxOutputTokens });
      for await (const part of stream as AsyncIterable<LanguageModelV4StreamPart>) {
        if (!METADATA.has(part.type)) watchdog.alive();
        const event = step.add(part);
        if (event) yield event;
      }
      const result = step.finish();
      if (!isEmpty(result)) return result;
      failure = { retryable: true, message: EMPTY_REPLY, limit: { kind: 'empty', retries: EMPTY_RETRIES } };
    } catch (err) {
      if (req.signal.aborted) throw err;
      failure = classify(watchdog.stall ?? err);
    } finally {
      watchdog.dispose();
    }
    const message = redact(failure.message);
    const { retry, maxAttempts } = budget.allows(attempt, failure);
    if (!retry) {
      const tries = attempt > 1 ? ` (after ${attempt} attempts)` : '';
      throw new ProviderError(message + tries, failure.status);
    }
    const delayMs = backoffMs(attempt, failure, req.retry.baseMs);
    yield { type: 'retry', attempt, maxAttempts, delayMs, message };
    await sleep(delayMs, req.signal);
  }
}

/**
 * Parts that say nothing about the model's progress. Keep-alive comments and
 * `ping` events never get this far: the SDKs drop them, so silence is silence.
 */
const METADATA = new Set<string>(['stream-start', 'response-metadata', 'raw']);

/** No text and no tool calls, and not cut off by the token limit (the loop asks to continue then). */
function isEmpty(r: StepResult): boolean {
  return r.finishReason !== 'length' && !r.message.content.some((p) => p.type === 'tool_call' || (p.type === 'text' && p.text.trim()));
}

/** Accumulates stream parts into an assistant message. */
class StepBuilder {
  private content: AssistantMessage['content'] = [];
  private usage = emptyUsage();
  private finishReason = 'unknown';
  private sawFinish = false;
  private badArgs = new Map<string, string>();

  add(part: LanguageModelV4StreamPart): AgentEvent | undefined {
    switch (part.type) {
      case 'text-delta':
        if (!part.delta) return;
        this.append('text', part.delta);
        return { type: 'text_delta', text: part.delta };
      case 'reasoning-start':
      case 'reasoning-delta':
      case 'reasoning-end': {
        const delta = part.type === 'reasoning-delta' ? part.delta : '';
        const r = this.append('reasoning', delta, part.type === 'reasoning-start') as ReasoningPart;
        if (part.providerMetadata) r.providerMetadata = { ...r.providerMetadata, ...(part.providerMetadata as ProviderMetadata) };
        return delta ? { type: 'reasoning_delta', text: delta } : undefined;
      }
      case 'tool-call': {
        if (part.providerExecuted) return;
        let args: unknown = {};
        if (part.input.trim()) {
          try {
            args = JSON.parse(part.input);
          } catch {
            this.badArgs.set(part.toolCallId, part.input);
          }
        }
        this.content.push({
          type: 'tool_call',
          id: part.toolCallId,
          name: part.toolName,
          args,
          ...(part.providerMetadata && { providerMetadata: part.providerMetadata as ProviderMetadata }),
        });
        return;
      }
      case 'finish':
        this.sawFinish = true;
        this.usage = toUsage(part.usage);
        this.finishReason = part.finishReason.unified;
        return;
      case 'error':
        throw new StreamError(part.error);
    }
  }

  finish(): StepResult {
    // A stream that ends without a finish event was cut off.
    if (!this.sawFinish) throw new StreamError(new Error('stream ended before the response was complete (terminated)'));
    const content = this.content.filter((p) => p.type === 'tool_call' || p.text !== '' || (p.type === 'reasoning' && p.providerMetadata));
    return { message: { role: 'assistant', content }, usage: this.usage, finishReason: this.finishReason, badArgs: this.badArgs };
  }

  private append(type: 'text' | 'reasoning', delta: string, fresh = false): TextPart | ReasoningPart {
    const last = this.content.at(-1);
    if (!fresh && last?.type === type) {
      last.text += delta;
      return last;
    }
    const part = { type, text: delta };
    this.content.push(part);
    return part;
  }
}

function toUsage(u: LanguageModelV4Usage): Usage {
  return {
    input: u.inputTokens.total ?? 0,
    output: u.outputTokens.total ?? 0,
    reasoning: u.outputTokens.reasoning ?? 0,
    cacheRead: u.inputTokens.cacheRead ?? 0,
    cacheWrite: u.inputTokens.cacheWrite ?? 0,
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
