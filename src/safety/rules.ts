// Permission rules in Claude Code's syntax (`Bash(npm run test:*)`, `Edit(src/**)`,
// `Read(~/.ssh/**)`, `WebFetch(domain:example.com)`, `mcp__server__tool`), and the
// decision they make for one request: deny beats ask beats allow, across every set.
// Pure: the caller splits compound commands and resolves symlinks before asking.
import { isAbsolute, posix } from 'node:path';
import picomatch from 'picomatch';
import { ConfigError } from '../config/providers.ts';

export type RuleKind = 'allow' | 'ask' | 'deny';

/** Where rules come from: `label` names the file or flag in messages, the rest resolves paths. */
export interface RuleOrigin {
  label: string;
  /** Relative paths resolve here: the project root for settings files, the cwd for flags. */
  root: string;
  home: string;
}

export type PermissionRequest =
  /** One simple command as text; prefer `words` (quoting in text is not undone). */
  | { kind: 'bash'; command: string }
  /** One simple command as the command analysis gives it: [name, ...args]. */
  | { kind: 'bash'; words: readonly string[] }
  /** `path` is absolute; symlinks already resolved by the caller. */
  | { kind: 'read' | 'edit'; path: string }
  | { kind: 'webfetch'; url: string }
  | { kind: 'websearch' }
  | { kind: 'mcp'; server: string; tool: string };

export interface Rule {
  text: string;
  origin: string;
  matches(req: PermissionRequest, kind: RuleKind): boolean;
}

export interface RuleSet {
  allow: Rule[];
  ask: Rule[];
  deny: Rule[];
}

export interface Decision {
  decision: RuleKind;
  rule: string;
  origin: string;
}

/** Claude Code names that nanocode folds into its own permission kinds. */
const TOOLS: Record<string, 'bash' | 'read' | 'edit' | 'webfetch' | 'websearch'> = {
  Bash: 'bash',
  Read: 'read',
  Glob: 'read',
  Grep: 'read',
  LS: 'read',
  Edit: 'edit',
  Write: 'edit',
  MultiEdit: 'edit',
  NotebookEdit: 'edit',
  WebFetch: 'webfetch',
  WebSearch: 'websearch',
};

export function parseRule(text: string, origin: RuleOrigin): Rule {
  const fail = (why: string): never => {
    throw new ConfigError(`${origin.label}: invalid permission rule ${JSON.stringify(text)}: ${why}`);
  };
  const m = /^([A-Za-z][\w.*-]*)(?:\((.*)\))?$/s.exec(text.trim());
  if (!m) return fail('expected Tool or Tool(specifier), e.g. Bash(npm run test:*)');
  const [, name, spec] = m;
  const make = (test: (req: PermissionRequest, kind: RuleKind) => boolean): Rule => ({ text, origin: origin.label, matches: test });

  if (name.startsWith('mcp__')) {
    if (spec !== undefined) fail('MCP rules take no parentheses: mcp__server, mcp__server__tool or mcp__server__*');
    const [server, ...rest] = name.slice(5).split('__');
    if (!server) fail('no server name after mcp__');
    if (rest.length && !rest.join('')) fail(`no tool name after mcp__${server}__`);
    const tool = rest.length ? wildcard(rest.join('__')) : /^/;
    return make((req) => req.kind === 'mcp' && req.server === server && tool.test(req.tool));
  }
  const kind = TOOLS[name];
  if (!kind) {
    const near = Object.keys(TOOLS).find((t) => t.toLowerCase() === name.toLowerCase());
    return fail(`unknown tool ${JSON.stringify(name)}${near ? ` (did you mean ${near}?)` : ''}; known: ${Object.keys(TOOLS).join(', ')}, mcp__<server>[__<tool>]`);
  }
  const whole = (req: PermissionRequest) => req.kind === kind;
  // Bash(*) is Bash, as in Claude Code; likewise for every tool.
  if (spec === undefined || spec.trim() === '*') return make(whole);
  if (!spec.trim()) fail(`empty parentheses; write ${name} to match every call`);

  switch (kind) {
    case 'bash': {
      const pattern = commandPattern(spec);
      return make((req, ruleKind) => req.kind === 'bash' && renderings(req, ruleKind).some((c) => pattern.test(c)));
    }
    case 'read':
    case 'edit': {
      const isMatch = pathMatcher(spec, origin, false);
      // Claude Code reads `/x` relative to the settings file; a deny or ask rule covers that
      // reading too, so a rule copied from Claude Code still protects what it meant to.
      const alsoRelative = spec.startsWith('/') && !spec.startsWith('//') ? pathMatcher(spec, origin, true) : undefined;
      return make((req, ruleKind) => {
        if (req.kind !== kind) return false;
        const path = posix.resolve(req.path);
        return isMatch(path) || (ruleKind !== 'allow' && !!alsoRelative?.(path));
      });
    }
    case 'webfetch': {
      const d = /^domain:(\*\.)?([a-z0-9.-]+)$/i.exec(spec.trim());
      if (!d) return fail('WebFetch takes domain:<host>, e.g. WebFetch(domain:example.com)');
      const sub = !!d[1];
      const domain = d[2].toLowerCase();
      return make((req) => {
        if (req.kind !== 'webfetch') return false;
        const host = hostOf(req.url);
        return host !== undefined && (sub ? host.endsWith(`.${domain}`) : host === domain);
      });
    }
    default:
      return fail(`${name} takes no specifier`);
  }
}

/** Parses one settings file's `permissions`; every bad entry is named in one error. */
export function parseRuleSet(lists: Partial<Record<RuleKind, readonly string[]>>, origin: RuleOrigin): RuleSet {
  const set: RuleSet = { allow: [], ask: [], deny: [] };
  const problems: string[] = [];
  for (const kind of ['allow', 'ask', 'deny'] as const) {
    (lists[kind] ?? []).forEach((text, i) => {
      try {
        // The entry's place goes into the origin: decisions and errors both point at it.
        set[kind].push(parseRule(text, { ...origin, label: `${origin.label} permissions.${kind}[${i}]` }));
      } catch (err) {
        problems.push((err as Error).message);
      }
    });
  }
  if (problems.length) throw new ConfigError(problems.join('\n'));
  return set;
}

/** The first match in the order deny, ask, allow, across all sets; undefined when no rule applies. */
export function decide(req: PermissionRequest, sets: readonly RuleSet[]): Decision | undefined {
  for (const decision of ['deny', 'ask', 'allow'] as const) {
    for (const set of sets) {
      const rule = set[decision].find((r) => r.matches(req, decision));
      if (rule) return { decision, rule: rule.text, origin: rule.origin };
    }
  }
  return undefined;
}

/**
 * A command rule, as Claude Code documents it: no `*` means the exact command;
 * `*` matches any characters (spaces too); a trailing ` *` (or the legacy `:*`)
 * that is the only wildcard also matches nothing, so `git:*` matches `git` and
 * `git status` but never `gitk`. `\*` is a literal star.
 */
function commandPattern(spec: string): RegExp {
  let body = collapse(spec);
  const legacy = /^(.*):\*$/s.exec(body);
  if (legacy) body = `${legacy[1]} *`;
  const parts = body.split(/(\\\\|\\\*|\*)/);
  const stars = parts.filter((p) => p === '*').length;
  let re = parts.map((p) => (p === '*' ? '.*' : escapeRegex(p === '\\*' ? '*' : p === '\\\\' ? '\\' : p))).join('');
  if (stars === 1 && body.endsWith(' *')) re = `${re.slice(0, -3)}(?: .*)?`;
  return new RegExp(`^${re}$`, 's');
}

/** Shell control characters: an allow rule never matches text that holds more than one command. */
const COMPOUND = /[;|`\n]|(?<![<>])&(?!>)|\$\(|[<>]\(/;

/** The command as rules see it: words joined by spaces, quoted where a word needs it. */
export function renderCommand(words: readonly string[]): string {
  return words.map((w) => (/^[\w@%+=:,./~^-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function renderings(req: { command: string } | { words: readonly string[] }, kind: RuleKind): string[] {
  if ('command' in req) return kind === 'allow' && COMPOUND.test(req.command) ? [] : [collapse(req.command)];
  const quoted = renderCommand(req.words);
  if (kind === 'allow') return [quoted];
  // Deny and ask also see the plain join, so quoting an argument cannot dodge
  // them, and the command without its leading options, so `git -C . push` and
  // `npm --registry x publish` meet `Bash(git push:*)` and `Bash(npm publish:*)`.
  return [quoted, ...withoutLeadingOptions(req.words).flatMap((words) => [renderCommand(words), words.join(' ')])];
}

/** The words, and the words with each leading run of options (and a value after each) left out. */
function withoutLeadingOptions(words: readonly string[]): string[][] {
  const out = [[...words]];
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    const isValue = i > 1 && words[i - 1]!.startsWith('-') && !word.startsWith('-');
    if (!word.startsWith('-') && !isValue) break;
    out.push([words[0]!, ...words.slice(i + 1)]);
  }
  return out;
}

/**
 * A path rule, gitignore-like as in Claude Code: `~/x` under the home, `//x`
 * and `/x` absolute, anything else relative to the origin's root; `*` within a
 * name, `**` across folders. A rule that matches a folder covers what is inside it.
 */
function pathMatcher(spec: string, origin: RuleOrigin, slashIsRelative: boolean): (path: string) => boolean {
  const s = spec.trim();
  let base: string;
  // The home and root are literal text, whatever characters their names hold.
  if (s === '~' || s.startsWith('~/')) base = posix.join(escapeGlob(origin.home), s.slice(1));
  else if (s.startsWith('//')) base = s.slice(1);
  else if (s.startsWith('/') && !slashIsRelative) base = s;
  else base = posix.join(escapeGlob(origin.root), s);
  if (!isAbsolute(base)) throw new ConfigError(`${origin.label}: rule ${JSON.stringify(spec)} does not resolve to an absolute path`);
  // normalize folds `..` in the rule the same way resolve folds it in the request.
  const pattern = posix.normalize(base).replace(/(.)\/+$/, '$1');
  const isMatch = picomatch(pattern, { dot: true });
  return (path) => {
    for (let p = path; ; p = posix.dirname(p)) {
      if (isMatch(p)) return true;
      if (p === '/') return false;
    }
  };
}

/** `*` in an MCP tool name matches any characters. */
function wildcard(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map(escapeRegex).join('.*')}$`);
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

const collapse = (s: string) => s.trim().replace(/\s+/g, ' ');
const escapeGlob = (s: string) => s.replace(/[*?[\]{}()!+@\\]/g, '\\$&');
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
