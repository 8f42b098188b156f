import { describe, expect, it } from 'vitest';
import * as checkins from '../../src/checkins';
import * as kudos from '../../src/kudos';
import * as polls from '../../src/polls';
import * as settings from '../../src/settings';
import * as surveys from '../../src/surveys';
import { skipRunOn } from '../../src/checkins/scheduling';
import { answerRun, checkin, closePollNow, DAY, freshDb, HOUR, MONDAY, poll, postRuns, respond, survey, takeDown, thank, vote } from '../support/community';

const G = 'g1';
const OTHER = 'g2';
const iso = (ms: number) => new Date(ms).toISOString();
/** What an export holds must survive JSON as it is. */
const jsonable = (data: unknown) => expect(JSON.parse(JSON.stringify(data))).toEqual(data);

describe('memberData() of polls', () => {
  it('holds the polls the member created and their votes in named polls, and says why anonymous votes are not there', () => {
    const db = freshDb();
    const theirs = poll(db, G, { creator: 'ann', multi: true }, MONDAY);
    const named = poll(db, G, {}, MONDAY);
    const secret = poll(db, G, { anonymous: true }, MONDAY);
    const elsewhere = poll(db, OTHER, {}, MONDAY);
    vote(db, G, 'ann', named, 1, MONDAY + HOUR);
    vote(db, G, 'ann', theirs, 0, MONDAY + 2 * HOUR);
    vote(db, G, 'ann', theirs, 2, MONDAY + 3 * HOUR);
    vote(db, G, 'ann', secret, 0, MONDAY + HOUR);
    vote(db, G, 'bob', named, 0, MONDAY + HOUR);
    vote(db, OTHER, 'ann', elsewhere, 0, MONDAY + HOUR);
    closePollNow(db, G, named, MONDAY + DAY);

    const data = polls.memberData(db, G, 'ann');
    expect(data).toEqual({
      pollsCreated: [{ pollId: theirs, question: 'Lunch?', choices: ['Pizza', 'Tacos', 'Soup'], anonymous: false, status: 'open', createdAt: iso(MONDAY), closedAt: null, channelId: 'polls' }],
      votes: [
        { pollId: named, question: 'Lunch?', choice: 'Tacos', votedAt: iso(MONDAY + HOUR) },
        { pollId: theirs, question: 'Lunch?', choice: 'Pizza', votedAt: iso(MONDAY + 2 * HOUR) },
        { pollId: theirs, question: 'Lunch?', choice: 'Soup', votedAt: iso(MONDAY + 3 * HOUR) },
      ],
      anonymousVotes: polls.ANONYMOUS_VOTES_LEFT_OUT,
    });
    jsonable(data);
    expect(polls.memberData(db, G, 'nobody')).toEqual({ pollsCreated: [], votes: [], anonymousVotes: polls.ANONYMOUS_VOTES_LEFT_OUT });
  });
});

describe('memberData() of surveys', () => {
  it('holds responses to named surveys with every answer, finished or not, and the surveys the member created', () => {
    const db = freshDb();
    const named = survey(db, G, {}, MONDAY);
    const unfinished = survey(db, G, { creator: 'ann' }, MONDAY);
    const secret = survey(db, G, { anonymous: true }, MONDAY);
    const elsewhere = survey(db, OTHER, {}, MONDAY);
    respond(db, G, 'ann', named, MONDAY + HOUR, { scale: 5, choice: 0, text: 'Lovely people' });
    respond(db, G, 'ann', unfinished, MONDAY + 2 * HOUR, { scale: 2, choice: 1, text: 'Half done', submit: false });
    respond(db, G, 'ann', secret, MONDAY + HOUR, { text: 'Secret words' });
    respond(db, G, 'bob', named, MONDAY + HOUR, { text: "Bob's words" });
    respond(db, OTHER, 'ann', elsewhere, MONDAY + HOUR, { text: 'Elsewhere' });

    const data = surveys.memberData(db, G, 'ann');
    const answers = (scale: number, choice: string, text: string) => [
      { question: 'How happy are you?', answer: scale },
      { question: 'Tea or coffee?', answer: choice },
      { question: 'Anything else?', answer: text },
    ];
    expect(data).toEqual({
      surveysCreated: [{ surveyId: unfinished, title: 'How are we doing?', description: null, anonymous: false, status: 'open', createdAt: iso(MONDAY), publishedAt: iso(MONDAY), closedAt: null }],
      responses: [
        { surveyId: named, title: 'How are we doing?', startedAt: iso(MONDAY + HOUR), submittedAt: iso(MONDAY + HOUR), answers: answers(5, 'Tea', 'Lovely people') },
        { surveyId: unfinished, title: 'How are we doing?', startedAt: iso(MONDAY + 2 * HOUR), submittedAt: null, answers: answers(2, 'Coffee', 'Half done') },
      ],
      anonymousResponses: surveys.ANONYMOUS_RESPONSES_LEFT_OUT,
    });
    expect(JSON.stringify(data)).not.toMatch(/Secret words|Bob's words|Elsewhere/);
    jsonable(data);
  });
});

describe('memberData() of check-ins', () => {
  it('holds every answer and note (anonymous check-ins too), streaks, schedules created and dates skipped', () => {
    const db = freshDb();
    const named = checkin(db, G, { creator: 'ann' });
    const secret = checkin(db, G, { anonymous: true });
    const elsewhere = checkin(db, OTHER);
    const mon = postRuns(db, MONDAY + 9 * HOUR);
    answerRun(db, G, 'ann', mon.get(named)!, MONDAY + 10 * HOUR, { mood: 4 });
    answerRun(db, G, 'ann', mon.get(named)!, MONDAY + 11 * HOUR, { note: 'A good start' });
    answerRun(db, G, 'ann', mon.get(secret)!, MONDAY + 12 * HOUR, { mood: 1, note: 'Rough day' });
    answerRun(db, G, 'bob', mon.get(named)!, MONDAY + 10 * HOUR, { mood: 5, note: "Bob's note" });
    answerRun(db, OTHER, 'ann', mon.get(elsewhere)!, MONDAY + 10 * HOUR, { mood: 3 });
    const tue = postRuns(db, MONDAY + DAY + 9 * HOUR);
    answerRun(db, G, 'ann', tue.get(named)!, MONDAY + DAY + 10 * HOUR, { mood: 5 });
    skipRunOn(db, G, named, '2026-03-10', 'ann', MONDAY + DAY + 11 * HOUR);

    const data = checkins.memberData(db, G, 'ann');
    const run = (day: number) => iso(MONDAY + day * DAY + 9 * HOUR);
    expect(data.answers).toEqual([
      { scheduleId: named, checkin: 'How are you?', anonymous: false, runAt: run(0), mood: 4, moodLabel: 'good', note: 'A good start', answeredAt: iso(MONDAY + 10 * HOUR), updatedAt: iso(MONDAY + 11 * HOUR) },
      { scheduleId: secret, checkin: 'How are you?', anonymous: true, runAt: run(0), mood: 1, moodLabel: 'rough', note: 'Rough day', answeredAt: iso(MONDAY + 12 * HOUR), updatedAt: iso(MONDAY + 12 * HOUR) },
      { scheduleId: named, checkin: 'How are you?', anonymous: false, runAt: run(1), mood: 5, moodLabel: 'great', note: null, answeredAt: iso(MONDAY + DAY + 10 * HOUR), updatedAt: iso(MONDAY + DAY + 10 * HOUR) },
    ]);
    expect(data.streaks).toEqual([
      { scheduleId: named, checkin: 'How are you?', current: 2, longest: 2, answered: 2 },
      { scheduleId: secret, checkin: 'How are you?', current: 1, longest: 1, answered: 1 }, // Tuesday's run is still open: it does not break the streak yet
    ]);
    expect(data.schedulesCreated).toEqual([{ scheduleId: named, name: 'How are you?', prompt: 'How are you?', when: 'daily 09:00', timezone: 'UTC', anonymous: false, status: 'active', createdAt: iso(MONDAY) }]);
    expect(data.datesSkipped).toEqual([{ scheduleId: named, date: '2026-03-10' }]);
    expect(JSON.stringify(data)).not.toContain("Bob's note");
    jsonable(data);
  });
});

describe('memberData() of kudos', () => {
  it('holds kudos given and received with their messages (removed ones marked) and kudos the member took down', () => {
    const db = freshDb();
    const given = thank(db, G, 'ann', 'bob', MONDAY + HOUR, 'Kindness');
    const received = thank(db, G, 'cat', 'ann', MONDAY + 2 * HOUR, 'Wisdom');
    takeDown(db, G, received, 'lead', MONDAY + 3 * HOUR);
    const takenDown = thank(db, G, 'bob', 'cat', MONDAY + 4 * HOUR);
    takeDown(db, G, takenDown, 'ann', MONDAY + 5 * HOUR);
    thank(db, OTHER, 'ann', 'bob', MONDAY + HOUR);

    const data = kudos.memberData(db, G, 'ann');
    expect(data).toEqual({
      given: [{ kudosId: given, to: 'bob', value: 'Kindness', message: 'Thanks, bob!', channelId: 'wall', createdAt: iso(MONDAY + HOUR), removedAt: null }],
      received: [{ kudosId: received, from: 'cat', value: 'Wisdom', message: 'Thanks, ann!', channelId: 'wall', createdAt: iso(MONDAY + 2 * HOUR), removedAt: iso(MONDAY + 3 * HOUR) }],
      removedAsLeader: [{ kudosId: takenDown, removedAt: iso(MONDAY + 5 * HOUR) }],
    });
    jsonable(data);
  });
});

describe('memberData() of settings', () => {
  it('says that no setting is kept per member', () => {
    expect(settings.memberData(freshDb(), G, 'ann')).toEqual({ settings: settings.NO_MEMBER_SETTINGS });
  });
});
