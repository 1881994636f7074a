// Finding MCP tools by what they do: the words of a query against each tool's
// name, its server's name and its description. Used by mcp_search and by
// `/mcp search`.
import type { McpManager, McpToolInfo } from './manager.ts';
import { printable } from './printable.ts';

/** Results listed at once; the rest are counted. */
export const MAX_RESULTS = 20;
const MAX_LINE = 120;

export interface Match {
  server: string;
  tool: McpToolInfo;
  score: number;
}

/** Ranked: tools matching more of the words first, then by where they match (name over description). */
export function rank(query: string, servers: Array<{ server: string; tools: McpToolInfo[] }>): Match[] {
  const words = query.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const matches: Match[] = [];
  for (const { server, tools } of servers) {
    for (const tool of tools) {
      const score = words.length ? scoreOf(words, server, tool) : 1;
      if (score > 0) matches.push({ server, tool, score });
    }
  }
  // Stable: equal scores keep configuration and server order.
  return matches.sort((a, b) => b.score - a.score);
}

function scoreOf(words: string[], server: string, tool: McpToolInfo): number {
  const name = tool.name.toLowerCase();
  const nameWords = name.split(/[^\p{L}\p{N}]+/u);
  const description = `${tool.title ?? ''} ${tool.description ?? ''}`.toLowerCase();
  let matched = 0;
  let score = 0;
  for (const w of words) {
    const s = nameWords.includes(w) ? 8 : name.includes(w) ? 5 : server.toLowerCase().includes(w) ? 3 : new RegExp(`\\b${escape(w)}`).test(description) ? 2 : 0;
    if (s) matched++;
    score += s;
  }
  // Every word matched outranks any score from fewer words.
  return matched ? matched * 100 + score : 0;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The first line or sentence, bounded: what a search result shows. */
export function oneLine(description = ''): string {
  const first = description.trim().split(/\n|(?<=\.)\s/)[0] ?? '';
  return first.length > MAX_LINE ? `${first.slice(0, MAX_LINE - 3)}...` : first;
}

export const toolLine = (server: string, tool: McpToolInfo) => printable(`[${server}] ${tool.name}${tool.description ? `: ${oneLine(tool.description)}` : ''}`);

/** Searches every usable server (starting those not running, together): what mcp_search and `/mcp search` show. */
export async function searchTools(manager: McpManager, query: string): Promise<string> {
  const all = await manager.allTools();
  const usable = all.flatMap((s) => (s.tools ? [{ server: s.server, tools: s.tools }] : []));
  const matches = rank(query, usable);
  const failed = all.flatMap((s) => (s.error ? [`Not searched: ${s.error}`] : []));
  const lines: string[] = [];
  const q = query.trim();
  if (matches.length) {
    lines.push(`${matches.length} MCP tool${matches.length === 1 ? '' : 's'}${q ? ` match "${q}"` : ''} ([server] tool: description). mcp_inspect shows a tool's arguments; mcp_call calls it.`);
    lines.push(...matches.slice(0, MAX_RESULTS).map((m) => toolLine(m.server, m.tool)));
    if (matches.length > MAX_RESULTS) lines.push(`... ${matches.length - MAX_RESULTS} more; use more specific words.`);
  } else if (usable.length) {
    const counts = usable.map((s) => `${s.server} (${s.tools.length} tools)`).join(', ');
    lines.push(`No MCP tool matches "${q}". Servers: ${counts}. Try other words, or an empty query to list every tool.`);
  }
  lines.push(...failed);
  if (!all.length) lines.push('No MCP servers are enabled.');
  return lines.join('\n');
}
