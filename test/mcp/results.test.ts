import { describe, expect, it } from 'vitest';
import { callResult, MAX_TEXT_CHARS, resourceResult } from '../../src/mcp/results.ts';

describe('MCP results as the model sees them', () => {
  it('joins text, keeps images as parts, describes audio and resource links', () => {
    const r = callResult('docs', {
      content: [
        { type: 'text', text: 'one' },
        { type: 'text', text: 'two' },
        { type: 'image', data: 'aGk=', mimeType: 'image/png' },
        { type: 'audio', data: 'A'.repeat(4096), mimeType: 'audio/wav' },
        { type: 'resource_link', uri: 'file:///a.md', name: 'a.md', description: 'The A' },
        { type: 'resource', resource: { uri: 'mem://x', mimeType: 'text/plain', text: 'inline' } },
      ],
    });
    expect(r).toEqual({
      content: [
        { type: 'text', text: 'one\ntwo' },
        { type: 'image', data: 'aGk=', mediaType: 'image/png' },
        {
          type: 'text',
          text: '[audio/wav audio, 3 KB not shown]\nResource file:///a.md (a.md): The A. Read it with mcp_call {"server": "docs", "resource": "file:///a.md"}.\nResource mem://x (text/plain):\ninline',
        },
      ],
    });
  });

  it('is a plain string without images; an error stays an error; structured output alone becomes JSON', () => {
    expect(callResult('s', { content: [{ type: 'text', text: 'bad input' }], isError: true })).toEqual({ content: 'bad input', isError: true });
    expect(callResult('s', { content: [], structuredContent: { sum: 3 } })).toEqual({ content: '{\n  "sum": 3\n}' });
    expect(callResult('s', { content: [] })).toEqual({ content: '(the tool returned nothing)' });
  });

  it('cuts text past the bound and says how much', () => {
    const r = callResult('s', { content: [{ type: 'text', text: 'x'.repeat(MAX_TEXT_CHARS + 10) }] });
    expect(r.content).toBe(`${'x'.repeat(MAX_TEXT_CHARS)}\n[10 more characters cut: the result is over ${MAX_TEXT_CHARS}; ask the tool for less]`);
  });

  it('puts a restart note first', () => {
    expect(callResult('s', { content: [{ type: 'text', text: 'ok' }] }, '(restarted)')).toEqual({ content: '(restarted)\nok' });
  });

  it('reads text resources, image blobs as images, other blobs as a note', () => {
    expect(
      resourceResult({
        contents: [
          { uri: 'a://t', text: 'hello' },
          { uri: 'a://i', mimeType: 'image/gif', blob: 'R0lG' },
          { uri: 'a://b', mimeType: 'application/zip', blob: 'A'.repeat(8192) },
        ],
      }),
    ).toEqual({
      content: [
        { type: 'text', text: 'Resource a://t:\nhello\nResource a://i:' },
        { type: 'image', data: 'R0lG', mediaType: 'image/gif' },
        { type: 'text', text: '[Resource a://b: application/zip, 6 KB not shown]' },
      ],
    });
  });
});
