import { EmbedBuilder } from 'discord.js';
import { HEARTH_COLOUR } from '../bot/style';
import type { GuildSettings } from './store';
import { localTime } from './timezones';

export function renderSettings(settings: GuildSettings, now: number): { embeds: EmbedBuilder[] } {
  const embed = new EmbedBuilder()
    .setColor(HEARTH_COLOUR)
    .setTitle('Hearth settings for this server')
    .addFields(
      {
        name: 'Leader role',
        value: settings.leaderRoleId
          ? `<@&${settings.leaderRoleId}> (plus anyone with Manage Server)`
          : 'None: leaders are members with Manage Server',
      },
      { name: 'Time zone', value: `${settings.timezone} (now ${localTime(settings.timezone, now)})` },
      {
        name: 'Recognition channel',
        value: settings.recognitionChannelId
          ? `<#${settings.recognitionChannelId}>`
          : 'None: kudos shout-outs are posted where they are given',
      },
      { name: 'Who can create polls', value: settings.pollsByMembers ? 'Every member' : 'Leaders only' },
    );
  return { embeds: [embed] };
}

export function renderSaved(what: string, settings: GuildSettings, now: number) {
  return { content: `Saved: ${what}.`, ...renderSettings(settings, now) };
}
