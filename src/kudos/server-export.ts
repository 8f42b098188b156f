// A server's kudos for insights' export.
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/open';
import { isMemberId } from '../member-data';
import { EXPORT_PAGE, isoOrEmpty, paged, type ExportTable } from '../server-export';
import { kudos } from './schema';

export function kudosExportTables(db: Db, guildId: string): ExportTable[] {
  const member = (id: string | null) => (id && isMemberId(id) ? id : null);
  return [
    {
      file: 'kudos.csv',
      about: 'One row per kudos given, removed ones included (with when they were removed).',
      columns: [
        ['kudos_id', 'The kudos, as in /kudos remove'],
        ['giver_id', 'Who gave it (empty once forgotten)'],
        ['recipient_id', 'Who received it (empty once forgotten)'],
        ['value', 'The value it was given for'],
        ['message', 'The message (empty once the server\'s retention removed it)'],
        ['channel_id', 'Where its shout-out was posted'],
        ['created_at', 'When (UTC, ISO 8601)'],
        ['removed_at', 'When a leader took it down (empty if it stands)'],
      ],
      *rows() {
        const rows = paged(
          (after: number | null) => db.select().from(kudos).where(and(eq(kudos.guildId, guildId), after === null ? undefined : gt(kudos.id, after))).orderBy(asc(kudos.id)).limit(EXPORT_PAGE).all(),
          (k) => k.id,
        );
        for (const k of rows) {
          if (k.messageId === null) continue; // not posted (yet): not given
          yield [k.id, member(k.giverId), member(k.recipientId), k.value, k.message, k.channelId, isoOrEmpty(k.createdAt), isoOrEmpty(k.removedAt)];
        }
      },
    },
  ];
}
