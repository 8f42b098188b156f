import { describe, expect, it } from 'vitest';
import { isEphemeral } from '../support/harness';
import { useHearth } from '../support/setup';

describe('/preferences', () => {
  const world = useHearth();

  it('a member sets their time zone (any spelling, stored canonical), sees it, and clears it', async () => {
    const ana = world.hearth.member('ana');
    const set = await ana.run('preferences timezone', { zone: 'europe/berlin' });
    expect(isEphemeral(set.reply)).toBe(true);
    expect(set.reply.content).toContain('Your time zone is now **Europe/Berlin**');
    const shown = await ana.run('preferences show');
    expect(isEphemeral(shown.reply)).toBe(true);
    expect(shown.reply.content).toContain('Time zone: **Europe/Berlin**');
    expect(shown.reply.content).toContain('Direct messages: **on**');

    const cleared = await ana.run('preferences timezone');
    expect(cleared.reply.content).toContain('Your time zone is cleared');
    expect((await ana.run('preferences show')).reply.content).toContain('Time zone: not set.');
  });

  it('an unknown time zone is refused privately and changes nothing', async () => {
    const bo = world.hearth.member('bo');
    await bo.run('preferences timezone', { zone: 'Asia/Tokyo' });
    const refused = await bo.run('preferences timezone', { zone: 'Mars/Olympus_Mons' });
    expect(isEphemeral(refused.reply)).toBe(true);
    expect(refused.reply.content).toContain('"Mars/Olympus_Mons" is not a time zone Hearth knows');
    expect((await bo.run('preferences show')).reply.content).toContain('Time zone: **Asia/Tokyo**');
  });

  it('time zones autocomplete from what the member types', async () => {
    const cy = world.hearth.member('cy');
    const choices = await cy.autocomplete('preferences timezone', { zone: 'berl' }, 'zone');
    expect(choices.map((c) => c.value)).toContain('Europe/Berlin');
  });

  it('direct messages can be turned off and on again; each member has their own', async () => {
    const di = world.hearth.member('di');
    const off = await di.run('preferences direct-messages', { state: 'off' });
    expect(off.reply.content).toContain('are **off**');
    expect((await di.run('preferences show')).reply.content).toContain('Direct messages: **off**');
    expect((await world.hearth.member('ed').run('preferences show')).reply.content).toContain('Direct messages: **on**');
    const on = await di.run('preferences direct-messages', { state: 'on' });
    expect(on.reply.content).toContain('are **on**');
    expect((await di.run('preferences show')).reply.content).toContain('Direct messages: **on**');
  });
});
