// Which variables count as secrets: held back from commands, redacted from files.
import { describe, expect, it } from 'vitest';
import { commandEnv } from '../../src/safety/secrets.ts';

describe('commandEnv', () => {
  it('holds back every common shape of credential name, and keeps ordinary variables', () => {
    const secret = [
      'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GH_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'DB_PASSWORD',
      'SMTP_PASSWD', 'GPG_PASSPHRASE', 'AZURE_CREDENTIALS', 'NPM_AUTH', 'ANTHROPIC_AUTH_TOKEN', 'GITHUB_OAUTH', 'SESSION_COOKIE',
      'FTP_PASS', 'MYSQL_PWD', 'openai_api_key',
    ];
    const ordinary = ['PATH', 'HOME', 'PWD', 'OLDPWD', 'LANG', 'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'NODE_ENV', 'COMPASS'];
    const env = Object.fromEntries([...secret, ...ordinary].map((k) => [k, 'v']));
    expect(Object.keys(commandEnv(env)).sort()).toEqual([...ordinary].sort());
    expect(Object.keys(commandEnv(env, ['GH_TOKEN'])).sort()).toEqual([...ordinary, 'GH_TOKEN'].sort());
  });
});
