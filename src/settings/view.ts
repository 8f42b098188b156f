import { EmbedBuilder } from 'discord.js';
import { HEARTH_COLOUR } from '../bot/style';
import { DISCORD_LIMITS, fitEntries, timestamp } from '../format';
import type { GuildSettings } from './store';
import { localTime } from './timezones';

/** A Discord side effect that failed for good recently, for the leaders to fix. */
export interface DeliveryProblem {
  what: string;
  why: string;
  at: number;
}

/** `more`: settings other features keep (retention), shown after these. */
export function renderSettings(settings: GuildSettings, now: number, problems: DeliveryProblem[] = [], more: { name: string; value: string }[] = []): { embeds: EmbedBuilder[] } {
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
      ...more,
    );
  if (problems.length) {
    const lines = problems.map((p) => `• ${timestamp(p.at, 'R')} Hearth gave up on ${p.what}: ${p.why}`);
    embed.addFields({ name: '⚠️ Recent problems (last 7 days)', value: fitEntries(lines, DISCORD_LIMITS.fieldValue) });
  }
  return { embeds: [embed] };
}

export function renderSaved(what: string, settings: GuildSettings, now: number) {
  return { content: `Saved: ${what}.`, ...renderSettings(settings, now) };
}
