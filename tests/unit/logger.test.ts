import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
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
