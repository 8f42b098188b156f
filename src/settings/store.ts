import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import { preparedOnce } from '../db/prepared';
import { guildSettings } from './schema';

export type GuildSettings = {
  guildId: string;
  leaderRoleId: string | null;
  timezone: string;
  recognitionChannelId: string | null;
  pollsByMembers: boolean;
};

type Changes = Partial<Omit<GuildSettings, 'guildId'>>;

// Read by many clicks (leader checks, kudos): prepared once per connection.
const reading = preparedOnce((db) => db.select().from(guildSettings).where(eq(guildSettings.guildId, sql.placeholder('guildId'))).prepare());

export function readSettings(db: Db, guildId: string): GuildSettings {
  const row = reading(db).get({ guildId });
  return {
    guildId,
    leaderRoleId: row?.leaderRoleId ?? null,
    timezone: row?.timezone ?? 'UTC',
    recognitionChannelId: row?.recognitionChannelId ?? null,
    pollsByMembers: row?.pollsByMembers ?? false,
  };
}

export function writeSettings(db: Db, guildId: string, changes: Changes, now: number): GuildSettings {
  db.insert(guildSettings)
    .values({ guildId, ...changes, updatedAt: now })
    .onConflictDoUpdate({ target: guildSettings.guildId, set: { ...changes, updatedAt: now } })
    .run();
  return readSettings(db, guildId);
}
