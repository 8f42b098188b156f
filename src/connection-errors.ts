const PORTAL = 'https://discord.com/developers/applications';
/** Error codes of a request that never reached Discord (DNS, refused or reset connections, timeouts). */
export const NETWORK_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

type Described = { name?: unknown; message?: unknown; code?: unknown; status?: unknown; cause?: unknown };

/**
 * A plain sentence for the failures a self-hoster meets when talking to Discord (no way to reach
 * it, a refused token), or null for anything else. Judged by the error's status and code, never
 * by words in its text. Shared by `npm start` and the deploy script.
 */
export function explainConnectionError(error: unknown, apiUrl: string): string | null {
  const e = (error ?? {}) as Described;
  const cause = (e.cause ?? {}) as Described;
  if ([e.code, cause.code].some((code) => typeof code === 'string' && NETWORK_CODES.has(code))) {
    return `Hearth could not reach Discord at ${apiUrl} (${String(e.message ?? error)}). Check this machine's internet connection, DNS and firewall, or DISCORD_API_URL.`;
  }
  if (e.status === 401 || e.code === 'TokenInvalid') {
    return `Discord refused DISCORD_TOKEN. Copy a fresh token from ${PORTAL} -> your application -> Bot -> Reset Token, and put it in .env.`;
  }
  return null;
}

type RequestFailure = { status?: unknown; method?: unknown; url?: unknown; code?: unknown; rawError?: unknown; message?: unknown };

/**
 * "Discord answered 403 to PUT /applications/1/commands: Missing Access (code 50001)": the status,
 * method and route of a failed REST request (discord.js errors carry them), or null for anything
 * else. A reply without Discord's JSON (a proxy's or a compatible server's page) says so instead of
 * discord.js's "No Description".
 */
export function describeRequestFailure(error: unknown): string | null {
  const e = (error ?? {}) as RequestFailure;
  if (typeof e.status !== 'number' || typeof e.method !== 'string' || typeof e.url !== 'string') return null;
  let route = e.url;
  try {
    route = new URL(e.url).pathname.replace(/^\/api(?:\/v\d+)?/, '');
  } catch {
    // not a full URL: show it as it is
  }
  // A DiscordAPIError's text is Discord's only if the reply was Discord's JSON; an HTTPError (5xx) has the status text.
  const readable = e.rawError === undefined || (e.rawError !== null && typeof e.rawError === 'object' && 'message' in e.rawError);
  const said = readable && typeof e.message === 'string' && e.message ? `: ${e.message}${typeof e.code === 'number' ? ` (code ${e.code})` : ''}` : ' with no explanation Hearth could read';
  return `Discord answered ${e.status} to ${e.method.toUpperCase()} ${route}${said}.`;
}
