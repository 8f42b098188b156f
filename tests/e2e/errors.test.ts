import { describe, expect, it } from 'vitest';
import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import { isEphemeral, textOf } from '../support/harness';
import { useHearth } from '../support/setup';

describe('the error boundary', () => {
  const world = useHearth();

  it('answers an unknown command politely and privately', async () => {
    const { hearth } = world;
    const { reply } = await hearth.rawCommand(hearth.member('m1'), 'retired-command');
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toContain('Hearth does not know /retired-command');
    expect(reply.content).toContain('npm run deploy-commands');
  });

  it('answers a garbled or unknown button politely, and keeps working', async () => {
    const { hearth } = world;
    const message = hearth.double.seedMessage(hearth.general.id, {
      content: 'an old message',
      components: [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Primary, label: 'Old', custom_id: 'nothing:here:1' }] }],
    });
    for (const customId of ['nothing:here:1', 'settings', '::::', 'x'.repeat(100)]) {
      const { reply } = await hearth.clickCustomId(hearth.member('clicker'), message, customId);
      expect(isEphemeral(reply)).toBe(true);
      expect(reply.content).toContain('not one Hearth recognises');
    }
    expect(textOf((await hearth.member('after').run('help')).reply)).toContain('Who is a leader?');
  });

  it('turns a failure inside a command into a private message with a reference that is also in the log', async () => {
    const { hearth } = world;
    // Break the database under the bot: every settings read now fails with an SQLite error.
    hearth.context.db.$client.exec('ALTER TABLE guild_settings RENAME TO guild_settings_gone');
    const { reply } = await hearth.leader('unlucky').run('settings show');
    hearth.context.db.$client.exec('ALTER TABLE guild_settings_gone RENAME TO guild_settings');

    expect(isEphemeral(reply)).toBe(true);
    const reference = /`([0-9A-F]{8})`/.exec(reply.content)?.[1];
    expect(reference).toBeDefined();
    expect(reply.content).toContain("Something went wrong on Hearth's side");
    expect(reply.content).not.toContain('guild_settings'); // no internals shown to members
    const logged = hearth.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.reference === reference);
    expect(logged).toMatchObject({ level: 50, msg: 'interaction failed' });
    expect(JSON.stringify(logged)).toContain('no such table');

    const next = await hearth.leader('next').run('settings show');
    expect(textOf(next.reply)).toContain('Time zone');
  });

  it('never writes the bot token into the log', () => {
    const { hearth } = world;
    expect(hearth.logs.length).toBeGreaterThan(0);
    expect(hearth.logs.join('\n')).not.toContain(hearth.double.token);
  });
});
