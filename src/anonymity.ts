// What anonymous polls and surveys store instead of who answered and when, written once.
import { createHmac, randomInt } from 'node:crypto';

/** A member's key under an open anonymous poll's or survey's secret: stable while it is open, unlinkable once the secret is deleted. */
export function anonymousKey(secret: string, memberId: string): string {
  return createHmac('sha256', secret).update(memberId).digest('hex').slice(0, 32);
}

/**
 * Where a forgotten member's answers to an open anonymous poll or survey go: a key under the same
 * secret that is not their answering key, so the answers stay counted, nothing links them to the
 * member once the secret is deleted at close, and until then Hearth can still refuse a second vote.
 */
export function forgottenKey(secret: string, memberId: string): string {
  return anonymousKey(secret, `forgotten:${memberId}`);
}

/** The refusal for a member who asked to be forgotten while an anonymous poll or survey was open. */
export const ALREADY_COUNTED =
  'You asked Hearth to forget you while this was open: what you answered before still counts, with nothing linking it to you, so you cannot answer it again.';

const DAY_MS = 86_400_000;

/** Anonymous answers keep only their UTC day: exact times could be matched against who clicked when. */
export function anonymousTime(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS;
}

/** The items in a random order (Fisher-Yates with a cryptographic source): order then tells nothing. */
export function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
