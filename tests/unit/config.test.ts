import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadStorageConfig } from '../../src/config';

const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz012345';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('config', () => {
  it('needs only a token and fills in the documented defaults', () => {
    expect(loadConfig({ DISCORD_TOKEN: token })).toEqual({
      token,
      clientId: undefined,
      guildId: undefined,
      databasePath: './data/hearth.sqlite',
      apiUrl: 'https://discord.com/api',
      logLevel: 'info',
      logFormat: 'json',
      pollLimits: { openPerMember: 3, openPerServer: 50 },
      directMessagesPerSecond: 5,
      healthPort: undefined,
      healthHost: '127.0.0.1',
      backupDir: undefined,
      backupEveryMs: 24 * 3_600_000,
      backupKeep: 14,
    });
  });

  it('reads the open poll limits, and refuses limits that are not whole numbers within range', () => {
    expect(loadConfig({ DISCORD_TOKEN: token, POLLS_OPEN_PER_MEMBER: '5', POLLS_OPEN_PER_SERVER: '' }).pollLimits).toEqual({ openPerMember: 5, openPerServer: 50 });
    const found = problems({ DISCORD_TOKEN: token, POLLS_OPEN_PER_MEMBER: 'many', POLLS_OPEN_PER_SERVER: '0' });
    expect(found).toEqual([
      'POLLS_OPEN_PER_MEMBER must be a whole number from 1 to 1000 (or leave it out for 3).',
      'POLLS_OPEN_PER_SERVER must be a whole number from 1 to 100000 (or leave it out for 50).',
    ]);
    expect(problems({ DISCORD_TOKEN: token, POLLS_OPEN_PER_MEMBER: '2.5' })).toEqual(['POLLS_OPEN_PER_MEMBER must be a whole number from 1 to 1000 (or leave it out for 3).']);
  });

  it('reads every setting, treats empty ones as unset and trims a trailing slash from the API URL', () => {
    const config = loadConfig({
      DISCORD_TOKEN: token,
      DISCORD_CLIENT_ID: '123456789012345678',
      DISCORD_GUILD_ID: '',
      DATABASE_PATH: '/var/lib/hearth/db.sqlite',
      DISCORD_API_URL: 'http://127.0.0.1:8080/api/',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'pretty',
    });
    expect(config).toMatchObject({ clientId: '123456789012345678', guildId: undefined, apiUrl: 'http://127.0.0.1:8080/api', logLevel: 'debug', logFormat: 'pretty' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names a missing token and says where to get it', () => {
    const [problem] = problems({});
    expect(problem).toContain('DISCORD_TOKEN is missing');
    expect(problem).toContain('Reset Token');
  });

  it('rejects a token that is not a bot token, ids that are not ids, and unknown log levels, all at once', () => {
    const found = problems({ DISCORD_TOKEN: 'not a token', DISCORD_CLIENT_ID: 'my-app', DISCORD_GUILD_ID: '12', LOG_LEVEL: 'loud', DISCORD_API_URL: 'discord' });
    expect(found).toHaveLength(5);
    expect(found.join('\n')).toMatch(/DISCORD_TOKEN does not look like a bot token/);
    expect(found.join('\n')).toMatch(/DISCORD_CLIENT_ID must be a Discord id/);
    expect(found.join('\n')).toMatch(/DISCORD_GUILD_ID must be a Discord id.*Copy Server ID/);
    expect(found.join('\n')).toMatch(/LOG_LEVEL must be one of/);
    expect(found.join('\n')).toMatch(/DISCORD_API_URL must be a full URL/);
  });

  it('puts every problem into one readable message that points at .env.example', () => {
    try {
      loadConfig({ LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/^Hearth cannot start because of its settings:\n {2}- DISCORD_TOKEN is missing.*\n {2}- LOG_LEVEL/s);
      expect((error as Error).message).toContain('.env.example');
    }
  });

  it('reads the pace of direct messages, and refuses one that is not a whole number within range', () => {
    expect(loadConfig({ DISCORD_TOKEN: token, DM_RATE: '2' }).directMessagesPerSecond).toBe(2);
    expect(problems({ DISCORD_TOKEN: token, DM_RATE: 'fast' })).toEqual(['DM_RATE must be a whole number from 1 to 1000 (or leave it out for 5).']);
    expect(problems({ DISCORD_TOKEN: token, DM_RATE: '0' })).toEqual(['DM_RATE must be a whole number from 1 to 1000 (or leave it out for 5).']);
  });

  it('reads the health server and scheduled backup settings', () => {
    expect(loadConfig({ DISCORD_TOKEN: token, HEALTH_PORT: '9090', HEALTH_HOST: '0.0.0.0', BACKUP_DIR: '/srv/backups', BACKUP_EVERY: '6h', BACKUP_KEEP: '30' })).toMatchObject({
      healthPort: 9090,
      healthHost: '0.0.0.0',
      backupDir: '/srv/backups',
      backupEveryMs: 6 * 3_600_000,
      backupKeep: 30,
    });
  });

  it('refuses a port out of range, a backup interval under an hour, a keep of 0, and BACKUP_EVERY without BACKUP_DIR', () => {
    for (const port of ['0', '70000', '80a', '-1']) expect(problems({ DISCORD_TOKEN: token, HEALTH_PORT: port })).toEqual(['HEALTH_PORT must be a port number from 1 to 65535 (or leave it out to turn the health server off).']);
    expect(problems({ DISCORD_TOKEN: token, BACKUP_DIR: 'b', BACKUP_EVERY: '30m' })[0]).toMatch(/^BACKUP_EVERY is not a usable interval: The duration must be at least 1 hour\. For example 24h or 7d/);
    expect(problems({ DISCORD_TOKEN: token, BACKUP_DIR: 'b', BACKUP_EVERY: 'daily' })[0]).toMatch(/^BACKUP_EVERY is not a usable interval: "daily" is not a duration/);
    expect(problems({ DISCORD_TOKEN: token, BACKUP_KEEP: '0' })).toEqual(['BACKUP_KEEP must be a whole number from 1 to 1000: how many backups to keep.']);
    expect(problems({ DISCORD_TOKEN: token, BACKUP_EVERY: '12h' })[0]).toMatch(/^BACKUP_EVERY is set but BACKUP_DIR is not/);
  });

  it('reads the database and backup settings without a token, for npm run backup and restore', () => {
    expect(loadStorageConfig({ DATABASE_PATH: '/data/hearth.sqlite', BACKUP_KEEP: '3' }, 'back up')).toEqual({ databasePath: '/data/hearth.sqlite', backupDir: undefined, backupEveryMs: 24 * 3_600_000, backupKeep: 3 });
    expect(() => loadStorageConfig({ BACKUP_KEEP: 'many' }, 'back up')).toThrow(/^Hearth cannot back up because of its settings:\n {2}- BACKUP_KEEP must be a whole number/);
  });
});
