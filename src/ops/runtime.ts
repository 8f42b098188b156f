import { Status, type Client } from 'discord.js';
import packageJson from '../../package.json' with { type: 'json' };

/** Hearth's version, as package.json says (compiled into the build). */
export const VERSION: string = packageJson.version;

/** The Node versions Hearth is tested on: package.json "engines". */
export const SUPPORTED_NODE: string = packageJson.engines.node;

/**
 * Whether a Node version is in a range written as npm's "engines" are here: alternatives joined by
 * `||`, each `^x.y.z` or comparisons such as `>=24.0.0 <24.19.0`.
 */
export function nodeVersionSupported(version: string, range = SUPPORTED_NODE): boolean {
  const parse = (text: string) => text.replace(/^v/, '').split('.').map(Number) as [number, number, number];
  const compare = (a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
  const have = parse(version);
  return range.split('||').some((alternative) =>
    alternative.trim().split(/\s+/).every((part) => {
      const [, op, wanted] = /^(\^|>=|<=|>|<|=)?(\d+\.\d+\.\d+)$/.exec(part) ?? [];
      if (!wanted) return false;
      const order = compare(have, parse(wanted));
      if (op === '^') return have[0] === parse(wanted)[0] && order >= 0;
      if (op === '>=') return order >= 0;
      if (op === '>') return order > 0;
      if (op === '<=') return order <= 0;
      if (op === '<') return order < 0;
      return order === 0;
    }),
  );
}

/** Connected means every shard has its session and every server: Discord can reach Hearth. */
export function gatewayState(client: Client): { connected: boolean; pingMs: number | null } {
  const shards = [...client.ws.shards.values()];
  const connected = shards.length > 0 && shards.every((shard) => shard.status === Status.Ready);
  return { connected, pingMs: connected && client.ws.ping >= 0 ? client.ws.ping : null };
}
