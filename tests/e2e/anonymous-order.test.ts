// Whoever holds the database file after an anonymous poll or survey closed must not be able to
// match rows to members by the order they came in (the fifth row to the fifth voter seen in the
// live count): the rows are written again in a random order at close, and nothing of the key or
// the old rows is left in the file or its log.
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { anonymousKey } from '../../src/anonymity';
import { isEphemeral, textOf, type StoredMessage, type TestMember } from '../support/harness';
import { useHearth } from '../support/setup';

type Row = Record<string, number | string | null>;

describe('anonymous order of arrival', () => {
  const world = useHearth();
  const file = () => world.hearth.databasePath;
  /** Reads the database file the way its holder could: another connection, read-only. */
  function inspect<T = Row>(query: string, ...parameters: unknown[]): T[] {
    const reader = new Database(file(), { readonly: true });
    try {
      return reader.prepare(query).all(...parameters) as T[];
    } finally {
      reader.close();
    }
  }
  const members = (prefix: string, n: number): TestMember[] => Array.from({ length: n }, (_, i) => world.hearth.member(`${prefix}${i}`));
  const inOrder = (keys: string[], arrival: string[]) => keys.map((key) => arrival.indexOf(key));
  /**
   * The key is in neither the file nor its log, and the log holds no copy of the rewritten rows'
   * pages (it was emptied at close; only what changed since, such as the outbox, is in it).
   */
  function expectForgotten(secret: string, keys: string[]) {
    expect(readFileSync(file()).includes(secret)).toBe(false);
    const log = readFileSync(`${file()}-wal`);
    expect(log.includes(secret)).toBe(false);
    expect(keys.filter((key) => log.includes(key))).toEqual([]);
  }

  async function post(command: string, options: Record<string, string | number | boolean>): Promise<StoredMessage> {
    const before = new Set(world.hearth.double.messages.keys());
    await world.leader.run(command, options);
    return [...world.hearth.double.messages.values()].find((m) => !before.has(m.id) && !isEphemeral(m))!;
  }

  it('a closed anonymous poll keeps its counts, but its votes are rewritten in a random order and its key is nowhere in the file', async () => {
    const message = await post('poll create', { question: 'Who should host next?', choices: 'Ana | Bo | Cy', anonymous: true });
    const voters = members('voter', 12);
    for (const [i, voter] of voters.entries()) await voter.click(message, ['Ana', 'Bo', 'Cy'][i % 3]!);
    const [{ id, voter_secret: secret }] = inspect<{ id: number; voter_secret: string }>("SELECT id, voter_secret FROM polls WHERE question = 'Who should host next?'") as [{ id: number; voter_secret: string }];
    const arrival = voters.map((v) => anonymousKey(secret, v.id));
    expect(inOrder(inspect<{ voter: string }>('SELECT voter FROM poll_votes WHERE poll_id = ? ORDER BY rowid', id).map((r) => r.voter), arrival)).toEqual(arrival.map((_, i) => i));

    await world.leader.run('poll close', { poll: id });

    const rows = inspect<{ rowid: number; voter: string; choice: number }>('SELECT rowid, voter, choice FROM poll_votes WHERE poll_id = ? ORDER BY rowid', id);
    expect(rows).toHaveLength(12);
    expect(inOrder(rows.map((r) => r.voter), arrival)).not.toEqual(arrival.map((_, i) => i));
    expect(rows.map((r) => r.choice).sort()).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(inspect('SELECT voters, voter_secret FROM polls WHERE id = ?', id)).toEqual([{ voters: 12, voter_secret: null }]);
    expect(inspect('SELECT votes FROM poll_choices WHERE poll_id = ? ORDER BY position', id)).toEqual([{ votes: 4 }, { votes: 4 }, { votes: 4 }]);
    expect(textOf(world.hearth.double.messages.get(message.id)!)).toContain('12 members voted');
    expectForgotten(secret, arrival);
  });

  it('closed by its timer, an anonymous poll is rewritten in a random order too, and its key forgotten', async () => {
    const message = await post('poll create', { question: 'Timed secret?', choices: 'Yes | No', anonymous: true, 'closes-in': '1h' });
    const voters = members('timed', 10);
    for (const [i, voter] of voters.entries()) await voter.click(message, i % 2 ? 'No' : 'Yes');
    const [{ id, voter_secret: secret }] = inspect<{ id: number; voter_secret: string }>("SELECT id, voter_secret FROM polls WHERE question = 'Timed secret?'") as [{ id: number; voter_secret: string }];
    const arrival = voters.map((v) => anonymousKey(secret, v.id));

    await world.hearth.clock.advance(3_600_000);
    await world.hearth.runDueWork();

    expect(inspect('SELECT status, voter_secret FROM polls WHERE id = ?', id)).toEqual([{ status: 'closed', voter_secret: null }]);
    const rows = inspect<{ voter: string; choice: number }>('SELECT voter, choice FROM poll_votes WHERE poll_id = ? ORDER BY rowid', id);
    expect(rows.map((r) => r.choice).sort()).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(inOrder(rows.map((r) => r.voter), arrival)).not.toEqual(arrival.map((_, i) => i));
    expectForgotten(secret, arrival);
  });

  it('a closed anonymous survey keeps its count, but its responses and answers are rewritten in a random order', async () => {
    const { reply: draft } = await world.leader.run('survey create', { title: 'Honest pulse', anonymous: true });
    const surveyId = Number(/#(\d+)/.exec(textOf(draft))![1]);
    await world.leader.run('survey add-question', { survey: surveyId, kind: 'scale-5', prompt: 'How are you, really?', required: true });
    const card = await post('survey publish', { survey: surveyId });
    const respondents = members('respondent', 10);
    for (const [i, member] of respondents.entries()) {
      const screen = (await member.click(card, 'Take survey')).reply;
      await member.click(screen, String((i % 5) + 1));
      await member.click(screen, 'Submit');
    }
    const [{ secret }] = inspect<{ secret: string }>('SELECT respondent_secret AS secret FROM surveys WHERE id = ?', surveyId) as [{ secret: string }];
    const arrival = respondents.map((m) => anonymousKey(secret, m.id));
    const [{ lastResponse }] = inspect<{ lastResponse: number }>('SELECT max(id) AS lastResponse FROM survey_responses') as [{ lastResponse: number }];
    const answerOrder = () => inspect<{ num: number; respondent: string }>('SELECT a.num, r.respondent FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id WHERE a.survey_id = ? ORDER BY a.rowid', surveyId);
    expect(inOrder(answerOrder().map((a) => a.respondent), arrival)).toEqual(arrival.map((_, i) => i));

    await world.leader.run('survey close', { survey: surveyId });

    const responses = inspect<{ id: number; respondent: string }>('SELECT id, respondent FROM survey_responses WHERE survey_id = ? ORDER BY id', surveyId);
    expect(responses).toHaveLength(10);
    expect(responses.every((r) => r.id > lastResponse)).toBe(true);
    expect(inOrder(responses.map((r) => r.respondent), arrival)).not.toEqual(arrival.map((_, i) => i));
    const answers = answerOrder();
    expect(answers.map((a) => a.num).sort()).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(inOrder(answers.map((a) => a.respondent), arrival)).not.toEqual(arrival.map((_, i) => i));
    expect(inspect('SELECT responses, respondent_secret FROM surveys WHERE id = ?', surveyId)).toEqual([{ responses: 10, respondent_secret: null }]);
    // Each member's answer still belongs to their own response: the results are unchanged.
    const results = textOf((await world.leader.run('survey results', { survey: surveyId })).reply);
    expect(results).toContain('10 responses');
    expect(results).toContain('mean **3**');
    expectForgotten(secret, arrival);
  });

  it('a closed anonymous poll with fewer than 3 voters shows no count that could be tied to one member', async () => {
    const message = await post('poll create', { question: 'Quiet multi?', choices: 'Red | Green | Blue', anonymous: true, multi: true });
    const [only] = members('only', 1);
    await only!.click(message, 'Red');
    await only!.click(message, 'Blue');
    const [{ id }] = inspect<{ id: number }>("SELECT id FROM polls WHERE question = 'Quiet multi?'") as [{ id: number }];
    await world.leader.run('poll close', { poll: id });
    const closed = textOf(world.hearth.double.messages.get(message.id)!);
    expect(closed).toContain('Fewer than 3 members voted.');
    expect(closed).not.toMatch(/1 member voted|2 votes cast|\d+ votes? cast/);
    const list = textOf((await only!.run('poll list', { status: 'closed' })).reply);
    expect(list).toContain('Quiet multi?');
    expect(list).toContain('fewer than 3 voters');
    expect(list).not.toContain('1 voter');
    const refused = await only!.run('poll results', { poll: id });
    expect(refused.reply.content).toContain('fewer than 3 members voted');
    expect(refused.reply.content).not.toMatch(/only \d/);
  });
});
