const PORTAL = 'https://discord.com/developers/applications';
const NETWORK = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|fetch failed/i;

/**
 * A plain sentence for the failures a self-hoster meets when talking to Discord (a refused token,
 * no way to reach Discord), or null for anything else. Shared by `npm start` and the deploy script.
 */
export function explainConnectionError(error: unknown, apiUrl: string): string | null {
  const text = [error instanceof Error ? `${error.name} ${error.message}` : String(error), errorCode(error)].join(' ');
  if (/TokenInvalid|invalid token|401|Unauthorized/i.test(text)) {
    return `Discord refused DISCORD_TOKEN. Copy a fresh token from ${PORTAL} -> your application -> Bot -> Reset Token, and put it in .env.`;
  }
  if (NETWORK.test(text)) {
    return `Hearth could not reach Discord at ${apiUrl} (${error instanceof Error ? error.message : String(error)}). Check this machine's internet connection, DNS and firewall, or DISCORD_API_URL.`;
  }
  return null;
}

function errorCode(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  return [(error as { code?: unknown } | null)?.code, cause?.code].filter(Boolean).join(' ');
}
