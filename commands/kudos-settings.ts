import type { AutocompleteInteraction, SlashCommandSubcommandBuilder, SlashCommandSubcommandGroupBuilder } from 'discord.js';
import type { AppContext } from '../src/context';
import type { SlashCommand } from '../src/bot/command';
import { replyPrivately } from '../src/bot/replies';
import { kudosMilestoneWarning } from '../src/kudos/messages';
import { KUDOS_LIMITS } from '../src/kudos/limits';
import { setDailyLimit, setMilestone, setRoundup } from '../src/kudos/settings';
import { addValue, removeValue, renameValue, valueSuggestions } from '../src/kudos/values';
import { renderValuesSaved } from '../src/kudos/view';

/**
 * The kudos part of /settings (leaders only, checked by the router for all of /settings):
 * the server's values, the daily limit, milestone roles and the weekly roundup.
 */
export const kudosValuesGroup = (g: SlashCommandSubcommandGroupBuilder) =>
  g
    .setName('kudos-values')
    .setDescription('The values members give kudos for (1 to 25)')
    .addSubcommand((s) =>
      s
        .setName('add')
        .setDescription('Add a value')
        .addStringOption((o) => o.setName('name').setDescription('A short name, e.g. Patience').setRequired(true).setMaxLength(KUDOS_LIMITS.valueNameLength))
        .addStringOption((o) => o.setName('description').setDescription('One sentence about what it means here').setRequired(true).setMaxLength(KUDOS_LIMITS.valueDescriptionLength)),
    )
    .addSubcommand((s) =>
      s
        .setName('remove')
        .setDescription('Remove a value (kudos already given for it stay)')
        .addStringOption((o) => o.setName('name').setDescription('The value').setRequired(true).setAutocomplete(true)),
    )
    .addSubcommand((s) =>
      s
        .setName('rename')
        .setDescription('Rename a value (kudos already given for it follow), optionally with a new description')
        .addStringOption((o) => o.setName('name').setDescription('The value').setRequired(true).setAutocomplete(true))
        .addStringOption((o) => o.setName('new-name').setDescription('Its new name').setRequired(true).setMaxLength(KUDOS_LIMITS.valueNameLength))
        .addStringOption((o) => o.setName('description').setDescription('A new description (default: keep it)').setMaxLength(KUDOS_LIMITS.valueDescriptionLength)),
    );

export const kudosDailyLimitSubcommand = (s: SlashCommandSubcommandBuilder) =>
  s
    .setName('kudos-daily-limit')
    .setDescription('How many kudos each member may give per day (resets at midnight, server time)')
    .addIntegerOption((o) =>
      o.setName('n').setDescription(`${KUDOS_LIMITS.minDailyLimit} to ${KUDOS_LIMITS.maxDailyLimit} (default ${KUDOS_LIMITS.defaultDailyLimit})`).setRequired(true).setMinValue(KUDOS_LIMITS.minDailyLimit).setMaxValue(KUDOS_LIMITS.maxDailyLimit),
    );

export const kudosMilestoneSubcommand = (s: SlashCommandSubcommandBuilder) =>
  s
    .setName('kudos-milestone')
    .setDescription('Grant a role when a member has received this many kudos (no role: remove the milestone)')
    .addIntegerOption((o) => o.setName('count').setDescription('Kudos received').setRequired(true).setMinValue(1).setMaxValue(KUDOS_LIMITS.maxMilestone))
    .addRoleOption((o) => o.setName('role').setDescription('The role to grant'));

export const kudosRoundupSubcommand = (s: SlashCommandSubcommandBuilder) =>
  s
    .setName('kudos-roundup')
    .setDescription('A kudos roundup in the recognition channel every Monday morning')
    .addStringOption((o) => o.setName('state').setDescription('on or off').setRequired(true).addChoices({ name: 'on', value: 'on' }, { name: 'off', value: 'off' }));

export const kudosSettingsSubcommands: NonNullable<SlashCommand['subcommands']> = {
  async 'kudos-values add'(interaction, { db }) {
    const values = addValue(db, interaction.guildId, interaction.options.getString('name', true), interaction.options.getString('description', true));
    await replyPrivately(interaction, renderValuesSaved(`added **${values.at(-1)!.name}**`, values));
  },

  async 'kudos-values remove'(interaction, { db }) {
    const typed = interaction.options.getString('name', true);
    const values = removeValue(db, interaction.guildId, typed);
    await replyPrivately(interaction, renderValuesSaved(`removed **${typed.trim()}** (kudos already given for it keep their value)`, values));
  },

  async 'kudos-values rename'(interaction, { db }) {
    const values = renameValue(
      db,
      interaction.guildId,
      interaction.options.getString('name', true),
      interaction.options.getString('new-name', true),
      interaction.options.getString('description'),
    );
    await replyPrivately(interaction, renderValuesSaved(`renamed **${interaction.options.getString('name', true).trim()}**`, values));
  },

  async 'kudos-daily-limit'(interaction, { db, clock }) {
    const saved = setDailyLimit(db, interaction.guildId, interaction.options.getInteger('n', true), clock.now());
    await replyPrivately(interaction, `Saved: each member can now give ${saved.dailyLimit} kudos a day (the count resets at midnight, server time).`);
  },

  async 'kudos-milestone'(interaction, { db }) {
    const count = interaction.options.getInteger('count', true);
    const role = interaction.options.getRole('role');
    setMilestone(db, interaction.guildId, count, role ? { id: role.id, managed: role.managed } : null);
    if (!role) return replyPrivately(interaction, `Saved: the milestone at ${count} kudos is removed.`);
    const warning = kudosMilestoneWarning(interaction.guild, role.id);
    await replyPrivately(interaction, `Saved: members who reach ${count} kudos received get ${role}.${warning ? `\n⚠️ ${warning}` : ''}`);
  },

  async 'kudos-roundup'(interaction, { db, clock, scheduler }) {
    const on = interaction.options.getString('state', true) === 'on';
    setRoundup(db, interaction.guildId, on, clock.now());
    scheduler.wake(); // the weekly roundup's time changed
    await replyPrivately(
      interaction,
      on
        ? 'Saved: every Monday at 09:00 (server time) Hearth posts last week\'s kudos roundup in the recognition channel (set one with `/settings recognition-channel`).'
        : 'Saved: the weekly kudos roundup is off.',
    );
  },
};

/** Suggests the server's values for `/settings kudos-values remove|rename name`; false for other options. */
export async function kudosSettingsAutocomplete(interaction: AutocompleteInteraction<'cached'>, { db }: AppContext): Promise<boolean> {
  const focused = interaction.options.getFocused(true);
  if (interaction.options.getSubcommandGroup(false) !== 'kudos-values' || focused.name !== 'name') return false;
  await interaction.respond(valueSuggestions(db, interaction.guildId, String(focused.value)));
  return true;
}
