// A shell word's value as bash would see it after quote removal: 'r''m',
// "rm", \rm and $'\x72m' are all rm. A word with an expansion that only
// running it would tell ($x, $(…), `…`) has no value; $HOME and $PWD are known.
import type { SyntaxNode } from './shell-parser.ts';
import type { Word } from './command-types.ts';

/** The value of a variable the analysis knows, or null. */
export type Variables = (name: string) => string | null;

export function wordOf(node: SyntaxNode, vars: Variables): Word {
  return { text: node.text, value: valueOf(node, vars) };
}

function valueOf(node: SyntaxNode, vars: Variables): string | null {
  switch (node.type) {
    case 'word':
    case 'number':
    case 'brace_expression':
      return unescapeBare(node.text);
    case 'raw_string':
      return node.text.slice(1, -1);
    case 'ansi_c_string':
      return decodeAnsiC(node.text.slice(2, -1));
    case 'string':
    case 'translated_string':
      return quotedValue(node, vars);
    case 'command_name':
      return node.namedChildren.length === 1 ? valueOf(node.namedChildren[0]!, vars) : null;
    case 'concatenation':
      return joinValues(node.children.map((child) => valueOf(child, vars)));
    case 'simple_expansion':
    case 'expansion':
      return expansionValue(node, vars);
    default:
      return null; // substitutions, arithmetic, anything newer the grammar grows
  }
}

function expansionValue(node: SyntaxNode, vars: Variables): string | null {
  const named = node.namedChildren;
  const only = named.length === 1 && named[0]!.type === 'variable_name';
  // ${HOME} and $HOME, not ${HOME:-x} or ${#HOME}
  const plain = node.text === `$${named[0]?.text}` || node.text === `\${${named[0]?.text}}`;
  return only && plain ? vars(named[0]!.text) : null;
}

/** A double-quoted string: literal stretches between its expansions, with \" \$ \` \\ and \newline undone. */
function quotedValue(node: SyntaxNode, vars: Variables): string | null {
  const open = node.type === 'translated_string' ? 2 : 1;
  const parts: (string | null)[] = [];
  let at = node.startIndex + open;
  const source = node.text;
  const slice = (from: number, to: number) => source.slice(from - node.startIndex, to - node.startIndex);
  for (const child of node.namedChildren) {
    if (child.type === 'string_content') continue;
    parts.push(unescapeQuoted(slice(at, child.startIndex)), valueOf(child, vars));
    at = child.endIndex;
  }
  parts.push(unescapeQuoted(slice(at, node.endIndex - 1)));
  return joinValues(parts);
}

function joinValues(values: (string | null)[]): string | null {
  return values.some((v) => v === null) ? null : values.join('');
}

function unescapeBare(text: string): string {
  return text.replace(/\\\n/g, '').replace(/\\(.)/gs, '$1');
}

function unescapeQuoted(text: string): string {
  return text.replace(/\\\n/g, '').replace(/\\([$`"\\])/g, '$1');
}

const C_ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', "'": "'", '"': '"', '?': '?',
};

/** $'…' strings: \n, \x72, \162, \u0072, \cX. */
export function decodeAnsiC(body: string): string {
  return body.replace(
    /\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)/gs,
    (_, esc: string) => {
      if (/^[xuU]/.test(esc)) return String.fromCodePoint(parseInt(esc.slice(1), 16));
      if (/^[0-7]/.test(esc)) return String.fromCharCode(parseInt(esc, 8) & 0xff);
      if (esc.startsWith('c')) return String.fromCharCode(esc.charCodeAt(1) & 0x1f);
      return C_ESCAPES[esc] ?? `\\${esc}`;
    },
  );
}

const MAX_EXPANSIONS = 64;

/** Brace expansion, which bash does before anything else: {~,x} → ~ x, {1..3} → 1 2 3. */
export function expandBraces(value: string): string[] {
  const group = findGroup(value);
  if (!group) return [value];
  const { start, end, items } = group;
  const out: string[] = [];
  for (const item of items) {
    for (const rest of expandBraces(value.slice(0, start) + item + value.slice(end + 1))) {
      if (out.length >= MAX_EXPANSIONS) return out;
      out.push(rest);
    }
  }
  return out;
}

function findGroup(value: string): { start: number; end: number; items: string[] } | null {
  for (let start = value.indexOf('{'); start >= 0; start = value.indexOf('{', start + 1)) {
    if (value[start - 1] === '$') continue;
    let depth = 0;
    const commas: number[] = [];
    for (let i = start; i < value.length; i++) {
      const c = value[i];
      if (c === '{') depth++;
      else if (c === ',' && depth === 1) commas.push(i);
      else if (c === '}' && --depth === 0) {
        const inner = value.slice(start + 1, i);
        if (commas.length > 0) {
          const cuts = [start, ...commas, i];
          return { start, end: i, items: cuts.slice(1).map((cut, k) => value.slice(cuts[k]! + 1, cut)) };
        }
        const range = sequence(inner);
        if (range) return { start, end: i, items: range };
        break;
      }
    }
  }
  return null;
}

function sequence(inner: string): string[] | null {
  const m = /^(-?\d+|[a-zA-Z])\.\.(-?\d+|[a-zA-Z])$/.exec(inner);
  if (!m) return null;
  const numeric = /\d/.test(m[1]!);
  const [a, b] = numeric ? [Number(m[1]), Number(m[2])] : [m[1]!.charCodeAt(0), m[2]!.charCodeAt(0)];
  const step = a <= b ? 1 : -1;
  const items: string[] = [];
  for (let i = a; items.length < MAX_EXPANSIONS; i += step) {
    items.push(numeric ? String(i) : String.fromCharCode(i));
    if (i === b) break;
  }
  return items;
}
