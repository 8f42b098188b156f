// What the weekly roundup reads from other features, through their public interfaces only.
import { eq } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import { activity as checkinActivity } from '../checkins';
import { activity as pollActivity } from '../polls';
import { recognitionChannels } from '../settings';
import { activity as kudosActivity } from './participation';
import { kudosSettings } from './schema';

/** Servers that want a roundup: a recognition channel is set and the roundup is not turned off. */
export function roundupGuilds(db: Db | Tx): { guildId: string; timezone: string; channelId: string }[] {
  const off = new Set(
    db
      .select({ guildId: kudosSettings.guildId })
      .from(kudosSettings)
      .where(eq(kudosSettings.roundupEnabled, false))
      .all()
      .map((r) => r.guildId),
  );
  return recognitionChannels(db).filter((g) => !off.has(g.guildId));
}

/**
 * Members active in [since, to) (gave kudos, voted in a poll or checked in) who received no kudos
 * in it, most recently active first (by UTC day, then member id). Only named activity counts:
 * anonymous polls and check-ins give counts, never members, so naming someone as active can
 * never reveal that they answered one. Each feature reads the window only.
 */
export function activeButUnthanked(db: Db | Tx, guildId: string, since: number, to: number): string[] {
  const members = [
    ...pollActivity(db, guildId, since, to).members,
    ...checkinActivity(db, guildId, since, to).members,
    ...kudosActivity(db, guildId, since, to).members,
  ];
  const thanked = new Set(members.filter((m) => m.kind === 'kudos-received').map((m) => m.memberId));
  const lastDay = new Map<string, string>();
  for (const { memberId, kind, day } of members) {
    if (kind === 'kudos-received' || thanked.has(memberId)) continue;
    if ((lastDay.get(memberId) ?? '') < day) lastDay.set(memberId, day);
  }
  return [...lastDay]
    .sort(([a, dayA], [b, dayB]) => (dayA === dayB ? (a < b ? -1 : a > b ? 1 : 0) : dayA < dayB ? 1 : -1))
    .map(([memberId]) => memberId);
}
