// The insights part of /settings (the digest), kept beside insights.
import { ChannelType, PermissionFlagsBits, type ChatInputCommandInteraction, type SlashCommandSubcommandBuilder } from 'discord.js';
import type { SlashCommand } from '../src/bot/command';
import { assertCanPost, missingPermissions, permissionName, POSTING } from '../src/bot/permissions';
import { replyPrivately } from '../src/bot/replies';
import type { AppContext } from '../src/context';
import { messageLink, oneOrMany, timestamp } from '../src/format';
import { getSettings } from '../src/settings';
import { UserError } from '../src/user-error';
import { WEEKDAYS } from '../src/insights/digest-calendar';
import { digestOf, switchDigestOff, switchDigestOn, validDigest, type Digest } from '../src/insights/digest';

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const clock = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

export const digestSubcommand = (s: SlashCommandSubcommandBuilder) =>
  s
    .setName('digest')
    .setDescription('Post the insights overview on a schedule (leave out the channel to switch it off)')
    .addChannelOption((o) => o.setName('channel').setDescription('Where to post it').addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement))
    .addStringOption((o) => o.setName('every').setDescription('How often (default: week)').addChoices({ name: 'week', value: 'week' }, { name: 'month', value: 'month' }))
    .addStringOption((o) => o.setName('day').setDescription('Which day (default: mon; for a month, its first such day)').addChoices(...WEEKDAYS.map((d) => ({ name: d, value: d }))))
    .addStringOption((o) => o.setName('time').setDescription('When, as HH:MM in the server\'s time zone (default 09:00)').setMaxLength(5));

/** When and where, in words. */
function scheduleInWords(digest: Digest, timezone: string): string {
  const when = digest.every === 'week' ? `Every ${DAY_NAMES[digest.day]}` : `On the first ${DAY_NAMES[digest.day]} of every month`;
  return `${when} at ${clock(digest.minute)} (${timezone}) in <#${digest.channelId}>, for the ${digest.every} just ended.`;
}

/** The digest for `/settings show`: its schedule, its last period, and what stands in its way now. */
export function digestField(interaction: ChatInputCommandInteraction<'cached'>, { db }: AppContext): { name: string; value: string } {
  const digest = digestOf(db, interaction.guildId);
  if (!digest) return { name: 'Digest', value: 'Off: switch it on with `/settings digest channel:`.' };
  const lines = [scheduleInWords(digest, getSettings(db, interaction.guildId).timezone)];
  if (digest.lastPeriod && digest.lastAt) {
    const when = timestamp(digest.lastAt);
    if (digest.lastStatus === 'posted' && digest.lastMessageId) lines.push(`Last: ${digest.lastPeriod}, posted ${when}: ${messageLink(interaction.guildId, digest.channelId, digest.lastMessageId)}`);
    else if (digest.lastStatus === 'queued') lines.push(`Last: ${digest.lastPeriod}, being posted (since ${when}).`);
    else lines.push(`⚠️ Last: ${digest.lastPeriod} ${digest.lastStatus === 'skipped' ? 'was skipped' : 'could not be posted'} ${when}: ${digest.lastProblem ?? 'no reason was recorded'}.`);
  }
  const channel = interaction.guild.channels.cache.get(digest.channelId);
  if (!channel) lines.push('⚠️ Its channel no longer exists: pick another with `/settings digest channel:`.');
  else {
    const missing = missingPermissions(channel, [...POSTING, PermissionFlagsBits.AttachFiles]);
    if (missing.length) lines.push(`⚠️ Hearth is missing the ${missing.join(', ')} ${oneOrMany(missing.length, 'permission', 'permissions')} in <#${channel.id}> now.`);
  }
  return { name: 'Digest', value: lines.join('\n') };
}

export const insightsSettingsSubcommands: NonNullable<SlashCommand['subcommands']> = {
  async digest(interaction, { db, clock: time, scheduler }) {
    const chosen = interaction.options.getChannel('channel');
    if (!chosen) {
      // Schedule options without a channel are a mistake, not a request to switch it off.
      if (['every', 'day', 'time'].some((name) => interaction.options.get(name) !== null)) {
        throw new UserError('Say where the digest goes with `channel:` when you set `every`, `day` or `time`. Leave every option out to switch the digest off. Nothing was changed.');
      }
      const was = switchDigestOff(db, interaction.guildId);
      await replyPrivately(interaction, was ? 'Saved: the digest is off.' : 'The digest was already off. Switch it on with `/settings digest channel:`.');
      return;
    }
    const settings = validDigest({ channelId: chosen.id, every: interaction.options.getString('every'), day: interaction.options.getString('day'), time: interaction.options.getString('time') });
    const channel = interaction.guild.channels.cache.get(chosen.id);
    if (!channel) throw new UserError('Hearth cannot see that channel. Give its role View Channel there, or pick another channel.');
    assertCanPost(channel);
    const leaderMissing = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages].filter((bit) => !channel.permissionsFor(interaction.member).has(bit));
    if (leaderMissing.length) {
      const names = leaderMissing.map(permissionName).join(', ');
      throw new UserError(`You cannot post in <#${channel.id}> yourself (you are missing ${names} there), so Hearth will not post the digest there for you. Pick a channel you can write in.`);
    }
    const digest = switchDigestOn(db, interaction.guildId, settings, time.now());
    scheduler.wake();
    await replyPrivately(interaction, `Saved: the digest is on. ${scheduleInWords(digest, getSettings(db, interaction.guildId).timezone)} Nobody is pinged. See it now with \`/insights digest\`.`);
  },
};
