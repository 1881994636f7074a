// What an MCP tool or resource returns, as the model sees it: text and
// images kept as parts, other content described in a line, all bounded.
import type { CallToolResult, ContentBlock, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import type { ImagePart, TextPart } from '../protocol/messages.ts';
import type { ToolResult } from '../protocol/tool.ts';

/** As much text as the read tool gives at once. */
export const MAX_TEXT_CHARS = 50 * 1024;
/** Providers refuse larger images (Anthropic: 5 MB); base64 is 4/3 of that. */
const MAX_IMAGE_CHARS = Math.floor((5 * 1024 * 1024 * 4) / 3);
/** Images kept from one result, and their base64 in all: a server sending thousands must not fill the request (providers take 20 MB or so in all). */
const MAX_IMAGES = 8;
const MAX_IMAGES_CHARS = 2 * MAX_IMAGE_CHARS;

type Part = TextPart | ImagePart;
type Resource = ReadResourceResult['contents'][number];

export function callResult(server: string, r: CallToolResult, note?: string): ToolResult {
  const blocks = r.content ?? [];
  const parts = blocks.flatMap((b) => blockParts(server, b));
  // Structured output alone (the spec asks for a text copy too, not every server sends one).
  if (!blocks.length && r.structuredContent) parts.push(text(JSON.stringify(r.structuredContent, null, 2)));
  if (!parts.length) parts.push(text(r.isError ? 'The tool failed without saying why.' : '(the tool returned nothing)'));
  return finish(parts, note, !!r.isError);
}

export function resourceResult(r: ReadResourceResult, note?: string): ToolResult {
  const parts = r.contents.flatMap(resourceParts);
  return finish(parts.length ? parts : [text('(the resource is empty)')], note, false);
}

function blockParts(server: string, b: ContentBlock): Part[] {
  switch (b.type) {
    case 'text':
      return [text(b.text)];
    case 'image':
      return [image(b.data, b.mimeType)];
    case 'audio':
      return [text(`[${b.mimeType} audio, ${approxBytes(b.data)} not shown]`)];
    case 'resource_link':
      return [text(`Resource ${b.uri}${b.name ? ` (${b.name})` : ''}${b.description ? `: ${b.description}` : ''}. Read it with mcp_call {"server": ${JSON.stringify(server)}, "resource": ${JSON.stringify(b.uri)}}.`)];
    case 'resource':
      return resourceParts(b.resource);
  }
}

function resourceParts(c: Resource): Part[] {
  if ('text' in c && typeof c.text === 'string') return [text(`Resource ${c.uri}${c.mimeType ? ` (${c.mimeType})` : ''}:\n${c.text}`)];
  const blob = 'blob' in c && typeof c.blob === 'string' ? c.blob : '';
  if (c.mimeType?.startsWith('image/')) return [text(`Resource ${c.uri}:`), image(blob, c.mimeType)];
  return [text(`[Resource ${c.uri}: ${c.mimeType ?? 'binary data'}, ${approxBytes(blob)} not shown]`)];
}

const text = (t: string): TextPart => ({ type: 'text', text: t });

function image(data: string, mediaType: string): Part {
  if (data.length > MAX_IMAGE_CHARS) return text(`[${mediaType} image of ${approxBytes(data)} not shown: over the 5 MB providers take]`);
  return { type: 'image', data, mediaType };
}

const approxBytes = (base64: string | number) => `${Math.round(((typeof base64 === 'string' ? base64.length : base64) * 3) / 4 / 1024)} KB`;

/** A server's text the model reads outside a result (a description, a schema, an error): bounded like a result. */
export function bounded(s: string, max = MAX_TEXT_CHARS): string {
  return s.length <= max ? s : `${s.slice(0, max)}\n[${s.length - max} more characters cut]`;
}

/** Merges neighbouring text, cuts text past the bound, and gives a plain string when there is no image. */
function finish(parts: Part[], note: string | undefined, isError: boolean): ToolResult {
  const merged: Part[] = note ? [text(note)] : [];
  let budget = MAX_TEXT_CHARS;
  let cut = 0;
  let images = 0;
  let imageChars = 0;
  let dropped = 0;
  for (const p of parts) {
    if (p.type === 'image') {
      if (images < MAX_IMAGES && imageChars + p.data.length <= MAX_IMAGES_CHARS) {
        merged.push(p);
        images++;
        imageChars += p.data.length;
      } else dropped++;
      continue;
    }
    const kept = p.text.slice(0, Math.max(0, budget));
    cut += p.text.length - kept.length;
    budget -= kept.length;
    if (!kept) continue; // past the bound, even a separator would add up over many blocks
    const last = merged.at(-1);
    if (last?.type === 'text') {
      last.text += `\n${kept}`;
      budget--; // the separator counts too: thousands of tiny blocks must not add up past the bound
    } else merged.push(text(kept));
  }
  if (cut) merged.push(text(`[${cut} more characters cut: the result is over ${MAX_TEXT_CHARS}; ask the tool for less]`));
  if (dropped) merged.push(text(`[${dropped} more images not shown: a result keeps at most ${MAX_IMAGES} images of ${approxBytes(MAX_IMAGES_CHARS)} in all]`));
  const content = merged.every((p) => p.type === 'text') ? merged.map((p) => (p as TextPart).text).join('\n') : merged;
  return { content, ...(isError && { isError: true }) };
}
