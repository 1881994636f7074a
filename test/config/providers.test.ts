import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/config/dotenv.ts';
import { chooseModel } from '../../src/config/providers.ts';
import { tempDir } from '../support/cli.ts';

const home = tempDir('nanocode-home-');

describe('auto-detection', () => {
  it.each([
    [{ OPENAI_API_KEY: 'a' }, 'openai', 'gpt-5.2'],
    [{ ANTHROPIC_API_KEY: 'a' }, 'anthropic', 'claude-sonnet-4-6'],
    [{ GEMINI_API_KEY: 'a' }, 'google', 'gemini-3-flash'],
    [{ GROQ_API_KEY: 'a' }, 'groq', 'openai/gpt-oss-120b'],
    [{ DEEPSEEK_API_KEY: 'a' }, 'deepseek', 'deepseek-chat'],
    [{ XAI_API_KEY: 'a' }, 'xai', 'grok-code-fast-1'],
    [{ OPENROUTER_API_KEY: 'a' }, 'openrouter', 'anthropic/claude-sonnet-4.6'],
    [{ OPENCODE_API_KEY: 'a' }, 'opencode', 'kimi-k2.5'],
  ])('%j selects %s with a default model', (env, provider, model) => {
    expect(chooseModel(undefined, env, home)).toMatchObject({ provider, model, apiKey: 'a' });
  });

  it('takes the first key in the documented order', () => {
    expect(chooseModel(undefined, { XAI_API_KEY: 'x', ANTHROPIC_API_KEY: 'a', GROQ_API_KEY: 'g' }, home)?.provider).toBe('anthropic');
  });

  it('returns undefined when nothing is configured', () => {
    expect(chooseModel(undefined, {}, home)).toBeUndefined();
  });

  it("reads OpenCode's auth.json", () => {
    const h = tempDir('nanocode-home-');
    mkdirSync(join(h, '.local/share/opencode'), { recursive: true });
    writeFileSync(join(h, '.local/share/opencode/auth.json'), JSON.stringify({ opencode: { type: 'api', key: 'oc-key' } }));
    expect(chooseModel(undefined, {}, h)).toMatchObject({ provider: 'opencode', apiKey: 'oc-key', baseURL: 'https://opencode.ai/zen/v1' });
  });
});

describe('explicit models', () => {
  it('provider/model names the provider, keeping the rest of the id', () => {
    expect(chooseModel('openrouter/qwen/qwen3-coder', { OPENROUTER_API_KEY: 'k', OPENAI_API_KEY: 'o' }, home)).toMatchObject({ provider: 'openrouter', model: 'qwen/qwen3-coder', apiKey: 'k' });
    expect(chooseModel('opencode-go/glm-5', { OPENCODE_API_KEY: 'k' }, home)).toMatchObject({ provider: 'opencode-go', model: 'glm-5', baseURL: 'https://opencode.ai/zen/go/v1' });
  });

  it('a bare claude model goes to Anthropic when its key is set', () => {
    expect(chooseModel('claude-opus-4-6', { OPENAI_API_KEY: 'o', ANTHROPIC_API_KEY: 'a' }, home)).toMatchObject({ provider: 'anthropic', apiKey: 'a' });
  });

  it('ANTHROPIC_BASE_URL gains /v1 when it lacks it', () => {
    expect(chooseModel(undefined, { ANTHROPIC_API_KEY: 'a', ANTHROPIC_BASE_URL: 'http://h:1/' }, home)?.baseURL).toBe('http://h:1/v1');
    expect(chooseModel(undefined, { ANTHROPIC_API_KEY: 'a', ANTHROPIC_BASE_URL: 'http://h:1/v1' }, home)?.baseURL).toBe('http://h:1/v1');
  });

  it('OPENAI_BASE_URL makes any model an OpenAI-compatible one', () => {
    expect(chooseModel('llama3', { OPENAI_BASE_URL: 'http://localhost:11434/v1' }, home)).toEqual({
      provider: 'openai-compatible',
      model: 'llama3',
      apiKey: undefined,
      baseURL: 'http://localhost:11434/v1',
    });
  });
});

it('parses .env lines: comments, quotes, export', () => {
  expect(parseDotenv('# c\nexport A=1\nB="two words"\nC=\'x#y\'\nD=plain # note\nnot a line\n')).toEqual({ A: '1', B: 'two words', C: 'x#y', D: 'plain' });
});
