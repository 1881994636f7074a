// Second attack round on the command analysis: lines that reached outside the
// workspace (or hid a command) while classed read-only or workspace, so that
// they ran unasked without a sandbox. Each row failed before its fix.
import { describe, expect, it } from 'vitest';
import { analyzeCommand } from '../../src/safety/command-analysis.ts';
import type { CommandClass } from '../../src/safety/command-types.ts';

const ctx = { cwd: '/work/ws', home: '/home/u' };

const ROWS: [command: string, expected: CommandClass, reason?: string][] = [
  // tree-sitter-bash does not know coproc's compound forms: the commands inside were lost
  ['coproc X { rm -rf ~; }', 'dangerous'],
  ['coproc { rm -rf ~; }', 'dangerous'],
  ['coproc while true; do rm -rf ~; done', 'dangerous', 'could not be followed'],
  // commands that were read-only yet write the file they are given
  ['uniq x ~/.bashrc', 'dangerous', 'outside the workspace'],
  ['tree -o ~/.bashrc', 'dangerous', 'outside the workspace'],
  ['history -w ~/.bashrc', 'dangerous', 'outside the workspace'],
  ['set -o history; history -a ~/.bashrc', 'dangerous', 'outside the workspace'],
  ['less -o ~/.bashrc x', 'dangerous', 'outside the workspace'],
  ["less +'!rm -rf ~' x", 'dangerous', 'runs a command'],
  ['script ~/.bashrc', 'dangerous', 'outside the workspace'],
  // targets and link sources the rules missed
  ['mv -t ~ x', 'dangerous', 'outside the workspace'],
  ['mv --target-directory=/home/u x', 'dangerous', 'outside the workspace'],
  ['cp -rs ~ x', 'dangerous', 'links to a file outside'],
  ['cp --link ~/.bashrc x', 'dangerous', 'links to a file outside'],
  // archives whose member names say where they write
  ['tar -xPf x.tar', 'dangerous', 'member names'],
  ['tar -xf x.tar --absolute-names', 'dangerous', 'member names'],
  ['tar xPf x.tar', 'dangerous', 'member names'],
  ['bsdtar -xPf x.tar', 'dangerous', 'member names'],
  ['unzip -: x.zip', 'dangerous', 'member names'],
  ['cpio -id < x.cpio', 'dangerous', 'member names'],
  // the whole workspace by another glob, or rm's long option abbreviated
  ['rm -rf ?*', 'dangerous', 'whole workspace'],
  ['rm -rf [a-z]*', 'dangerous', 'whole workspace'],
  ['rm --rec .', 'dangerous', 'whole workspace'],
  // still fine
  ['uniq -c x', 'read-only'],
  ['uniq x out.txt', 'workspace'],
  ['tree -L 2 src', 'read-only'],
  ['less +G x', 'read-only'],
  ['history 20', 'read-only'],
  ['tar -xf x.tar', 'workspace'],
  ['cpio -o < list > x.cpio', 'workspace'],
  ['rm -rf *.o', 'workspace'],
  ['cp -r src backup', 'workspace'],
  ['coproc cat', 'read-only'],
];

describe('second attack round on the command analysis', () => {
  it.each(ROWS)('%s is %s', async (command, expected, reason) => {
    const analysis = await analyzeCommand(command, ctx);
    expect(analysis.class).toBe(expected);
    if (reason) expect(analysis.reasons.join('\n')).toContain(reason);
  });

  // Unsandboxed, a workspace command runs unasked unless it is marked as reaching outside.
  it.each([
    ['cd ~ && make', 'make'],
    ['cd / && make install', 'make'],
    ['cd ~ && npm run build', 'npm'],
    ['cd .. && ./configure', './configure'],
    ['make -C/home/u', 'make'],
    ['make --directory=/home/u', 'make'],
    // tools with rules of their own, sent to a folder in the home by an option or operand
    ['npm --prefix ~ install', 'npm'],
    ['npm -C ~/proj run build', 'npm'],
    ['pnpm --dir ~ install', 'pnpm'],
    ['yarn --cwd ~ build', 'yarn'],
    ['cargo build --manifest-path ~/x/Cargo.toml', 'cargo'],
    ['git worktree add ~/x', 'git'],
    ['git init ~/x', 'git'],
    ['git archive -o ~/x.tar HEAD', 'git'],
    ['git format-patch -o ~ HEAD~1', 'git'],
  ])('%s marks %s as reaching outside the workspace', async (command, name) => {
    const analysis = await analyzeCommand(command, ctx);
    const cmd = analysis.commands.find((c) => c.name === name || c.name.endsWith(name));
    expect(cmd?.outside).toBeTruthy();
  });

  it.each(['make', 'cd src && make', 'cd ~ && ls', 'make -C src', 'npm install', 'git worktree add ../wt', 'cat ~/notes.txt'])('%s stays in the workspace', async (command) => {
    const analysis = await analyzeCommand(command, ctx);
    expect(analysis.commands.every((c) => !c.outside)).toBe(true);
  });
});
