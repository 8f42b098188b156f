// A member's own data, as one JSON file (`/privacy export`).
import type { Db } from '../db/open';
import { isoTime } from '../member-data';
import { memberDataOf } from './features';
import { retentionOf, retentionInWords } from './retention';

export const ANONYMOUS_NOT_EXPORTED =
  'Votes in anonymous polls and responses to anonymous surveys are not in this file: they are filed under a keyed hash of your id, not your id, ' +
  'and the key is deleted when the poll or survey closes, so no one (Hearth included) can link them to you.';

/** Everything Hearth stores about a member in one server, with what it means, ready to be sent as a file. */
export function exportMemberData(db: Db, guild: { id: string; name: string }, memberId: string, now: number) {
  const data = memberDataOf(db, guild.id, memberId);
  const document = {
    about: `Everything Hearth stores about you in the server "${guild.name}", as of ${isoTime(now)}. Times are UTC.`,
    server: { id: guild.id, name: guild.name },
    member: memberId,
    exportedAt: isoTime(now),
    retention: retentionInWords(retentionOf(db, guild.id)),
    anonymous: ANONYMOUS_NOT_EXPORTED,
    ...data,
  };
  const items =
    data.polls.votes.length + data.polls.pollsCreated.length + data.surveys.responses.length + data.surveys.surveysCreated.length +
    data.checkins.answers.length + data.checkins.schedulesCreated.length + data.kudos.given.length + data.kudos.received.length;
  return { filename: `hearth-data-${guild.id}-${isoTime(now).slice(0, 10)}.json`, json: JSON.stringify(document, null, 2), items };
}
