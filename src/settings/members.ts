import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import type { ForgetOutcome } from '../member-data';

export const NO_MEMBER_SETTINGS = "Hearth keeps no settings per member: a server's settings (time zone, leader role, recognition channel, who may create polls) belong to the server.";

/** Settings hold nothing per member; said so, for a member's data export. */
export function memberData(_db: Db, _guildId: string, _memberId: string): { settings: string } {
  return { settings: NO_MEMBER_SETTINGS };
}

/** Nothing to remove: settings hold nothing per member. */
export function forgetMember(_tx: Tx, _guildId: string, _memberId: string): ForgetOutcome {
  return { removed: {}, kept: {}, followUps: [] };
}
