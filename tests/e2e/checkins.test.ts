import { describe, expect, it } from 'vitest';
import { ChannelType, InteractionResponseType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { TextChannel } from 'discord.js';
import { ManualClock, TestMember, allComponents, eventually, isEphemeral, textOf, type StoredMessage } from '../support/harness';
import { useHearth } from '../support/setup';
import { checkinAnswers, checkinRuns, checkinSchedules, checkinSkips } from '../../src/checkins/schema';
import { claimDueRuns } from '../../src/checkins/runs';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const unix = (ms: number) => Math.floor(ms / 1000);

describe('check-ins', () => {
  const world = useHearth(); // 2026-11-25 12:00 UTC, a Wednesday; the server's zone is UTC
  const db = () => world.hearth.context.db;
  const schedules = () => db().select().from(checkinSchedules).all();
  const runs = () => db().select().from(checkinRuns).all();
  const answers = () => db().select().from(checkinAnswers).all();
  const snapshot = () => JSON.stringify([schedules(), runs(), answers(), db().select().from(checkinSkips).all()]);
  const posts = (channelId: string, prompt: string) => world.hearth.double.channelMessages(channelId).filter((m) => textOf(m).includes(prompt));

  async function schedule(options: Record<string, string | boolean | { id: string }>, who: TestMember = world.leader): Promise<number> {
    const { reply } = await who.run('checkin schedule', { channel: { id: world.hearth.general.id }, ...options });
    expect(isEphemeral(reply)).toBe(true);
    const match = /Check-in #(\d+)/.exec(reply.content);
    expect(match, reply.content).not.toBeNull();
    return Number(match![1]);
  }

  it('schedules a check-in, shows the next three runs, and posts it exactly on time with mood buttons', async () => {
    const { hearth, leader } = world;
    const { reply } = await leader.run('checkin schedule', { channel: { id: hearth.general.id }, when: 'daily 13:00', prompt: 'How was your day?', name: 'Daily' });
    const first = Date.UTC(2026, 10, 25, 13);
    expect(reply.content).toContain('The next three runs:');
    for (const at of [first, first + DAY, first + 2 * DAY]) expect(reply.content).toContain(`<t:${unix(at)}:F>`);
    expect(schedules().at(-1)).toMatchObject({ cron: '0 13 * * *', timezone: 'UTC', nextRunAt: first, status: 'active' });

    await hearth.clock.set(first - 1);
    // Claiming is synchronous: a run that is not recorded by now was not started.
    expect(runs().filter((r) => r.scheduledFor === first)).toEqual([]);
    expect(schedules().at(-1)!.nextRunAt).toBe(first);
    expect(posts(hearth.general.id, 'How was your day?')).toHaveLength(0);
    await hearth.clock.advance(1);
    const [post] = await hearth.double.waitFor(() => (posts(hearth.general.id, 'How was your day?').length ? posts(hearth.general.id, 'How was your day?') : undefined), 'the check-in post');
    const labels = allComponents(post!.components).filter((c) => c.type === 2).map((c) => c.label);
    expect(labels).toEqual(['rough', 'low', 'okay', 'good', 'great', 'Add a note']);
    expect(runs().filter((r) => r.scheduledFor === first)).toMatchObject([{ status: 'posted', messageId: post!.id }]);
  });

  it('a member answers, changes their answer and adds a note; confirmations are private and show the streak', async () => {
    const { hearth } = world;
    const post = posts(hearth.general.id, 'How was your day?')[0]!;
    const ana = hearth.member('ana');
    const answered = await ana.click(post, 'good');
    expect(answered.record.callback!.type).toBe(InteractionResponseType.ChannelMessageWithSource); // answered at once
    expect(isEphemeral(answered.reply)).toBe(true);
    expect(answered.reply.content).toContain('Thanks! You answered 🙂 **good** (4/5).');
    expect(answered.reply.content).toContain('Your streak: **1 check-in** in a row.');
    const changed = await ana.click(post, 'great');
    expect(changed.reply.content).toContain('You changed your answer to 😄 **great** (5/5).');

    const opened = await ana.click(post, 'Add a note');
    const saved = await ana.submitModal(opened, { 'Your note': 'Busy, but a good kind of busy.' });
    expect(isEphemeral(saved.reply)).toBe(true);
    expect(saved.reply.content).toContain('Thanks, your note is saved.');
    const mine = answers().filter((a) => a.memberId === ana.id);
    expect(mine).toMatchObject([{ mood: 5, note: 'Busy, but a good kind of busy.' }]);

    const before = snapshot();
    const tooLong = await ana.submitModal(await ana.click(post, 'Add a note'), { 'Your note': 'x'.repeat(1001) });
    expect(tooLong.reply.content).toContain('the most is 1000');
    expect(snapshot()).toBe(before);
  });

  it('a skipped date posts nothing and does not break a streak; answering a superseded run is refused', async () => {
    const { hearth, leader } = world;
    const id = schedules().find((s) => s.name === 'Daily')!.id;
    const skip = await leader.run('checkin skip', { id, date: '2026-11-26' });
    expect(skip.reply.content).toContain(`will not be posted on 2026-11-26 (the run at <t:${unix(Date.UTC(2026, 10, 26, 13))}:f>)`);
    const twice = await leader.run('checkin skip', { id, date: '2026-11-26' });
    expect(isEphemeral(twice.reply)).toBe(true);
    expect(twice.reply.content).toContain('The run on 2026-11-26 is already skipped.');
    expect(db().select().from(checkinSkips).all().filter((k) => k.scheduleId === id)).toHaveLength(1);
    const list = await leader.run('checkin list');
    expect(textOf(list.reply)).toContain('Skipping: 2026-11-26');
    expect(textOf(list.reply)).toContain(`Next run: <t:${unix(Date.UTC(2026, 10, 27, 13))}:f>`);

    await hearth.clock.set(Date.UTC(2026, 10, 26, 14));
    expect(runs().filter((r) => r.scheduleId === id).map((r) => r.status)).toEqual(['posted', 'skipped']);
    expect(posts(hearth.general.id, 'How was your day?')).toHaveLength(1);
    expect(runs().find((r) => r.scheduledFor === Date.UTC(2026, 10, 26, 13))).toMatchObject({ status: 'skipped' });

    await hearth.clock.set(Date.UTC(2026, 10, 27, 13));
    await hearth.double.waitFor(() => (posts(hearth.general.id, 'How was your day?').length === 2 ? true : undefined), 'the next post');
    const [old, latest] = posts(hearth.general.id, 'How was your day?');
    const ana = new TestMember(hearth, hearth.guild, hearth.guild.members.get([...hearth.guild.members.values()].find((m) => m.user.username === 'ana')!.user.id)!);
    const { reply } = await ana.click(latest!, 'okay');
    expect(reply.content).toContain('Your streak: **2 check-ins** in a row.');

    const before = snapshot();
    const refused = await ana.click(old!, 'rough');
    expect(isEphemeral(refused.reply)).toBe(true);
    expect(refused.reply.content).toContain(`This check-in has been superseded by a newer one (<t:${unix(Date.UTC(2026, 10, 27, 13))}:f>)`);
    // "Add a note" on the old post is refused too, before any form opens.
    const noForm = await ana.click(old!, 'Add a note');
    expect(noForm.record.callback?.type).not.toBe(9); // 9: a modal
    expect(isEphemeral(noForm.reply)).toBe(true);
    expect(noForm.reply.content).toContain('This check-in has been superseded by a newer one');
    expect(snapshot()).toBe(before);

    const streak = await hearth.member('bystander').run('checkin streak', { member: { id: ana.id } });
    expect(streak.reply.content).toContain('**Daily**');
    expect(streak.reply.content).toContain('2 runs in a row, longest 2');
  });

  it('"post now" re-posts the current run: answering the re-post keeps a streak going, and the report counts the day once', async () => {
    const { hearth, leader } = world;
    const id = schedules().find((s) => s.name === 'Daily')!.id;
    const dev = hearth.member('dev');
    const [, day1] = posts(hearth.general.id, 'How was your day?');
    expect((await dev.click(day1!, 'good')).reply.content).toContain('Your streak: **1 check-in** in a row');

    await hearth.clock.set(Date.UTC(2026, 10, 28, 13));
    await hearth.double.waitFor(() => (posts(hearth.general.id, 'How was your day?').length === 3 ? true : undefined), 'the post of the 28th');
    const ran = await leader.run('checkin run', { id });
    expect(ran.reply.content).toContain('is posted');
    const [, , day2, repost] = posts(hearth.general.id, 'How was your day?');
    expect(repost).toBeDefined();
    expect((await dev.click(day2!, 'good')).reply.content).toContain('superseded');
    const answered = await dev.click(repost!, 'great');
    expect(answered.reply.content).toContain('Your streak: **2 check-ins** in a row.');
    expect(runs().filter((r) => r.scheduleId === id && r.scheduledFor >= Date.UTC(2026, 10, 28))).toMatchObject([
      { manual: false, status: 'posted' },
      { manual: true, status: 'posted' },
    ]);

    const report = textOf((await leader.run('checkin report', { id, weeks: 1 })).reply);
    expect(report).toContain(`<t:${unix(Date.UTC(2026, 10, 28, 13))}:d> (re-posted): 1 answer, average **5.0**`);
    expect(report).toMatch(/Last 1 week: 3 runs,/); // the 25th, 27th and 28th; the replaced post is not a run of its own
  });

  it('pause, resume, run now and delete do what they say', async () => {
    const { hearth, leader } = world;
    const id = await schedule({ when: 'mon,thu 18:00', prompt: 'Evening check?' });
    expect((await leader.run('checkin pause', { id })).reply.content).toContain('is paused');
    expect(schedules().find((s) => s.id === id)).toMatchObject({ status: 'paused', nextRunAt: null });
    await hearth.clock.set(Date.UTC(2026, 10, 30, 19)); // past Monday 18:00
    expect(runs().filter((r) => r.scheduleId === id)).toEqual([]);
    expect(posts(hearth.general.id, 'Evening check?')).toHaveLength(0);
    const again = await leader.run('checkin pause', { id });
    expect(isEphemeral(again.reply)).toBe(true);
    expect(again.reply.content).toContain(`Check-in #${id} is already paused. Resume it with \`/checkin resume\``);

    const resumed = await leader.run('checkin resume', { id });
    expect(resumed.reply.content).toContain('is running again');
    expect(resumed.reply.content).toContain(`<t:${unix(Date.UTC(2026, 11, 3, 18))}:F>`);
    const running = await leader.run('checkin resume', { id });
    expect(isEphemeral(running.reply)).toBe(true);
    expect(running.reply.content).toContain(`Check-in #${id} is not paused; it is already running.`);
    const before = snapshot();
    const tuesday = await leader.run('checkin skip', { id, date: '2026-12-01' }); // it runs on Mondays and Thursdays
    expect(isEphemeral(tuesday.reply)).toBe(true);
    expect(tuesday.reply.content).toContain(`Check-in #${id} has no run left on 2026-12-01, so there is nothing to skip.`);
    expect(snapshot()).toBe(before);

    const ran = await leader.run('checkin run', { id });
    expect(ran.reply.content).toContain(`Check-in #${id} **Evening check?** is posted`);
    const [post] = posts(hearth.general.id, 'Evening check?');
    expect(post).toBeDefined();
    expect(schedules().find((s) => s.id === id)!.nextRunAt).toBe(Date.UTC(2026, 11, 3, 18)); // the regular schedule is unchanged

    const deleted = await leader.run('checkin delete', { id });
    expect(deleted.reply.content).toContain('is deleted');
    expect(schedules().some((s) => s.id === id)).toBe(false);
    const late = await hearth.member('late').click(post!, 'good');
    expect(late.reply.content).toContain('This check-in no longer exists');
  });

  it('records a run it cannot post as failed with the reason, shows it in the list, and posts the next run once allowed', async () => {
    const { hearth, leader } = world;
    const quiet = hearth.double.addChannel(hearth.guild, 'quiet');
    await eventually(() => hearth.context.client.channels.cache.has(quiet.id), 'the bot to see the new channel');
    const { reply } = await leader.run('checkin schedule', { channel: { id: quiet.id }, when: 'daily 09:00', prompt: 'Quiet corner?' });
    const id = Number(/#(\d+)/.exec(reply.content)![1]);
    hearth.double.setOverwrites(hearth.guild, quiet, [{ id: hearth.double.botRole(hearth.guild).id, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages }]);
    await eventually(() => !(hearth.context.client.channels.cache.get(quiet.id) as TextChannel).permissionsFor(hearth.context.client.user!)!.has(PermissionFlagsBits.SendMessages), 'the bot to see the new permissions');

    const due = schedules().find((s) => s.id === id)!.nextRunAt!;
    await hearth.clock.set(due);
    await eventually(() => runs().some((r) => r.scheduleId === id && r.status === 'failed'), 'the failed run');
    expect(runs().find((r) => r.scheduleId === id)!.reason).toContain('missing the Send Messages permission');
    const list = await leader.run('checkin list');
    expect(textOf(list.reply)).toMatch(/Last run: .*⚠️ failed: Hearth is missing the Send Messages permission/);
    expect(textOf(list.reply)).toContain('a run missed by less than 1 hour is posted as soon as it is back');
    expect(schedules().find((s) => s.id === id)!.nextRunAt).toBe(due + DAY);
    await hearth.clock.advance(60_000);
    const now = await leader.run('checkin run', { id });
    expect(isEphemeral(now.reply)).toBe(true);
    expect(now.reply.content).toContain(`Check-in #${id} could not be posted: Hearth is missing the Send Messages permission in <#${quiet.id}>`);
    expect(runs().filter((r) => r.scheduleId === id).map((r) => r.status)).toEqual(['failed', 'failed']);

    hearth.double.setOverwrites(hearth.guild, quiet, []);
    await eventually(() => (hearth.context.client.channels.cache.get(quiet.id) as TextChannel).permissionsFor(hearth.context.client.user!)!.has(PermissionFlagsBits.SendMessages), 'the restored permission');
    await hearth.clock.set(due + DAY);
    await hearth.double.waitFor(() => (posts(quiet.id, 'Quiet corner?').length === 1 ? true : undefined), 'the next run to post');
    await leader.run('checkin delete', { id });
  });

  it('reports answers, moods, changes and notes with a chart; anonymous runs with fewer than 3 answers show nothing, and the current one only once the next is posted', async () => {
    const { hearth, leader } = world;
    const id = await schedule({ when: 'fri 16:00', prompt: 'Anonymous pulse?', anonymous: true });
    const members = ['p1', 'p2', 'p3', 'p4'].map((n) => hearth.member(n));
    // Posted by hand before the first Friday: a run of its own, then the scheduled one.
    await leader.run('checkin run', { id });
    const first = posts(hearth.general.id, 'Anonymous pulse?')[0]!;
    await members[0]!.click(first, 'rough');
    await members[1]!.click(first, 'low');
    await hearth.clock.set(schedules().find((s) => s.id === id)!.nextRunAt!);
    await hearth.double.waitFor(() => (posts(hearth.general.id, 'Anonymous pulse?').length === 2 ? true : undefined), 'the scheduled run');
    const second = posts(hearth.general.id, 'Anonymous pulse?')[1]!;
    for (const [i, m] of members.slice(0, 3).entries()) await m.click(second, ['good', 'great', 'good'][i]!);
    // Notes written in this order; the report lists them in text order, which says nothing about who wrote when.
    for (const [i, note] of ['Feeling better this time', 'Zebra crossings everywhere', 'Apples from the garden'].entries()) {
      await members[i]!.submitModal(await members[i]!.click(second, 'Add a note'), { 'Your note': note });
    }

    // While the run still takes answers, it is in no report and no list count: otherwise a leader
    // could report before and after someone answers and see what they chose.
    const reportFiles = (reply: { files: { filename: string; data: Buffer }[] }) => reply.files.filter((f) => f.filename.endsWith('.md')).map((f) => f.data.toString('utf8'));
    const early = await leader.run('checkin report', { id });
    const earlyList = textOf((await leader.run('checkin list')).reply);
    expect(textOf(early.reply)).toContain('fewer than 3 answers, not shown'); // the hand-posted run, finished
    expect(textOf(early.reply)).toContain('is left out while members can still answer it; it appears once the next one is posted.');
    expect(textOf(early.reply)).not.toMatch(/answers?, average/);
    expect(textOf(early.reply)).not.toContain('Feeling better this time');
    await members[3]!.click(second, 'great');
    const unchanged = await leader.run('checkin report', { id });
    expect(textOf(unchanged.reply)).toBe(textOf(early.reply));
    expect(reportFiles(unchanged.reply)).toEqual(reportFiles(early.reply));
    expect(textOf((await leader.run('checkin list')).reply)).toBe(earlyList);

    // The report of a named check-in shows its current run as it goes (here the Daily one, before the clock moves on).
    const named = schedules().find((s) => s.name === 'Daily')!.id;
    const open = textOf((await leader.run('checkin report', { id: named, weeks: 2 })).reply);
    expect(open).toContain('Busy, but a good kind of busy.');
    expect(open).toMatch(/2 answers, average \*\*3\.5\*\* \(-1\.5\)/); // ana's okay and dev's good on the 27th
    const ana = [...hearth.guild.members.values()].find((m) => m.user.username === 'ana')!.user.id;
    expect(open).toContain(`<@${ana}>`);
    expect((await hearth.member('curious').run('checkin report', { id: named })).reply.content).toContain('Only leaders can read check-in reports');

    // Once the next run is posted, the finished run shows, with every answer. (A week on: Hearth
    // is restarted just before, rather than walking a week of five-minute timers.)
    const next = schedules().find((s) => s.id === id)!.nextRunAt!;
    await hearth.stopBot();
    await hearth.clock.set(next - 60_000);
    await hearth.startBot();
    await hearth.clock.set(next);
    await hearth.double.waitFor(() => (posts(hearth.general.id, 'Anonymous pulse?').length === 3 ? true : undefined), 'the next scheduled run');
    const { reply, record } = await leader.run('checkin report', { id });
    expect(record.callback?.type).toBe(5); // deferred ("thinking…") before the report is worked out
    expect(isEphemeral(reply)).toBe(true);
    const text = textOf(reply);
    expect(text).toContain('fewer than 3 answers, not shown');
    expect(text).toMatch(/4 answers, average \*\*4\.5\*\*/);
    expect(text).not.toContain('😣 1'); // the hidden run's "rough" answer is in no total
    expect(text).toContain('😣 0 😕 0 😐 0 🙂 2 😄 2');
    expect(text).toContain('> Feeling better this time');
    for (const m of members) expect(text).not.toContain(m.id);
    const report = reply.files.find((f) => f.filename === `checkin-${id}-report.md`)!.data.toString('utf8');
    expect(report).toContain('Fewer than 3 answers: not shown.');
    expect(report).not.toContain('rough 1');
    expect(report).toContain('rough 0, low 0, okay 0, good 2, great 2');
    expect(report).toMatch(/- Apples from the garden\n- Feeling better this time\n- Zebra crossings everywhere/);
    for (const m of members) expect(report).not.toContain(m.id);

    // Someone else's streaks leave anonymous check-ins out (they would tell who answered); your own do not.
    const theirs = await hearth.member('nosy').run('checkin streak', { member: { id: members[0]!.id } });
    expect(theirs.reply.content).not.toContain('Anonymous pulse?');
    expect(theirs.reply.content).toContain('Anonymous check-ins are left out');
    const own = await members[0]!.run('checkin streak');
    expect(own.reply.content).toContain('**Anonymous pulse?**');
    expect(own.reply.content).toContain('2 runs in a row');
    const chart = reply.files.find((f) => f.filename === `checkin-${id}-mood.png`)!;
    expect(chart.data.subarray(1, 4).toString()).toBe('PNG');
  });

  it('refuses every kind of bad input with a clear private answer and changes nothing', async () => {
    const { hearth, leader } = world;
    const voice = hearth.double.addChannel(hearth.guild, 'Lounge', { type: ChannelType.GuildVoice });
    const deny = (name: string, bit: bigint) => hearth.double.addChannel(hearth.guild, name, { overwrites: [{ id: hearth.double.botRole(hearth.guild).id, type: 0, allow: 0n, deny: bit }] });
    const noEmbeds = deny('no-embeds', PermissionFlagsBits.EmbedLinks);
    const noFiles = deny('no-files', PermissionFlagsBits.AttachFiles);
    const noSend = deny('no-send', PermissionFlagsBits.SendMessages);
    // Hearth may post here, but the leader may not: Hearth must not post for them where they cannot.
    const staffOnly = hearth.double.addChannel(hearth.guild, 'staff-only', { overwrites: [{ id: leader.id, type: 1, allow: 0n, deny: PermissionFlagsBits.SendMessages }] });
    await eventually(() => hearth.context.client.channels.cache.has(noSend.id) && hearth.context.client.channels.cache.has(staffOnly.id), 'the bot to see the new channels');
    const good = { when: 'daily 09:00', prompt: 'Fine?' };
    const cases: [Record<string, string | boolean | { id: string }>, string][] = [
      [{ ...good, when: 'sometimes' }, 'Hearth does not understand "sometimes"'],
      [{ ...good, when: 'funday 09:00' }, '"funday" is not a day Hearth knows'],
      [{ ...good, when: 'daily 25:00' }, '25:00 is not a time of day'],
      [{ ...good, when: '0 9 * *' }, 'Hearth does not understand'],
      [{ ...good, when: '61 9 * * *' }, 'is not a valid cron expression'],
      [{ ...good, when: '*/15 * * * *' }, 'would run 4 times an hour. Check-ins can run at most once an hour'],
      [{ ...good, when: '0,30 9 * * *' }, 'would run 2 times an hour'],
      [{ ...good, timezone: 'Mars/Olympus' }, '"Mars/Olympus" is not a time zone Hearth knows'],
      [{ ...good, prompt: '   ' }, 'The prompt is empty'],
      [{ ...good, prompt: 'x'.repeat(501) }, 'The prompt is 501 characters; the most is 500'],
      [{ ...good, channel: { id: voice.id } }, 'is not a text channel'],
      [{ ...good, channel: { id: noEmbeds.id } }, 'missing the Embed Links permission'],
      [{ ...good, channel: { id: noFiles.id } }, 'missing the Attach Files permission'],
      [{ ...good, channel: { id: noSend.id } }, 'missing the Send Messages permission'],
      [{ ...good, channel: { id: staffOnly.id } }, `You cannot post in <#${staffOnly.id}> yourself, so Hearth will not post there for you. Pick a channel you can write in.`],
    ];
    const before = snapshot();
    for (const [options, expected] of cases) {
      const { reply } = await leader.run('checkin schedule', { channel: { id: hearth.general.id }, ...options });
      expect(isEphemeral(reply), JSON.stringify(options)).toBe(true);
      expect(reply.content, JSON.stringify(options)).toContain(expected);
    }
    expect((await hearth.member('member').run('checkin schedule', { channel: { id: hearth.general.id }, ...good })).reply.content).toContain('Only leaders can schedule check-ins');
    const long = await leader.run('checkin schedule', { channel: { id: hearth.general.id }, ...good, name: 'n'.repeat(61) });
    expect(long.reply.content).toContain('The name is 61 characters; the most is 60.');
    const both = await leader.run('checkin schedule', { channel: { id: hearth.general.id }, ...good, when: '0 9 1 * 1' });
    expect(both.reply.content).toContain('restricts both the day of the month (1) and the weekday (1)');

    const id = schedules().find((s) => s.name === 'Daily')!.id;
    const yesterday = new Date(hearth.clock.now() - DAY).toISOString().slice(0, 10);
    expect((await leader.run('checkin skip', { id, date: yesterday })).reply.content).toContain(`${yesterday} is in the past`);
    expect((await leader.run('checkin skip', { id, date: '26/12/2026' })).reply.content).toContain('Write it as YYYY-MM-DD');
    expect((await leader.run('checkin skip', { id, date: '2026-02-30' })).reply.content).toContain('Write it as YYYY-MM-DD');
    // Members who are not leaders are refused every leader action, and see no check-in names while typing.
    const member = hearth.member('not-a-leader');
    const refusals: [string, Record<string, string | number>, string][] = [
      ['list', {}, 'Only leaders can see the check-in list'],
      ['pause', { id }, 'Only leaders can pause check-ins'],
      ['resume', { id }, 'Only leaders can resume check-ins'],
      ['delete', { id }, 'Only leaders can delete check-ins'],
      ['run', { id }, 'Only leaders can post check-ins'],
      ['skip', { id, date: '2027-01-05' }, 'Only leaders can skip check-ins'],
    ];
    for (const [sub, options, expected] of refusals) {
      const { reply } = await member.run(`checkin ${sub}`, options);
      expect(isEphemeral(reply), sub).toBe(true);
      expect(reply.content, sub).toContain(expected);
    }
    expect(await member.autocomplete('checkin report', { id: '' }, 'id')).toEqual([]);

    // Ids from another server behave like ids that do not exist.
    const other = hearth.double.addGuild('Elsewhere');
    await eventually(() => hearth.context.client.guilds.cache.has(other.id), 'the bot to see the other server');
    const owner = new TestMember(hearth, other, other.members.get(other.ownerId)!);
    for (const sub of ['pause', 'resume', 'delete', 'run', 'report']) {
      const { reply } = await owner.run(`checkin ${sub}`, { id });
      expect(reply.content, sub).toContain(`There is no check-in #${id} in this server`);
    }
    expect((await owner.run('checkin skip', { id, date: '2027-01-05' })).reply.content).toContain(`There is no check-in #${id} in this server`);
    expect(await owner.autocomplete('checkin report', { id: '' }, 'id')).toEqual([]);
    expect(snapshot()).toBe(before);

    // At most 25 schedules per server (long names and long `when`s, to fill the list).
    const otherChannel = [...other.channels.values()][0]!;
    const lockedA = hearth.double.addChannel(other, 'locked-a');
    const lockedB = hearth.double.addChannel(other, 'locked-b');
    await eventually(() => hearth.context.client.channels.cache.has(lockedB.id), 'the bot to see the new channels');
    for (let i = 0; i < 25; i++) {
      const channel = i === 23 ? lockedA : i === 24 ? lockedB : otherChannel;
      const { reply } = await owner.run('checkin schedule', { channel: { id: channel.id }, when: 'every 2 weeks mon,tue,wed,thu,fri 16:00', prompt: `Check ${i}`, name: `Check-in number ${i} with a name as long as Hearth allows`.padEnd(60, '.'), timezone: 'America/Argentina/Buenos_Aires' });
      expect(reply.content, reply.content).toContain('is scheduled');
    }
    const full = snapshot();
    const refused = await owner.run('checkin schedule', { channel: { id: otherChannel.id }, when: 'daily 09:00', prompt: 'One too many' });
    expect(refused.reply.content).toContain('This server already has 25 check-ins');
    expect(snapshot()).toBe(full);

    // One check-in's last run failed (its channel was locked then), another's channel is locked now.
    const [a, b] = schedules().filter((s) => s.guildId === other.id).slice(-2).map((s) => s.id) as [number, number];
    const botRole = hearth.double.botRole(other).id;
    const canSend = (channel: { id: string }) => (hearth.context.client.channels.cache.get(channel.id) as TextChannel).permissionsFor(hearth.context.client.user!)!.has(PermissionFlagsBits.SendMessages);
    hearth.double.setOverwrites(other, lockedB, [{ id: botRole, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages }]);
    await eventually(() => !canSend(lockedB), 'the lock on locked-b');
    expect((await owner.run('checkin run', { id: b })).reply.content).toContain('could not be posted');
    hearth.double.setOverwrites(other, lockedB, []);
    hearth.double.setOverwrites(other, lockedA, [{ id: botRole, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages }]);
    await eventually(() => canSend(lockedB) && !canSend(lockedA), 'the new permissions');

    // The list of all 25 (which Discord would refuse if it were over 6,000 characters) names every
    // check-in, and what needs a leader's attention is never the part left out.
    const listed = (await owner.run('checkin list')).reply.embeds[0]!;
    const ids = schedules().filter((s) => s.guildId === other.id).map((s) => s.id);
    expect(listed.fields!.map((f) => Number(/^#(\d+) ·/.exec(f.name)?.[1]))).toEqual(ids);
    const field = (id: number) => listed.fields!.find((f) => f.name.startsWith(`#${id} ·`))!.value;
    expect(field(b)).toMatch(/⚠️ (Last run )?failed: Hearth is missing the Send Messages permission in <#\d+>/);
    expect(field(b)).toContain(`<#${lockedB.id}>`);
    expect(field(a)).toContain(`⚠️ Hearth is missing the Send Messages permission in <#${lockedA.id}>. Give Hearth's role Send Messages there.`);
    expect(field(a)).toContain(`<#${lockedA.id}>`);
  });

  it('suggests time zones and this server\'s check-ins while typing', async () => {
    const { leader } = world;
    const zones = await leader.autocomplete('checkin schedule', { timezone: 'berl' }, 'timezone');
    expect(zones.map((z) => z.value)).toContain('Europe/Berlin');
    const ids = await leader.autocomplete('checkin pause', { id: 'dai' }, 'id');
    expect(ids.map((c) => c.name)).toEqual([expect.stringMatching(/^#\d+ · Daily$/)]);
  });
});

describe('check-ins across restarts', () => {
  const world = useHearth();

  it('posts a run missed by 10 minutes at start, records one missed by 3 hours without posting it, never posts twice, and keeps buttons working', async () => {
    const { hearth, leader } = world;
    await leader.run('settings timezone', { zone: 'Europe/Berlin' });
    const { reply } = await leader.run('checkin schedule', { channel: { id: hearth.general.id }, when: 'weekdays 14:00', prompt: 'Afternoon pulse?' });
    expect(reply.content).toContain('(Europe/Berlin)');
    const id = Number(/#(\d+)/.exec(reply.content)![1]);
    const first = Date.UTC(2026, 10, 25, 13); // 14:00 in Berlin (UTC+1)
    const postsOf = () => hearth.double.channelMessages(hearth.general.id).filter((m) => textOf(m).includes('Afternoon pulse?'));
    const runRows = () => hearth.context.db.select().from(checkinRuns).all();

    await hearth.stopBot();
    await hearth.clock.set(first + 10 * 60_000);
    await hearth.startBot();
    await hearth.double.waitFor(() => (postsOf().length === 1 ? true : undefined), 'the run missed by 10 minutes');
    const posted: StoredMessage = postsOf()[0]!;
    // A second look (another timer, or a second process) finds nothing left to do.
    await hearth.runDueWork();
    expect(claimDueRuns(hearth.context.db, hearth.clock.now()).toPost).toEqual([]);
    expect(postsOf()).toHaveLength(1);
    expect(runRows().filter((r) => r.scheduleId === id)).toMatchObject([{ scheduledFor: first, status: 'posted' }]);

    await hearth.restart();
    const answer = await hearth.member('after-restart').click(posted, 'great');
    expect(answer.reply.content).toContain('Thanks! You answered 😄 **great**');

    await hearth.stopBot();
    await hearth.clock.set(first + DAY + 3 * HOUR);
    await hearth.startBot();
    await hearth.runDueWork();
    expect(postsOf()).toHaveLength(1);
    expect(runRows().find((r) => r.scheduledFor === first + DAY)).toMatchObject({ status: 'missed' });
    const list = await leader.run('checkin list');
    expect(textOf(list.reply)).toContain(`Last run: <t:${unix(first + DAY)}:f>: missed: due at 2026-11-26 14:00 (Europe/Berlin), it was more than 1 hour late when Hearth got to it, so it was not posted.`);
    // The missed run did not supersede the last posted one: its buttons still take answers.
    expect((await hearth.member('still').click(posted, 'okay')).reply.content).toContain('Thanks!');

    await hearth.clock.set(first + 2 * DAY);
    await hearth.double.waitFor(() => (postsOf().length === 2 ? true : undefined), 'the next run on time');
    expect(runRows().filter((r) => r.scheduleId === id).map((r) => r.status)).toEqual(['posted', 'missed', 'posted']);

    // A crash between claiming a run and posting it leaves it "posting": the next start records it
    // as failed, so the list shows it and nothing waits on it.
    const stuckAt = first + 3 * DAY;
    hearth.context.db.insert(checkinRuns).values({ scheduleId: id, guildId: hearth.guild.id, scheduledFor: stuckAt, status: 'posting', recordedAt: stuckAt }).run();
    hearth.context.db.update(checkinSchedules).set({ nextRunAt: first + 6 * DAY }).run();
    await hearth.stopBot();
    await hearth.clock.set(stuckAt + 60_000);
    await hearth.startBot();
    expect(runRows().find((r) => r.scheduledFor === stuckAt)).toMatchObject({ status: 'failed', reason: expect.stringContaining('Interrupted while posting') });
    const after = textOf((await leader.run('checkin list')).reply);
    expect(after).toContain('⚠️ failed: Interrupted while posting');
    expect(postsOf()).toHaveLength(2);
  });
});

describe('check-ins across daylight saving changes', () => {
  // Friday 26 March 2027, 12:00 UTC. Berlin moves its clocks forward on Sunday 28 March (02:00 ->
  // 03:00) and back on Sunday 31 October (03:00 -> 02:00).
  const world = useHearth({ clock: new ManualClock(Date.UTC(2027, 2, 26, 12)) });

  /** Schedules `daily 02:30` in Berlin and follows it run by run through its stored next-run times. */
  async function follow(prompt: string, expected: number[]): Promise<number> {
    const { hearth, leader } = world;
    const { reply } = await leader.run('checkin schedule', { channel: { id: hearth.general.id }, when: 'daily 02:30', prompt, timezone: 'Europe/Berlin' });
    const id = Number(/#(\d+)/.exec(reply.content)![1]);
    for (const at of expected.slice(0, 3)) expect(reply.content).toContain(`<t:${unix(at)}:F>`);
    const stored = () => hearth.context.db.select().from(checkinSchedules).all().find((s) => s.id === id)!;
    const postsOf = () => hearth.double.channelMessages(hearth.general.id).filter((m) => textOf(m).includes(prompt));
    for (const [i, at] of expected.entries()) {
      expect(stored().nextRunAt, new Date(at).toISOString()).toBe(at);
      await hearth.clock.set(at - 1);
      expect(postsOf()).toHaveLength(i);
      await hearth.clock.advance(1);
      await hearth.double.waitFor(() => (postsOf().length === i + 1 ? true : undefined), `the run at ${new Date(at).toISOString()}`);
    }
    const runs = hearth.context.db.select().from(checkinRuns).all().filter((r) => r.scheduleId === id);
    expect(runs.map((r) => [r.scheduledFor, r.status])).toEqual(expected.map((at) => [at, 'posted']));
    return id;
  }

  it('a time that does not exist runs as much later as the clocks jumped, and one that happens twice runs once, the first time', async () => {
    const { hearth, leader } = world;
    const spring = await follow('Spring pulse?', [
      Date.UTC(2027, 2, 27, 1, 30), // Saturday 02:30 CET (UTC+1)
      Date.UTC(2027, 2, 28, 1, 30), // Sunday: 02:30 does not exist; 03:30 CEST (UTC+2)
      Date.UTC(2027, 2, 29, 0, 30), // Monday 02:30 CEST
    ]);
    await leader.run('checkin delete', { id: spring });

    await hearth.stopBot(); // seven months on (a timer every five minutes would take a while to walk through)
    await hearth.clock.set(Date.UTC(2027, 9, 29, 12));
    await hearth.startBot();
    const autumn = await follow('Autumn pulse?', [
      Date.UTC(2027, 9, 30, 0, 30), // Saturday 02:30 CEST (UTC+2)
      Date.UTC(2027, 9, 31, 0, 30), // Sunday: 02:30 happens twice; the first (CEST)
      Date.UTC(2027, 10, 1, 1, 30), // Monday 02:30 CET (UTC+1)
    ]);
    // Not again an hour later, when 02:30 comes round the second time.
    const posted = hearth.double.channelMessages(hearth.general.id).filter((m) => textOf(m).includes('Autumn pulse?'));
    expect(posted).toHaveLength(3);
    expect(hearth.context.db.select().from(checkinRuns).all().filter((r) => r.scheduleId === autumn)).toHaveLength(3);
  });
});
