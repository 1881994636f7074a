// The sandbox's parts that need no bwrap: telling sandbox failures apart,
// detection where bwrap is missing or broken, and the mount plan.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectSandbox } from '../../src/safety/sandbox.ts';
import { explainSandboxFailure } from '../../src/safety/sandbox-failure.ts';
import { findGit, sandboxMounts } from '../../src/safety/sandbox-mounts.ts';
import { seccompFilter } from '../../src/safety/seccomp.ts';
import { tempDir } from '../support/cli.ts';

describe('explainSandboxFailure', () => {
  // Outputs recorded from these commands run in the sandbox without network.
  const cases: Array<[string, string, RegExp | undefined]> = [
    ['touch ~/x', "touch: cannot touch '/home/u/x': Read-only file system", /writes outside the workspace/],
    ['git config user.name x', 'error: could not write config file .git/config: Device or resource busy', /\.git\/config, .*read-only/],
    ['pip download', "OSError: [Errno 30] Read-only file system: '/tmp/x'", /writes outside/],
    ['curl https://example.com', 'curl: (6) Could not resolve host: example.com', /no network access\. If it needs the network/],
    ['git ls-remote', "fatal: unable to access 'https://github.com/git/git/': Could not resolve host: github.com", /allow network for this command/],
    ['node fetch', 'getaddrinfo EAI_AGAIN example.com', /no network access/],
    ['npm view', 'npm error request to https://registry.npmjs.org/left-pad failed, reason: getaddrinfo EAI_AGAIN registry.npmjs.org', /no network access/],
    ['python urllib', 'urllib.error.URLError: <urlopen error [Errno -3] Temporary failure in name resolution>', /no network access/],
    ['ssh', 'ssh: Could not resolve hostname github.com: Temporary failure in name resolution', /no network access/],
    ['curl 127.0.0.1', "curl: (7) Failed to connect to 127.0.0.1 port 32825 after 0 ms: Couldn't connect to server", /unreachable, also on 127\.0\.0\.1/],
    ['node fetch 127.0.0.1', 'connect ECONNREFUSED 127.0.0.1:32825', /unreachable/],
    ['docker ps', 'dial unix /var/run/docker.sock: socket: operation not permitted', /Unix\) sockets/],
    ['tmux ls', 'error connecting to /tmp/tmux-0/default (Operation not permitted)', /Unix\) sockets/],
    ['sudo true', 'sudo: The "no new privileges" flag is set, which prevents sudo from running as root.', /cannot gain privileges/],
    ['a plain failure', 'grep: nothing.txt: No such file or directory', undefined],
  ];
  for (const [what, output, hint] of cases) {
    it(`${what} → ${hint ? 'a hint' : 'no hint'}`, () => {
      const got = explainSandboxFailure(output, 1, false);
      if (!hint) return expect(got).toBeUndefined();
      expect(got).toMatch(/^\[sandbox: .*\.\]$/s);
      expect(got).toMatch(hint);
    });
  }

  it('blames the network only when the command had none, and nothing when it succeeded', () => {
    expect(explainSandboxFailure('curl: (6) Could not resolve host: example.com', 6, true)).toBeUndefined();
    expect(explainSandboxFailure('touch: Read-only file system', 0, false)).toBeUndefined();
    expect(explainSandboxFailure('Read-only file system', 1, true)).toMatch(/writes outside/);
  });

  it('gives one hint per cause, even when several lines point at it', () => {
    const got = explainSandboxFailure('Could not resolve host: a\nconnect ECONNREFUSED 127.0.0.1:80\nRead-only file system', 1, false)!;
    expect(got.split('\n')).toHaveLength(2);
    expect(got).toMatch(/If it needs the network/); // the first matching rule's
    expect(got).not.toMatch(/unreachable/);
  });
});

describe('detectSandbox', () => {
  it('says so when bwrap is not installed', async () => {
    expect(await detectSandbox({ PATH: tempDir() })).toEqual({ kind: 'none', why: 'bubblewrap (bwrap) is not installed' });
  });

  it('says why when bwrap is installed but cannot build a sandbox (user namespaces off)', async () => {
    const bin = tempDir();
    const message = 'bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces.';
    writeFileSync(join(bin, 'bwrap'), `#!/bin/sh\necho '${message}' >&2\nexit 1\n`);
    chmodSync(join(bin, 'bwrap'), 0o755);
    expect(await detectSandbox({ PATH: bin })).toEqual({ kind: 'none', why: `bwrap cannot create a sandbox here: ${message}` });
  });
});

describe('sandboxMounts', () => {
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd });

  it('pins the folders above each protected path and creates the missing ones', () => {
    const tmp = tempDir();
    const workspace = join(tmp, 'ws');
    mkdirSync(workspace);
    git(workspace, 'init', '-q');
    const nanocodeHome = join(tmp, 'a', 'b', '.nanocode');
    const m = sandboxMounts({ workspace, tmp, nanocodeHome });
    expect(m.writable).toEqual([tmp]); // the workspace lies inside the temp folder
    expect(m.pinned).toEqual([join(tmp, 'a'), workspace, join(tmp, 'a', 'b'), join(workspace, '.git')]);
    expect(m.readOnly.sort()).toEqual([nanocodeHome, join(workspace, '.git/config'), join(workspace, '.git/hooks'), join(workspace, '.nanocode')].sort());
    expect(existsSync(nanocodeHome) && existsSync(join(workspace, '.nanocode'))).toBe(true);
  });

  it('keeps the repository writable when the workspace is a subfolder of it', () => {
    const repo = tempDir();
    git(repo, 'init', '-q');
    const workspace = join(repo, 'packages', 'app');
    mkdirSync(workspace, { recursive: true });
    const m = sandboxMounts({ workspace, tmp: tempDir(), nanocodeHome: '/nonexistent/.nanocode' });
    expect(m.writable).toContain(join(repo, '.git'));
    expect(m.readOnly).toEqual(expect.arrayContaining([join(repo, '.git/hooks'), join(repo, '.git/config')]));
    // Outside every writable folder: read-only already, nothing created.
    expect(m.readOnly).not.toContain('/nonexistent/.nanocode');
    expect(existsSync('/nonexistent')).toBe(false);
  });
});

describe('findGit: a .git file redirects only to a repository that claims the folder back', () => {
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'protocol.file.allow=always', ...args], { cwd, stdio: 'ignore' });
  const outsideWritable = (workspace: string, tmp: string) => sandboxMounts({ workspace, tmp, nanocodeHome: join(tmp, 'nc') }).writable.filter((w) => w !== tmp && w !== workspace);

  it('ignores a .git file naming any folder (the root, a fake worktree, another repository)', () => {
    const root = tempDir();
    const [workspace, tmp, other] = ['ws', 'tmp', 'other'].map((d) => join(root, d));
    for (const d of [workspace, tmp, other]) mkdirSync(d);
    git(other, 'init', '-q');
    // A fake worktree in the temp folder, claiming the workspace, whose commondir is another repository.
    const fake = join(tmp, 'fake', 'worktrees', 'x');
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(fake, 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(fake, 'commondir'), join(other, '.git'));
    writeFileSync(join(fake, 'gitdir'), join(workspace, '.git'));
    for (const target of ['/', root, join(other, '.git'), fake]) {
      writeFileSync(join(workspace, '.git'), `gitdir: ${target}\n`);
      expect(findGit(workspace)).toBeUndefined();
      expect(outsideWritable(workspace, tmp)).toEqual([]);
    }
  });

  it('follows a real worktree and a real submodule', () => {
    const root = tempDir();
    const [main, sub, tmp] = ['main', 'sub', 'tmp'].map((d) => join(root, d));
    for (const d of [main, sub, tmp]) mkdirSync(d);
    for (const repo of [main, sub]) {
      git(repo, 'init', '-q');
      writeFileSync(join(repo, 'a'), 'a');
      git(repo, 'add', 'a');
      git(repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'a');
    }
    git(main, 'worktree', 'add', '-q', join(root, 'wt'));
    expect(outsideWritable(join(root, 'wt'), tmp)).toEqual([join(main, '.git')]);
    git(main, 'submodule', 'add', '-q', sub, 'mod');
    expect(findGit(join(main, 'mod'))).toMatchObject({ gitDir: join(main, '.git/modules/mod') });
  });
});

describe('seccompFilter', () => {
  it('exists for x64 and arm64 only, as whole BPF instructions', () => {
    expect(seccompFilter('x64')!.length % 8).toBe(0);
    expect(seccompFilter('arm64')!.length).toBe(seccompFilter('x64')!.length);
    expect(seccompFilter('ia32')).toBeUndefined();
  });
});
