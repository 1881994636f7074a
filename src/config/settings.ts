// Settings files: ~/.nanocode/settings.json (or $NANOCODE_HOME/settings.json),
// then the project's .nanocode/settings.json on top. Validated: a bad file is
// a clear error, never a silent default.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './providers.ts';

const SettingsSchema = z.object({
  bash: z
    .object({
      /** Variables passed to commands even though their names look secret. */
      allowEnv: z.array(z.string()).optional(),
    })
    .optional(),
});

export type Settings = z.infer<typeof SettingsSchema>;

function readSettings(path: string): Settings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = SettingsSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ConfigError(`${path}: ${issues}`);
  }
  return parsed.data;
}

export function loadSettings(home: string, cwd: string): Settings {
  const user = readSettings(join(home, 'settings.json'));
  const project = readSettings(join(cwd, '.nanocode', 'settings.json'));
  return {
    bash: { allowEnv: [...(user.bash?.allowEnv ?? []), ...(project.bash?.allowEnv ?? [])] },
  };
}
