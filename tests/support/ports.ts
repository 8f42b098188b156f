import { createServer, type Server } from 'node:net';

/** A port nothing listens on right now (the system picks it), for HEALTH_PORT in tests. */
export async function freePort(): Promise<number> {
  const server = await listen(0);
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Something else listening on 127.0.0.1 (a port Hearth cannot have). */
export function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
