// Our provider-neutral messages and tools, to and from the AI SDK's
// LanguageModelV4 prompt format.
import type {
  LanguageModelV4FunctionTool,
  LanguageModelV4Message,
  LanguageModelV4Prompt,
  LanguageModelV4ToolResultOutput,
  SharedV4ProviderOptions,
} from '@ai-sdk/provider';
import { z } from 'zod';
import type { ImagePart, Message, TextPart, ToolMessage } from '../protocol/messages.ts';
import { isZodSchema, type Tool } from '../protocol/tool.ts';

const CACHE: SharedV4ProviderOptions = { anthropic: { cacheControl: { type: 'ephemeral' } } };

/**
 * Builds the prompt. With `cache`, marks the system prompt, the tool list and
 * the latest message as Anthropic cache breakpoints (other providers ignore
 * it). `toolImages`: the provider takes images inside tool results.
 */
export function toPrompt(system: string, messages: Message[], cache = false, toolImages = cache): LanguageModelV4Prompt {
  const prompt: LanguageModelV4Prompt = [];
  if (system) prompt.push({ role: 'system', content: system, ...(cache && { providerOptions: CACHE }) });
  for (const m of messages) {
    const last = prompt.at(-1);
    const converted = convert(m, toolImages);
    // Consecutive tool results belong in one tool message.
    if (converted.role === 'tool' && last?.role === 'tool') last.content.push(...converted.content);
    else prompt.push(converted);
  }
  if (cache && prompt.length > 1) prompt.at(-1)!.providerOptions = CACHE;
  return prompt;
}

function convert(m: Message, toolImages: boolean): LanguageModelV4Message {
  switch (m.role) {
    case 'user': {
      const words = typeof m.content === 'string' ? [{ type: 'text' as const, text: m.content }] : m.content.map(userPart);
      // Context (git status) follows the user's words as text parts of its own.
      return { role: 'user', content: [...words, ...(m.context ?? []).map((c) => ({ type: 'text' as const, text: c.text }))] };
    }
    case 'assistant':
      return {
        role: 'assistant',
        content: m.content.map((p) =>
          p.type === 'text'
            ? { type: 'text' as const, text: p.text }
            : p.type === 'reasoning'
              ? { type: 'reasoning' as const, text: p.text, providerOptions: p.providerMetadata as SharedV4ProviderOptions }
              : {
                  type: 'tool-call' as const,
                  toolCallId: p.id,
                  toolName: p.name,
                  input: p.args,
                  providerOptions: p.providerMetadata as SharedV4ProviderOptions,
                },
        ),
      };
    case 'tool':
      return { role: 'tool', content: [{ type: 'tool-result', toolCallId: m.toolCallId, toolName: m.toolName, output: toolOutput(m, toolImages) }] };
  }
}

function userPart(p: TextPart | ImagePart) {
  return p.type === 'text'
    ? { type: 'text' as const, text: p.text }
    : { type: 'file' as const, data: { type: 'data' as const, data: p.data }, mediaType: p.mediaType };
}

/**
 * Chat Completions tool messages carry text only: there, an image becomes a
 * note instead of kilobytes of base64 the model cannot see.
 */
function toolOutput(m: ToolMessage, toolImages: boolean): LanguageModelV4ToolResultOutput {
  if (typeof m.content === 'string') return { type: m.isError ? 'error-text' : 'text', value: m.content };
  if (!toolImages) {
    const text = m.content.map((p) => (p.type === 'text' ? p.text : `[${p.mediaType} image not shown: this provider cannot take images in tool results]`)).join('\n');
    return { type: 'text', value: text };
  }
  return {
    type: 'content',
    value: m.content.map((p) =>
      p.type === 'text' ? p : { type: 'file' as const, data: { type: 'data' as const, data: p.data }, mediaType: p.mediaType },
    ),
  };
}

const schemaCache = new WeakMap<Tool, LanguageModelV4FunctionTool>();

/** Zod parameters become JSON Schema; a JSON Schema (an MCP tool's) goes as it is, without its $schema line. */
export function toFunctionTools(tools: Tool[], cache = false): LanguageModelV4FunctionTool[] {
  const out = tools.map((t) => {
    let fn = schemaCache.get(t);
    if (!fn) {
      const schema = isZodSchema(t.parameters) ? (z.toJSONSchema(t.parameters, { io: 'input' }) as Record<string, unknown>) : t.parameters;
      const { $schema: _, ...inputSchema } = schema;
      fn = { type: 'function', name: t.name, description: t.description, inputSchema };
      schemaCache.set(t, fn);
    }
    return fn;
  });
  if (cache && out.length) out[out.length - 1] = { ...out[out.length - 1], providerOptions: CACHE };
  return out;
}
