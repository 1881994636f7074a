// Provider-neutral conversation messages. Conversion to and from the AI SDK
// happens in model/ only.

/** Opaque provider data that must travel back with a part (signatures, ids). */
export type ProviderMetadata = Record<string, Record<string, unknown>>;

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImagePart {
  type: 'image';
  /** base64 */
  data: string;
  mediaType: string;
}

export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  providerMetadata?: ProviderMetadata;
}

export interface ToolCallPart {
  type: 'tool_call';
  id: string;
  name: string;
  args: unknown;
  providerMetadata?: ProviderMetadata;
}

export type UserContent = string | Array<TextPart | ImagePart>;

/** What nanocode adds to a user message: git status on the first turn (later, context files and skills). */
export interface ContextPart {
  kind: string;
  text: string;
}

export interface UserMessage {
  role: 'user';
  /** Exactly what the user typed. */
  content: UserContent;
  /** Sent to the model after the user's words, as parts of their own; shown to no one. */
  context?: ContextPart[];
}

export interface AssistantMessage {
  role: 'assistant';
  content: Array<TextPart | ReasoningPart | ToolCallPart>;
}

export interface ToolMessage {
  role: 'tool';
  toolCallId: string;
  toolName: string;
  content: string | Array<TextPart | ImagePart>;
  isError?: boolean;
}

export type Message = UserMessage | AssistantMessage | ToolMessage;

export interface Usage {
  input: number;
  output: number;
  reasoning: number;
  cacheRead: number;
  cacheWrite: number;
}

export const emptyUsage = (): Usage => ({ input: 0, output: 0, reasoning: 0, cacheRead: 0, cacheWrite: 0 });

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    reasoning: a.reasoning + b.reasoning,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
  };
}

export function textOf(message: AssistantMessage): string {
  return message.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
}

export function toolCallsOf(message: AssistantMessage): ToolCallPart[] {
  return message.content.filter((p): p is ToolCallPart => p.type === 'tool_call');
}
