// Who voted when, as raw pairs, for insights to count distinct members per window or week cheaply.
import { and, count, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import { heldInWindow } from '../activity';
import { NO_MEMBER } from '../member-data';
import { polls, pollVotes } from './schema';

/** [member id, voted at] of every vote in [from, to) in this server's named polls (as `activity` counts them). */
export function voteTimes(db: Db, guildId: string, from: number, to: number): [string, number][] {
  return db
    .select({ member: sql<string>`${pollVotes.voter}`, at: pollVotes.votedAt })
    .from(polls)
    .crossJoin(pollVotes)
    .where(and(heldInWindow(polls, { parentId: pollVotes.pollId, at: pollVotes.votedAt }, guildId, from, to, false), lt(pollVotes.voter, NO_MEMBER)))
    .all()
    .map((r) => [r.member, r.at]);
}

/** How many votes `voteTimes` would read for [from, to), counted in the database (insights check their stored counts with it). */
export function voteCount(db: Db, guildId: string, from: number, to: number): number {
  return db.select({ n: count() }).from(polls).crossJoin(pollVotes).where(and(heldInWindow(polls, { parentId: pollVotes.pollId, at: pollVotes.votedAt }, guildId, from, to, false), lt(pollVotes.voter, NO_MEMBER))).get()!.n;
}
