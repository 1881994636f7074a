// The bash parser: tree-sitter-bash's grammar run by web-tree-sitter, both
// WebAssembly. Loaded on the first command analysed (about 0.1 s), then kept;
// a parse then costs well under a millisecond.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node, Tree } from 'web-tree-sitter';

export type { Node as SyntaxNode };

/** Parses bash source; the caller deletes the tree when done with its nodes. */
export type ParseShell = (source: string) => Tree;

export const WASM_FILES = {
  runtime: 'web-tree-sitter/web-tree-sitter.wasm',
  grammar: 'tree-sitter-bash/tree-sitter-bash.wasm',
} as const;

let loading: Promise<ParseShell> | undefined;

export function loadShellParser(): Promise<ParseShell> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined; // a later call may try again
    throw error;
  });
  return loading;
}

async function load(): Promise<ParseShell> {
  const { Parser, Language } = await import('web-tree-sitter');
  const [runtime, grammar] = await Promise.all([readWasm(WASM_FILES.runtime), readWasm(WASM_FILES.grammar)]);
  await Parser.init({ wasmBinary: runtime });
  const parser = new Parser();
  parser.setLanguage(await Language.load(grammar));
  return (source) => {
    const tree = parser.parse(source);
    if (!tree) throw new Error('the shell parser returned no tree');
    return tree;
  };
}

/**
 * The bundle (scripts/build.mjs) copies the .wasm files into dist/, beside the
 * entry files, while this code runs from dist/chunks/; from src/ they are
 * found in node_modules.
 */
function readWasm(spec: string): Promise<Uint8Array> {
  const here = dirname(fileURLToPath(import.meta.url));
  const file = spec.split('/')[1]!;
  const beside = [join(here, file), join(here, '..', file)].find((path) => existsSync(path));
  return readFile(beside ?? createRequire(import.meta.url).resolve(spec));
}
