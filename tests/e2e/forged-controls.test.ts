// A member can send any custom id they like: Discord does not check them. Every registered button,
// select and modal handler gets forged ids (wrong types, another server's ids, huge numbers, path
// characters, empty values) and must answer privately and politely, in time, without reaching any
// other Discord route and without storing anything.
import { describe, expect, it } from 'vitest';
import { InteractionResponseType } from 'discord-api-types/v10';
import { commands } from '../../commands';
import type { FieldType } from '../../src/bot/custom-id';
import { eventually, isEphemeral, textOf, type StoredMessage, type TestMember } from '../support/harness';
import { useHearth } from '../support/setup';
import { checkin, poll, rowsOf, survey } from '../support/community';
import { startManualRun, markRunPosted } from '../../src/checkins/runs';
import { snowflake } from '../support/discord-double';

const handlers = commands.flatMap((command) => command.components ?? []);

/** Every row of every table, for "nothing was stored". */
function everything(db: Parameters<typeof rowsOf>[0]): string[] {
  const tables = db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'").all() as { name: string }[];
  return tables.flatMap(({ name }) => rowsOf(db, `SELECT * FROM "${name}"`).map((row) => `${name} ${row}`));
}

/** Values no declaration accepts, whatever its type. */
const GARBAGE = ['', 'abc', '-1', '1.5', '1e3', '0x10', ' 1', '٣', '99999999999999999999', '9007199254740993', '../../1', '1/../2', '%2e%2e%2f', '1?with_counts=true', '1#x'];

describe('forged custom ids', () => {
  const world = useHearth();

  it('covers every registered button, select and modal handler', () => {
    expect(handlers.length).toBeGreaterThanOrEqual(20);
    // Each handler is forged below: its values one by one, or, for one that carries none, values added to it.
    expect(handlers.filter((h) => Object.keys(h.spec.fields).length === 0).map((h) => h.spec.key)).toEqual(['privacy:delete-all']);
  });

  it('are answered privately and politely within 3 seconds, reach no other route, and store nothing', async () => {
    const { hearth, leader } = world;
    const { double } = hearth;
    const db = hearth.context.db;
    const member = hearth.member('mallory');

    // Real things in this server, so that every other value of a forged id is a valid one.
    const { reply: created } = await leader.run('poll create', { question: 'Lunch?', choices: 'Pizza | Soup' });
    const pollId = Number(/Poll #(\d+)/.exec(created.content)![1]);
    const pollMessage = double.channelMessages(hearth.general.id).at(-1)!;
    const { reply: draft } = await leader.run('survey create', { title: 'Pulse' });
    const surveyId = Number(/#(\d+)/.exec(textOf(draft))![1]);
    await leader.run('survey add-question', { survey: surveyId, kind: 'short-text', prompt: 'Anything?' });
    await leader.run('survey publish', { survey: surveyId });
    await leader.run('checkin schedule', { channel: { id: hearth.general.id }, when: 'daily 09:00', prompt: 'How are you?' });
    const { reply: posted } = await leader.run('checkin run', { id: 1 });
    expect(posted.content).toContain('is posted');
    const runId = 1;

    // Another server running Hearth, with a poll, a survey, a check-in run and a member of its own.
    const other = double.addGuild('Elsewhere');
    await eventually(() => hearth.context.client.guilds.cache.has(other.id), 'the bot to see the other server');
    const stranger = hearth.memberOf(other, 'stranger');
    const otherPoll = poll(db, other.id);
    const otherSurvey = survey(db, other.id);
    const otherSchedule = checkin(db, other.id, {}, hearth.clock.now());
    const otherRun = startManualRun(db, other.id, otherSchedule, hearth.clock.now()).runId;
    markRunPosted(db, other.id, otherRun, snowflake());

    const valid: Record<string, string | number> = { pollId, surveyId, runId, recipientId: leader.id };
    const elsewhere: Record<string, string | number> = { pollId: otherPoll, surveyId: otherSurvey, runId: otherRun, recipientId: stranger.id };
    const goodValue = (name: string, type: FieldType) => valid[name] ?? (type.kind === 'int' ? type.min : type.kind === 'enum' ? type.values[0]! : leader.id);
    const forgeries = (name: string, type: FieldType) => {
      const values = [...GARBAGE, `../../${other.id}/members/${stranger.id}`, `${hearth.guild.id}/members/${stranger.id}`, snowflake().slice(0, 16)];
      if (type.kind === 'int') values.push(String(type.min - 1), type.max < Number.MAX_SAFE_INTEGER ? String(type.max + 1) : '');
      if (type.kind !== 'snowflake') values.push(snowflake());
      if (elsewhere[name] !== undefined) values.push(String(elsewhere[name]));
      return [...new Set(values)];
    };
    const before = everything(db);
    const allowed = (id: string, token: string) => [
      new RegExp(`^/interactions/${id}/${token}/callback$`),
      new RegExp(`^/webhooks/${double.applicationId}/${token}(/messages/(@original|\\d+))?$`),
      // The give-kudos form asks whether its recipient is a member of this server, and only this one.
      new RegExp(`^/guilds/${hearth.guild.id}/members/\\d{17,20}$`),
    ];

    let sent = 0;
    for (const handler of handlers) {
      const names = Object.keys(handler.spec.fields);
      const forgedIds = names.length
        ? names.flatMap((name, position) =>
            forgeries(name, handler.spec.fields[name]!).map((forged) =>
              [handler.spec.key, ...names.map((other, i) => (i === position ? forged : String(goodValue(other, handler.spec.fields[other]!))))].join(':'),
            ),
          )
        : ['1', ...GARBAGE.slice(1, 6), `../../${other.id}`].map((extra) => `${handler.spec.key}:${extra}`);
      {
        for (const customId of forgedIds) {
          for (const who of [member, leader] satisfies TestMember[]) {
            const message: StoredMessage = pollMessage;
            const firstRequest = double.requests.length;
            const seen = await hearth.sendCustomId(who, handler.kind, customId, message, {
              values: ['0'],
              fields: { value: ['Kindness'], message: 'Thanks for everything!', note: 'forged note', 'q-1': 'forged answer' },
            });
            sent += 1;
            const what = `${who.name}: ${handler.kind} ${customId}`;
            expect(seen.record.callback!.type, what).not.toBe(InteractionResponseType.Modal);
            expect(seen.ackMs, what).toBeLessThan(3000);
            expect(isEphemeral(seen.reply), what).toBe(true);
            expect(textOf(seen.reply), what).not.toMatch(/Something went wrong/);
            const routes = allowed(seen.record.id, seen.record.token);
            const strays = double.requests.slice(firstRequest).filter((r) => !routes.some((route) => route.test(r.path)));
            expect(strays.map((r) => `${r.method} ${r.path}`), what).toEqual([]);
          }
        }
      }
    }
    expect(sent).toBeGreaterThan(handlers.length * 20);
    expect(everything(db)).toEqual(before);
    expect(double.unhandled).toEqual([]);
  });
});
