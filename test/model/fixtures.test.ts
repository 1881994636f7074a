// Recorded provider streams from test/fixtures/providers replay through
// our client (the AI SDK provider plus streamStep) into the right text,
// reasoning and tool calls; recorded errors give the right retry or message.
// The expected values come from reading each recording independently.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { ModelChoice, ProviderId } from '../../src/config/providers.ts';
import { createModel } from '../../src/model/resolve.ts';
import { streamStep } from '../../src/model/stream.ts';
import type { AgentEvent } from '../../src/protocol/events.ts';
import { type RecordedResponse, startReplayServer } from '../support/replay-server.ts';

const RETRY = { baseMs: 5, idleTimeoutMs: 120_000, requestTimeoutMs: 600_000 };

const DIR = resolve(import.meta.dirname, '../fixtures/providers');
const read = (f: string) => readFileSync(join(DIR, f), 'utf8');

type Format = 'chat' | 'anthropic' | 'google' | 'responses';
interface Expected {
  text: string;
  reasoning: string;
  calls: Array<{ name: string; args: unknown }>;
}

/** Adds SSE framing to a .chunks.txt recording (one JSON event per line). */
function frame(chunks: string, format: Format): string {
  const lines = chunks.split('\n').filter((l) => l.trim());
  if (format === 'anthropic') return lines.map((l) => `event: ${JSON.parse(l).type}\ndata: ${l}\n\n`).join('');
  return lines.map((l) => `data: ${l}\n\n`).join('') + (format === 'chat' ? 'data: [DONE]\n\n' : '');
}

function eventsOf(body: string): any[] {
  return body
    .split('\n')
    .filter((l) => l.startsWith('data:') && !l.includes('[DONE]'))
    .map((l) => JSON.parse(l.slice(5)));
}

/** What the recording says was sent, read straight from its events. */
function expected(body: string, format: Format): Expected {
  const out: Expected = { text: '', reasoning: '', calls: [] };
  const calls = new Map<string | number, { name: string; args: string }>();
  const blocks = new Map<number, string>();
  for (const e of eventsOf(body)) {
    if (format === 'chat') {
      const d = e.choices?.[0]?.delta ?? {};
      if (typeof d.content === 'string') out.text += d.content;
      out.reasoning += d.reasoning_content ?? d.reasoning ?? '';
      for (const tc of d.tool_calls ?? []) {
        const key = tc.index ?? tc.id;
        const c = calls.get(key) ?? { name: '', args: '' };
        c.name += tc.function?.name ?? '';
        c.args += tc.function?.arguments ?? '';
        calls.set(key, c);
      }
    } else if (format === 'anthropic') {
      if (e.type === 'content_block_start') {
        blocks.set(e.index, e.content_block.type);
        if (e.content_block.type === 'tool_use') calls.set(e.index, { name: e.content_block.name, args: '' });
      }
      if (e.type === 'content_block_delta') {
        if (e.delta.type === 'text_delta') out.text += e.delta.text;
        if (e.delta.type === 'thinking_delta') out.reasoning += e.delta.thinking;
        if (e.delta.type === 'input_json_delta' && blocks.get(e.index) === 'tool_use') calls.get(e.index)!.args += e.delta.partial_json;
      }
    } else if (format === 'google') {
      for (const p of e.candidates?.[0]?.content?.parts ?? []) {
        if (typeof p.text === 'string') p.thought ? (out.reasoning += p.text) : (out.text += p.text);
        if (p.functionCall) calls.set(calls.size, { name: p.functionCall.name, args: JSON.stringify(p.functionCall.args ?? {}) });
      }
    } else {
      if (e.type === 'response.output_text.delta') out.text += e.delta;
      if (e.type === 'response.reasoning_summary_text.delta') out.reasoning += e.delta;
      if (e.type === 'response.output_item.done' && e.item.type === 'function_call') calls.set(e.item.id, { name: e.item.name, args: e.item.arguments });
    }
  }
  const parse = (args: string) => {
    try {
      return args.trim() ? JSON.parse(args) : {};
    } catch {
      return args; // incomplete, as in a cut-off stream
    }
  };
  out.calls = [...calls.values()].map((c) => ({ name: c.name, args: parse(c.args) }));
  return out;
}

const BASE_PATH: Partial<Record<ProviderId, string>> = { google: '/v1beta' };

/** With `stopAtRetry`, cancels at the first retry instead of waiting it out. */
async function replay(provider: ProviderId, responses: RecordedResponse[], stopAtRetry = false) {
  const server = await startReplayServer(responses);
  const controller = new AbortController();
  try {
    const choice: ModelChoice = { provider, model: 'recorded-model', apiKey: 'test-key', baseURL: `${server.url}${BASE_PATH[provider] ?? '/v1'}` };
    const model = await createModel(choice, (text) => text);
    const events: AgentEvent[] = [];
    const gen = streamStep({ model, system: 'sys', messages: [{ role: 'user', content: 'hi' }], tools: [], signal: controller.signal, retry: RETRY });
    let result;
    let error: Error | undefined;
    try {
      for (;;) {
        const n = await gen.next();
        if (n.done) {
          result = n.value;
          break;
        }
        events.push(n.value);
        if (stopAtRetry && n.value.type === 'retry') controller.abort();
      }
    } catch (err) {
      error = err as Error;
    }
    const text = events.flatMap((e) => (e.type === 'text_delta' ? [e.text] : [])).join('');
    const reasoning = events.flatMap((e) => (e.type === 'reasoning_delta' ? [e.text] : [])).join('');
    const calls = (result?.message.content ?? []).flatMap((p) => (p.type === 'tool_call' ? [{ name: p.name, args: p.args }] : []));
    return { text, reasoning, calls, result, error, retries: events.filter((e) => e.type === 'retry'), requests: server.requests };
  } finally {
    await server.close();
  }
}

const STREAMS: Array<[string, ProviderId, Format]> = [
  ['openai/chat-stream-text-with-usage.chunks.txt', 'openai', 'chat'],
  ['openai/chat-stream-tool-call-gpt-4o-mini.sse', 'openai', 'chat'],
  ['anthropic/messages-stream-basic.sse', 'anthropic', 'anthropic'],
  ['anthropic/messages-stream-text-then-tool-use.sse', 'anthropic', 'anthropic'],
  ['anthropic/messages-stream-tool-use-padded.sse', 'anthropic', 'anthropic'],
  ['anthropic/messages-stream-text.chunks.txt', 'anthropic', 'anthropic'],
  ['anthropic/messages-stream-thinking.chunks.txt', 'anthropic', 'anthropic'],
  ['anthropic/messages-stream-tool-use-input_json_delta.chunks.txt', 'anthropic', 'anthropic'],
  ['anthropic/messages-stream-text-then-tool-use-no-args.chunks.txt', 'anthropic', 'anthropic'],
  ['anthropic/messages-stream-message-delta-input-tokens.chunks.txt', 'anthropic', 'anthropic'],
  ['anthropic/messages-stream-thinking-context-editing.chunks.txt', 'anthropic', 'anthropic'],
  ['google/streamGenerateContent-text.chunks.txt', 'google', 'google'],
  ['google/streamGenerateContent-functionCall.chunks.txt', 'google', 'google'],
  ['google/streamGenerateContent-functionCall-thoughtSignature.chunks.txt', 'google', 'google'],
  ['google/streamGenerateContent-reasoning-text.chunks.txt', 'google', 'google'],
  ['google/streamGenerateContent-reasoning-gemini3.chunks.txt', 'google', 'google'],
  ['deepseek/chat-stream-text.chunks.txt', 'deepseek', 'chat'],
  ['deepseek/chat-stream-reasoning_content.sse', 'deepseek', 'chat'],
  ['deepseek/chat-stream-reasoning-then-tool-call.sse', 'deepseek', 'chat'],
  ['groq/chat-stream-text.chunks.txt', 'groq', 'chat'],
  ['groq/chat-stream-reasoning.sse', 'groq', 'chat'],
  ['groq/chat-stream-tool-call.sse', 'groq', 'chat'],
  ['xai/chat-stream-reasoning-text.chunks.txt', 'openai-compatible', 'chat'],
  ['xai/chat-stream-reasoning-then-tool-call.sse', 'openai-compatible', 'chat'],
  ['xai/chat-stream-tool-call-short.chunks.txt', 'openai-compatible', 'chat'],
  ['xai/responses-stream-reasoning-text.chunks.txt', 'xai', 'responses'],
  ['qwen/chat-stream-reasoning_content.chunks.txt', 'openai-compatible', 'chat'],
  ['qwen/chat-stream-tool-call.sse', 'openai-compatible', 'chat'],
  ['anthropic-openai-compat/chat-stream-tool-call-index1.sse', 'openai-compatible', 'chat'],
  ['mistral/chat-stream-text.chunks.txt', 'openai-compatible', 'chat'],
  ['azure/chat-stream-model-router-text.chunks.txt', 'openai-compatible', 'chat'],
];

describe('recorded streams replay into the right text, reasoning and tool calls', () => {
  it.each(STREAMS)('%s (%s)', async (file, provider, format) => {
    const raw = read(file);
    const body = file.endsWith('.sse') ? raw : frame(raw, format);
    const want = expected(body, format);
    const got = await replay(provider, [{ status: 200, body }]);
    expect(got.error).toBeUndefined();
    expect(got.text).toBe(want.text);
    expect(got.reasoning).toBe(want.reasoning);
    expect(got.calls).toEqual(want.calls);
    expect(want.text.length + want.reasoning.length + want.calls.length).toBeGreaterThan(0);
  });
});

/** Streaming bodies from pydantic-ai VCR cassettes. */
function cassette(file: string): RecordedResponse[] {
  const doc = parseYaml(read(file)) as { interactions: Array<{ response: any }> };
  return doc.interactions.map(({ response }) => ({
    status: response.status.code,
    headers: Object.fromEntries(Object.entries(response.headers ?? {}).filter(([k]) => k === 'retry-after').map(([k, v]) => [k, String((v as string[])[0])])),
    body: response.body?.string ?? JSON.stringify(response.parsed_body),
  }));
}

it('a tool call cut off by max_tokens is dropped and the step is marked cut off (the loop asks to continue)', async () => {
  const body = read('anthropic/messages-stream-max_tokens-truncated-tool-json.sse');
  const got = await replay('anthropic', [{ status: 200, body }]);
  expect(got.error).toBeUndefined();
  expect(['length', 'interrupted']).toContain(got.result?.finishReason);
  expect(got.calls).toEqual([]);
  expect(got.text).toBe(expected(body, 'anthropic').text);
});

describe('recorded cassettes', () => {
  it('OpenRouter reasoning stream', async () => {
    const [res] = cassette('openrouter/cassette-chat-stream-reasoning.yaml');
    const got = await replay('openrouter', [res]);
    const want = expected(res.body, 'chat');
    expect(got.error).toBeUndefined();
    expect(got.text).toBe(want.text);
    expect(got.reasoning.length).toBeGreaterThan(0);
  });

  it('DeepSeek reasoning_content stream', async () => {
    const [res] = cassette('deepseek/cassette-chat-stream-reasoning_content.yaml');
    const got = await replay('deepseek', [res]);
    const want = expected(res.body, 'chat');
    expect(got.text).toBe(want.text);
    expect(got.reasoning).toBe(want.reasoning);
    expect(want.reasoning.length).toBeGreaterThan(0);
  });

  it('OpenRouter 429 upstream rate limits are retried, then the provider message is reported', async () => {
    const recorded = cassette('openrouter/cassette-429-upstream-rate-limited.yaml');
    const got = await replay('openrouter', [...recorded, ...recorded, ...recorded]);
    expect(got.retries).toHaveLength(5);
    expect(got.error?.message).toMatch(/^HTTP 429: .*rate-limited upstream.*\(after 6 attempts\)$/);
  });

  it('an OpenRouter error in the middle of a stream is retried', async () => {
    const [res] = cassette('openrouter/cassette-chat-stream-mid-stream-error.yaml');
    const ok = frame(JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'fine' }, finish_reason: 'stop' }] }), 'chat');
    const got = await replay('openrouter', [res, { status: 200, body: ok }]);
    expect(got.retries).toHaveLength(1);
    expect(got.text.endsWith('fine')).toBe(true);
  });

  it('a Groq tool_use_failed error event in a 200 stream is retried', async () => {
    const [res] = cassette('groq/cassette-chat-stream-tool_use_failed-error.yaml');
    const ok = frame(JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'retried' }, finish_reason: 'stop' }] }), 'chat');
    const got = await replay('groq', [res, { status: 200, body: ok }]);
    expect(got.retries).toHaveLength(1);
    expect(got.retries[0]).toMatchObject({ message: expect.stringMatching(/tool/i) });
  });

  it('a Groq 400 tool_use_failed is reported, not retried', async () => {
    const [res] = cassette('groq/cassette-400-tool_use_failed.yaml');
    const got = await replay('groq', [res]);
    expect(got.retries).toHaveLength(0);
    expect(got.error?.message).toMatch(/^HTTP 400: Tool call validation failed: .*get_something_by_name/);
  });

  it('an Anthropic 400 about an unsupported effort is reported, not retried', async () => {
    const [res] = cassette('anthropic/cassette-400-invalid_request_error-effort.yaml');
    const got = await replay('anthropic', [res]);
    expect(got.retries).toHaveLength(0);
    expect(got.error?.message).toMatch(/^HTTP 400: .*effort/);
  });
});

/** anthropic-sdk-python inline snapshots: request/response pairs with real status codes. */
function snapshot(file: string): RecordedResponse[] {
  const pairs = JSON.parse(read(file)) as Array<{ response: { status_code: number; headers: Record<string, string>; body: unknown } }>;
  return pairs.map(({ response }) => ({
    status: response.status_code,
    headers: Object.fromEntries(Object.entries(response.headers).filter(([k]) => k === 'retry-after')),
    body: typeof response.body === 'string' ? response.body : JSON.stringify(response.body),
  }));
}

describe('recorded errors', () => {
  it('two real Anthropic 429s are retried, then the stream is read', async () => {
    const recorded = snapshot('anthropic/cassette-429-rate_limit_error-x2-then-stream.json');
    const got = await replay('anthropic', recorded);
    expect(got.retries).toHaveLength(2);
    expect(got.retries[0]).toMatchObject({ message: expect.stringMatching(/^HTTP 429: /) });
    expect(got.error).toBeUndefined();
    expect(got.text).toBe(expected(recorded[2].body, 'anthropic').text);
  });

  it.each([
    ['anthropic/error-429-rate_limit_error.json', 'anthropic', 429, true],
    ['anthropic/error-400-invalid_request_error-tool_result.json', 'anthropic', 400, false],
    ['openai/error-400-unsupported-parameter-max_tokens.json', 'openai', 400, false],
    ['openai/error-400-unsupported-parameter-temperature.json', 'openai', 400, false],
    ['openai/error-429-insufficient-quota.json', 'openai', 429, false],
  ] as Array<[string, ProviderId, number, boolean]>)('%s from %s: HTTP %i, retried: %s', async (file, provider, status, retried) => {
    const body = read(file);
    const message = JSON.parse(body).error.message as string;
    const ok = provider === 'anthropic' ? read('anthropic/messages-stream-basic.sse') : frame(read('openai/chat-stream-text-with-usage.chunks.txt'), 'chat');
    const got = await replay(provider, [{ status, body }, { status: 200, body: ok }]);
    if (retried) {
      expect(got.retries).toHaveLength(1);
      expect(got.retries[0]).toMatchObject({ message: `HTTP ${status}: ${message}` });
      expect(got.error).toBeUndefined();
    } else {
      expect(got.retries).toHaveLength(0);
      expect(got.error?.message).toBe(`HTTP ${status}: ${message}`);
    }
  });

  it("a Gemini 429 is retried after the RetryInfo delay it carries", async () => {
    const body = read('google/error-429-resource-exhausted-retryinfo.json');
    const seconds = Number(/"retryDelay":\s*"(\d+(?:\.\d+)?)s"/.exec(body)![1]);
    const got = await replay('google', [{ status: 429, body }], true);
    expect(got.retries).toHaveLength(1);
    expect(got.retries[0]).toMatchObject({ delayMs: seconds * 1000, message: `HTTP 429: ${JSON.parse(body).error.message}` });
  });
});
