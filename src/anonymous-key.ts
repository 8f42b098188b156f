import { createHmac } from 'node:crypto';

/**
 * What an anonymous poll vote or survey response is filed under: a keyed hash of the member id
 * under the poll's (or survey's) secret. The secret is deleted at close; from then on nobody can
 * compute it again, so nothing links the row to the member.
 */
export function anonymousKey(secret: string, memberId: string): string {
  return createHmac('sha256', secret).update(memberId).digest('hex').slice(0, 32);
}
