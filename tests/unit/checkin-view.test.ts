import { describe, expect, it } from 'vitest';
import type { ScheduleSummary } from '../../src/checkins/list';
import { renderList } from '../../src/checkins/view';

const NOW = Date.UTC(2026, 10, 25, 12);

function item(id: number, extra: { failed?: string; problem?: string | null } = {}): ScheduleSummary & { problem: string | null } {
  return {
    schedule: {
      id,
      delivery: 'channel',
      guildId: 'g',
      channelId: `10000000000000000${String(id).padStart(2, '0')}`,
      name: `A check-in with a name as long as Hearth allows, number ${id}`.slice(0, 60),
      prompt: 'How are you?',
      whenText: 'every 2 weeks mon,tue,wed,thu,fri 16:00',
      cron: '0 16 * * 1-5',
      everyWeeks: 2,
      anchorWeek: 1,
      timezone: 'America/Argentina/Buenos_Aires',
      anonymous: true,
      status: 'active',
      createdBy: 'lead',
      createdAt: NOW,
      nextRunAt: NOW + 3_600_000,
      claimAt: NOW + 3_600_000,
    },
    nextRunAt: NOW + 3_600_000,
    onItsWay: false,
    lastRun: {
      id: id * 10,
      scheduleId: id,
      guildId: 'g',
      scheduledFor: NOW - 86_400_000,
      manual: false,
      status: extra.failed ? 'failed' : 'posted',
      messageId: null,
      reason: extra.failed ?? null,
      recordedAt: NOW - 86_400_000,
    },
    recentAnswers: [12, 14, 9, 11],
    skippedDates: ['2026-12-24', '2026-12-25', '2026-12-31', '2027-01-01'],
    problem: extra.problem ?? null,
  };
}

const sizeOf = (embed: ReturnType<typeof renderList>['embeds'][number]) => {
  const data = embed.toJSON();
  return [data.title, data.description, data.footer?.text, ...(data.fields ?? []).flatMap((f) => [f.name, f.value])].join('').length;
};

describe('/checkin list', () => {
  it('with 25 busy check-ins, keeps failed runs and problems and drops the details first', () => {
    const items = Array.from({ length: 25 }, (_, i) => item(i + 1));
    items[3] = item(4, { failed: 'Discord refused the post: Hearth is missing a permission in <#1000000000000000004> (it needs View Channel, Send Messages, Embed Links).' });
    items[17] = item(18, { problem: "Hearth is missing the Send Messages, Embed Links permissions in <#1000000000000000018>. Give Hearth's role Send Messages, Embed Links there." });
    const [embed] = renderList(items, 120, NOW).embeds;
    const fields = embed!.toJSON().fields!;
    expect(fields).toHaveLength(25);
    expect(sizeOf(embed!)).toBeLessThanOrEqual(6000);
    expect(fields[3]!.value).toContain('failed: Discord refused the post: Hearth is missing a permission in <#1000000000000000004> (it needs View Channel, Send Messages, Embed Links).');
    expect(fields[17]!.value).toContain("⚠️ Hearth is missing the Send Messages, Embed Links permissions in <#1000000000000000018>. Give Hearth's role Send Messages, Embed Links there.");
    for (const f of fields) expect(f.value).not.toContain('Skipping:'); // the least important line went first
  });

  it('when every check-in has long problems, each still shows its own, shortened, and the list fits', () => {
    const reason = `Discord refused the post: ${'a very long message from Discord '.repeat(20)}`;
    const items = Array.from({ length: 25 }, (_, i) => item(i + 1, { failed: reason, problem: `Hearth cannot see <#10000000000000000${String(i + 1).padStart(2, '0')}> right now (it may have been deleted, or Hearth may have lost View Channel there). Check the channel, or delete this check-in and schedule it in another one.` }));
    const [embed] = renderList(items, null, NOW).embeds;
    expect(sizeOf(embed!)).toBeLessThanOrEqual(6000);
    for (const f of embed!.toJSON().fields!) expect(f.value).toContain('⚠️ Last run failed: Discord refused the post');
  });

  it('shows everything when there is room', () => {
    const [embed] = renderList([item(1, { failed: 'It broke.' })], 100, NOW).embeds;
    const value = embed!.toJSON().fields![0]!.value;
    expect(value).toContain('Skipping: 2026-12-24, 2026-12-25, 2026-12-31, 2027-01-01');
    expect(value).toContain('Response rate: 11.5 answers per run over the last 4 runs, 12% of 100 members');
    expect(value).toContain('⚠️ failed: It broke.');
  });
});
