import { describe, expect, it } from 'vitest';
import type { McpToolInfo } from '../../src/mcp/manager.ts';
import { oneLine, rank } from '../../src/mcp/search.ts';

const tool = (name: string, description = ''): McpToolInfo => ({ name, description, inputSchema: { type: 'object' } });

describe('ranking MCP tools', () => {
  const servers = [
    { server: 'fs', tools: [tool('read_text_file', 'Read a file as text.'), tool('write_file', 'Write a file.'), tool('list_directory', 'List files in a folder.')] },
    { server: 'github', tools: [tool('get_file_contents', 'Read a file from a repository.'), tool('create_issue', 'Open an issue.')] },
  ];
  const names = (q: string) => rank(q, servers).map((m) => `${m.server}/${m.tool.name}`);

  it('puts tools matching every word first, names before descriptions', () => {
    expect(names('read file')).toEqual(['fs/read_text_file', 'github/get_file_contents', 'fs/write_file', 'fs/list_directory']);
    expect(names('issue')).toEqual(['github/create_issue']);
    expect(names('github')).toEqual(['github/get_file_contents', 'github/create_issue']);
  });

  it('lists everything for an empty query, and nothing for words that match nothing', () => {
    expect(names('')).toHaveLength(5);
    expect(names('kubernetes')).toEqual([]);
  });

  it('shows the first sentence or line of a description, bounded', () => {
    expect(oneLine('Reads a file. Handles encodings.\nMore.')).toBe('Reads a file.');
    expect(oneLine(`${'word '.repeat(40)}`)).toHaveLength(120);
  });
});
