import { describe, expect, it } from 'vitest';
import { DiscordAPIError } from 'discord.js';
import { ConfigError } from '../../src/config';
import { explainConnectionError } from '../../src/connection-errors';

describe('start-up and deploy failures in plain words', () => {
  it('says a refused token must be replaced, and where', () => {
    const refused = new DiscordAPIError({ code: 0, message: '401: Unauthorized' }, 0, 401, 'GET', '/gateway/bot', {});
    expect(explainConnectionError(refused, 'https://discord.com/api')).toContain('Discord refused DISCORD_TOKEN');
    expect(explainConnectionError(Object.assign(new Error('An invalid token was provided.'), { code: 'TokenInvalid' }), 'x')).toContain('Reset Token');
  });

  it('names the address when Discord cannot be reached', () => {
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND discord.com'), { code: 'ENOTFOUND' });
    expect(explainConnectionError(dns, 'https://discord.com/api')).toBe(
      "Hearth could not reach Discord at https://discord.com/api (getaddrinfo ENOTFOUND discord.com). Check this machine's internet connection, DNS and firewall, or DISCORD_API_URL.",
    );
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(explainConnectionError(refused, 'http://127.0.0.1:9/api')).toContain('could not reach Discord at http://127.0.0.1:9/api');
  });

  it('leaves other failures to be reported as they are, whatever words they contain', () => {
    expect(explainConnectionError(new Error('disk full'), 'x')).toBeNull();
    expect(explainConnectionError(new Error('no such table: polls_4011'), 'x')).toBeNull();
    expect(explainConnectionError(new Error('cannot open /data/2401/hearth.sqlite'), 'x')).toBeNull();
    expect(explainConnectionError(new Error('Unauthorized ECONNREFUSED'), 'x')).toBeNull();
  });

  it('says which task the settings stop', () => {
    expect(new ConfigError(['DISCORD_CLIENT_ID is missing'], 'deploy its commands').message).toMatch(/^Hearth cannot deploy its commands because of its settings:/);
  });
});
