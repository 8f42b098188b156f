// How Hearth's requests reach Discord's API: over a bounded set of connections kept open.
import { Agent } from 'undici';

/**
 * Connections to Discord open at once, at most. Without a bound, discord.js opens one for every
 * request in flight: the acknowledgements of a rush all go out together, so 2,000 clicks at once
 * opened close to 2,000 connections (each one a TLS handshake with Discord), used once and closed.
 * 128 kept open carry about a thousand requests a second at a 100 ms round trip, more than a rush
 * needs to answer every click within Discord's 3 s.
 */
export const DISCORD_CONNECTIONS = 128;

/** The connection pool of one client (each bot its own, so a stopped bot closes only its own). */
export function discordConnections(): Agent {
  return new Agent({ connections: DISCORD_CONNECTIONS });
}
