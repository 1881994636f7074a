// Prompt-size benchmark: the system prompt plus the tool schemas, in bytes
// and estimated tokens (characters / 4), as every request carries them:
//  - the default configuration (the built-in tools);
//  - with server-everything configured: only mcp_search, mcp_inspect and
//    mcp_call are added, however many tools the server has;
//  - for comparison, the same server with all its tools offered directly
//    (`"directTools": true`), which starts it to learn their schemas.
//
//   npm run bench:prompt
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSystemPrompt } from '../src/agent/system-prompt.ts';
import { BUILTIN_TOOLS } from '../src/agent/toolset.ts';
import { loadMcp } from '../src/mcp/mcp.ts';
import { toFunctionTools } from '../src/model/convert.ts';
import type { Tool } from '../src/protocol/tool.ts';

const everything = resolve(import.meta.dirname, '../node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const work = mkdtempSync(join(tmpdir(), 'nanocode-bench-prompt-'));

function size(tools: Tool[]): { system: number; schemas: number; total: number } {
  const system = Buffer.byteLength(buildSystemPrompt({ cwd: work, tools, now: new Date(0) }));
  const schemas = Buffer.byteLength(JSON.stringify(toFunctionTools(tools)));
  return { system, schemas, total: system + schemas };
}

function row(label: string, tools: Tool[]): void {
  const s = size(tools);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`.padStart(8);
  console.log(`${label.padEnd(44)} ${String(tools.length).padStart(3)} tools  system ${kb(s.system)}  schemas ${kb(s.schemas)}  total ${kb(s.total)}  ~${Math.round(s.total / 4)} tokens`);
}

/** The tools nanocode gets with server-everything in ~/.nanocode/mcp.json. */
async function withEverything(entry: Record<string, unknown>) {
  const home = join(work, `home-${Math.random().toString(36).slice(2)}`);
  mkdirSync(home);
  writeFileSync(join(home, 'mcp.json'), JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [everything, 'stdio'], ...entry } } }));
  return loadMcp({ home, cwd: work, trusted: false, env: {}, serverEnv: { PATH: process.env.PATH } });
}

row('default (built-in tools)', BUILTIN_TOOLS);
const lazy = await withEverything({});
row('+ server-everything (mcp_* tools)', [...BUILTIN_TOOLS, ...lazy.tools]);
for (const t of lazy.tools) console.log(`    ${t.name.padEnd(12)} ${Buffer.byteLength(JSON.stringify(toFunctionTools([t])))} bytes`);
const direct = await withEverything({ directTools: true });
row('+ server-everything, every tool direct', [...BUILTIN_TOOLS, ...direct.tools]);
await lazy.manager?.close();
await direct.manager?.close();
rmSync(work, { recursive: true, force: true });
