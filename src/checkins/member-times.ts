// Who answered when, as raw pairs, for insights to count distinct members per window or week cheaply.
import { and, count, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../db/open';
import { NO_MEMBER } from '../member-data';
import { checkinAnswers, checkinSchedules } from './schema';

/** [member id, first answered at] of every answer in [from, to) to this server's named check-ins (as `activity` counts them). */
export function answerTimes(db: Db, guildId: string, from: number, to: number): [string, number][] {
  return db
    .select({ member: checkinAnswers.memberId, at: checkinAnswers.answeredAt })
    .from(checkinSchedules)
    .crossJoin(checkinAnswers)
    .where(namedAnswersIn(guildId, from, to))
    .all()
    .map((r) => [r.member, r.at]);
}

const namedAnswersIn = (guildId: string, from: number, to: number): SQL | undefined =>
  and(
    eq(checkinSchedules.guildId, guildId),
    eq(checkinAnswers.scheduleId, checkinSchedules.id),
    eq(checkinSchedules.anonymous, false),
    gte(checkinAnswers.answeredAt, from),
    lt(checkinAnswers.answeredAt, to),
    lt(checkinAnswers.memberId, NO_MEMBER),
  );

/** How many answers `answerTimes` would read for [from, to), counted in the database. */
export function answerCount(db: Db, guildId: string, from: number, to: number): number {
  return db.select({ n: count() }).from(checkinSchedules).crossJoin(checkinAnswers).where(namedAnswersIn(guildId, from, to)).get()!.n;
}
