import { describe, expect, it } from 'vitest';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { eventually, isEphemeral, textOf } from '../support/harness';
import { useHearth } from '../support/setup';
import { outbox } from '../../src/outbox/schema';
import { insightsDigests } from '../../src/insights/schema';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 30 November 2026, 09:00 in Tokyo (UTC+9): the first digest's moment. */
const FIRST = Date.UTC(2026, 10, 30, 0);

describe('/settings digest and the scheduled digest', () => {
  const world = useHearth(); // the clock starts on Wednesday 25 November 2026, 12:00 UTC
  const digests = () => [...world.hearth.double.messages.values()].filter((m) => !isEphemeral(m) && m.embeds[0]?.title?.startsWith('Digest: '));
  const digestField = async () => (await world.leader.run('settings show')).reply.embeds[0]!.fields!.find((f) => f.name === 'Digest')!.value;
  const rows = () => world.hearth.context.db.select().from(insightsDigests).all();

  /** Moves to `time` with Hearth stopped meanwhile, as if it was down (and faster than walking the timers). */
  async function downUntil(time: number) {
    await world.hearth.stopBot();
    await world.hearth.clock.set(time);
    await world.hearth.startBot();
  }

  it('refuses what cannot work, naming the missing permission, and changes nothing', async () => {
    const { hearth, leader } = world;
    await leader.run('settings timezone', { zone: 'Asia/Tokyo' });
    const voice = hearth.double.addChannel(hearth.guild, 'Lounge', { type: ChannelType.GuildVoice });
    const noSend = hearth.double.addChannel(hearth.guild, 'no-send', { overwrites: [{ id: hearth.double.botRole(hearth.guild).id, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages }] });
    const staffOnly = hearth.double.addChannel(hearth.guild, 'staff-only', { overwrites: [{ id: leader.id, type: 1, allow: 0n, deny: PermissionFlagsBits.SendMessages }] });
    await eventually(() => hearth.context.client.channels.cache.has(noSend.id) && hearth.context.client.channels.cache.has(staffOnly.id), 'the bot to see the new channels');
    const general = { id: hearth.general.id };
    const cases: [Record<string, string | { id: string }>, string][] = [
      [{ channel: { id: voice.id } }, `<#${voice.id}> is not a text channel. Pick a text or announcement channel.`],
      [{ channel: { id: noSend.id } }, 'it is missing the Send Messages permission there'],
      [{ channel: { id: staffOnly.id } }, `You cannot post in <#${staffOnly.id}> yourself (you are missing Send Messages there)`],
      [{ channel: general, day: 'funday' }, '`day` must be one of mon, tue, wed, thu, fri, sat, sun; "funday" is not.'],
      [{ channel: general, time: '25:00' }, '`time` must be a time of day as HH:MM on a 24-hour clock, e.g. 09:00 or 17:30; "25:00" is not.'],
      [{ channel: general, time: '9am' }, '"9am" is not'],
      [{ channel: general, every: 'fortnight' }, '`every` must be `week` or `month`'],
      [{ every: 'month', time: '08:00' }, 'Say where the digest goes with `channel:` when you set `every`, `day` or `time`.'],
    ];
    for (const [options, expected] of cases) {
      const { reply } = await leader.run('settings digest', options);
      expect(isEphemeral(reply)).toBe(true);
      expect(reply.content).toContain(expected);
    }
    const member = await hearth.member('nia').run('settings digest', { channel: general });
    expect(member.reply.content).toContain('Only leaders can use /settings.');
    expect(rows()).toEqual([]);
    expect(await digestField()).toBe('Off: switch it on with `/settings digest channel:`.');
  });

  it('switches on and off, and says when and where in /settings show', async () => {
    const { hearth, leader } = world;
    const on = await leader.run('settings digest', { channel: { id: hearth.general.id }, every: 'month', day: 'fri', time: '17:30' });
    expect(on.reply.content).toBe(
      `Saved: the digest is on. On the first Friday of every month at 17:30 (Asia/Tokyo) in <#${hearth.general.id}>, for the month just ended. Nobody is pinged. See it now with \`/insights digest\`.`,
    );
    expect(await digestField()).toBe(`On the first Friday of every month at 17:30 (Asia/Tokyo) in <#${hearth.general.id}>, for the month just ended.`);
    expect((await leader.run('settings digest')).reply.content).toBe('Saved: the digest is off.');
    expect((await leader.run('settings digest')).reply.content).toBe('The digest was already off. Switch it on with `/settings digest channel:`.');
    expect(rows()).toEqual([]);
  });

  it('posts each week once at its time in the server\'s time zone, across restarts; catches up within a day, skips after, and records a missing permission', async () => {
    const { hearth, leader } = world;
    const ana = hearth.member('ana');
    const ben = hearth.member('ben');
    await leader.run('settings digest', { channel: { id: hearth.general.id } }); // weekly, Monday 09:00
    // In the week of 23 November (Tokyo): ana thanks ben.
    await ana.run('kudos give', { member: { id: ben.id }, value: 'Kindness', message: 'Thank you!' });
    const preview = await leader.run('insights digest');
    expect(isEphemeral(preview.reply)).toBe(true);
    expect(preview.reply.embeds[0]!.title).toBe('Digest: the week of 16 November 2026'); // the last complete week: today is Wednesday

    await downUntil(FIRST - 60_000);
    await hearth.runDueWork();
    expect(digests()).toHaveLength(0); // not a minute early
    await hearth.clock.advance(60_000);
    await hearth.runDueWork();
    await eventually(() => digests().length === 1, 'the first digest');
    const [first] = digests();
    expect(first!.channelId).toBe(hearth.general.id);
    expect(first!.embeds[0]!.title).toBe('Digest: the week of 23 November 2026');
    expect(first!.allowedMentions).toEqual({ parse: [] }); // nobody is pinged
    const text = textOf(first!);
    expect(text).toContain('Kudos given: **1** (was 0, +1)');
    expect(text).toContain('Active members: **2** (was 0, +2)');
    expect(text).toContain('🙌 1 active member was not thanked'); // ben was thanked; ana, who thanked him, was not
    await eventually(() => rows()[0]?.lastStatus === 'posted', 'the digest to be recorded');
    expect(await digestField()).toContain(`Last: 2026-11-23, posted <t:${FIRST / 1000}:R>: https://discord.com/channels/${hearth.guild.id}/${hearth.general.id}/${first!.id}`);

    // A restart and a few hours later: still one.
    await hearth.restart();
    await hearth.clock.advance(3 * HOUR);
    await hearth.runDueWork();
    expect(digests()).toHaveLength(1);
    const effects = () => hearth.context.db.select().from(outbox).all().filter((e) => e.kind === 'insights.digest');
    expect(effects()).toHaveLength(1);

    // Needs attention next week: a poll closing within 48 hours, a poll closed without a follow-up.
    await downUntil(FIRST + 5 * DAY);
    const closed = await leader.run('poll create', { question: 'Closed without a word?', choices: 'a | b' });
    const closedId = Number(/^Poll #(\d+)/.exec(closed.reply.content)![1]);
    await leader.run('poll close', { poll: closedId });
    const soon = await leader.run('poll create', { question: 'Closing soon?', choices: 'a | b', 'closes-in': '3d' });
    const soonId = Number(/^Poll #(\d+)/.exec(soon.reply.content)![1]);

    // Hearth is down over the next Monday morning and back 20 hours late: caught up, once.
    await downUntil(FIRST + 7 * DAY + 20 * HOUR);
    await hearth.runDueWork();
    await eventually(() => digests().length === 2, 'the caught-up digest');
    const second = digests()[1]!;
    expect(second.embeds[0]!.title).toBe('Digest: the week of 30 November 2026');
    const attention = second.embeds[0]!.fields!.find((f) => f.name === 'Needs attention')!.value;
    expect(attention).toContain(`⏰ Poll #${soonId} Closing soon? closes <t:${(FIRST + 8 * DAY) / 1000}:R>`);
    expect(attention).toContain(`📣 Poll #${closedId} Closed without a word? closed <t:${(FIRST + 5 * DAY) / 1000}:R> without a follow-up (\`/poll follow-up\`)`);
    await hearth.runDueWork();
    expect(digests()).toHaveLength(2);

    // Down over the Monday after and back 25 hours late: that week is skipped, and it says so.
    await downUntil(FIRST + 14 * DAY + 25 * HOUR);
    await hearth.runDueWork();
    expect(digests()).toHaveLength(2);
    expect(await digestField()).toContain(
      `⚠️ Last: 2026-12-07 was skipped <t:${(FIRST + 14 * DAY + 25 * HOUR) / 1000}:R>: Hearth was not running when it was due, and 25 hours is more than a day late, so it was skipped.`,
    );
    await hearth.restart();
    await hearth.runDueWork();
    expect(digests()).toHaveLength(2);
    expect(effects()).toHaveLength(2);

    // Hearth loses Send Messages in the channel: the next week is recorded as failed, naming it.
    hearth.double.setOverwrites(hearth.guild, hearth.general, [{ id: hearth.double.botRole(hearth.guild).id, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages }]);
    await downUntil(FIRST + 21 * DAY + HOUR);
    await hearth.runDueWork();
    await eventually(() => rows()[0]?.lastStatus === 'failed', 'the failure to be recorded');
    expect(digests()).toHaveLength(2);
    const shown = await digestField();
    expect(shown).toContain(`⚠️ Last: 2026-12-14 could not be posted <t:${(FIRST + 21 * DAY + HOUR) / 1000}:R>: Hearth is missing the Send Messages permission in <#${hearth.general.id}>.`);
    expect(shown).toContain(`⚠️ Hearth is missing the Send Messages permission in <#${hearth.general.id}> now.`);
  });

  it('is shown privately to leaders only with /insights digest', async () => {
    const refused = await world.hearth.member('ola').run('insights digest');
    expect(isEphemeral(refused.reply)).toBe(true);
    expect(refused.reply.content).toContain('Only leaders can use /insights.');
    expect(refused.reply.embeds).toEqual([]);
  });
});

describe('the digest names nothing from a channel its readers cannot see', () => {
  const world = useHearth();

  it('leaves out a poll in a staff-only channel from a digest in a public channel, and keeps it in a digest posted there', async () => {
    const { hearth, leader } = world;
    const see = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;
    const staff = hearth.double.addChannel(hearth.guild, 'staff', {
      overwrites: [
        { id: hearth.guild.id, type: 0, allow: 0n, deny: PermissionFlagsBits.ViewChannel },
        { id: hearth.double.botRole(hearth.guild).id, type: 0, allow: see, deny: 0n },
        { id: leader.id, type: 1, allow: see, deny: 0n },
      ],
    });
    await eventually(() => hearth.context.client.channels.cache.has(staff.id), 'the bot to see the staff channel');
    await leader.run('poll create', { question: 'Picnic on Saturday?', choices: 'Yes | No', 'closes-in': '1d' });
    await leader.run('poll create', { question: 'Remove a moderator?', choices: 'Yes | No', 'closes-in': '1d', channel: { id: staff.id } });

    await leader.run('settings digest', { channel: { id: hearth.general.id } });
    const inPublic = textOf((await leader.run('insights digest')).reply);
    expect(inPublic).toContain('Picnic on Saturday?');
    expect(inPublic).not.toContain('Remove a moderator?');
    expect(inPublic).toContain('only from channels everyone who reads this one can see');

    await leader.run('settings digest', { channel: { id: staff.id } });
    const inStaff = textOf((await leader.run('insights digest')).reply);
    expect(inStaff).toContain('Picnic on Saturday?');
    expect(inStaff).toContain('Remove a moderator?');
  });
});

describe('the digest\'s stored next delivery', () => {
  const fresh = useHearth(); // Wednesday 25 November 2026, 12:00 UTC
  const posted = () => [...fresh.hearth.double.messages.values()].filter((m) => !isEphemeral(m) && m.embeds[0]?.title?.startsWith('Digest: '));
  const stored = () => fresh.hearth.context.db.select().from(insightsDigests).all();

  it('goes out at its time in the server\'s new time zone after the time zone changes, and stores when it is next due', async () => {
    const { hearth, leader } = fresh;
    await leader.run('settings timezone', { zone: 'UTC' });
    await leader.run('settings digest', { channel: { id: hearth.general.id } }); // weekly, Monday 09:00
    await hearth.runDueWork();
    expect(stored()[0]!.nextDueAt).toBe(Date.UTC(2026, 10, 30, 9)); // Monday 09:00 UTC

    await leader.run('settings timezone', { zone: 'Asia/Tokyo' }); // Monday 09:00 in Tokyo is 00:00 UTC, nine hours earlier
    await hearth.runDueWork();
    expect(stored()[0]!.nextDueAt).toBe(FIRST);
    await hearth.clock.set(FIRST);
    await hearth.runDueWork();
    await eventually(() => posted().length === 1, 'the digest at 09:00 in Tokyo');
    expect(posted()[0]!.embeds[0]!.title).toBe('Digest: the week of 23 November 2026');
    expect(stored()[0]!.nextDueAt).toBe(FIRST + 7 * DAY);

    // Moved an hour later the same Monday: that week was posted already, and is not posted again.
    await leader.run('settings digest', { channel: { id: hearth.general.id }, time: '10:00' });
    await hearth.clock.set(FIRST + 2 * HOUR);
    await hearth.runDueWork();
    expect(posted()).toHaveLength(1);
    expect(stored()[0]).toMatchObject({ lastStatus: 'posted', nextDueAt: FIRST + 7 * DAY + HOUR });

    // Switched to monthly (the first Monday, 7 December in Tokyo): that month's digest goes out.
    await leader.run('settings digest', { channel: { id: hearth.general.id }, every: 'month' });
    await hearth.runDueWork();
    const firstMonday = Date.UTC(2026, 11, 7, 0); // 09:00 in Tokyo
    await hearth.clock.set(firstMonday);
    await hearth.runDueWork();
    await eventually(() => posted().length === 2, 'the first monthly digest');
    expect(posted()[1]!.embeds[0]!.title).toBe('Digest: November 2026');
  });
});
