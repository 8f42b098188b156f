import { describe, expect, it } from 'vitest';
import { InteractionResponseType } from 'discord-api-types/v10';
import { isEphemeral, textOf } from '../support/harness';
import { useHearth } from '../support/setup';

describe('/help', () => {
  const world = useHearth();

  it('tells any member what Hearth does, what members and leaders can do, privately and at once', async () => {
    const member = world.hearth.member('newcomer');
    const { reply, record } = await member.run('help');

    expect(record.callback!.type).toBe(InteractionResponseType.ChannelMessageWithSource); // the answer itself, no "thinking…"
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.embeds).toHaveLength(1);
    const text = textOf(reply);
    expect(text).toContain('listen, recognise and show up');
    for (const part of ['Polls', 'Kudos', 'Check-ins', 'Surveys', 'Privacy', 'Settings', '`/privacy delete`', '`/settings delete-all-data`']) expect(text).toContain(part);
    expect(text).toContain('*Leaders:* `/poll create`');
    expect(text).toContain('`/kudos give`');
    expect(text).toContain('Manage Server');
  });
});
