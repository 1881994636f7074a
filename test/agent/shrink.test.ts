// The shrink layer on its own: how much of which message is cut, and that
// messages keep their identity (the session store knows them by reference).
import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../../src/agent/context.ts';
import { cutMiddle, levelFor, shrinkToFit } from '../../src/agent/shrink.ts';
import type { Message } from '../../src/protocol/messages.ts';

const total = (ms: Message[]) => ms.reduce((n, m) => n + estimateTokens(m), 0);

describe('shrink', () => {
  it('finds the level that cuts only the largest sizes', () => {
    expect(levelFor([10, 20, 30], 100)).toBe(Infinity);
    expect(levelFor([10, 20, 1000], 100)).toBe(70);
    expect(levelFor([10, 500, 1000], 110)).toBe(50);
  });

  it('keeps head and tail around a marker', () => {
    const s = `HEAD${'x'.repeat(10_000)}TAIL`;
    const cut = cutMiddle(s, 1000);
    expect(cut.length).toBeLessThanOrEqual(1000);
    expect(cut.startsWith('HEAD')).toBe(true);
    expect(cut.endsWith('TAIL')).toBe(true);
    expect(cut).toContain('characters cut: too large for the context window');
    expect(cutMiddle('short', 1000)).toBe('short');
  });

  it('cuts the largest messages in place until the history fits, small ones untouched', () => {
    const small: Message = { role: 'user', content: 'write the files' };
    const call: Message = {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Writing both.' },
        { type: 'tool_call', id: 'a', name: 'write', args: { path: 'a.txt', content: 'a'.repeat(200_000) } },
        { type: 'tool_call', id: 'b', name: 'write', args: { path: 'b.json', content: { rows: Array.from({ length: 20_000 }, (_, i) => i) } } },
      ],
    };
    const result: Message = { role: 'tool', toolCallId: 'a', toolName: 'write', content: 'Wrote a.txt' };
    const messages = [small, call, result];
    const event = shrinkToFit(messages, 5000);
    expect(event).toMatchObject({ type: 'shrink', count: 1 });
    expect(total(messages)).toBeLessThanOrEqual(5000);
    expect(messages[1]).toBe(call);
    expect(small.content).toBe('write the files');
    expect(result.content).toBe('Wrote a.txt');
    const [text, a, b] = call.content as any[];
    expect(text.text).toBe('Writing both.');
    expect(a.args.path).toBe('a.txt');
    expect(a.args.content).toContain('characters cut');
    // Arguments that are mostly structure keep their JSON text, cut.
    expect(b.args.cut).toMatch(/^\{"path":"b\.json","content":\{"rows":\[0,1,2,/);
    expect(shrinkToFit(messages, 5000)).toBeUndefined();
  });
});
