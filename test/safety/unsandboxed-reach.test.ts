// Without the sandbox, a program no rule knows runs as workspace work; given
// a path in the home outside the workspace, nothing would keep it from
// writing there, so it asks. Inside the sandbox the same command runs.
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Tool } from '../../src/protocol/tool.ts';
import { makeGate } from '../../src/safety/gate.ts';
import { bashTool } from '../../src/tools/bash.ts';
import { tempDir } from '../support/cli.ts';

function gate(sandboxed: boolean) {
  const cwd = realpathSync(tempDir('reach-ws-'));
  const home = realpathSync(tempDir('reach-home-'));
  const permissions = makeGate({ mode: 'default', rules: [], cwd, home, nanocodeHome: join(home, '.nanocode'), sandboxed: async () => sandboxed });
  return (command: string) => permissions.gate({ id: 'c', name: 'bash', args: { command }, tool: bashTool as Tool }, { cwd, signal: new AbortController().signal });
}

describe('an unknown program pointed at the home', () => {
  it.each(['split -b1 x ~/y', 'gzip ~/notes.txt', 'patch ~/.bashrc < p', 'openssl enc -out ~/x', './build.sh --out=$HOME/x', 'make -C ~/other'])(
    'asks for %s unsandboxed, and runs it in the sandbox',
    async (command) => {
      const d = await gate(false)(command);
      expect(d.action).toBe('deny');
      expect((d as { reason: string }).reason).toContain('no sandbox to stop it');
      expect((await gate(true)(command)).action).toBe('allow');
    },
  );

  it.each(['gzip build/x', 'gcc -o out x.c -I/usr/include', 'cp ~/template.txt .', 'tsc -p .'])('runs %s unsandboxed', async (command) => {
    expect(await gate(false)(command)).toEqual({ action: 'allow' });
  });
});
