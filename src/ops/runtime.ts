import { Status, type Client } from 'discord.js';
import packageJson from '../../package.json' with { type: 'json' };

/** Hearth's version, as package.json says (compiled into the build). */
export const VERSION: string = packageJson.version;

/** Connected means every shard has its session and every server: Discord can reach Hearth. */
export function gatewayState(client: Client): { connected: boolean; pingMs: number | null } {
  const shards = [...client.ws.shards.values()];
  const connected = shards.length > 0 && shards.every((shard) => shard.status === Status.Ready);
  return { connected, pingMs: connected && client.ws.ping >= 0 ? client.ws.ping : null };
}
