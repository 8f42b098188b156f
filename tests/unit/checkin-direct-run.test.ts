import { describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/db/open';
import { claimDueRuns } from '../../src/checkins/runs';
import { createSchedule, validateSchedule } from '../../src/checkins/scheduling';
import { queueDirectRun, subscribe } from '../../src/checkins/subscriptions';
import { memberTimeZones } from '../../src/preferences';
import { WHOLE_SERVER } from '../../src/visibility';

const guildId = 'g1';
const HOUR = 3_600_000;

/** A direct-message check-in at 09:00 Europe/Berlin with these subscribers and their stored zones (null: none). */
function setUp(zones: Record<string, string | null>) {
  const db = openDatabase(':memory:');
  const now = Date.parse('2026-11-30T06:00:00Z');
  const valid = validateSchedule(db, guildId, { when: 'daily 09:00', prompt: 'How are you?', name: 'Daily', timezone: 'Europe/Berlin', anonymous: false }, now);
  const { schedule } = createSchedule(db, { guildId, channelId: 'c1', createdBy: 'lead' }, valid, now, 'direct-message');
  const sqlite = db.$client;
  for (const [memberId, zone] of Object.entries(zones)) {
    sqlite.prepare('INSERT INTO checkin_subscriptions (schedule_id, guild_id, member_id, subscribed_at) VALUES (?, ?, ?, ?)').run(schedule.id, guildId, memberId, now);
    if (zone !== null) sqlite.prepare('INSERT INTO member_preferences (guild_id, user_id, time_zone, direct_messages, updated_at) VALUES (?, ?, ?, 1, ?)').run(guildId, memberId, zone, now);
  }
  const dues = () => sqlite.prepare("SELECT key, due_at AS dueAt, payload FROM outbox WHERE kind = 'checkin.direct-message' ORDER BY key").all() as { key: string; dueAt: number; payload: string }[];
  return { db, schedule, now, dues };
}

describe("a direct-message run's messages", () => {
  it("are queued once per subscriber, each at their own 09:00, and a zone that can no longer be computed counts as none", () => {
    const t = setUp({ berlin: null, also: null, tokyo: 'Asia/Tokyo', york: 'America/New_York', broken: 'Not/AZone' });
    const nine = t.schedule.nextRunAt!; // 09:00 in Berlin
    const [run] = claimDueRuns(t.db, t.schedule.claimAt ?? nine).toPost;
    const queued = queueDirectRun(t.db, run!, (ids) => memberTimeZones(t.db, guildId, ids), nine);
    expect(queued).toBe(5);
    const at = Object.fromEntries(t.dues().map((d) => [d.key.split(':').at(-1), d.dueAt]));
    expect(at).toEqual({ berlin: nine, also: nine, broken: nine, tokyo: nine - 8 * HOUR, york: nine + 6 * HOUR });
    expect(JSON.parse(t.dues().find((d) => d.key.endsWith(':york'))!.payload)).toEqual({ runId: run!.runId, scheduleId: t.schedule.id, userId: 'york', directMessage: true });

    // Queued again (a restart before the run was marked sent): nothing twice.
    expect(queueDirectRun(t.db, run!, (ids) => memberTimeZones(t.db, guildId, ids), nine)).toBe(0);
    expect(t.dues()).toHaveLength(5);
  });

  it("a member who subscribes while a run is on its way is queued into it once, their zone and message through statements prepared once", () => {
    const t = setUp({});
    const member = (memberId: string) => ({ guildId, memberId, sees: WHOLE_SERVER });
    t.db.$client.prepare('INSERT INTO member_preferences (guild_id, user_id, time_zone, direct_messages, updated_at) VALUES (?, ?, ?, 1, ?)').run(guildId, 'tokyo', 'Asia/Tokyo', t.now);
    subscribe(t.db, member('tokyo'), t.schedule.id, t.now); // the run is now claimed at Tokyo's 09:00, eight hours ahead
    const claimAt = (t.db.$client.prepare('SELECT claim_at AS at FROM checkin_schedules').get() as { at: number }).at;
    expect(claimAt).toBe(t.schedule.nextRunAt! - 8 * HOUR);
    const [run] = claimDueRuns(t.db, claimAt).toPost;
    queueDirectRun(t.db, run!, (ids) => memberTimeZones(t.db, guildId, ids), claimAt);
    subscribe(t.db, member('late0'), t.schedule.id, claimAt);
    const prepares = vi.spyOn(t.db.$client, 'prepare');
    for (let i = 1; i <= 5; i++) expect(subscribe(t.db, member(`late${i}`), t.schedule.id, claimAt).added).toBe(true);
    const prepared = prepares.mock.calls.map(([source]) => String(source).toLowerCase());
    expect(prepared.filter((source) => source.includes('json_each') || source.includes('into "outbox"'))).toEqual([]);
    expect(t.dues().map((d) => [d.key.split(':').at(-1), d.dueAt])).toEqual([...[0, 1, 2, 3, 4, 5].map((i) => [`late${i}`, t.schedule.nextRunAt]), ['tokyo', claimAt]]);
  });
});
