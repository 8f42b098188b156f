import type { Db } from '../db/open';
import { UserError } from '../user-error';
import { readSettings, writeSettings, type GuildSettings } from './store';
import { canonicalTimeZone } from './timezones';

export type { GuildSettings };
export { readSettings as getSettings };

export function setTimezone(db: Db, guildId: string, typed: string, now: number): GuildSettings {
  const zone = canonicalTimeZone(typed);
  if (!zone) {
    throw new UserError(
      `"${typed.slice(0, 64)}" is not a time zone Hearth knows. Use an IANA name such as Europe/Berlin, ` +
        'America/New_York or UTC: start typing a city and pick one from the list.',
    );
  }
  return writeSettings(db, guildId, { timezone: zone }, now);
}

export function setLeaderRole(db: Db, guildId: string, roleId: string | null, now: number): GuildSettings {
  if (roleId === guildId) {
    throw new UserError('@everyone cannot be the leader role: that would make every member a leader. Pick a role only your leaders have.');
  }
  return writeSettings(db, guildId, { leaderRoleId: roleId }, now);
}

export function setRecognitionChannel(db: Db, guildId: string, channelId: string | null, now: number): GuildSettings {
  return writeSettings(db, guildId, { recognitionChannelId: channelId }, now);
}

export function setPollsByMembers(db: Db, guildId: string, enabled: boolean, now: number): GuildSettings {
  return writeSettings(db, guildId, { pollsByMembers: enabled }, now);
}
