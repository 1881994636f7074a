import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMcpConfig, type McpConfigOptions } from '../../src/mcp/config.ts';
import { loadMcp } from '../../src/mcp/mcp.ts';
import { tempDir } from '../support/cli.ts';

/** nanocode's home, and a repository with cwd two levels down. */
function setup(files: Record<string, unknown>) {
  const root = realpathSync(tempDir());
  mkdirSync(join(root, 'repo/a/b'), { recursive: true });
  mkdirSync(join(root, 'repo/.git'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  const options: McpConfigOptions = { home: join(root, 'home/.nanocode'), cwd: join(root, 'repo/a/b'), trusted: true, env: { TOKEN: 'secret', HOST: 'example.com' } };
  return { root, load: (o: Partial<McpConfigOptions> = {}) => loadMcpConfig({ ...options, ...o }) };
}

const stdio = (command: string, extra: object = {}) => ({ command, ...extra });

describe('MCP configuration', () => {
  it('reads the user file, then each folder from the repository root down; nearer definitions win', () => {
    const { root, load } = setup({
      'home/.nanocode/mcp.json': { mcpServers: { mine: stdio('mine'), shared: stdio('from-user') } },
      'repo/.mcp.json': { mcpServers: { shared: stdio('from-root-mcp-json'), root: stdio('root') } },
      'repo/.nanocode/mcp.json': { mcpServers: { shared: stdio('from-root-nanocode') } },
      'repo/a/.nanocode/mcp.json': { mcpServers: { near: { type: 'http', url: 'https://near.example/mcp' } } },
    });
    const { servers, warnings } = load();
    expect(warnings).toEqual([]);
    expect(servers.map((s) => [s.name, s.source.slice(root.length + 1)])).toEqual([
      ['mine', 'home/.nanocode/mcp.json'],
      ['shared', 'repo/.nanocode/mcp.json'],
      ['root', 'repo/.mcp.json'],
      ['near', 'repo/a/.nanocode/mcp.json'],
    ]);
    expect(servers[0]).toEqual({
      name: 'mine',
      source: join(root, 'home/.nanocode/mcp.json'),
      transport: { type: 'stdio', command: 'mine', args: [], env: {}, cwd: join(root, 'repo/a/b') },
      timeout: 30_000,
      disabled: false,
    });
    expect(servers[3].transport).toEqual({ type: 'http', url: 'https://near.example/mcp', headers: {} });
  });

  it('leaves project files out of an untrusted folder', () => {
    const { load } = setup({
      'home/.nanocode/mcp.json': { mcpServers: { mine: stdio('mine') } },
      'repo/.mcp.json': { mcpServers: { evil: stdio('curl') } },
      'repo/a/b/.nanocode/mcp.json': { mcpServers: { evil2: stdio('curl') } },
    });
    expect(load({ trusted: false }).servers.map((s) => s.name)).toEqual(['mine']);
  });

  it('expands ${VAR} and ${VAR:-default} in command, args, env, url and headers', () => {
    const { root, load } = setup({
      'repo/.mcp.json': {
        mcpServers: {
          local: { command: '${HOME_BIN:-/usr/bin}/server', args: ['--token=${TOKEN}'], env: { API_TOKEN: '${TOKEN}', PLAIN: '$TOKEN' }, cwd: 'tools' },
          remote: { type: 'http', url: 'https://${HOST}/mcp', headers: { Authorization: 'Bearer ${TOKEN}' } },
          old: { type: 'sse', url: 'https://${HOST}/sse' },
        },
      },
    });
    // TOKEN looks secret: a project file gets it only when the user lets it through (bash.allowEnv).
    const { servers, warnings } = load({ projectEnv: { TOKEN: 'secret', HOST: 'example.com' } });
    expect(warnings).toEqual([]);
    expect(servers.map((s) => s.transport)).toEqual([
      { type: 'stdio', command: '/usr/bin/server', args: ['--token=secret'], env: { API_TOKEN: 'secret', PLAIN: '$TOKEN' }, cwd: join(root, 'repo/tools') },
      { type: 'http', url: 'https://example.com/mcp', headers: { Authorization: 'Bearer secret' } },
      { type: 'sse', url: 'https://example.com/sse', headers: {} },
    ]);
  });

  it('reads disabled, timeout and directTools', () => {
    const { load } = setup({
      'repo/.mcp.json': {
        mcpServers: {
          off: stdio('off', { disabled: true, env: { KEY: '${UNSET_KEY}' } }),
          slow: stdio('slow', { timeout: 120000, directTools: true }),
          some: { url: 'http://127.0.0.1:1234/mcp', directTools: ['echo', 'add'] },
        },
      },
    });
    const { servers, warnings } = load();
    expect(warnings).toEqual([]); // a disabled server's variables are not expanded
    expect(servers.map((s) => [s.name, s.disabled, s.timeout, s.directTools, s.transport.type])).toEqual([
      ['off', true, 30_000, undefined, 'stdio'],
      ['slow', false, 120_000, true, 'stdio'],
      ['some', false, 30_000, ['echo', 'add'], 'http'],
    ]);
  });

  it('warns about a bad file or entry, naming the file and the field, and keeps the rest', () => {
    const { root, load } = setup({
      'home/.nanocode/mcp.json': '{ "mcpServers": { "a": ',
      'repo/.mcp.json': {
        mcpServers: {
          good: stdio('good'),
          noCommand: { args: ['x'] },
          badTimeout: stdio('x', { timeout: 'soon' }),
          badArgs: stdio('x', { args: ['ok', 3] }),
          unset: { type: 'http', url: 'https://h/mcp', headers: { Authorization: 'Bearer ${MISSING_TOKEN}' } },
          notUrl: { type: 'http', url: 'ftp://h' },
          'bad__name': stdio('x'),
          badDirect: stdio('x', { directTools: 'all' }),
        },
      },
      'repo/.nanocode/mcp.json': { mcpServers: [] },
    });
    const { servers, warnings } = load();
    expect(servers.map((s) => s.name)).toEqual(['good']);
    const file = join(root, 'repo/.mcp.json');
    expect(warnings).toEqual([
      expect.stringMatching(new RegExp(`^${join(root, 'home/.nanocode/mcp.json')}: not valid JSON: `)),
      `${file}: mcpServers.noCommand: command: Invalid input: expected string, received undefined; skipped`,
      `${file}: mcpServers.badTimeout: timeout: Invalid input: expected number, received string; skipped`,
      `${file}: mcpServers.badArgs: args.1: Invalid input: expected string, received number; skipped`,
      `${file}: mcpServers.unset: headers.Authorization: \${MISSING_TOKEN} is not set; skipped`,
      `${file}: mcpServers.notUrl: url: not an http(s) URL: ftp://h; skipped`,
      `${file}: mcpServers.bad__name: a server name takes letters, digits, - and _ (no "__", no "_" at the end), at most 40; skipped`,
      `${file}: mcpServers.badDirect: directTools: expected true or a list of tool names; skipped`,
      `${join(root, 'repo/.nanocode/mcp.json')}: mcpServers: Invalid input: expected record, received array`,
    ]);
  });
});

describe('loadMcp', () => {
  it('adds nothing, and starts nothing, without servers', async () => {
    const { root } = setup({});
    expect(await loadMcp({ home: join(root, 'home/.nanocode'), cwd: join(root, 'repo/a/b'), trusted: true, env: {}, serverEnv: {} })).toEqual({ tools: [], warnings: [] });
  });

  it('gives the three tools when a server is enabled, and none when all are disabled', async () => {
    const { root } = setup({ 'home/.nanocode/mcp.json': { mcpServers: { later: stdio('nanocode-not-started') } } });
    const options = { home: join(root, 'home/.nanocode'), cwd: join(root, 'repo/a/b'), trusted: true, env: {}, serverEnv: {} };
    const mcp = await loadMcp(options);
    expect(mcp.tools.map((t) => [t.name, (t as unknown as { permission: string }).permission])).toEqual([
      ['mcp_search', 'read'],
      ['mcp_inspect', 'read'],
      ['mcp_call', 'other'],
    ]);
    expect(mcp.manager!.status()).toMatchObject([{ name: 'later', state: 'stopped' }]);
    await mcp.manager!.close();

    writeFileSync(join(root, 'home/.nanocode/mcp.json'), JSON.stringify({ mcpServers: { later: stdio('x', { disabled: true }) } }));
    const off = await loadMcp(options);
    expect(off.tools).toEqual([]);
    expect(off.manager!.status()).toMatchObject([{ name: 'later', state: 'disabled' }]);
  });
});
