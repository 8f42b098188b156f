import { describe, expect, it } from 'vitest';
import { closeDuePolls } from '../../src/polls/service';
import { closeDueSurveys } from '../../src/surveys/publishing';
import { attachPollMessage, createPoll, validatePoll } from '../../src/polls/service';
import { addQuestion, createSurvey } from '../../src/surveys/drafts';
import { attachSurveyMessage, publishSurvey } from '../../src/surveys/publishing';
import { freshDb, rowsOf } from '../support/community';
import type { Db } from '../../src/db/open';

const HOUR = 3_600_000;

function timedPoll(db: Db, guildId: string, closesIn: string, now = 0): number {
  const poll = createPoll(db, { guildId, channelId: 'c', creatorId: 'm' }, validatePoll({ question: 'Q?', choices: 'a | b', multi: false, maxChoices: null, anonymous: true, hideResults: false, closesIn, roleId: null }), now);
  attachPollMessage(db, poll, `message-${poll.id}`);
  return poll.id;
}

function timedSurvey(db: Db, guildId: string, closesIn: string): number {
  const { survey } = createSurvey(db, { guildId, creatorId: 'm' }, { title: 'S', description: null, anonymous: true, template: null }, 0);
  addQuestion(db, guildId, survey.id, { kind: 'yes-no', prompt: 'Ok?', choices: null, required: false });
  publishSurvey(db, guildId, survey.id, 'c', closesIn, 0);
  attachSurveyMessage(db, guildId, survey.id, `card-${survey.id}`);
  return survey.id;
}

const closed = (db: Db, table: string) => rowsOf(db, `SELECT guild_id FROM ${table} WHERE status = 'closed'`).map((row) => (JSON.parse(row) as { guild_id: string }).guild_id);

describe('closing timed polls and surveys', () => {
  it('takes a round fairly across servers: a later poll of a quiet server comes before most of a busy server\'s backlog', async () => {
    const db = freshDb();
    for (let i = 0; i < 30; i++) timedPoll(db, 'busy', '1h');
    const quiet = timedPoll(db, 'quiet', '2h');
    expect(await closeDuePolls(db, 3 * HOUR)).toBe(6);
    expect(closed(db, 'polls').sort()).toEqual(['busy', 'busy', 'busy', 'busy', 'busy', 'quiet']);
    expect(rowsOf(db, 'SELECT status FROM polls WHERE id = ?', quiet)).toEqual(['{"status":"closed"}']);
    // The rest stays due for the next rounds.
    let rounds = 1;
    while ((await closeDuePolls(db, 3 * HOUR)) > 0) rounds++;
    expect(rounds).toBe(6);
    expect(closed(db, 'polls')).toHaveLength(31);
  });

  it('honours a stop between two polls, and between two surveys: what is left stays due', async () => {
    const db = freshDb();
    for (const guild of ['a', 'b', 'c']) timedPoll(db, guild, '1h');
    let asked = 0;
    expect(await closeDuePolls(db, 2 * HOUR, () => ++asked > 2)).toBe(2);
    expect(closed(db, 'polls')).toHaveLength(2);
    expect(await closeDuePolls(db, 2 * HOUR)).toBe(1);

    for (const guild of ['a', 'a', 'b']) timedSurvey(db, guild, '1h');
    asked = 0;
    expect(await closeDueSurveys(db, 2 * HOUR, () => ++asked > 1)).toHaveLength(1);
    expect((await closeDueSurveys(db, 2 * HOUR)).map((s) => s.guildId).sort()).toEqual(['a', 'b']);
  });
});
