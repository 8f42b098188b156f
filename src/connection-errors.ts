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
