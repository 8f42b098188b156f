import { ApplicationCommandType, ContextMenuCommandBuilder, InteractionContextType, MessageFlags } from 'discord.js';
import { DiscordErrorCode, isDiscordError } from '../src/bot/discord-errors';
import { onModal, type UserMenuCommand } from '../src/bot/command';
import { KUDOS_MODAL_FIELDS, kudosIds } from '../src/kudos/custom-ids';
import { assertMayGiveKudosHere, giveAndAnnounce } from '../src/kudos/messages';
import { checkRecipient } from '../src/kudos/giving';
import { listValues } from '../src/kudos/values';
import { renderGiveModal } from '../src/kudos/view';

/** Right-click a member -> Apps -> Give kudos: a modal asks for the value and the message. */
export const giveKudos = {
  kind: 'user-menu',
  data: new ContextMenuCommandBuilder().setName('Give kudos').setType(ApplicationCommandType.User).setContexts(InteractionContextType.Guild),

  async execute(interaction, ctx) {
    const { db } = ctx;
    const target = interaction.targetUser;
    // Refuse yourself, bots, members who left and a channel the giver may not post in, before asking for a message.
    const recipient = interaction.targetMember ? { id: target.id, bot: target.bot } : null;
    checkRecipient(interaction.user.id, recipient);
    assertMayGiveKudosHere(ctx, interaction);
    const name = interaction.targetMember?.displayName ?? target.displayName;
    await interaction.showModal(renderGiveModal({ id: target.id, name }, listValues(db, interaction.guildId)));
  },

  components: [
    onModal(kudosIds.give, async (interaction, { recipientId }, ctx) => {
      // Asking Discord about the member can take a while: acknowledge first (privately, so that a
      // refusal stays private too); giveAndAnnounce then does not defer again.
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      // The modal may be submitted minutes later: check the member is still in the server now.
      const member = await interaction.guild.members.fetch({ user: recipientId, force: true }).catch((error: unknown) => {
        if (isDiscordError(error, DiscordErrorCode.UnknownMember)) return null;
        throw error;
      });
      await giveAndAnnounce(ctx, interaction, {
        recipient: member ? { id: member.id, bot: member.user.bot, roles: [...member.roles.cache.keys()] } : null,
        value: interaction.fields.getStringSelectValues(KUDOS_MODAL_FIELDS.value)[0] ?? '',
        message: interaction.fields.getTextInputValue(KUDOS_MODAL_FIELDS.message),
      });
    }),
  ],
} satisfies UserMenuCommand;
