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
