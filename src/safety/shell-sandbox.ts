// What the permission gate and the bash tool share, one per agent: whether
// commands run in the OS sandbox (found out at the first command), where the
// shell is (the gate judges paths from there), and which commands the gate
// let reach the network (each runs once in a shell of its own that has it).
import { type ChildProcess, type SpawnOptions } from 'node:child_process';
import { rmSync } from 'node:fs';
import { forbiddenPaths, type MountSpec } from './sandbox-mounts.ts';
import { detectSandbox, type Sandbox, spawnSandboxed } from './sandbox.ts';

export interface ShellSandboxOptions {
  /** true: required (--sandbox on); false: off; undefined: where bubblewrap works. */
  setting?: boolean;
  spec: MountSpec;
  /** The commands' environment: its PATH finds bwrap. */
  env: NodeJS.ProcessEnv;
  /** Tells the user something once (that commands run unsandboxed). */
  notify: (message: string) => void;
}

export class ShellSandbox {
  /** Where the shell is, as the bash tool last saw it. */
  cwd?: string;
  private readonly o: ShellSandboxOptions;
  private found?: Promise<Sandbox>;
  private readonly granted: string[] = [];

  constructor(o: ShellSandboxOptions) {
    this.o = o;
  }

  /** The sandbox commands run in, or why they run without one. */
  sandbox(): Promise<Sandbox> {
    this.found ??= this.find();
    return this.found;
  }

  async sandboxed(): Promise<boolean> {
    return (await this.sandbox()).kind === 'bwrap';
  }

  /** With --sandbox on and no sandbox, commands are refused rather than run unprotected. */
  get required(): boolean {
    return this.o.setting === true;
  }

  private async find(): Promise<Sandbox> {
    if (this.o.setting === false) return { kind: 'none', why: 'the sandbox is off' };
    const found = await detectSandbox(this.o.env);
    if (found.kind === 'none' && !this.required) this.o.notify(`commands run unsandboxed: ${found.why}`);
    return found;
  }

  grantNetwork(command: string): void {
    this.granted.push(command);
  }

  /** True once for each grant of this command. */
  takeNetwork(command: string): boolean {
    const at = this.granted.indexOf(command);
    if (at >= 0) this.granted.splice(at, 1);
    return at >= 0;
  }

  /**
   * Removes what a command created that would make git run code outside the
   * sandbox (see forbiddenPaths); a note for the model saying what went, or
   * undefined. Call it after each sandboxed command, when nothing of it runs.
   */
  removeForbidden(): string | undefined {
    const found = forbiddenPaths(this.o.spec.workspace).filter((path) => {
      try {
        rmSync(path, { recursive: true });
        return true;
      } catch {
        return false; // not there
      }
    });
    return found.length
      ? `[sandbox: removed ${found.join(', ')}: it would make git, also outside the sandbox, use another repository's config and hooks.]`
      : undefined;
  }

  /** Starts `bash` in the sandbox (bwrap must have been found), with or without the network; `own`: see MountSpec. */
  spawn(bwrap: string, network: boolean, options: SpawnOptions, own: string[] = []): ChildProcess {
    return spawnSandboxed(bwrap, { ...this.o.spec, network, own: [...(this.o.spec.own ?? []), ...own] }, options);
  }
}
