// What the model reads when a call is refused: what was refused, exactly why,
// and what the person could do to allow it (a rule, a flag), so the model can
// stop retrying and tell them. Headless runs answer every question this way.
import { relative } from 'node:path';
import { judge, type CallFacts, type PermissionMode } from './modes.ts';
import { isInside } from './places.ts';
import { renderCommand, type Decision, type PermissionRequest } from './rules.ts';

export interface Refusal {
  request: PermissionRequest;
  mode: PermissionMode;
  facts: CallFacts;
  /** The rule decide() found, if any. */
  rule?: Decision;
  /** The person's home, to write suggested paths as ~/... */
  home: string;
}

export function denialMessage(r: Refusal): string {
  const j = judge(r.mode, r.facts, r.rule);
  const head = `Denied: ${subject(r.request)}. It ${j.reason}`;
  if (j.rule?.decision === 'deny') {
    return `${head}; no flag overrides a deny rule. Do not retry it: do the task another way, or tell the user what you needed and why.`;
  }
  if (j.decision === 'deny') {
    return `${head}. Do not retry it in plan mode: describe the change in your plan instead (the user leaves plan mode with --permission-mode default).`;
  }
  // An ask rule beats every allow rule, so only --yes gets past it.
  const ways =
    j.rule?.decision === 'ask'
      ? ['--yes']
      : [`--allow ${shellQuote(suggestRule(r.request, r.home))}`, ...(r.facts.protectedPath && r.facts.insideWorkspace ? ['--permission-mode acceptEdits'] : []), '--yes (allows everything)'];
  return `${head}, so it needs the user's approval, and nobody can answer in this run. The user can allow it by running nanocode again with ${orList(ways)}. Do not retry it unchanged: finish what you can and tell the user what you needed.`;
}

/** The narrowest everyday rule that allows this request (what "always for this project" writes). */
export function suggestRule(req: PermissionRequest, home: string): string {
  switch (req.kind) {
    case 'bash': {
      if ('command' in req) return `Bash(${escapeCommand(req.command.trim().replace(/\s+/g, ' '))})`;
      const [name, sub] = req.words;
      // A subcommand (git push, npm install) names the kind of command; otherwise only this exact one.
      if (sub && /^[a-z][a-z0-9-]*$/.test(sub)) return `Bash(${escapeCommand(renderCommand([name, sub]))}:*)`;
      return `Bash(${escapeCommand(renderCommand(req.words))})`;
    }
    case 'read':
    case 'edit': {
      const path = isInside(req.path, home) && req.path !== home ? `~/${relative(home, req.path)}` : req.path;
      return `${req.kind === 'read' ? 'Read' : 'Edit'}(${path.replace(/[*?[\]{}()!+@\\]/g, '\\$&')})`;
    }
    case 'webfetch': {
      try {
        return `WebFetch(domain:${new URL(req.url).hostname})`;
      } catch {
        return 'WebFetch';
      }
    }
    case 'websearch':
      return 'WebSearch';
    case 'mcp':
      return `mcp__${req.server}__${req.tool}`;
  }
}

function subject(req: PermissionRequest): string {
  switch (req.kind) {
    case 'bash':
      return `the command \`${'command' in req ? req.command : renderCommand(req.words)}\``;
    case 'read':
      return `reading ${req.path}`;
    case 'edit':
      return `writing ${req.path}`;
    case 'webfetch':
      return `fetching ${req.url}`;
    case 'websearch':
      return 'a web search';
    case 'mcp':
      return `the MCP tool ${req.tool} of server ${req.server}`;
  }
}

/** In a rule, `*` is a wildcard and `\` escapes it; a suggested rule means this text literally. */
const escapeCommand = (s: string) => s.replace(/[\\*]/g, '\\$&');
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const orList = (xs: string[]) => (xs.length === 1 ? xs[0] : `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}`);
