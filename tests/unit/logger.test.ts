import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { DrizzleQueryError } from 'drizzle-orm';
import { createLogger } from '../../src/logger';

describe('logger', () => {
  it('writes JSON lines and never the token, wherever it turns up', () => {
    const token = 'MTIz.secret.tokenvalue';
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) });
    const logger = createLogger({ logLevel: 'info', logFormat: 'json', token }, sink);

    logger.info({ token }, 'object with a token field');
    logger.info({ config: { token } }, 'nested token');
    logger.info({ headers: { authorization: `Bot ${token}` } }, 'request headers');
    logger.error({ err: new Error(`login failed with ${token}`) }, 'error text with the token');
    logger.warn(`a message with ${token} inside`);

    expect(lines).toHaveLength(5);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines.join('')).not.toContain(token);
    expect(lines.join('')).not.toContain('secret');
    expect(lines.join('')).toContain('[redacted]');
  });
});

describe('logger and what members wrote', () => {
  const interactionToken = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OnNlY3JldA';
  const answer = 'I am thinking of leaving the team';
  const capture = () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) });
    return { lines, logger: createLogger({ logLevel: 'debug', logFormat: 'json', token: 'MTIz.bot.token' }, sink) };
  };

  it('never writes an interaction token, wherever it turns up', () => {
    const { lines, logger } = capture();
    const callback = `https://discord.com/api/v10/interactions/1234567890123456789/${interactionToken}/callback`;
    const edit = `https://discord.com/api/v10/webhooks/1234567890123456789/${interactionToken}/messages/%40original`;
    logger.warn({ path: callback }, 'a field');
    logger.warn(`a message about ${edit}`);
    logger.error({ err: new DiscordAPIError({ code: 10062, message: 'Unknown interaction' }, 10062, 404, 'POST', callback, { body: {}, files: [] }) }, 'an error');
    logger.error({ err: new RateLimitError({ timeToReset: 1, limit: 1, method: 'PATCH', hash: 'h', url: edit, route: '/webhooks/:id/:token', majorParameter: '1', global: false, retryAfter: 1, sublimitTimeout: 0, scope: 'user' }) }, 'rate limited');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines.join('')).not.toContain(interactionToken);
    expect(lines.join('')).toContain('/interactions/1234567890123456789/[redacted]/callback');
    expect(lines.join('')).toContain('/webhooks/1234567890123456789/[redacted]/messages/%40original');
  });

  it('never writes what a member wrote: no request bodies, no query parameters, no validation details', () => {
    const { lines, logger } = capture();
    const body = { body: { embeds: [{ description: answer }], components: [] }, files: [] };
    logger.error({ err: new DiscordAPIError({ code: 50035, message: 'Invalid Form Body', errors: { embeds: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Too long' }] } } }, 50035, 400, 'PATCH', 'https://discord.com/api/v10/channels/1/messages/2', body) }, 'refused');
    logger.error({ err: new HTTPError(500, 'Internal Server Error', 'POST', 'https://discord.com/api/v10/channels/1/messages', body) }, 'failed');
    logger.error({ err: new DrizzleQueryError('insert into "survey_answers" ("text") values (?)', [answer], new Error('SQLITE_BUSY: database is locked')) }, 'query failed');
    logger.error({ err: Object.assign(new Error('Received one or more errors'), { given: answer, errors: [[0, { given: answer }]] }) }, 'builder refused');
    const text = lines.join('');
    expect(text).not.toContain(answer);
    expect(text).not.toContain('thinking of leaving');
    // What helps a host stays: the kind of error, Discord's code and message, the query, the cause.
    const [refused, failed, query] = lines.map((line) => JSON.parse(line) as { err: Record<string, unknown> });
    expect(refused!.err).toMatchObject({ type: 'DiscordAPIError', code: 50035, status: 400, method: 'PATCH', url: 'https://discord.com/api/v10/channels/1/messages/2' });
    expect(failed!.err).toMatchObject({ type: 'HTTPError', status: 500, method: 'POST' });
    expect(query!.err).toMatchObject({ type: 'DrizzleQueryError', query: 'insert into "survey_answers" ("text") values (?)', cause: { message: 'SQLITE_BUSY: database is locked' } });
    expect(query!.err.message).toBe('Failed query: insert into "survey_answers" ("text") values (?)\nparams: [left out]');
  });
});
