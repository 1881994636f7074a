// Prompt-size benchmark: the system prompt plus the tool schemas that every
// request carries, in bytes and estimated tokens (characters / 4), as read
// from the first request an Agent sends to the scripted model server:
//  - the default configuration (the built-in tools);
//  - with server-everything configured: only mcp_search, mcp_inspect and
//    mcp_call are added, however many tools the server has;
//  - for comparison, the same server with all its tools offered directly
//    (`"directTools": true`), which starts it to learn their schemas.
//
//   npm run bench:prompt
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, builtinTools, type Tool } from '../src/index.ts';
import { loadMcp } from '../src/mcp/mcp.ts';
import { startScriptedServer } from '../test/support/scripted-server.ts';

const everything = resolve(import.meta.dirname, '../node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const work = mkdtempSync(join(tmpdir(), 'nanocode-bench-prompt-'));
const server = await startScriptedServer();
const env = { PATH: process.env.PATH, OPENAI_API_KEY: 'bench', OPENAI_BASE_URL: server.openaiBaseURL, NANOCODE_MODEL: 'scripted-model' };

async function row(label: string, tools?: Tool[]): Promise<void> {
  server.push({ text: 'ok' });
  const agent = await Agent.create({ env, tools, cwd: work, home: join(work, 'home'), gitContext: false });
  for await (const _ of agent.prompt('hi'));
  const body = server.turnRequests().at(-1)!.body;
  const system = Buffer.byteLength(body.messages.filter((m: { role: string }) => m.role === 'system').map((m: { content: string }) => m.content).join(''));
  const schemas = Buffer.byteLength(JSON.stringify(body.tools ?? []));
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`.padStart(8);
  console.log(`${label.padEnd(40)} ${String(body.tools?.length ?? 0).padStart(3)} tools  system ${kb(system)}  schemas ${kb(schemas)}  total ${kb(system + schemas)}  ~${Math.round((system + schemas) / 4)} tokens`);
}

/** The tools nanocode gets with server-everything in ~/.nanocode/mcp.json. */
function withEverything(name: string, entry: Record<string, unknown> = {}) {
  const home = mkdtempSync(join(work, `${name}-`));
  writeFileSync(join(home, 'mcp.json'), JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [everything, 'stdio'], ...entry } } }));
  return loadMcp({ home, cwd: work, trusted: false, env: {}, serverEnv: { PATH: process.env.PATH } });
}

await row('default (built-in tools)');
const lazy = await withEverything('lazy');
await row('+ server-everything (the mcp_* tools)', [...builtinTools, ...lazy.tools]);
const direct = await withEverything('direct', { directTools: true });
await row('+ server-everything, every tool direct', [...builtinTools, ...direct.tools]);
await lazy.manager?.close();
await direct.manager?.close();
await server.close();
rmSync(work, { recursive: true, force: true });
