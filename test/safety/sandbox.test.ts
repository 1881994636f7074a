// The sandbox for real: bwrap builds it and real commands try to get out.
// Skipped, with the reason in the title, only where bwrap is not installed;
// installed but unusable is a failure (CI must not silently lose the sandbox).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createSocketServer } from 'node:net';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectSandbox, type SandboxSpec, spawnSandboxed } from '../../src/safety/sandbox.ts';
import { explainSandboxFailure } from '../../src/safety/sandbox-failure.ts';
import { tempDir } from '../support/cli.ts';
import { expectGone, killAll, pidsOf, uniqueName, waitUntil } from '../support/scenario.ts';

const sandbox = await detectSandbox(process.env);
const bwrap = sandbox.kind === 'bwrap' ? sandbox.path : '';
const notInstalled = sandbox.kind === 'none' && sandbox.why.includes('not installed');
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });

/** A workspace (a repository with one commit and a .nanocode/), a temp folder, a HOME and nanocode's home inside the temp folder. */
function setup(opts: { repo?: boolean; dotNanocode?: boolean } = {}) {
  const root = tempDir('nanocode-sandbox-');
  const [workspace, tmp, home] = ['ws', 'tmp', 'home'].map((d) => join(root, d));
  for (const d of [workspace, tmp, home]) mkdirSync(d);
  // Inside the temp folder on purpose (as in tests and TMPDIR setups): writable unless protected.
  const nanocodeHome = join(tmp, 'nanocode-home');
  mkdirSync(nanocodeHome);
  writeFileSync(join(nanocodeHome, 'settings.json'), '{}');
  if (opts.dotNanocode !== false) {
    mkdirSync(join(workspace, '.nanocode'));
    writeFileSync(join(workspace, '.nanocode', 'settings.json'), '{}');
  }
  if (opts.repo !== false) {
    git(workspace, 'init', '-q');
    writeFileSync(join(workspace, 'a.txt'), 'a\n');
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-qm', 'first');
  }
  const spec: SandboxSpec = { workspace, tmp, nanocodeHome, network: false };
  const env = { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
  return { root, workspace, tmp, home, nanocodeHome, spec, env };
}

/** Runs a script in a sandboxed shell; merged output and exit code. */
async function sandboxed(spec: SandboxSpec, script: string, env: NodeJS.ProcessEnv, cwd = spec.workspace): Promise<{ code: number | null; out: string }> {
  const child = spawnSandboxed(bwrap, spec, { cwd, env, detached: true });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  child.stdin!.end(script);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, out };
}

/** Each line of `lines` run on its own; how each ended. */
async function eachFails(s: ReturnType<typeof setup>, lines: string[]): Promise<string> {
  const script = lines.map((l) => `( ${l} ) >/dev/null 2>&1 && echo "WROTE: ${l.replace(/"/g, '\\"')}"`).join('\n');
  const { out } = await sandboxed(s.spec, script, s.env);
  return out;
}

describe.skipIf(notInstalled)(`sandbox${notInstalled ? ` (skipped: ${(sandbox as { why: string }).why})` : ''}`, () => {
  it('bwrap, installed, can build a sandbox here', () => {
    expect(sandbox).toEqual({ kind: 'bwrap', path: expect.stringMatching(/bwrap$/) });
  });

  it('lets commands write in the workspace and the temp folder, and nowhere else', async () => {
    const s = setup();
    const r = await sandboxed(s.spec, `echo ws > ws.txt && echo tmp > ${s.tmp}/t.txt && echo ok\ntouch ${s.home}/.bashrc\n`, s.env);
    expect(readFileSync(join(s.workspace, 'ws.txt'), 'utf8')).toBe('ws\n');
    expect(readFileSync(join(s.tmp, 't.txt'), 'utf8')).toBe('tmp\n');
    expect(r.out).toMatch(/^ok\n.*\.bashrc.*Read-only file system/);
    expect(existsSync(join(s.home, '.bashrc'))).toBe(false);
    expect(explainSandboxFailure(r.out, r.code, false)).toMatch(/^\[sandbox: writes outside the workspace and the temp folder are blocked/);
    expect(await eachFails(s, [`touch ${s.root}/x`, 'touch /etc/nanocode-x', 'touch /usr/nanocode-x'])).toBe('');
  });

  it('keeps .git/hooks, .git/config, .nanocode/ and nanocode\'s home read-only, renames of their folders included', async () => {
    const s = setup();
    const before = ['.git/config', '.nanocode/settings.json'].map((f) => readFileSync(join(s.workspace, f), 'utf8'));
    const out = await eachFails(s, [
      'echo evil > .git/hooks/pre-commit',
      'git config core.hooksPath /tmp',
      'echo evil >> .git/config',
      'echo evil > .nanocode/settings.json',
      'rm -rf .nanocode',
      `echo evil > ${s.nanocodeHome}/settings.json`,
      `touch ${s.nanocodeHome}/trust.json`,
      // Sidesteps: move the folder away and make a new one in its place.
      'mv .git .git-old',
      'mv .git/hooks .git/hooks-old',
      'mv .nanocode .nanocode-old',
      `mv ${s.nanocodeHome} ${s.tmp}/moved`,
    ]);
    expect(out).toBe('');
    expect(existsSync(join(s.workspace, '.git/hooks/pre-commit'))).toBe(false);
    expect(['.git/config', '.nanocode/settings.json'].map((f) => readFileSync(join(s.workspace, f), 'utf8'))).toEqual(before);
    expect(readFileSync(join(s.nanocodeHome, 'settings.json'), 'utf8')).toBe('{}');
    expect(git(s.workspace, 'log', '--oneline').split('\n').filter(Boolean)).toHaveLength(1); // the repository still works
  });

  it('does not let a missing .nanocode/ or nanocode home be created', async () => {
    const s = setup({ dotNanocode: false });
    const spec = { ...s.spec, nanocodeHome: join(s.tmp, 'not-yet', '.nanocode') };
    const r = await sandboxed(spec, `mkdir -p .nanocode && echo '{}' > .nanocode/settings.json\nmkdir -p ${spec.nanocodeHome} && touch ${spec.nanocodeHome}/settings.json\n`, s.env);
    expect(r.out.match(/Read-only file system/g)).toHaveLength(2);
    // Empty folders are left where the protection was mounted.
    expect(existsSync(join(s.workspace, '.nanocode/settings.json'))).toBe(false);
    expect(existsSync(join(spec.nanocodeHome, 'settings.json'))).toBe(false);
  });

  it('keeps a worktree\'s repository committable, with its hooks and .git pointer protected', async () => {
    const s = setup();
    const wt = join(s.root, 'wt');
    git(s.workspace, 'worktree', 'add', '-q', wt);
    const spec = { ...s.spec, workspace: wt };
    const r = await sandboxed(spec, 'echo b > b.txt && git add b.txt && git commit -qm second && echo committed\n', s.env, wt);
    expect(r.out).toBe('committed\n');
    const out = await eachFails({ ...s, spec }, ['echo evil > "$(git rev-parse --git-common-dir)/hooks/pre-commit"', 'echo "gitdir: /tmp/evil" > .git', 'echo evil >> "$(git rev-parse --git-common-dir)/config"']);
    expect(out).toBe('');
    expect(readFileSync(join(wt, '.git'), 'utf8')).toMatch(/^gitdir: .*worktrees/);
  });

  it('hides the secret places and nanocode\'s home (but its skills) from reading, and keeps them unwritable', async () => {
    const s = setup();
    mkdirSync(join(s.home, '.ssh'));
    writeFileSync(join(s.home, '.ssh/id_rsa'), 'PRIVATE');
    writeFileSync(join(s.home, '.npmrc'), '//registry/:_authToken=NPMTOKEN');
    mkdirSync(join(s.nanocodeHome, 'skills', 'pdf'), { recursive: true });
    writeFileSync(join(s.nanocodeHome, 'skills', 'pdf', 'run.sh'), 'echo skill-script');
    const spec = { ...s.spec, home: s.home };
    const r = await sandboxed(spec, `cat ~/.ssh/id_rsa ~/.npmrc ${s.nanocodeHome}/settings.json; ls -A ~/.ssh; sh ${s.nanocodeHome}/skills/pdf/run.sh\n`, s.env);
    expect(r.out).toMatch(/No such file or directory[\s\S]*skill-script\n$/);
    expect(r.out).not.toMatch(/PRIVATE|NPMTOKEN|id_rsa\n|\{\}/);
    expect(await eachFails({ ...s, spec }, ['touch ~/.ssh/x', 'echo x > ~/.npmrc', `touch ${s.nanocodeHome}/skills/x`, `touch ${s.nanocodeHome}/x`])).toBe('');
  });

  it('reaches a server on 127.0.0.1 only when the network is allowed', async () => {
    const s = setup();
    const server = createHttpServer((_, res) => res.end('secret page\n')).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    const get = `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3\n`;
    try {
      const offline = await sandboxed(s.spec, get, s.env);
      expect(offline.out).not.toContain('secret page');
      expect(offline.out).toContain('Connection refused');
      expect(explainSandboxFailure(offline.out, offline.code, false)).toMatch(/no network access.*127\.0\.0\.1/);
      const online = await sandboxed({ ...s.spec, network: true }, get, s.env);
      expect(online.out).toContain('secret page');
    } finally {
      server.close();
    }
  });

  it('blocks Unix sockets, so daemons outside (Docker, tmux, D-Bus) are out of reach', async () => {
    const s = setup();
    const path = join(s.tmp, 'daemon.sock');
    const server = createSocketServer((c) => c.end('daemon says hi\n')).listen(path);
    await new Promise((r) => server.once('listening', r));
    try {
      const r = await sandboxed(s.spec, `node -e "require('net').connect(process.argv[1]).on('data', (d) => process.stdout.write(d)).on('error', (e) => { console.log(e.message); process.exit(1); })" ${path}\n`, s.env);
      expect(r.out).toBe(`connect EPERM ${path}\n`);
      expect(explainSandboxFailure(r.out, r.code, false)).toMatch(/Unix\) sockets/);
    } finally {
      server.close();
    }
  });

  it('hides nanocode\'s process and environment: /proc shows only the sandbox', async () => {
    const s = setup();
    const secret = `sk-test-${uniqueName('secret')}`;
    // A stand-in for nanocode: a Node process with a key in its environment, which it does not pass on.
    const script = `
      import { spawnSandboxed } from ${JSON.stringify(resolve(import.meta.dirname, '../../src/safety/sandbox.ts'))};
      const env = { PATH: process.env.PATH, NANOCODE_PID: String(process.pid) };
      const child = spawnSandboxed(${JSON.stringify(bwrap)}, ${JSON.stringify(s.spec)}, { cwd: ${JSON.stringify(s.workspace)}, env });
      child.stdout.pipe(process.stdout); child.stderr.pipe(process.stdout);
      child.stdin.end('echo nanocode pid $NANOCODE_PID; cat /proc/$NANOCODE_PID/environ; cat /proc/*/environ; echo; echo processes $(ls /proc | grep -c "^[0-9]")\\n');`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH, OPENAI_API_KEY: secret }, encoding: 'utf8' });
    expect(out).toMatch(/^nanocode pid \d+\n/);
    expect(out).toMatch(/cat: \/proc\/\d+\/environ: No such file or directory/);
    expect(out).not.toContain(secret);
    // bwrap's init, bash, cat, ls and grep at most: nothing of the host.
    expect(Number(/processes (\d+)/.exec(out)?.[1])).toBeLessThanOrEqual(6);
  });

  it('runs npm-test-style work: node writing files, npm test, a fresh repository and a commit', async () => {
    const s = setup();
    writeFileSync(join(s.workspace, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0', scripts: { test: 'node -e "require(\'fs\').writeFileSync(\'tested.txt\', \'ok\')"' } }));
    const r = await sandboxed(
      s.spec,
      ['npm test --silent', 'mkdir fresh && cd fresh && git init -q && echo x > x && git add x && git commit -qm one && cd ..', 'git add package.json tested.txt && git commit -qm two', 'echo done\n'].join(' && '),
      s.env,
    );
    expect(r).toEqual({ code: 0, out: 'done\n' });
    expect(readFileSync(join(s.workspace, 'tested.txt'), 'utf8')).toBe('ok');
    expect(git(join(s.workspace, 'fresh'), 'log', '--format=%s')).toBe('one\n');
    expect(git(s.workspace, 'log', '--format=%s')).toBe('two\nfirst\n');
  });

  it('keeps no capabilities, even as root: no remount, no kernel settings', async () => {
    const s = setup();
    const pattern = readFileSync('/proc/sys/kernel/core_pattern', 'utf8');
    // Writes back the value it reads: harmless even if the sandbox failed.
    const out = await eachFails(s, ['mount -o remount,rw /', 'v=$(cat /proc/sys/kernel/core_pattern); echo "$v" > /proc/sys/kernel/core_pattern']);
    expect(out).toBe('');
    expect(readFileSync('/proc/sys/kernel/core_pattern', 'utf8')).toBe(pattern);
  });

  it('killing the shell\'s process group ends everything inside, setsid daemons included', async () => {
    const s = setup();
    const [bg, daemon] = [uniqueName('bg'), uniqueName('daemon')];
    const child = spawnSandboxed(bwrap, s.spec, { cwd: s.workspace, env: s.env, detached: true });
    try {
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      // The persistent shell keeps reading stdin, as shell.ts drives it.
      child.stdin!.write(`(exec -a ${bg} sleep 1000) &\nsetsid bash -c 'exec -a ${daemon} sleep 1000' &\necho started\n`);
      await waitUntil(() => out.includes('started') && pidsOf(bg).length > 0 && pidsOf(daemon).length > 0, 'the sleeps to start');
      process.kill(-child.pid!, 'SIGKILL');
      await expectGone(bg);
      await expectGone(daemon);
    } finally {
      killAll(bg);
      killAll(daemon);
    }
  });

  it('nanocode killed outright takes the sandbox with it', async () => {
    const s = setup();
    const daemon = uniqueName('orphan');
    const script = `
      import { spawnSandboxed } from ${JSON.stringify(resolve(import.meta.dirname, '../../src/safety/sandbox.ts'))};
      const child = spawnSandboxed(${JSON.stringify(bwrap)}, ${JSON.stringify(s.spec)}, { cwd: ${JSON.stringify(s.workspace)}, env: { PATH: process.env.PATH }, detached: true });
      child.stdout.pipe(process.stdout);
      child.stdin.write("setsid bash -c 'exec -a ${daemon} sleep 1000' &\\necho started\\n");`;
    const nanocode = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      nanocode.stdout!.on('data', (d) => (out += d));
      await waitUntil(() => out.includes('started') && pidsOf(daemon).length > 0, 'the daemon to start');
      nanocode.kill('SIGKILL');
      await expectGone(daemon);
    } finally {
      nanocode.kill('SIGKILL');
      killAll(daemon);
    }
  });
});
