// loadConfig: one validated object from flags, the environment, .env and the
// settings files; and the rule that nothing outside src/config/ reads
// process.env.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_PORTS, loadConfig } from '../../src/config/config.ts';
import { ConfigError } from '../../src/config/providers.ts';
import { tempDir } from '../support/cli.ts';

const SRC = resolve(import.meta.dirname, '../../src');

/** A working folder, with a .env when given its text. */
function folder(dotenv?: string): string {
  const dir = tempDir();
  if (dotenv !== undefined) writeFileSync(join(dir, '.env'), dotenv);
  return dir;
}

/** A config from `env` alone (and .env in `cwd`), never the developer's home or environment. */
const load = (env: Record<string, string | undefined>, cwd = folder()) => loadConfig({ env, cwd, flags: { home: tempDir('nanocode-home-') } });

describe('loadConfig', () => {
  it('has a default for every setting', () => {
    const c = load({});
    expect(c.retry).toEqual({ baseMs: 1000, idleTimeoutMs: 120_000, requestTimeoutMs: 600_000 });
    expect(c.compaction).toEqual({ enabled: true, reserveTokens: 16384, remainingRatio: 0.15, keepRecentTokens: 20000 });
    expect(c.contextWindow).toBeUndefined();
    expect(c.log).toBe(true);
    expect(c.ui).toEqual({ showThinking: true, noColor: false, editor: 'vi' });
    expect(c.localPorts).toEqual(LOCAL_PORTS);
    expect(c.choice).toBeUndefined();
    expect(c.requestedModel).toBeUndefined();
  });

  it('reads every variable it knows', () => {
    const c = load({
      NANOCODE_RETRY_BASE_MS: '0',
      NANOCODE_STREAM_IDLE_TIMEOUT_MS: ' 500 ',
      NANOCODE_REQUEST_TIMEOUT_MS: '5000',
      NANOCODE_CONTEXT_WINDOW_TOKENS: '16000',
      NANOCODE_COMPACTION: 'off',
      NANOCODE_COMPACTION_RESERVE_TOKENS: '1000',
      NANOCODE_COMPACTION_REMAINING_RATIO: '.25',
      NANOCODE_COMPACTION_KEEP_RECENT_TOKENS: '0',
      NANOCODE_LOG: '0',
      NANOCODE_LOCAL_PORTS: '8123, 9000',
      SHOW_THINKING: 'FALSE',
      NO_COLOR: 'whatever',
      EDITOR: 'nano',
      VISUAL: 'code -w',
      NANOCODE_MODEL: 'gpt-x',
      OPENAI_API_KEY: 'k',
    });
    expect(c.retry).toEqual({ baseMs: 0, idleTimeoutMs: 500, requestTimeoutMs: 5000 });
    expect(c.compaction).toEqual({ enabled: false, reserveTokens: 1000, remainingRatio: 0.25, keepRecentTokens: 0 });
    expect(c.contextWindow).toBe(16000);
    expect(c.log).toBe(false);
    expect(c.localPorts).toEqual([8123, 9000]);
    expect(c.ui).toEqual({ showThinking: false, noColor: true, editor: 'code -w' });
    expect(c.requestedModel).toBe('gpt-x');
    expect(c.choice).toMatchObject({ provider: 'openai', model: 'gpt-x', apiKey: 'k' });
  });

  it('takes an empty variable as unset, except NANOCODE_LOCAL_PORTS, where empty means look nowhere', () => {
    const c = load({ NANOCODE_STREAM_IDLE_TIMEOUT_MS: '', NANOCODE_LOG: ' ', NO_COLOR: '', NANOCODE_LOCAL_PORTS: '' });
    expect(c.retry.idleTimeoutMs).toBe(120_000);
    expect(c.log).toBe(true);
    expect(c.ui.noColor).toBe(false);
    expect(c.localPorts).toEqual([]);
  });

  it.each([
    ['NANOCODE_STREAM_IDLE_TIMEOUT_MS', 'abc', 'a whole number of milliseconds'],
    ['NANOCODE_STREAM_IDLE_TIMEOUT_MS', '0', 'a whole number of milliseconds'],
    ['NANOCODE_REQUEST_TIMEOUT_MS', '1.5', 'a whole number of milliseconds'],
    // setTimeout would fire at once for a longer delay.
    ['NANOCODE_REQUEST_TIMEOUT_MS', '3000000000', 'a whole number of milliseconds'],
    ['NANOCODE_RETRY_BASE_MS', '-5', 'a whole number of milliseconds'],
    ['NANOCODE_CONTEXT_WINDOW_TOKENS', '0', 'a whole number of tokens'],
    ['NANOCODE_CONTEXT_WINDOW_TOKENS', '128k', 'a whole number of tokens'],
    ['NANOCODE_COMPACTION_RESERVE_TOKENS', '1e3', 'a whole number of tokens'],
    ['NANOCODE_COMPACTION_KEEP_RECENT_TOKENS', 'lots', 'a whole number of tokens'],
    ['NANOCODE_COMPACTION_REMAINING_RATIO', '1', 'a number from 0 to below 1, such as 0.15'],
    ['NANOCODE_COMPACTION_REMAINING_RATIO', '15%', 'a number from 0 to below 1, such as 0.15'],
    ['NANOCODE_COMPACTION', 'sometimes', '0 or 1'],
    ['NANOCODE_LOG', 'quiet', '0 or 1'],
    ['SHOW_THINKING', '2', '0 or 1'],
    ['NANOCODE_LOCAL_PORTS', 'x,11434', 'port numbers (1 to 65535) separated by commas, such as 11434,5000'],
    ['NANOCODE_LOCAL_PORTS', '70000', 'port numbers (1 to 65535) separated by commas, such as 11434,5000'],
  ])('refuses %s=%s, naming the variable and what it must be', (name, value, must) => {
    const attempt = () => load({ [name]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(`nanocode: ${name} must be ${must}, not "${value}"`);
  });

  it('says so when the bad value came from .env', () => {
    expect(() => load({}, folder('NANOCODE_STREAM_IDLE_TIMEOUT_MS=abc\n'))).toThrow(
      'nanocode: NANOCODE_STREAM_IDLE_TIMEOUT_MS (in .env) must be a whole number of milliseconds, not "abc"',
    );
  });

  it('adds .env to the environment: variables already set win, even when empty', () => {
    const cwd = folder('NANOCODE_LOG=0\nNANOCODE_RETRY_BASE_MS=7\nEDITOR=from-dotenv\nOPENAI_API_KEY=dotenv-key\nFROM_DOTENV=yes\n');
    const c = load({ NANOCODE_RETRY_BASE_MS: '9', EDITOR: '', OPENAI_API_KEY: 'env-key' }, cwd);
    expect(c.log).toBe(false);
    expect(c.retry.baseMs).toBe(9);
    expect(c.ui.editor).toBe('vi');
    expect(c.choice?.apiKey).toBe('env-key');
    expect(c.commandEnv.FROM_DOTENV).toBe('yes');
  });

  it('never takes NANOCODE_HOME from .env: it must not move nanocode\'s own folder', () => {
    const cwd = folder(`NANOCODE_HOME=${tempDir()}\n`);
    const home = tempDir('nanocode-home-');
    expect(loadConfig({ env: {}, cwd }).home).toBe(join(homedir(), '.nanocode'));
    expect(loadConfig({ env: { NANOCODE_HOME: home }, cwd }).home).toBe(home);
    expect(loadConfig({ env: { NANOCODE_HOME: home }, cwd, flags: { home: '/given' } }).home).toBe('/given');
    expect(loadConfig({ env: {}, cwd }).commandEnv.NANOCODE_HOME).toBeUndefined();
  });

  it('leaves process.env as it was when it reads it', () => {
    const name = `NANOCODE_TEST_${process.pid}`;
    const c = loadConfig({ cwd: folder(`${name}=from-dotenv\n`), flags: { home: tempDir('nanocode-home-') } });
    expect(c.commandEnv[name]).toBe('from-dotenv');
    expect(process.env[name]).toBeUndefined();
  });

  it('holds secrets back from commands unless the settings allow them, and redacts them, .env\'s too', () => {
    const home = tempDir('nanocode-home-');
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ bash: { allowEnv: ['GH_TOKEN'] } }));
    const cwd = folder('DB_PASSWORD=hunter2-from-dotenv\n');
    const c = loadConfig({ env: { GH_TOKEN: 'ghp_allowed-token', OPENAI_API_KEY: 'sk-env-secret-value', PATH: '/bin' }, cwd, flags: { home } });
    expect(c.commandEnv).toEqual({ GH_TOKEN: 'ghp_allowed-token', PATH: '/bin' });
    expect(c.settings.bash?.allowEnv).toEqual(['GH_TOKEN']);
    expect(c.redact('a sk-env-secret-value b hunter2-from-dotenv')).toBe('a [REDACTED:OPENAI_API_KEY] b [REDACTED:DB_PASSWORD]');
  });

  it('names a settings file that is not valid', () => {
    const cwd = folder();
    mkdirSync(join(cwd, '.nanocode'));
    writeFileSync(join(cwd, '.nanocode/settings.json'), '{ nope');
    // Read at all only in a trusted folder.
    expect(() => loadConfig({ env: {}, cwd, flags: { home: tempDir('nanocode-home-'), trust: true } })).toThrow(`${join(cwd, '.nanocode/settings.json')} is not valid JSON`);
  });
});

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** process.env, process?.env, process['env'], or `{ env } = process`. */
const READS_ENV = /process\s*(\?\.|\.)\s*env\b|process\s*\[\s*['"`]env['"`]\s*\]|\{[^}]*\benv\b[^}]*\}\s*=\s*process\b/;

it('reads process.env only in src/config/', () => {
  const readers = sources(SRC)
    .filter((f) => READS_ENV.test(readFileSync(f, 'utf8')))
    .map((f) => relative(SRC, f));
  expect(readers.filter((f) => !f.startsWith('config/'))).toEqual([]);
  // The check finds what it looks for.
  expect(readers).toContain('config/config.ts');
});
