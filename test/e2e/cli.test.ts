// The headless command line: flags, stdin, configuration and exit codes.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/args.ts';
import { BIN, jsonLines, run, tempDir } from '../support/cli.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());
const root = resolve(import.meta.dirname, '../..');

/**
 * Every flag the parser accepts (`--name`, and `-x` for a short one), read from
 * its option table in src/args.ts, plus --resume, which it takes apart itself.
 */
function parserFlags(): string[] {
  const source = readFileSync(join(root, 'src/args.ts'), 'utf8');
  const table = /options: \{([^]*?)\n\s*\},/.exec(source)?.[1] ?? '';
  const flags = [...table.matchAll(/^\s*'?([\w-]+)'?: \{ type: '\w+'(?:, short: '(\w)')?/gm)].flatMap(([, name, short]) => [`--${name}`, ...(short ? [`-${short}`] : [])]);
  return [...flags, ...(source.includes("'--resume'") ? ['--resume'] : [])];
}

const portOf = (s: ScriptedServer) => new URL(s.url).port;
const openai = (s: ScriptedServer, extra: Record<string, string> = {}) => ({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: s.openaiBaseURL, ...extra });

describe('usage', () => {
  it('--help and the table of options in the README list every flag the parser accepts, and the parser accepts every flag they list', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    const readmeTable = readFileSync(join(root, 'README.md'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('| `-'))
      .join('\n');
    const flags = parserFlags();
    expect(flags.length).toBeGreaterThanOrEqual(15);
    for (const flag of flags) {
      const shown = new RegExp(`(^|[^\\w-])${flag}(?![\\w-])`, 'm');
      expect(r.stdout, `--help lacks ${flag}`).toMatch(shown);
      expect(readmeTable, `the README's table of options lacks ${flag}`).toMatch(shown);
    }
    for (const [flag] of r.stdout.matchAll(/(?<![\w-])--?[a-z][\w-]*/g)) {
      expect(() => parseCliArgs([flag, 'x']), `the parser rejects ${flag}`).not.toThrow(/Unknown option/);
    }
  });

  it.each([['--version'], ['-v']])('%s prints the version in package.json', async (flag) => {
    const r = await run([flag]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}\n`);
  });

  it.each([
    [['--bogus', 'x'], /Unknown option '--bogus'/],
    [['--max-turns', 'zero', 'x'], /--max-turns takes a positive whole number/],
    [['--mode', 'xml', 'x'], /--mode is text, json or rpc/],
    [['--tools', 'read,fly', 'x'], /Unknown tool: fly\. Available: read, write, edit, apply_patch, bash, glob, grep, ls, find\./],
  ])('rejects %j with exit 2', async (args, message) => {
    // A model is named, so nothing asks port 9 which models it serves.
    const r = await run(args, { env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', NANOCODE_MODEL: 'm' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('with no key and no local server, exits 2, lists the variables to set and the ports it looked at', async () => {
    // The only port probed is our own server's, which lists no models: what answers on the host's ports does not count.
    server = await startScriptedServer([], { models: [] });
    const r = await run(['task'], { env: { NANOCODE_LOCAL_PORTS: portOf(server) } });
    expect(r.code).toBe(2);
    for (const v of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'GROQ_API_KEY', 'DEEPSEEK_API_KEY', 'XAI_API_KEY', 'OPENROUTER_API_KEY', 'OPENCODE_API_KEY']) {
      expect(r.stderr).toContain(v);
    }
    expect(r.stderr).toContain(`No local server answered on port ${portOf(server)}.`);
    const none = await run(['task'], { env: { NANOCODE_LOCAL_PORTS: '' } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('No local server was looked for (NANOCODE_LOCAL_PORTS is empty).');
  });
});

describe('running a task', () => {
  it('-p prints only the final answer on stdout', async () => {
    server = await startScriptedServer([{ text: 'first thoughts', toolCalls: [{ name: 'bash', args: { command: 'true' } }] }, { text: 'final answer' }]);
    const r = await run(['-p', 'do it'], { env: openai(server) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('final answer\n');
    expect(server.turnRequests()[0].body.messages.at(-1).content).toContain('do it');
  });

  it('reads a JSON task from stdin, with its cwd', async () => {
    server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: 'pwd' } }] }, { text: 'done' }]);
    const dir = tempDir();
    const r = await run([], { env: openai(server), stdin: JSON.stringify({ prompt: 'where am I', cwd: dir }) });
    expect(r.code).toBe(0);
    const reqs = server.turnRequests();
    expect(JSON.stringify(reqs[0].body.messages)).toContain('where am I');
    expect(JSON.stringify(reqs[1].body.messages)).toContain(dir);
  });

  it('reads a plain-text task from stdin', async () => {
    server = await startScriptedServer([{ text: 'ok' }]);
    const r = await run([], { env: openai(server), stdin: 'count the files\n' });
    expect(r.code).toBe(0);
    expect(server.turnRequests()[0].body.messages.at(-1).content).toMatch(/^count the files/);
  });

  it('--mode json prints every event and ends with a result line', async () => {
    server = await startScriptedServer([{ reasoning: 'thinking hard', toolCalls: [{ name: 'bash', args: { command: 'echo hi' } }] }, { text: 'said hi', usage: { input: 100, output: 7 } }]);
    const r = await run(['--mode', 'json', '--model', 'gpt-4o-mini', 'say hi'], { env: openai(server) });
    const events = jsonLines(r.stdout);
    expect(r.code).toBe(0);
    const types = new Set(events.map((e) => e.type));
    for (const t of ['message', 'turn_start', 'reasoning_delta', 'tool_call', 'tool_output', 'tool_result', 'usage', 'text_delta', 'done', 'result']) expect(types).toContain(t);
    const result = events.at(-1);
    expect(result).toMatchObject({ type: 'result', reason: 'stop', exitCode: 0, text: 'said hi', turns: 2 });
    expect(result.usage.input).toBeGreaterThan(100);
    expect(result.usage.output).toBeGreaterThan(7);
    expect(result.cost).toBeGreaterThan(0); // gpt-4o-mini has a known price
    expect(server.turnRequests()[0].body.model).toBe('gpt-4o-mini');
  });

  it('--max-turns stops the run with exit 1', async () => {
    const loop = { toolCalls: [{ name: 'bash', args: { command: 'true' } }] };
    server = await startScriptedServer([loop, loop, loop]);
    const r = await run(['--max-turns', '2', 'loop'], { env: openai(server) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('reached the limit of 2 turns');
    expect(server.turnRequests()).toHaveLength(2);
  });

  it('--tools none sends no tools; --tools read sends only read', async () => {
    server = await startScriptedServer([{ text: 'a' }, { text: 'b' }]);
    await run(['--tools', 'none', 'x'], { env: openai(server) });
    await run(['--tools', 'read', 'x'], { env: openai(server) });
    const [none, read] = server.turnRequests();
    expect(none.body.tools).toBeUndefined();
    expect(read.body.tools.map((t: any) => t.function.name)).toEqual(['read']);
  });

  it('--system-prompt (from a file) replaces and --append-system-prompt adds', async () => {
    server = await startScriptedServer([{ text: 'a' }, { text: 'b' }]);
    const dir = tempDir();
    writeFileSync(join(dir, 'prompt.md'), 'You are a pirate.');
    await run(['--system-prompt', join(dir, 'prompt.md'), 'x'], { env: openai(server) });
    await run(['--append-system-prompt', 'Always answer in French.', 'x'], { env: openai(server) });
    const [replaced, appended] = server.turnRequests().map((r) => r.body.messages[0]);
    expect(replaced.role).toBe('system');
    expect(replaced.content).toMatch(/^You are a pirate\./);
    expect(replaced.content).not.toContain('Never describe what you would do');
    expect(appended.content).toContain('Never describe what you would do. Do it');
    expect(appended.content).toMatch(/Always answer in French\.$/);
  });

  it('--cwd sets the working directory for tools and the system prompt', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'hello from cwd\n');
    server = await startScriptedServer([{ toolCalls: [{ name: 'read', args: { path: 'notes.txt' } }] }, { text: 'ok' }]);
    const r = await run(['--cwd', dir, 'read notes'], { env: openai(server) });
    expect(r.code).toBe(0);
    const [first, second] = server.turnRequests();
    expect(first.body.messages[0].content).toContain(`Working directory: ${dir}`);
    expect(JSON.stringify(second.body.messages)).toContain('hello from cwd');
  });

  it('adds git status to the first message inside a repository', async () => {
    const dir = tempDir();
    const { execFileSync } = await import('node:child_process');
    execFileSync('git', ['init', '-q'], { cwd: dir });
    writeFileSync(join(dir, 'new.txt'), 'x');
    server = await startScriptedServer([{ text: 'ok' }]);
    await run(['look'], { cwd: dir, env: openai(server) });
    const [words, context] = server.turnRequests()[0].body.messages.at(-1).content;
    expect(words.text).toBe('look');
    expect(context.text).toContain('$ git status --short\n?? new.txt');
  });
});

describe('configuration', () => {
  it('reads .env from the working directory without overriding the environment', async () => {
    server = await startScriptedServer([{ text: 'ok' }]);
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), `OPENAI_API_KEY=from-dotenv\nOPENAI_BASE_URL=${server.openaiBaseURL}\nNANOCODE_MODEL=dotenv-model\n`);
    const r = await run(['hi'], { cwd: dir, env: { NANOCODE_MODEL: 'env-model' } });
    expect(r.code).toBe(0);
    const req = server.turnRequests()[0];
    expect(req.headers.authorization).toBe('Bearer from-dotenv');
    expect(req.body.model).toBe('env-model');
  });

  it('--model beats NANOCODE_MODEL, MODEL, MODEL_NAME and OPENAI_MODEL, in that order', async () => {
    server = await startScriptedServer(Array(5).fill({ text: 'ok' }));
    const vars = { NANOCODE_MODEL: 'a', MODEL: 'b', MODEL_NAME: 'c', OPENAI_MODEL: 'd' };
    await run(['--model', 'flag', 'x'], { env: openai(server, vars) });
    await run(['x'], { env: openai(server, vars) });
    await run(['x'], { env: openai(server, { MODEL: 'b', MODEL_NAME: 'c', OPENAI_MODEL: 'd' }) });
    await run(['x'], { env: openai(server, { MODEL_NAME: 'c', OPENAI_MODEL: 'd' }) });
    await run(['x'], { env: openai(server, { OPENAI_MODEL: 'd' }) });
    expect(server.turnRequests().map((r) => r.body.model)).toEqual(['flag', 'a', 'b', 'c', 'd']);
  });

  it('INFERENCE_BASE_URL works like OPENAI_BASE_URL', async () => {
    server = await startScriptedServer([{ text: 'ok' }]);
    const r = await run(['x'], { env: { OPENROUTER_API_KEY: 'or-key', INFERENCE_BASE_URL: server.openaiBaseURL, MODEL_NAME: 'qwen/qwen3-coder' } });
    expect(r.code).toBe(0);
    expect(server.turnRequests()[0].body.model).toBe('qwen/qwen3-coder');
    expect(server.turnRequests()[0].headers.authorization).toBe('Bearer or-key');
  });

  it('provider/model picks the provider: anthropic/ goes to the Messages API', async () => {
    server = await startScriptedServer([{ text: 'ok' }]);
    const r = await run(['--model', 'anthropic/claude-sonnet-4-6', 'x'], {
      env: { OPENAI_API_KEY: 'sk', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', ANTHROPIC_API_KEY: 'ant', ANTHROPIC_BASE_URL: server.anthropicBaseURL },
    });
    expect(r.code).toBe(0);
    expect(server.turnRequests()[0].path).toBe('/v1/messages');
    expect(server.turnRequests()[0].body.model).toBe('claude-sonnet-4-6');
  });
});

// The machine's own Node (Debian's) is older than nanocode needs: the one a user may have on PATH.
const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => {
  try {
    return Number(execFileSync(p, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' })) < 22;
  } catch {
    return false;
  }
});

it.skipIf(!oldNode)('under a Node older than 22, says what it needs and exits 2', () => {
  const r = spawnSync(oldNode!, [BIN, '--version'], { encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/^nanocode needs Node\.js 22 or newer; this is v\d+\.\d+\.\d+ \(.*node\)\.\n$/);
  expect(r.stdout).toBe('');
});
