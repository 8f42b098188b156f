import { describe, expect, it } from 'vitest';
import { getTableName } from 'drizzle-orm';
import { isEphemeral, textOf, type StoredMessage } from '../support/harness';
import { useHearth } from '../support/setup';
import { polls, pollVotes } from '../../src/polls/schema';

describe('votes committed together', () => {
  const world = useHearth();

  async function createPoll(question: string): Promise<StoredMessage> {
    const { hearth } = world;
    const before = new Set(hearth.double.messages.keys());
    await world.leader.run('poll create', { question, choices: 'Tea | Coffee' });
    return [...hearth.double.messages.values()].find((m) => !before.has(m.id) && !isEphemeral(m))!;
  }

  /**
   * Makes every COMMIT that holds a vote fail, as a full disk would: each vote also writes a row
   * whose deferred foreign key points nowhere, which SQLite checks only at COMMIT.
   */
  function failCommitsWithVotes(on: boolean): void {
    const sqlite = world.hearth.context.db.$client;
    if (!on) return void sqlite.exec('DROP TRIGGER temp.vote_commit_fails; DROP TABLE temp.vote_commit_child; DROP TABLE temp.vote_commit_parent;');
    sqlite.exec(`
      CREATE TEMP TABLE vote_commit_parent (id INTEGER PRIMARY KEY);
      CREATE TEMP TABLE vote_commit_child (parent INTEGER REFERENCES vote_commit_parent(id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TEMP TRIGGER vote_commit_fails AFTER INSERT ON main.${getTableName(pollVotes)} BEGIN INSERT INTO vote_commit_child (parent) VALUES (1); END;
    `);
  }

  it('when the commit of a rush of votes fails, tells every voter something went wrong and stores none of them', async () => {
    const { hearth } = world;
    const message = await createPoll('Tea or coffee?');
    const editsBefore = hearth.double.messages.get(message.id)!.edits;
    const voters = Array.from({ length: 12 }, (_, i) => hearth.member(`thirsty${i}`));

    failCommitsWithVotes(true);
    const seen = await Promise.all(voters.map((m, i) => m.click(message, i % 2 ? 'Tea' : 'Coffee')));
    failCommitsWithVotes(false);

    for (const { reply } of seen) {
      expect(isEphemeral(reply)).toBe(true);
      expect(reply.content).toContain("Something went wrong on Hearth's side");
      expect(reply.content).not.toContain('You voted');
    }
    const db = hearth.context.db;
    expect(db.select().from(pollVotes).all()).toEqual([]);
    expect(db.select().from(polls).all().find((p) => p.question === 'Tea or coffee?')!.voters).toBe(0);
    await hearth.clock.advance(3000);
    await hearth.runDueWork();
    expect(hearth.double.messages.get(message.id)!.edits).toBe(editsBefore); // nothing to show on the poll

    // The next rush is committed as usual.
    const again = await Promise.all(voters.slice(0, 3).map((m) => m.click(message, 'Tea')));
    expect(again.map((s) => s.reply.content)).toEqual(Array(3).fill('You voted for **Tea**.'));
    expect(db.select().from(pollVotes).all()).toHaveLength(3);
    await hearth.clock.advance(3000);
    await hearth.double.waitFor(() => (textOf(hearth.double.messages.get(message.id)!).includes('3 members voted so far') ? true : undefined), 'the poll showing the stored votes');
  });
});
