import { describe, expect, it } from 'vitest';
import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';
import { pino } from 'pino';
import type { AppContext } from '../../src/context';
import { openDatabase } from '../../src/db/open';
import { checkinRuns } from '../../src/checkins/schema';
import { checkinRunTask } from '../../src/checkins/messages';
import { createSchedule, validateSchedule } from '../../src/checkins/scheduling';

const START = Date.UTC(2026, 10, 25, 12);
const DUE = Date.UTC(2026, 10, 25, 13);

const apiError = (code: number, message: string) => new DiscordAPIError({ code, message }, code, 404, 'GET', '/channels/x', {});

describe('posting check-in runs', () => {
  it('records every run of a batch as posted or failed, whatever goes wrong with one of them', async () => {
    const db = openDatabase(':memory:');
    const channels = ['gone', 'hidden', 'broken'];
    for (const channelId of channels) {
      createSchedule(db, { guildId: 'g1', channelId, createdBy: 'lead' }, validateSchedule(db, 'g1', { when: 'daily 13:00', prompt: `In ${channelId}?`, name: null, timezone: null, anonymous: false }, START), START);
    }
    // Nothing is in the client's cache (as just after a start); asking Discord goes wrong three ways.
    const fetch = async (id: string) => {
      if (id === 'gone') throw apiError(RESTJSONErrorCodes.UnknownChannel, 'Unknown Channel');
      if (id === 'hidden') throw apiError(RESTJSONErrorCodes.MissingAccess, 'Missing Access');
      throw new Error('socket hang up');
    };
    const ctx = { db, logger: pino({ level: 'silent' }), client: { guilds: { cache: new Map() }, channels: { cache: new Map(), fetch } } } as unknown as AppContext;

    await checkinRunTask(ctx).runDue(DUE, () => false);
    const runs = db.select().from(checkinRuns).all();
    expect(runs.map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
    expect(runs.map((r) => r.reason)).toEqual([
      '<#gone> no longer exists. Delete this check-in and schedule it in another channel.',
      "Hearth cannot see <#hidden>: it is missing View Channel there. Give Hearth's role View Channel in that channel.",
      'The post failed: socket hang up.',
    ]);
  });

  it('claims and posts nothing once Hearth is shutting down; the due run is still due at the next start', async () => {
    const db = openDatabase(':memory:');
    createSchedule(db, { guildId: 'g1', channelId: 'c1', createdBy: 'lead' }, validateSchedule(db, 'g1', { when: 'daily 13:00', prompt: 'Still due?', name: null, timezone: null, anonymous: false }, START), START);
    const ctx = { db, logger: pino({ level: 'silent' }), client: { guilds: { cache: new Map() }, channels: { cache: new Map() } } } as unknown as AppContext;
    const task = checkinRunTask(ctx);
    await task.runDue(DUE, () => true);
    expect(db.select().from(checkinRuns).all()).toEqual([]);
    expect(task.nextDueAt()).toBe(DUE);
  });
});
