/** A server's kudos settings: the daily limit, the weekly roundup, the milestone roles. */
import { UserError } from '../user-error';
import type { Db } from '../db/open';
import { KUDOS_LIMITS } from './limits';
import { deleteMilestone, milestonesOf, putMilestone, settingsRow, writeKudosSettings } from './store';

export interface KudosSettings {
  dailyLimit: number;
  roundupEnabled: boolean;
  milestones: { count: number; roleId: string }[];
}

export function getKudosSettings(db: Db, guildId: string): KudosSettings {
  const row = settingsRow(db, guildId);
  return {
    dailyLimit: row?.dailyLimit ?? KUDOS_LIMITS.defaultDailyLimit,
    roundupEnabled: row?.roundupEnabled ?? true,
    milestones: milestonesOf(db, guildId),
  };
}

export function setDailyLimit(db: Db, guildId: string, limit: number, now: number): KudosSettings {
  if (!Number.isInteger(limit) || limit < KUDOS_LIMITS.minDailyLimit || limit > KUDOS_LIMITS.maxDailyLimit) {
    throw new UserError(`The daily limit must be a whole number from ${KUDOS_LIMITS.minDailyLimit} to ${KUDOS_LIMITS.maxDailyLimit} (you gave ${limit}). The default is ${KUDOS_LIMITS.defaultDailyLimit}.`);
  }
  writeKudosSettings(db, guildId, { dailyLimit: limit }, now);
  return getKudosSettings(db, guildId);
}

export function setRoundup(db: Db, guildId: string, enabled: boolean, now: number): KudosSettings {
  writeKudosSettings(db, guildId, { roundupEnabled: enabled }, now);
  return getKudosSettings(db, guildId);
}

/** Sets (or with no role, removes) the role granted at `count` kudos received. */
export function setMilestone(db: Db, guildId: string, milestoneCount: number, role: { id: string; managed: boolean } | null): KudosSettings {
  if (!Number.isInteger(milestoneCount) || milestoneCount < 1 || milestoneCount > KUDOS_LIMITS.maxMilestone) {
    throw new UserError(`The milestone count must be a whole number from 1 to ${KUDOS_LIMITS.maxMilestone} (you gave ${milestoneCount}).`);
  }
  if (role === null) {
    if (!deleteMilestone(db, guildId, milestoneCount)) {
      throw new UserError(`There is no milestone at ${milestoneCount} kudos to remove. To add one, give a role as well.`);
    }
  } else {
    if (role.id === guildId) throw new UserError('@everyone cannot be a milestone role: every member already has it. Pick another role.');
    if (role.managed) throw new UserError('That role is managed by an integration (a bot or a subscription), so nobody can grant it. Pick a role you created.');
    const existing = milestonesOf(db, guildId);
    if (existing.length >= KUDOS_LIMITS.maxMilestones && !existing.some((m) => m.count === milestoneCount)) {
      throw new UserError(
        `A server can have at most ${KUDOS_LIMITS.maxMilestones} milestones, and this one has ${existing.length}. Remove one first with \`/settings kudos-milestone count\` (no role), or change the role of an existing count.`,
      );
    }
    putMilestone(db, guildId, milestoneCount, role.id);
  }
  return getKudosSettings(db, guildId);
}
