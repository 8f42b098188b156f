import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import type { SlashCommand } from '../src/bot/command';
import { replyPrivately } from '../src/bot/replies';
import { searchTimeZones } from '../src/settings';
import { memberZoneChanged } from '../src/checkins';
import { preferencesOf, setDirectMessages, setMemberTimeZone } from '../src/preferences/service';
import { renderDirectMessagesSaved, renderPreferences, renderTimeZoneSaved } from '../src/preferences/view';

/** /preferences: each member's own choices in this server (private; every member). */
export const preferences = {
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('preferences')
    .setDescription('Your own Hearth preferences in this server (only you see them)')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) =>
      s
        .setName('timezone')
        .setDescription('Your time zone, for direct-message check-ins (leave empty to clear)')
        .addStringOption((o) => o.setName('zone').setDescription('An IANA time zone, e.g. Europe/Berlin').setAutocomplete(true).setMaxLength(64)),
    )
    .addSubcommand((s) =>
      s
        .setName('direct-messages')
        .setDescription('Turn every Hearth direct message from this server on or off')
        .addStringOption((o) => o.setName('state').setDescription('On or off').setRequired(true).addChoices({ name: 'on', value: 'on' }, { name: 'off', value: 'off' })),
    )
    .addSubcommand((s) => s.setName('show').setDescription('Show your preferences in this server')),

  subcommands: {
    async timezone(interaction, { db, clock, scheduler }) {
      const zone = setMemberTimeZone(db, interaction.guildId, interaction.user.id, interaction.options.getString('zone'), clock.now());
      // Their direct-message check-ins' next runs come at the new time (claimed sooner if it is further east).
      memberZoneChanged(db, interaction.guildId, interaction.user.id, zone);
      scheduler.wake();
      await replyPrivately(interaction, renderTimeZoneSaved(zone, clock.now()));
    },

    async 'direct-messages'(interaction, { db, clock }) {
      const on = interaction.options.getString('state', true) === 'on';
      const { unreachableUntil } = setDirectMessages(db, interaction.guildId, interaction.user.id, on, clock.now());
      await replyPrivately(interaction, renderDirectMessagesSaved(on, unreachableUntil));
    },

    async show(interaction, { db, clock }) {
      await replyPrivately(interaction, renderPreferences(preferencesOf(db, interaction.guildId, interaction.user.id, clock.now()), clock.now()));
    },
  },

  async autocomplete(interaction) {
    const focused = interaction.options.getFocused(true);
    if (focused.name !== 'zone') return interaction.respond([]);
    await interaction.respond(searchTimeZones(String(focused.value)).map((zone) => ({ name: zone, value: zone })));
  },
} satisfies SlashCommand;
