// The features whose member data privacy composes, through their public interfaces only.
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import type { ForgetOutcome, RetentionBatch, ServerBatch } from '../member-data';
import * as checkins from '../checkins';
import * as insights from '../insights';
import * as kudos from '../kudos';
import * as polls from '../polls';
import * as preferences from '../preferences';
import * as settings from '../settings';
import * as surveys from '../surveys';

/** What privacy needs of each feature (see docs/architecture.md, "Each feature's public interface"). */
export interface MemberDataFeature {
  memberData(db: Db, guildId: string, memberId: string): unknown;
  forgetMember(tx: Tx, guildId: string, memberId: string, now: number): ForgetOutcome;
  applyRetention(tx: Tx, guildId: string, before: number, limit: number): RetentionBatch;
  forgetServer(tx: Tx, guildId: string, limit: number): ServerBatch;
}

/** Every feature that keeps data, in the order exports list them and deletions run. */
export const FEATURES = { polls, surveys, checkins, kudos, settings, insights, preferences } satisfies Record<string, MemberDataFeature>;
export type FeatureName = keyof typeof FEATURES;
export const FEATURE_NAMES = Object.keys(FEATURES) as FeatureName[];

/** Everything every feature stores about a member in a server, by feature. */
export function memberDataOf(db: Db, guildId: string, memberId: string) {
  return {
    polls: polls.memberData(db, guildId, memberId),
    surveys: surveys.memberData(db, guildId, memberId),
    checkins: checkins.memberData(db, guildId, memberId),
    kudos: kudos.memberData(db, guildId, memberId),
    settings: settings.memberData(db, guildId, memberId),
    insights: insights.memberData(db, guildId, memberId),
    preferences: preferences.memberData(db, guildId, memberId),
  };
}
