// "You said, we did": what polls and surveys share about a leader's follow-up to a closed one.
// Plain data, no discord.js, so services may use it.
import { UserError } from './user-error';

export const FOLLOW_UP_LIMITS = { messageLength: 1_000 } as const;

/** A stored follow-up as the overview and the closed poll or survey read it. */
export interface FollowUpRecord {
  /** The revision last asked for: 1 for the first run of the command, then 2, 3 … */
  revision: number;
  /** The posted follow-up's message, once it is posted. */
  messageId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** The leader's message, trimmed; refused when empty or over 1,000 characters. */
export function followUpMessage(raw: string): string {
  const text = raw.trim();
  if (text.length === 0) {
    throw new UserError('Write what will happen in `message`: one to 1,000 characters, e.g. "We will move the meet-up to Saturdays from next month."');
  }
  if (text.length > FOLLOW_UP_LIMITS.messageLength) {
    throw new UserError(`Your follow-up is ${text.length.toLocaleString('en-US')} characters long; the most is 1,000. Shorten it and run the command again.`);
  }
  return text;
}
