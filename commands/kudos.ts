import { InteractionContextType, MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { AppContext } from '../src/context';
import type { SlashCommand } from '../src/bot/command';
import { isLeader } from '../src/bot/leaders';
import { replyPrivately } from '../src/bot/replies';
import { readerView } from '../src/bot/visibility';
import { giveAndAnnounce, takeDownShoutOut } from '../src/kudos/messages';
import { removeKudos } from '../src/kudos/giving';
import { KUDOS_LIMITS } from '../src/kudos/limits';
import { getKudosSettings } from '../src/kudos/settings';
import { kudosHistory, leaderboard, type Period } from '../src/kudos/standings';
import { listValues, valueSuggestions } from '../src/kudos/values';
import { renderHistory, renderLeaderboard, renderValues } from '../src/kudos/view';
import { getSettings } from '../src/settings';
import { timestamp } from '../src/format';

const removedAt = (ms: number | null) => (ms === null ? 'earlier' : timestamp(ms));

/** `/kudos received` and `/kudos given`: yours, or another member's. */
async function showHistory(interaction: ChatInputCommandInteraction<'cached'>, { db }: AppContext, side: 'received' | 'given'): Promise<void> {
  const who = interaction.options.getUser('member') ?? interaction.user;
  await replyPrivately(interaction, renderHistory(kudosHistory(db, interaction.guildId, who.id, side, readerView(db, interaction)), who.id === interaction.user.id));
}

/** /kudos: members thank each other for the community's values; leaders can take one down. */
export const kudos = {
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('kudos')
    .setDescription('Thank a member for living one of the community\'s values')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) =>
      s
        .setName('give')
        .setDescription('Give a member kudos, with a public shout-out')
        .addUserOption((o) => o.setName('member').setDescription('Who are you thanking?').setRequired(true))
        .addStringOption((o) => o.setName('value').setDescription('Which value did they show?').setRequired(true).setAutocomplete(true).setMaxLength(100))
        .addStringOption((o) => o.setName('message').setDescription('Why are you thanking them?').setRequired(true).setMaxLength(KUDOS_LIMITS.messageLength)),
    )
    .addSubcommand((s) =>
      s
        .setName('leaderboard')
        .setDescription('The most thanked and most thankful members, and your own rank')
        .addStringOption((o) =>
          o
            .setName('period')
            .setDescription('Which period')
            .setRequired(true)
            .addChoices({ name: 'this week', value: 'week' }, { name: 'this month', value: 'month' }, { name: 'all time', value: 'all' }),
        )
        .addStringOption((o) => o.setName('value').setDescription('Only kudos for this value').setAutocomplete(true).setMaxLength(100)),
    )
    .addSubcommand((s) =>
      s
        .setName('received')
        .setDescription('Kudos a member has received, by value, with the latest messages')
        .addUserOption((o) => o.setName('member').setDescription('Whose kudos (default: yours)')),
    )
    .addSubcommand((s) =>
      s
        .setName('given')
        .setDescription('Kudos a member has given, by value, with the latest messages')
        .addUserOption((o) => o.setName('member').setDescription('Whose kudos (default: yours)')),
    )
    .addSubcommand((s) => s.setName('values').setDescription('The values kudos can be given for, and how kudos work here'))
    .addSubcommand((s) =>
      s
        .setName('remove')
        .setDescription('Take down an abusive kudos (leaders)')
        .addIntegerOption((o) => o.setName('id').setDescription('The kudos number, shown in /kudos received').setRequired(true).setMinValue(1)),
    ),

  subcommands: {
    async give(interaction, ctx) {
      const user = interaction.options.getUser('member', true);
      // A member who left is no longer resolved as a member, only as a user.
      const member = interaction.options.getMember('member');
      await giveAndAnnounce(ctx, interaction, {
        recipient: member ? { id: user.id, bot: user.bot, roles: [...member.roles.cache.keys()] } : null,
        value: interaction.options.getString('value', true),
        message: interaction.options.getString('message', true),
      });
    },

    async leaderboard(interaction, { db, clock }) {
      const board = leaderboard(
        db,
        interaction.guildId,
        interaction.user.id,
        interaction.options.getString('period', true) as Period,
        interaction.options.getString('value'),
        getSettings(db, interaction.guildId).timezone,
        clock.now(),
      );
      await replyPrivately(interaction, renderLeaderboard(board));
    },

    received: (interaction, ctx) => showHistory(interaction, ctx, 'received'),
    given: (interaction, ctx) => showHistory(interaction, ctx, 'given'),

    async values(interaction, { db }) {
      await replyPrivately(interaction, renderValues(listValues(db, interaction.guildId), getKudosSettings(db, interaction.guildId)));
    },

    async remove(interaction, ctx) {
      const actor = { guildId: interaction.guildId, memberId: interaction.user.id, isLeader: isLeader(ctx.db, interaction) };
      const { kudos: removed, alreadyRemoved } = removeKudos(ctx.db, actor, interaction.options.getInteger('id', true), ctx.clock.now());
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      // Giver and recipient are told once; asking again only retries taking the shout-out down.
      const done = await takeDownShoutOut(ctx, interaction.guild, removed, !alreadyRemoved);
      const head = alreadyRemoved
        ? `Kudos #${removed.id} (**${removed.value}**) was already removed ${removedAt(removed.removedAt)}; Hearth checked its shout-out again.`
        : `Kudos #${removed.id} (**${removed.value}**) is removed: it no longer counts toward totals or leaderboards.`;
      await interaction.editReply(`${head}\n${done}`);
    },
  },

  async autocomplete(interaction, { db }) {
    const focused = interaction.options.getFocused(true);
    if (focused.name !== 'value') return interaction.respond([]);
    await interaction.respond(valueSuggestions(db, interaction.guildId, String(focused.value)));
  },
} satisfies SlashCommand;
