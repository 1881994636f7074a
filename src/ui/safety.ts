// The safety layer as the command line sets it up, the same for every
// frontend: the configuration as trust allows it (the interactive terminal
// asks once per project), the permission gate with the rules of the settings
// and the flags, and a bash tool whose shell lives in the OS sandbox.
import { homedir, tmpdir } from 'node:os';
import { builtinTools } from '../agent/toolset.ts';
import type { Args } from '../args.ts';
import { type Config, loadConfig } from '../config/config.ts';
import { addProjectRule } from '../config/settings.ts';
import { configManifest, projectRoot, recordTrust, trustState } from '../config/trust.ts';
import type { Tool } from '../protocol/tool.ts';
import { makeGate, type Permissions } from '../safety/gate.ts';
import { parseRule, parseRuleSet, type RuleSet } from '../safety/rules.ts';
import { ShellSandbox } from '../safety/shell-sandbox.ts';
import { makeBashTool } from '../tools/bash.ts';
import { askTrust } from './question.ts';

export interface Safety {
  config: Config;
  permissions: Permissions;
  /** The toolset for Agent.create: --tools' names, bash replaced by the sandboxed one. */
  tools: Array<Tool | string>;
}

/** Throws ConfigError for a bad rule or settings file. */
export async function setUpSafety(args: Args, cwd: string, interactive: boolean, warn: (message: string) => void): Promise<Safety> {
  const load = () => loadConfig({ flags: { model: args.model, trust: args.trust }, cwd });
  let config = load();
  const { state, hasConfig } = config.trust;
  if (interactive && hasConfig && (state === 'unknown' || state === 'changed')) {
    recordTrust(config.home, cwd, await askTrust(projectRoot(cwd), state === 'changed'));
    config = load();
  }
  if (config.trust.notice) warn(config.trust.notice);
  config.settings.loosened.forEach(warn);

  const home = homedir();
  const origin = (label: string) => ({ label, root: cwd, home });
  const flags: RuleSet = { allow: args.allow.map((r) => parseRule(r, origin('--allow'))), ask: [], deny: args.deny.map((r) => parseRule(r, origin('--deny'))) };
  const rules = [...config.settings.permissions.map((p) => parseRuleSet(p, origin(p.file))), flags];
  const mode = args.permissionMode ?? config.settings.defaultMode ?? 'default';

  const sandbox = new ShellSandbox({
    // --sandbox on insists on it; the setting can only turn it off.
    setting: args.sandbox ?? (config.settings.sandbox === false ? false : undefined),
    spec: { workspace: cwd, tmp: tmpdir(), nanocodeHome: config.home },
    env: config.commandEnv,
    notify: warn,
  });
  const permissions = makeGate({
    mode,
    bypassAllowed: args.permissionMode === 'bypassPermissions',
    rules,
    cwd,
    home,
    nanocodeHome: config.home,
    sandboxed: () => sandbox.sandboxed(),
    shellCwd: () => sandbox.cwd,
    grantNetwork: (command) => sandbox.grantNetwork(command),
    saveRule: (rule) => saveRule(config, cwd, rule, warn),
  });
  const names = args.tools ?? builtinTools.map((t) => t.name);
  return { config, permissions, tools: names.map((n) => (n === 'bash' ? makeBashTool(sandbox) : n)) };
}

/**
 * "Yes, always for this project": the rule goes into the project's settings
 * (it is already allowed for this session). The person wrote it, so it must
 * not make the folder look changed next time; but only this write is
 * vouched for: a folder whose config changed meanwhile (or was never
 * trusted) is not recorded as trusted.
 */
function saveRule(config: Config, cwd: string, rule: string, warn: (message: string) => void): void {
  const state = trustState(config.home, cwd);
  const vouched = state === 'trusted' || (state === 'unknown' && Object.keys(configManifest(cwd)).length === 0);
  try {
    addProjectRule(cwd, rule);
  } catch (err) {
    return warn(`${rule} is allowed for this session only: it could not be saved (${(err as Error).message})`);
  }
  if (vouched) recordTrust(config.home, cwd, true);
  else warn(`${rule} is saved in .nanocode/settings.json, which counts only once you trust this folder`);
}
