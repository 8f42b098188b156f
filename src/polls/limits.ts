/** How many polls may be open at once, so that polls by members cannot swamp a server or Hearth. */
import { UserError } from '../user-error';
import type { Tx } from '../db/write-tx';
import { plural } from '../format';
import { openPollCounts } from './store';

/** Open polls allowed per member (null: no limit, for leaders) and per server. */
export interface OpenPollLimits {
  perMember: number | null;
  perServer: number;
}

/** Refuses a new poll, saying why, when its creator or the server already has as many open polls as allowed. */
export function assertRoomForPoll(tx: Tx, guildId: string, creatorId: string, limits: OpenPollLimits, now: number): void {
  const open = openPollCounts(tx, guildId, creatorId, now);
  if (limits.perMember !== null && open.member >= limits.perMember) {
    throw new UserError(
      `You already have ${plural(open.member, 'open poll')} here, the most a member may have at once (${limits.perMember}). ` +
        'Close one with `/poll close`, or wait until one closes, then create this one.',
    );
  }
  if (open.server >= limits.perServer) {
    throw new UserError(
      `This server already has ${plural(open.server, 'open poll')}, the most Hearth allows at once (${limits.perServer}). ` +
        'A leader can close some with `/poll close`, or wait until some close, then create this one.',
    );
  }
}
