import { describe, expect, it } from 'vitest';
import { isInside, isProtectedPath, isSecretPath } from '../../src/safety/places.ts';

const places = { home: '/home/u', cwd: '/home/u/proj', nanocodeHome: '/home/u/.nanocode' };

describe('isSecretPath', () => {
  it.each([
    ['/home/u/.ssh/id_rsa', true],
    ['/home/u/.ssh', true],
    ['/home/u/.ssh/config', true],
    ['/home/u/.aws/credentials', true],
    ['/home/u/.gnupg/private-keys-v1.d/x.key', true],
    ['/home/u/.config/gh/hosts.yml', true],
    ['/home/u/.netrc', true],
    ['/home/u/.docker/config.json', true],
    ['/home/u/.kube/config', true],
    ['/home/u/.npmrc', true],
    ['/home/u/.pypirc', true],
    ['/home/u/.git-credentials', true],
    ['/home/u/.local/share/opencode/auth.json', true],
    // nanocode's own folder: settings, trust records, sessions.
    ['/home/u/.nanocode/settings.json', true],
    ['/home/u/.nanocode/trust.json', true],
    // .env outside the workspace is someone's secret; the project's own is work.
    ['/home/u/other/.env', true],
    ['/home/u/other/.env.production', true],
    ['/home/u/proj/.env', false],
    ['/home/u/proj/sub/.env.local', false],
    ['/home/u/other/.env.example', false],
    ['/home/u/other/.envrc', false],
    // Another process's environment.
    ['/proc/1234/environ', true],
    ['/proc/self/environ', true],
    ['/proc/1234/status', false],
    ['/proc/self/../1234/environ', true],
    // Private keys by name, anywhere (their .pub halves are not secret).
    ['/tmp/backup/id_ed25519', true],
    ['/tmp/backup/id_ed25519.pub', false],
    // `..` cannot walk around the list.
    ['/home/u/proj/../.ssh/id_rsa', true],
    ['/home/u/.sshx/notes', false],
    ['/home/u/.bashrc', false],
    ['/home/u/proj/src/a.ts', false],
    ['/etc/hosts', false],
  ])('%s: %s', (path, expected) => {
    expect(isSecretPath(path, places)).toBe(expected);
  });

  it('follows NANOCODE_HOME wherever it points', () => {
    expect(isSecretPath('/srv/nc/settings.json', { ...places, nanocodeHome: '/srv/nc' })).toBe(true);
    expect(isSecretPath('/home/u/.nanocode/settings.json', { ...places, nanocodeHome: '/srv/nc' })).toBe(false);
  });
});

describe('isInside', () => {
  it.each([
    ['/w/p', '/w/p', true],
    ['/w/p/a', '/w/p', true],
    ['/w/p/../q', '/w/p', false],
    ['/w/pq', '/w/p', false],
    ['/w/p/..foo', '/w/p', true],
    ['/', '/w/p', false],
  ])('%s in %s: %s', (path, dir, expected) => {
    expect(isInside(path, dir)).toBe(expected);
  });
});

describe('isProtectedPath', () => {
  it.each([
    ['/w/p/.git/hooks/pre-commit', true],
    ['/w/p/.git/hooks', true],
    ['/w/p/.git/config', true],
    ['/w/p/.nanocode/settings.json', true],
    ['/w/p/.git/HEAD', false],
    ['/w/p/.github/workflows/ci.yml', false],
    ['/w/p/sub/.nanocode/x', false],
    ['/w/p/src/a.ts', false],
    ['/elsewhere/.git/hooks/x', false],
    ['/w/p/src/../.git/hooks/x', true],
  ])('%s: %s', (path, expected) => {
    expect(isProtectedPath(path, '/w/p')).toBe(expected);
  });
});
