import { AttachmentBuilder, InteractionContextType, MessageFlags, SlashCommandBuilder, type ButtonInteraction } from 'discord.js';
import { onButton, type SlashCommand } from '../src/bot/command';
import { assertLeader, isLeader } from '../src/bot/leaders';
import { replyPrivately } from '../src/bot/replies';
import type { AppContext } from '../src/context';
import { UserError } from '../src/user-error';
import { privacyIds } from '../src/privacy/custom-ids';
import { cancelErasure, CONFIRM_WITHIN_MS, confirmErasure, requestErasure, type ErasureOutcome } from '../src/privacy/erasure';
import { exportMemberData } from '../src/privacy/export';
import { retentionOf } from '../src/privacy/retention';
import { renderCancelled, renderErasureDone, renderErasureRequest, renderExportReply, renderInfo, type MessageDeletion } from '../src/privacy/view';

// Shout-outs deleted while the member waits, so the reply can say how it went; the outbox does the rest.
const DELETE_AT_ONCE = 10;

/** A member as a leader gives one: a mention (`<@123>`, as Discord fills it in) or a bare id, for one who has left. */
function memberIdOf(typed: string): string {
  const id = /^\s*(?:<@!?(\d{17,20})>|(\d{17,20}))\s*$/.exec(typed);
  if (!id) throw new UserError('Give the member as a mention (type @ and pick them) or, for someone who has left, their user id (17 to 20 digits; right-click them with Developer Mode on → Copy User ID). Nothing was changed.');
  return (id[1] ?? id[2])!;
}

/** Deletes up to DELETE_AT_ONCE shout-outs now and says how each went. */
async function deleteShoutOutsNow(ctx: AppContext, guildId: string, deletions: ErasureOutcome['deletions']): Promise<MessageDeletion[]> {
  const tried: MessageDeletion[] = [];
  for (const d of deletions.slice(0, DELETE_AT_ONCE)) {
    const delivery = await ctx.outbox.deliverNow(d.key);
    const reason = delivery.outcome === 'dropped' ? delivery.reason : null;
    tried.push({ guildId, channelId: d.channelId, messageId: d.messageId, outcome: delivery.outcome, reason });
  }
  return tried;
}

async function confirm(interaction: ButtonInteraction<'cached'>, requestId: number, ctx: AppContext): Promise<void> {
  const outcome = confirmErasure(ctx.db, interaction.guildId, requestId, { id: interaction.user.id, isLeader: isLeader(ctx.db, interaction) }, ctx.clock.now());
  const self = outcome.request.memberId === outcome.request.requestedBy;
  ctx.logger.info({ guild: interaction.guildId, byLeader: !self }, 'a member\'s data was deleted on request');
  await interaction.deferUpdate(); // deleting shout-outs on Discord takes a moment
  ctx.scheduler.wake(); // poll and survey cards, and shout-outs beyond the first few, go through the outbox
  const tried = await deleteShoutOutsNow(ctx, interaction.guildId, outcome.deletions);
  await interaction.editReply(renderErasureDone(outcome, self, tried, outcome.deletions.length - tried.length));
}

/** /privacy: what Hearth keeps about a member here, as a file, and deleting it. Every reply is private. */
export const privacy = {
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('privacy')
    .setDescription('What Hearth keeps about you in this server: see it, take it, delete it')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) => s.setName('info').setDescription('What Hearth keeps about members here, who sees it and for how long'))
    .addSubcommand((s) => s.setName('export').setDescription('Everything Hearth keeps about you here, as a file'))
    .addSubcommand((s) => s.setName('delete').setDescription('Delete everything Hearth keeps about you here (asks to confirm; once a day)'))
    .addSubcommand((s) =>
      s
        .setName('forget')
        .setDescription('Delete a member\'s data here, when they ask you (leaders)')
        .addStringOption((o) => o.setName('member').setDescription('A member (type @ and pick them), or the user id of one who has left').setRequired(true).setMaxLength(40)),
    ),

  subcommands: {
    async info(interaction, { db, clock }) {
      await replyPrivately(interaction, renderInfo(retentionOf(db, interaction.guildId), clock.now()));
    },

    async export(interaction, { db, clock }) {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral }); // a long history takes a moment to gather
      const file = exportMemberData(db, { id: interaction.guildId, name: interaction.guild.name }, interaction.user.id, clock.now());
      await replyPrivately(interaction, { content: renderExportReply(file.items), files: [new AttachmentBuilder(Buffer.from(file.json, 'utf8'), { name: file.filename })] });
    },

    async delete(interaction, { db, clock }) {
      const now = clock.now();
      const { request, preview } = requestErasure(db, { guildId: interaction.guildId, requestedBy: interaction.user.id, memberId: interaction.user.id }, now);
      await replyPrivately(interaction, renderErasureRequest(preview, request.id, request.memberId, true, now + CONFIRM_WITHIN_MS));
    },

    async forget(interaction, { db, clock }) {
      assertLeader(db, interaction, 'delete another member\'s data');
      const memberId = memberIdOf(interaction.options.getString('member', true));
      const now = clock.now();
      const { request, preview } = requestErasure(db, { guildId: interaction.guildId, requestedBy: interaction.user.id, memberId }, now);
      await replyPrivately(interaction, renderErasureRequest(preview, request.id, memberId, memberId === interaction.user.id, now + CONFIRM_WITHIN_MS));
    },
  },

  components: [
    onButton(privacyIds.confirm, async (interaction, { requestId }, ctx) => confirm(interaction, requestId, ctx)),
    onButton(privacyIds.cancel, async (interaction, { requestId }, { db, clock }) => {
      cancelErasure(db, interaction.guildId, requestId, interaction.user.id, clock.now());
      await interaction.update(renderCancelled());
    }),
  ],
} satisfies SlashCommand;
