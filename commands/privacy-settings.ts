// The privacy part of /settings (retention, deleting all of a server's data), kept beside privacy.
import { MessageFlags, type SlashCommandSubcommandBuilder } from 'discord.js';
import { onModal, type ComponentHandler, type SlashCommand } from '../src/bot/command';
import { replyPrivately } from '../src/bot/replies';
import { UserError } from '../src/user-error';
import { DELETE_ALL_FIELD, privacyIds } from '../src/privacy/custom-ids';
import { RETENTION_MONTHS, retentionInWords, setRetention } from '../src/privacy/retention';
import { deleteServerData, readServer, requestServerDeletion } from '../src/privacy/servers';
import { DEFAULT_PACE } from '../src/privacy/steps';
import { renderDeleteAllForm } from '../src/privacy/view';

export const retentionSubcommand = (s: SlashCommandSubcommandBuilder) =>
  s
    .setName('retention')
    .setDescription('Remove members\' text and the links to their answers after some months (leave empty: keep)')
    .addIntegerOption((o) => o.setName('months').setDescription('1 to 120 months; leave out to keep everything').setMinValue(RETENTION_MONTHS.min).setMaxValue(RETENTION_MONTHS.max));

export const deleteAllDataSubcommand = (s: SlashCommandSubcommandBuilder) =>
  s.setName('delete-all-data').setDescription('Delete everything Hearth holds for this server, now (the server owner only)');

export const privacySettingsSubcommands: NonNullable<SlashCommand['subcommands']> = {
  async retention(interaction, { db, clock, scheduler }) {
    const now = clock.now();
    const saved = setRetention(db, interaction.guildId, interaction.options.getInteger('months'), now);
    scheduler.wake(); // the first pass runs at once
    await replyPrivately(interaction, `Saved: retention is ${saved ? 'on' : 'off'}.\n${retentionInWords(saved, now)}`);
  },

  async 'delete-all-data'(interaction) {
    if (interaction.guild.ownerId !== interaction.user.id) throw new UserError('Only the server owner can delete all of Hearth\'s data for this server. Nothing was changed.');
    await interaction.showModal(renderDeleteAllForm(interaction.guild.name));
  },
};

export const privacySettingsComponents: ComponentHandler[] = [
  onModal(privacyIds.deleteAll, async (interaction, _values, { db, clock, logger }) => {
    const isOwner = interaction.guild.ownerId === interaction.user.id;
    const typed = interaction.fields.fields.get(DELETE_ALL_FIELD);
    const name = typed && 'value' in typed && typeof typed.value === 'string' ? typed.value : '';
    requestServerDeletion(db, { id: interaction.guildId, name: interaction.guild.name }, name, isOwner, clock.now());
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const row = readServer(db, interaction.guildId);
    if (row) await deleteServerData(db, row, { ...DEFAULT_PACE, budgetMs: Infinity, stopping: () => false }, logger);
    await replyPrivately(
      interaction,
      'Done: everything Hearth held for this server is deleted (polls, surveys, check-ins, kudos, settings and retention). ' +
        'Messages Hearth posted stay in their channels; delete them as you would any message. Hearth keeps working here from a clean start.',
    );
  }),
];
