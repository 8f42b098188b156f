import { createServer, type Server } from 'node:http';
import { REST } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { DiscordConnections } from '../../src/bot/discord-connections';

// Discord answers with an error page it never finishes: discord.js reads none of a 5xx's body, so
// an error on that body (the page cut off, or Hearth stopping) would have nobody to hear it and
// crash the whole process as an uncaught exception.
describe('error pages Discord cuts off', () => {
  let server: Server | undefined;
  const uncaught: unknown[] = [];
  const hear = (error: unknown) => void uncaught.push(error);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

  afterEach(() => {
    process.off('uncaughtException', hear);
    uncaught.length = 0;
    server?.closeAllConnections();
    server?.close();
  });

  /** A Discord that answers 502 with the start of a 200 KB page, and then (with `cut`) drops the connection. */
  async function halfPage(cut: boolean): Promise<REST> {
    server = createServer((request, response) => {
      response.writeHead(502, { 'content-type': 'text/html', 'content-length': '200000' });
      response.write('x'.repeat(1000));
      if (cut) setTimeout(() => request.socket.destroy(), 50);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    process.on('uncaughtException', hear);
    return new REST({ api: `http://127.0.0.1:${port}/api`, retries: 0, agent: connections }).setToken('token');
  }
  let connections: DiscordConnections;

  it('a page cut off half-way fails only its request', async () => {
    connections = new DiscordConnections();
    const rest = await halfPage(true);
    await expect(rest.get('/channels/1')).rejects.toThrow('Bad Gateway');
    await settle();
    expect(uncaught).toEqual([]);
    await connections.destroy();
  });

  it('stopping while a page is still arriving throws nothing', async () => {
    connections = new DiscordConnections();
    const rest = await halfPage(false);
    await expect(rest.get('/channels/1')).rejects.toThrow('Bad Gateway');
    await connections.destroy();
    await settle();
    expect(uncaught).toEqual([]);
  });
});

// The metrics hear of Discord's answers from the connections (tests/e2e/health.test.ts reads them in /metrics).
describe("what the connections tell of Discord's answers", () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  it('each answer with its status, a 429 with the scope Discord named, and a callback with its interaction', async () => {
    let limited = false;
    server = createServer((request, response) => {
      if (request.url?.includes('/callback')) return void response.writeHead(204).end();
      if (!limited) {
        limited = true;
        return void response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0', 'x-ratelimit-scope': 'shared' }).end(JSON.stringify({ message: 'You are being rate limited.', retry_after: 0.01, global: false }));
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const answers: [number, string | null, string | null][] = [];
    const connections = new DiscordConnections({ overflowed: () => {}, answered: (...answer) => void answers.push(answer) });
    const rest = new REST({ api: `http://127.0.0.1:${port}/api`, agent: connections }).setToken('token');

    await rest.post('/interactions/123456/a-token/callback', { body: { type: 6 }, auth: false });
    await rest.get('/channels/1'); // rate limited once, then answered

    expect(answers).toEqual([
      [204, null, '123456'],
      [429, 'shared', null],
      [200, null, null],
    ]);
    await connections.destroy();
  });
});
