import { eq } from 'drizzle-orm';
import type { Db } from '../db/open';
import { guildSettings } from './schema';

export type GuildSettings = {
  guildId: string;
  leaderRoleId: string | null;
  timezone: string;
  recognitionChannelId: string | null;
  pollsByMembers: boolean;
};

type Changes = Partial<Omit<GuildSettings, 'guildId'>>;

export function readSettings(db: Db, guildId: string): GuildSettings {
  const row = db.select().from(guildSettings).where(eq(guildSettings.guildId, guildId)).get();
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
