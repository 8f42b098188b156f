import { ChannelType, InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import type { SlashCommand } from '../src/bot/command';
import { UserError } from '../src/user-error';
import { assertCanPost } from '../src/bot/permissions';
import { replyPrivately } from '../src/bot/replies';
import { getSettings, setLeaderRole, setPollsByMembers, setRecognitionChannel, setTimezone } from '../src/settings/service';
import { searchTimeZones } from '../src/settings/timezones';
import { kudosDailyLimitSubcommand, kudosMilestoneSubcommand, kudosRoundupSubcommand, kudosSettingsAutocomplete, kudosSettingsSubcommands, kudosValuesGroup } from './kudos-settings';
import { renderSaved, renderSettings } from '../src/settings/view';
import { retentionSummary } from '../src/privacy';
import { deleteAllDataSubcommand, privacySettingsComponents, privacySettingsSubcommands, retentionSubcommand } from './privacy-settings';
import { rescheduleDigest } from '../src/insights';
import { digestField, digestSubcommand, insightsSettingsSubcommands } from './insights-settings';

/** /settings: how Hearth behaves in this server. Leaders only (checked by the router). */
export const settings = {
  kind: 'slash',
  leadersOnly: true,
  data: new SlashCommandBuilder()
    .setName('settings')
    .setDescription('How Hearth works in this server (leaders only)')
    .setContexts(InteractionContextType.Guild)
    // Hidden from members by default; a server can widen this, the leader check still applies.
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((s) => s.setName('show').setDescription('Show the current settings'))
    .addSubcommand((s) =>
      s
        .setName('leader-role')
        .setDescription('Members with this role count as leaders (leave empty to clear)')
        .addRoleOption((o) => o.setName('role').setDescription('The leader role')),
    )
    .addSubcommand((s) =>
      s
        .setName('timezone')
        .setDescription('The time zone for schedules, daily limits and weekly roundups')
        .addStringOption((o) =>
          o.setName('zone').setDescription('An IANA time zone, e.g. Europe/Berlin').setRequired(true).setAutocomplete(true).setMaxLength(64),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName('recognition-channel')
        .setDescription('Where kudos shout-outs and roundups are posted (leave empty to clear)')
        .addChannelOption((o) =>
          o.setName('channel').setDescription('A text channel').addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName('polls-by-members')
        .setDescription('Let every member create polls, not only leaders')
        .addBooleanOption((o) => o.setName('enabled').setDescription('On: anyone may create polls. Off: leaders only.').setRequired(true)),
    )
    .addSubcommandGroup(kudosValuesGroup)
    .addSubcommand(kudosDailyLimitSubcommand)
    .addSubcommand(kudosMilestoneSubcommand)
    .addSubcommand(kudosRoundupSubcommand)
    .addSubcommand(retentionSubcommand)
    .addSubcommand(deleteAllDataSubcommand)
    .addSubcommand(digestSubcommand),

  subcommands: {
    async show(interaction, ctx) {
      const { db, clock, outbox } = ctx;
      const now = clock.now();
      const problems = outbox.problems(interaction.guildId, now - 7 * 86_400_000);
      const retention = { name: 'Retention', value: retentionSummary(db, interaction.guildId, now) };
      await replyPrivately(interaction, renderSettings(getSettings(db, interaction.guildId), now, problems, [retention, digestField(interaction, ctx)]));
    },

    async 'leader-role'(interaction, { db, clock }) {
      const role = interaction.options.getRole('role');
      const saved = setLeaderRole(db, interaction.guildId, role?.id ?? null, clock.now());
      await replyPrivately(interaction, renderSaved(role ? `leader role is now ${role}` : 'leader role cleared', saved, clock.now()));
    },

    async timezone(interaction, { db, clock, scheduler }) {
      const saved = setTimezone(db, interaction.guildId, interaction.options.getString('zone', true), clock.now());
      rescheduleDigest(db, interaction.guildId); // its next delivery is worked out again in the new zone
      scheduler.wake();
      await replyPrivately(interaction, renderSaved(`time zone is now ${saved.timezone}`, saved, clock.now()));
    },

    async 'recognition-channel'(interaction, { db, clock, scheduler }) {
      const channel = interaction.options.getChannel('channel');
      if (channel) {
        const cached = interaction.guild.channels.cache.get(channel.id);
        if (!cached) throw new UserError('Hearth cannot see that channel. Give its role View Channel there, or pick another channel.');
        assertCanPost(cached);
      }
      const saved = setRecognitionChannel(db, interaction.guildId, channel?.id ?? null, clock.now());
      scheduler.wake(); // the weekly roundup's time may have changed
      await replyPrivately(
        interaction,
        renderSaved(channel ? `recognition channel is now ${channel}` : 'recognition channel cleared', saved, clock.now()),
      );
    },

    async 'polls-by-members'(interaction, { db, clock }) {
      const enabled = interaction.options.getBoolean('enabled', true);
      const saved = setPollsByMembers(db, interaction.guildId, enabled, clock.now());
      await replyPrivately(interaction, renderSaved(enabled ? 'every member can now create polls' : 'only leaders can create polls now', saved, clock.now()));
    },

    ...kudosSettingsSubcommands,
    ...privacySettingsSubcommands,
    ...insightsSettingsSubcommands,
  },

  async autocomplete(interaction, ctx) {
    if (await kudosSettingsAutocomplete(interaction, ctx)) return;
    const focused = interaction.options.getFocused(true);
    if (focused.name !== 'zone') return interaction.respond([]);
    await interaction.respond(searchTimeZones(focused.value).map((zone) => ({ name: zone, value: zone })));
  },

  components: privacySettingsComponents,
} satisfies SlashCommand;
