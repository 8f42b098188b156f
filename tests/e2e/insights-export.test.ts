import { describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { isEphemeral, textOf, type StoredMessage, type TestMember } from '../support/harness';
import { useHearth } from '../support/setup';

describe('/insights export', () => {
  const world = useHearth();

  async function poll(question: string, choices: string, votes: [TestMember, string][], anonymous = false): Promise<number> {
    const { hearth, leader } = world;
    const before = new Set(hearth.double.messages.keys());
    const { reply } = await leader.run('poll create', { question, choices, anonymous });
    const id = Number(/^Poll #(\d+)/.exec(reply.content)![1]);
    const message = [...hearth.double.messages.values()].find((m) => !before.has(m.id) && !isEphemeral(m))!;
    for (const [member, choice] of votes) await member.click(message, choice);
    await leader.run('poll close', { poll: id });
    return id;
  }

  async function survey(title: string, answers: TestMember[], anonymous: boolean): Promise<number> {
    const { hearth, leader } = world;
    const draft = await leader.run('survey create', { title, anonymous });
    const id = Number(/Draft survey #(\d+)/.exec(textOf(draft.reply))![1]);
    await leader.run('survey add-question', { survey: id, kind: 'yes-no', prompt: 'Saturdays?' });
    const published = await leader.run('survey publish', { survey: id });
    const card = hearth.double.messages.get(/\/(\d+)$/.exec(published.reply.content)![1]!)!;
    for (const member of answers) {
      const screen = (await member.click(card, 'Take survey')).reply;
      await member.click(screen, 'Yes');
      await member.click(screen, 'Submit');
    }
    await leader.run('survey close', { survey: id });
    return id;
  }

  it('gives leaders a ZIP of CSVs with a byte-order mark and a README, naming no one who answered anonymously', async () => {
    const { hearth, leader } = world;
    const [ana, ben, cai, dee, eli, fay, gus] = ['ana', 'ben', 'cai', 'dee', 'eli', 'fay', 'gus'].map((name) => hearth.member(name)) as TestMember[];
    const lunch = await poll('Lunch?', 'Tea | Coffee', [[ana!, 'Tea'], [ben!, 'Coffee']]);
    await leader.run('poll follow-up', { poll: lunch, message: 'Tea, then.' });
    const secret = await poll('Secret?', 'Yes | No', [[cai!, 'Yes'], [dee!, 'No'], [eli!, 'Yes']], true);
    const quiet = await poll('Quiet?', 'Yes | No', [[fay!, 'Yes'], [gus!, 'No']], true);
    const named = await survey('Named', [ana!], false);
    const anonymous = await survey('Anonymous', [cai!, dee!, eli!], true);
    const scheduled = await leader.run('checkin schedule', { channel: { id: hearth.general.id }, when: 'daily 09:00', prompt: 'How are you?', name: 'Daily' });
    const checkinId = Number(/Check-in #(\d+)/.exec(scheduled.reply.content)![1]);
    await leader.run('checkin run', { id: checkinId });
    const post = await hearth.double.waitFor(() => hearth.double.channelMessages(hearth.general.id).find((m: StoredMessage) => textOf(m).includes('How are you?')), 'the check-in');
    await ana!.click(post, 'good');
    await ana!.run('kudos give', { member: { id: ben!.id }, value: 'Kindness', message: '=SUM(A1) thanks' });

    const { reply, record } = await leader.run('insights export');
    expect(record.callback!.type).toBe(5); // deferred: a large server takes a while
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toContain('README.txt explains every column.');
    expect(reply.files).toHaveLength(1);
    expect(reply.files[0]!.filename).toMatch(new RegExp(`^hearth-${hearth.guild.id}-\\d{4}-\\d{2}-\\d{2}\\.zip$`));
    const files = unzipSync(new Uint8Array(reply.files[0]!.data));
    const names = [
      'polls.csv',
      'poll_choices.csv',
      'poll_votes.csv',
      'surveys.csv',
      'survey_questions.csv',
      'survey_answers.csv',
      'checkins.csv',
      'checkin_runs.csv',
      'checkin_answers.csv',
      'kudos.csv',
      'follow_ups.csv',
      'README.txt',
    ];
    expect(Object.keys(files)).toEqual(names);
    const csv = (name: string) => {
      const bytes = files[name]!;
      expect([...bytes.subarray(0, 3)], `${name} starts with a byte-order mark`).toEqual([0xef, 0xbb, 0xbf]);
      return strFromU8(bytes.subarray(3)).trimEnd().split('\r\n');
    };

    expect(csv('poll_choices.csv')).toEqual([
      'poll_id,position,label,votes',
      `${lunch},1,Tea,1`,
      `${lunch},2,Coffee,1`,
      `${secret},1,Yes,2`,
      `${secret},2,No,1`,
      `${quiet},1,Yes,`, // fewer than 3 voters: no counts
      `${quiet},2,No,`,
    ]);
    const votes = csv('poll_votes.csv');
    expect(votes[0]).toBe('poll_id,member_id,position,voted_at');
    expect(votes.slice(1).map((row) => row.split(',').slice(0, 3).join(',')).sort()).toEqual([`${lunch},${ana!.id},1`, `${lunch},${ben!.id},2`].sort());
    expect(csv('polls.csv').find((row) => row.startsWith(`${quiet},`))).toMatch(/,closed,[^,]+,[^,]+,$/); // no voter count either

    const answers = csv('survey_answers.csv');
    expect(answers[0]).toBe('survey_id,response,member_id,submitted_at,position,answer');
    expect(answers.filter((row) => row.startsWith(`${named},`))).toEqual([expect.stringMatching(new RegExp(`^${named},\\d+,${ana!.id},\\d{4}-[^,]+,1,Yes$`))]);
    expect(answers.filter((row) => row.startsWith(`${anonymous},`)).sort()).toEqual([1, 2, 3].map((n) => `${anonymous},${anonymous}-${n},,,1,Yes`));

    expect(csv('checkin_answers.csv')).toEqual(['run_id,checkin_id,member_id,mood,note,answered_at', expect.stringMatching(new RegExp(`^\\d+,${checkinId},${ana!.id},4,,\\d{4}-`))]);
    expect(csv('kudos.csv')[1]).toMatch(new RegExp(`^\\d+,${ana!.id},${ben!.id},Kindness,'=SUM\\(A1\\) thanks,`)); // no formula runs
    expect(csv('follow_ups.csv')).toEqual(['kind,id,message,revision,message_id,created_at,updated_at', expect.stringMatching(new RegExp(`^poll,${lunch},"Tea, then\\.",1,\\d+,`))]);

    // Nobody who voted or answered anonymously appears anywhere.
    const everything = Object.values(files).map((bytes) => strFromU8(bytes)).join('\n');
    for (const member of [cai, dee, eli, fay, gus]) expect(everything).not.toContain(member!.id);

    // README.txt explains every column of every file.
    const readme = strFromU8(files['README.txt']!);
    expect(readme).toContain('UTF-8 with a byte-order mark');
    for (const name of names.slice(0, -1)) {
      expect(readme).toContain(`\r\n${name}\r\n`);
      for (const column of csv(name)[0]!.split(',')) expect(readme, `${name}: ${column}`).toContain(`  ${column}: `);
    }
  });

  it('makes one export of a server at a time; a second asked meanwhile is refused, and the next one after works', async () => {
    const { hearth, leader } = world;
    const held = hearth.double.holdNext('PATCH', /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/);
    const first = leader.run('insights export');
    await held.arrived; // the first export is uploading
    const second = await leader.run('insights export');
    expect(isEphemeral(second.reply)).toBe(true);
    expect(second.reply.content).toContain('An export of this server is being made right now');
    held.release();
    expect((await first).reply.files).toHaveLength(1);
    expect((await leader.run('insights export')).reply.files).toHaveLength(1);
  });

  it('is for leaders only', async () => {
    const { reply } = await world.hearth.member('hal').run('insights export');
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toContain('Only leaders can use /insights.');
    expect(reply.files).toEqual([]);
  });
});
