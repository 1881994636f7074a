// How full the context window is: the last usage the provider reported, plus
// an estimate (characters / 4) for what was added since. Incremental, so a
// long session costs no more per turn than a short one.
import type { Message, Usage } from '../protocol/messages.ts';

export function estimateTokens(m: Message): number {
  if (m.role === 'assistant') return Math.ceil(m.content.reduce((n, p) => n + (p.type === 'tool_call' ? JSON.stringify(p.args).length + p.name.length : p.text.length), 0) / 4) + 4;
  const content = m.content;
  if (typeof content === 'string') return Math.ceil(content.length / 4) + 4;
  return content.reduce((n, p) => n + (p.type === 'text' ? Math.ceil(p.text.length / 4) : 1000), 4);
}

/** Estimated tokens of the system prompt and tool schemas, sent with every request. */
export function promptOverhead(system: string, toolCount: number): number {
  return Math.ceil(system.length / 4) + toolCount * 150;
}

export class ContextMeter {
  private reported = 0;
  /** Messages counted by `reported`. */
  private counted = 0;
  private estimated = 0;
  /** messages.length up to which `estimated` is summed. */
  private estimatedTo = 0;

  /** After a request: the provider counted everything up to messages.length. */
  record(usage: Usage, messageCount: number): void {
    this.reported = usage.input + usage.output;
    this.counted = messageCount;
    this.estimated = 0;
    this.estimatedTo = messageCount;
  }

  tokens(messages: Message[], systemAndTools = 0): number {
    if (messages.length < this.estimatedTo) this.reset(); // history was replaced
    for (; this.estimatedTo < messages.length; this.estimatedTo++) this.estimated += estimateTokens(messages[this.estimatedTo]);
    return (this.counted ? this.reported : systemAndTools) + this.estimated;
  }

  /** After compaction or a new conversation: estimate everything afresh. */
  reset(): void {
    this.reported = 0;
    this.counted = 0;
    this.estimated = 0;
    this.estimatedTo = 0;
  }
}
