// Context files and skills through the binary: what the user wrote for agents
// (AGENTS.md and CLAUDE.md from the repository root down to the working
// folder, @imports, SYSTEM.md, APPEND_SYSTEM.md, skill folders) reaches the
// system prompt the scripted model server records, in order, and only from a
// trusted project.
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { recordTrust } from '../../src/config/trust.ts';
import { run, tempDir } from '../support/cli.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';
import { openPane, type Pane } from '../support/tmux.ts';

let server: ScriptedServer | undefined;
let pane: Pane | undefined;
afterEach(async () => {
  pane?.kill();
  pane = undefined;
  await server?.close();
});

/** Writes each file (its folders made), relative to `root`. */
function write(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
}

/** A repository whose working folder is two levels down, and nanocode's home; `files` are relative to the repository, `~/` to the home. */
function project(files: Record<string, string> = {}) {
  const repo = realpathSync(tempDir('nanocode-repo-'));
  const home = realpathSync(tempDir('nanocode-home-'));
  const cwd = join(repo, 'sub', 'work');
  mkdirSync(cwd, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: repo });
  write(repo, Object.fromEntries(Object.entries(files).filter(([name]) => !name.startsWith('~/'))));
  write(home, Object.fromEntries(Object.entries(files).filter(([name]) => name.startsWith('~/')).map(([name, text]) => [name.slice(2), text])));
  return { repo, home, cwd, trust: () => recordTrust(home, cwd, true) };
}

const env = (s: ScriptedServer, home: string) => ({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: home });

/** Runs one task and returns the system prompt the model got. */
async function systemPrompt(p: ReturnType<typeof project>, args: string[] = []): Promise<string> {
  server = await startScriptedServer([{ text: 'ok' }]);
  const result = await run([...args, '--no-session', 'hi'], { cwd: p.cwd, env: env(server, p.home) });
  expect(result.code, result.stderr).toBe(0);
  const system = server.turnRequests()[0].body.messages[0];
  expect(system.role).toBe('system');
  await server.close();
  server = undefined;
  return system.content;
}

const LAYERS = {
  '~/AGENTS.md': 'GLOBAL-RULES',
  'AGENTS.md': 'ROOT-RULES: follow @docs/style.md',
  'docs/style.md': 'STYLE-RULES',
  'sub/CLAUDE.md': 'SUB-RULES',
  'sub/work/AGENTS.md': 'CWD-RULES',
};

it('puts AGENTS.md from home, the repository root, a subfolder and the working folder, with an @import, into the system prompt in order, once the project is trusted', async () => {
  const p = project(LAYERS);
  const untrusted = await systemPrompt(p);
  expect(untrusted).toContain(`## ${join(p.home, 'AGENTS.md')}\n\nGLOBAL-RULES`);
  for (const text of ['ROOT-RULES', 'STYLE-RULES', 'SUB-RULES', 'CWD-RULES']) expect(untrusted).not.toContain(text);

  p.trust();
  const trusted = await systemPrompt(p);
  const at = ['You are nanocode', 'Working directory:', '# Context files', 'GLOBAL-RULES', 'ROOT-RULES', 'STYLE-RULES', 'SUB-RULES', 'CWD-RULES'].map((t) => trusted.indexOf(t));
  expect(at.every((i) => i >= 0)).toBe(true);
  expect(at).toEqual([...at].sort((a, b) => a - b));
  expect(trusted).toContain(`## ${join(p.repo, 'docs/style.md')}\n\nSTYLE-RULES`);
  expect(trusted).toContain(`## ${join(p.repo, 'sub/CLAUDE.md')}\n\nSUB-RULES`);

  const off = await systemPrompt(p, ['--no-context-files']);
  for (const text of ['# Context files', 'GLOBAL-RULES', 'ROOT-RULES', 'CWD-RULES']) expect(off).not.toContain(text);
  expect(off).toMatch(/^You are nanocode/);
});

it('SYSTEM.md replaces the built-in instructions and APPEND_SYSTEM.md is appended; the flags win over both', async () => {
  const p = project({ '.nanocode/SYSTEM.md': 'PROJECT-SYSTEM', '~/SYSTEM.md': 'GLOBAL-SYSTEM', '~/APPEND_SYSTEM.md': 'GLOBAL-APPEND', 'sub/.nanocode/append-system.md': 'PROJECT-APPEND', 'AGENTS.md': 'ROOT-RULES' });
  // Untrusted: the project's SYSTEM.md and append file do not count; the global ones do.
  const untrusted = await systemPrompt(p);
  expect(untrusted).toMatch(/^GLOBAL-SYSTEM\n\nWorking directory: /);
  expect(untrusted).toMatch(/\n\nGLOBAL-APPEND$/);

  p.trust();
  const trusted = await systemPrompt(p);
  expect(trusted).toMatch(/^PROJECT-SYSTEM\n\nWorking directory: /);
  expect(trusted).not.toContain('You are nanocode');
  expect(trusted).toMatch(/ROOT-RULES\n\nGLOBAL-APPEND\n\nPROJECT-APPEND$/);

  const flags = await systemPrompt(p, ['--system-prompt', 'FLAG-SYSTEM', '--append-system-prompt', 'FLAG-APPEND']);
  expect(flags).toMatch(/^FLAG-SYSTEM\n\nWorking directory: /);
  expect(flags).toMatch(/\n\nGLOBAL-APPEND\n\nPROJECT-APPEND\n\nFLAG-APPEND$/);
});

it('a missing @import is a warning for the user, not text for the model', async () => {
  const p = project({ '~/AGENTS.md': 'GLOBAL-RULES, see @gone.md' });
  server = await startScriptedServer([{ text: 'ok' }]);
  const result = await run(['--no-session', 'hi'], { cwd: p.cwd, env: env(server, p.home) });
  expect(result.code).toBe(0);
  expect(result.stderr).toContain(`nanocode: ${join(p.home, 'AGENTS.md')}:1: @gone.md was not found; import skipped`);
  const system = server.turnRequests()[0].body.messages[0].content;
  expect(system).toContain('GLOBAL-RULES');
  expect(system).not.toContain('not found');
});

const SKILL = `---
name: deploy-app
description: Deploy the app to staging with the team's script.
---
SKILL-BODY: run scripts/deploy.sh, then check the health page.
`;

it('lists a skill by name and description only; the skill tool returns its body and folder; bad frontmatter is reported and skipped', async () => {
  const p = project({
    '~/skills/deploy-app/SKILL.md': SKILL,
    '~/skills/deploy-app/scripts/deploy.sh': 'echo deployed\n',
    '~/skills/broken/SKILL.md': '---\nname: broken\ndescription: [unclosed\n---\nbody\n',
  });
  server = await startScriptedServer([{ toolCalls: [{ name: 'skill', args: { name: 'deploy-app' } }] }, { text: 'deployed' }]);
  const result = await run(['--no-session', 'ship it'], { cwd: p.cwd, env: env(server, p.home) });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toMatch(new RegExp(`nanocode: ${join(p.home, 'skills/broken/SKILL.md')}:3: .*skill skipped`));

  const [first, second] = server.turnRequests().map((r) => r.body);
  const system: string = first.messages[0].content;
  expect(system).toContain("# Skills\n");
  expect(system).toContain("- deploy-app: Deploy the app to staging with the team's script.");
  expect(system).not.toContain('SKILL-BODY');
  expect(system).not.toContain('broken');
  expect(first.tools.map((t: any) => t.function.name)).toContain('skill');
  const output = second.messages.find((m: any) => m.role === 'tool').content;
  expect(output).toContain('SKILL-BODY: run scripts/deploy.sh');
  expect(output).toContain(`folder="${join(p.home, 'skills/deploy-app')}"`);
  expect(output).toContain('Files: scripts/deploy.sh');
});

it('without skills there is no skill tool and no Skills part', async () => {
  const p = project();
  server = await startScriptedServer([{ text: 'ok' }]);
  expect((await run(['--no-session', 'hi'], { cwd: p.cwd, env: env(server, p.home) })).code).toBe(0);
  const body = server.turnRequests()[0].body;
  expect(body.tools.map((t: any) => t.function.name)).not.toContain('skill');
  expect(body.messages[0].content).not.toContain('# Skills');
});

it('in the REPL, /skills lists the skills, /skill:<name> args sends the skill as a prompt, /context lists the files with sizes', async () => {
  const p = project({ '~/skills/deploy-app/SKILL.md': SKILL, '~/AGENTS.md': 'GLOBAL-RULES' });
  server = await startScriptedServer([{ text: 'deploying now' }]);
  pane = openPane(env(server, p.home), { cwd: p.cwd, width: 140 });
  await pane.waitFor('/help for commands');
  pane.submit('/skills');
  await pane.waitFor(/deploy-app +Deploy the app to staging/);
  pane.submit('/context');
  await pane.waitFor(new RegExp(`context-file +12 B  ${join(p.home, 'AGENTS.md')}`));
  pane.submit('/skill:deploy-app to production please');
  await pane.waitFor('deploying now');
  const user = server.turnRequests()[0].body.messages.at(-1);
  const text = typeof user.content === 'string' ? user.content : user.content[0].text;
  expect(text).toContain('<skill name="deploy-app"');
  expect(text).toContain('SKILL-BODY: run scripts/deploy.sh');
  expect(text).toMatch(/User request: to production please$/);
  pane.submit('/skill:nope');
  await pane.waitFor('No skill "nope"');
});

it('/reload reads the context files again, and leaves a project out once its configuration changed since it was trusted', async () => {
  const p = project({ 'AGENTS.md': 'ROOT-RULES', '.nanocode/APPEND_SYSTEM.md': 'APPEND-V1' });
  p.trust();
  server = await startScriptedServer([{ text: 'first answer' }, { text: 'second answer' }, { text: 'third answer' }]);
  pane = openPane(env(server, p.home), { cwd: p.cwd, width: 200 });
  await pane.waitFor('/help for commands');
  pane.submit('one');
  await pane.waitFor('first answer');
  const system = (i: number): string => server!.turnRequests()[i].body.messages[0].content;
  expect(system(0)).toMatch(/ROOT-RULES\n\nAPPEND-V1$/);

  write(p.repo, { 'sub/work/AGENTS.md': 'CWD-RULES' });
  pane.submit('/reload');
  await pane.waitFor('Reloaded: 3 context files');
  pane.submit('two');
  await pane.waitFor('second answer');
  expect(system(1)).toMatch(/ROOT-RULES[\s\S]*CWD-RULES\n\nAPPEND-V1$/);

  write(p.repo, { '.nanocode/APPEND_SYSTEM.md': 'APPEND-V2' });
  pane.submit('/reload');
  await pane.waitFor("configuration changed since it was trusted");
  await pane.waitFor('Reloaded: 0 context files');
  pane.submit('three');
  await pane.waitFor('third answer');
  for (const text of ['ROOT-RULES', 'CWD-RULES', 'APPEND-V']) expect(system(2)).not.toContain(text);
});
