// Deleting one's data is a right, not a way round a limit: the open-poll limit, the daily kudos
// limit and "one answer per check-in" hold after `/privacy delete`, and lapse as they would have.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isEphemeral, ManualClock, textOf, type StoredMessage, type TestMember } from '../support/harness';
import { useHearth } from '../support/setup';
import * as schema from '../../src/db/schema';

const HOUR = 3_600_000;

describe('limits after /privacy delete', () => {
  // Wednesday 25 November 2026, 10:00 UTC.
  const world = useHearth({ clock: new ManualClock(Date.UTC(2026, 10, 25, 10, 0)) });

  async function deleteMyData(member: TestMember) {
    const asked = await member.run('privacy delete');
    const done = await member.click(asked.reply, 'Delete my data');
    expect(done.reply.content).toContain('**Deleted.**');
  }
  const answers = () => world.hearth.context.db.select().from(schema.checkinAnswers).all();
  const moodsOf = (runMessage: StoredMessage) => answers().filter((a) => a.runId === runIdOf(runMessage)).map((a) => a.mood).sort();
  const runIds = new Map<string, number>();
  const runIdOf = (message: StoredMessage) => runIds.get(message.id)!;

  it('keep a member who deleted their data at the limits they had reached, until each would have lapsed', async () => {
    const { hearth, leader } = world;
    const db = () => hearth.context.db; // a new connection after the restart below
    const channel = { id: [...hearth.guild.channels.values()][0]!.id };
    await leader.run('settings polls-by-members', { enabled: true });
    await leader.run('settings kudos-daily-limit', { n: 2 });
    const scheduled = await leader.run('checkin schedule', { channel, when: 'daily 09:00', prompt: 'How is it going?', name: 'Pulse', anonymous: true });
    const checkinId = Number(/Check-in #(\d+)/.exec(scheduled.reply.content)![1]);
    const postRun = async () => {
      const before = new Set(hearth.double.messages.keys());
      await leader.run('checkin run', { id: checkinId });
      const message = await hearth.double.waitFor(() => [...hearth.double.messages.values()].find((m) => !before.has(m.id) && textOf(m).includes('How is it going?')), 'the check-in post');
      runIds.set(message.id, db().select().from(schema.checkinRuns).all().find((r) => r.messageId === message.id)!.id);
      return message;
    };

    const maya = hearth.member('maya');
    const others = ['ola', 'pat'].map((name) => hearth.member(name));
    const polls: number[] = [];
    for (const n of [1, 2, 3]) polls.push(Number(/Poll #(\d+)/.exec((await maya.run('poll create', { question: `Maya asks ${n}?`, choices: 'Yes | No', channel })).reply.content)![1]));
    for (const friend of others) expect((await maya.run('kudos give', { member: { id: friend.id }, value: 'Kindness', message: 'Thanks!' })).reply.content).not.toContain('You have given all');
    const firstRun = await postRun();
    await maya.click(firstRun, 'good');
    await others[0]!.click(firstRun, 'okay');
    expect(moodsOf(firstRun)).toHaveLength(2);

    await deleteMyData(maya);
    const stored = () => JSON.stringify([db().select().from(schema.polls).all(), db().select().from(schema.kudos).all(), answers()]);
    const before = stored();

    // Still at every limit: each refusal is private, says why, and changes nothing.
    const poll = await maya.run('poll create', { question: 'Maya asks 4?', choices: 'Yes | No', channel });
    expect(isEphemeral(poll.reply)).toBe(true);
    expect(poll.reply.content).toContain('You already have 3 open polls here');
    const kudos = await maya.run('kudos give', { member: { id: hearth.member('quin').id }, value: 'Kindness', message: 'Thanks again!' });
    expect(isEphemeral(kudos.reply)).toBe(true);
    expect(kudos.reply.content).toContain("You have given all 2 of today's kudos");
    const again = await maya.click(firstRun, 'great');
    expect(isEphemeral(again.reply)).toBe(true);
    expect(again.reply.content).toContain('you cannot answer it again');
    expect(stored()).toBe(before);
    expect(moodsOf(firstRun)).toEqual([3, 4]); // her mood still counts, linked to nobody

    // Nothing in the file names her, the limits included.
    await hearth.stopBot();
    const search = (needle: string) => [hearth.databasePath, `${hearth.databasePath}-wal`].filter((file) => existsSync(file) && readFileSync(file).includes(Buffer.from(needle)));
    expect(search(maya.id)).toEqual([]);
    await hearth.startBot();

    // Each limit lapses as it would have: a poll closes, the day ends, a new run is posted.
    expect((await leader.run('poll close', { poll: polls[0]! })).reply.content).toContain('is closed');
    expect((await maya.run('poll create', { question: 'Maya asks 4?', choices: 'Yes | No', channel })).reply.content).toMatch(/^Poll #\d+ is up/);
    expect(db().select().from(schema.polls).all().find((p) => p.id === polls[0])!.creatorId).toBe('~'); // closed: no key kept
    await hearth.clock.advance(14 * HOUR + 1); // past midnight UTC, the server's time zone
    expect((await maya.run('kudos give', { member: { id: hearth.member('quin').id }, value: 'Kindness', message: 'A new day!' })).reply.content).toContain('You can give 1 more kudos today');
    expect(db().select().from(schema.kudosSpent).all()).toHaveLength(2);
    await hearth.clock.advance(12 * HOUR); // 26 hours after she gave them (longer than any day, clocks going back included): forgotten
    await hearth.runDueWork();
    expect(db().select().from(schema.kudosSpent).all()).toEqual([]);
    const secondRun = await postRun();
    expect((await maya.click(secondRun, 'great')).reply.content).not.toContain('cannot answer');
    expect(moodsOf(secondRun)).toEqual([5]);
    // The first run's answer lost its key once the newer run replaced it.
    expect(answers().filter((a) => a.runId === runIdOf(firstRun)).map((a) => a.memberId).filter((id) => id.startsWith('~l'))).toEqual([]);
  });
});
