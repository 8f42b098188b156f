import {
  AttachmentBuilder,
  ChannelType,
  InteractionContextType,
  MessageFlags,
  SlashCommandBuilder,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type GuildTextBasedChannel,
} from 'discord.js';
import { onButton, onDirectButton, type SlashCommand } from '../src/bot/command';
import { UserError } from '../src/user-error';
import { assertLeader, isLeader } from '../src/bot/leaders';
import { assertCanPost, assertMemberCanPost } from '../src/bot/permissions';
import { replyPrivately } from '../src/bot/replies';
import { memberView, readerView } from '../src/bot/visibility';
import { toCsv } from '../src/csv';
import { pollIds, pollReminderIds } from '../src/polls/custom-ids';
import { cancelReminder, requestReminder } from '../src/polls/reminders';
import { renderReminderSet, renderReminderStopped } from '../src/polls/reminder-view';
import { postPollMessage, refreshPollMessage } from '../src/polls/messages';
import {
  POLL_LIMITS,
  attachPollMessage,
  closePoll,
  finalResultsKey,
  createPoll,
  discardPoll,
  exportPoll,
  myVoteSaved,
  sampleVoters,
  pollSuggestions,
  pollsForList,
  recordVoteGrouped,
  retractVote,
  validatePoll,
  visibleResults,
  type Voter,
} from '../src/polls/service';
import { followUpLinkKey, pollFollowUp, pollForFollowUp, savePollFollowUp } from '../src/polls/follow-ups';
import { followUpMessage, FOLLOW_UP_LIMITS } from '../src/follow-ups';
import { renderMyVote, renderPollList, renderResults, renderRetracted, renderVoteReceipt } from '../src/polls/view';
import { getSettings } from '../src/settings';
import { messageLink } from '../src/format';
import { WHOLE_SERVER } from '../src/visibility';

const messageUrl = (guildId: string, channelId: string, messageId: string | null) => (messageId ? messageLink(guildId, channelId, messageId) : null);

function voterOf(interaction: ButtonInteraction<'cached'>): Voter {
  return { guildId: interaction.guildId, memberId: interaction.user.id, roleIds: [...interaction.member.roles.cache.keys()], sees: memberView(interaction) };
}

function pollOption(interaction: ChatInputCommandInteraction<'cached'>): number {
  return interaction.options.getInteger('poll', true);
}

/** /poll: polls with real anonymity, hidden results, timers, role limits, charts and export. */
export const poll = {
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('poll')
    .setDescription('Ask the community a question')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) =>
      s
        .setName('create')
        .setDescription('Post a new poll')
        .addStringOption((o) => o.setName('question').setDescription('What are you asking?').setRequired(true).setMaxLength(POLL_LIMITS.questionLength))
        .addStringOption((o) => o.setName('choices').setDescription('2 to 20 choices separated by |, e.g. Yes | No | Maybe').setRequired(true).setMaxLength(1700))
        .addBooleanOption((o) => o.setName('multi').setDescription('Members may pick several choices'))
        .addIntegerOption((o) => o.setName('max-choices').setDescription('With multi: the most choices one member may pick').setMinValue(1).setMaxValue(POLL_LIMITS.maxChoices))
        .addBooleanOption((o) => o.setName('anonymous').setDescription('No one, leaders included, can ever see who voted what'))
        .addBooleanOption((o) => o.setName('hide-results').setDescription('Hide the counts until the poll closes'))
        .addStringOption((o) => o.setName('closes-in').setDescription('Close automatically after e.g. 30m, 2h, 3d, 1w, 1d12h (1 minute to 60 days)').setMaxLength(20))
        .addRoleOption((o) => o.setName('role').setDescription('Only members with this role may vote'))
        .addChannelOption((o) => o.setName('channel').setDescription('Where to post it (default: here)').addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement)),
    )
    .addSubcommand((s) =>
      s
        .setName('close')
        .setDescription('Close a poll now (its creator or a leader)')
        .addIntegerOption((o) => o.setName('poll').setDescription('The poll').setRequired(true).setAutocomplete(true)),
    )
    .addSubcommand((s) =>
      s
        .setName('results')
        .setDescription('See a poll\'s results, privately')
        .addIntegerOption((o) => o.setName('poll').setDescription('The poll').setRequired(true).setAutocomplete(true)),
    )
    .addSubcommand((s) =>
      s
        .setName('list')
        .setDescription('List this server\'s polls')
        .addStringOption((o) =>
          o.setName('status').setDescription('Which polls (default: open)').addChoices({ name: 'open', value: 'open' }, { name: 'closed', value: 'closed' }, { name: 'all', value: 'all' }),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName('follow-up')
        .setDescription('Tell everyone what will happen after a closed poll: "you said, we did" (leaders)')
        .addIntegerOption((o) => o.setName('poll').setDescription('The closed poll').setRequired(true).setAutocomplete(true))
        .addStringOption((o) => o.setName('message').setDescription('What will happen, 1 to 1,000 characters').setRequired(true).setMaxLength(FOLLOW_UP_LIMITS.messageLength)),
    )
    .addSubcommand((s) =>
      s
        .setName('export')
        .setDescription('Download a poll as CSV (leaders)')
        .addIntegerOption((o) => o.setName('poll').setDescription('The poll').setRequired(true).setAutocomplete(true)),
    ),

  subcommands: {
    async create(interaction, ctx) {
      const { db, clock } = ctx;
      if (!getSettings(db, interaction.guildId).pollsByMembers) {
        assertLeader(db, interaction, 'create polls here (a leader can let every member create them with `/settings polls-by-members`)');
      }
      const valid = validatePoll({
        question: interaction.options.getString('question', true),
        choices: interaction.options.getString('choices', true),
        multi: interaction.options.getBoolean('multi') ?? false,
        maxChoices: interaction.options.getInteger('max-choices'),
        anonymous: interaction.options.getBoolean('anonymous') ?? false,
        hideResults: interaction.options.getBoolean('hide-results') ?? false,
        closesIn: interaction.options.getString('closes-in'),
        roleId: interaction.options.getRole('role')?.id ?? null,
      });
      if (valid.roleId === interaction.guildId) valid.roleId = null; // @everyone: no limit at all
      const chosen = interaction.options.getChannel('channel');
      const channel = (chosen ? interaction.guild.channels.cache.get(chosen.id) : interaction.channel) as GuildTextBasedChannel | null;
      if (!channel) throw new UserError('Hearth cannot find that channel. Pick a text channel from the list.');
      assertCanPost(channel);
      assertMemberCanPost(channel, interaction.member);

      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      // Leaders are held to the server's limit only; members also to their own.
      const limits = { perMember: isLeader(db, interaction) ? null : ctx.config.pollLimits.openPerMember, perServer: ctx.config.pollLimits.openPerServer };
      const created = createPoll(db, { guildId: interaction.guildId, channelId: channel.id, creatorId: interaction.user.id }, valid, clock.now(), limits);
      const pollId = created.id;
      let messageId: string;
      try {
        messageId = (await postPollMessage(ctx, channel, created)).id;
      } catch (error) {
        discardPoll(db, created); // nobody saw it: leave no half-made poll behind
        throw error;
      }
      attachPollMessage(db, created, messageId);
      if (valid.durationMs !== null) ctx.scheduler.wake();
      await interaction.editReply(`Poll #${pollId} is up in <#${channel.id}>: ${messageUrl(interaction.guildId, channel.id, messageId)}`);
    },

    async close(interaction, ctx) {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const summary = closePoll(
        ctx.db,
        { guildId: interaction.guildId, memberId: interaction.user.id, isLeader: isLeader(ctx.db, interaction), sees: readerView(ctx.db, interaction) },
        pollOption(interaction),
        ctx.clock.now(),
      );
      const shown = await ctx.outbox.deliverNow(finalResultsKey(summary.poll.id));
      const url = messageUrl(interaction.guildId, summary.poll.channelId, summary.poll.messageId);
      const closed = `Poll #${summary.poll.id} is closed`;
      await interaction.editReply(
        shown.outcome === 'delivered'
          ? `${closed} and its final results are on the poll: ${url}`
          : shown.outcome === 'dropped'
            ? `${closed}, but its final results cannot be shown on its message: ${shown.reason} See them with \`/poll results\`.`
            : `${closed}, but Hearth could not update the poll message just now. It will try again within a minute; \`/poll results\` shows the final results already.`,
      );
    },

    async results(interaction, { db, clock }) {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral }); // naming voters reads every vote of a large poll
      const summary = visibleResults(db, interaction.guildId, pollOption(interaction), readerView(db, interaction), clock.now());
      const { poll: p } = summary;
      await replyPrivately(interaction, renderResults(summary, sampleVoters(db, p, 40), clock.now(), messageUrl(p.guildId, p.channelId, p.messageId)));
    },

    async list(interaction, { db, clock }) {
      const status = (interaction.options.getString('status') ?? 'open') as 'open' | 'closed' | 'all';
      const list = pollsForList(db, interaction.guildId, status, readerView(db, interaction));
      const withUrls = { ...list, polls: list.polls.map((p) => ({ ...p, url: messageUrl(p.guildId, p.channelId, p.messageId) })) };
      await replyPrivately(interaction, renderPollList(withUrls, status, clock.now()));
    },

    async export(interaction, { db, clock }) {
      assertLeader(db, interaction, 'export polls');
      await interaction.deferReply({ flags: MessageFlags.Ephemeral }); // a large poll takes a moment to read and upload
      const { filename, rows } = exportPoll(db, interaction.guildId, pollOption(interaction), WHOLE_SERVER, clock.now()); // leaders only
      await replyPrivately(interaction, {
        content: `Here is ${filename}.`,
        files: [new AttachmentBuilder(Buffer.from(toCsv(rows), 'utf8'), { name: filename })],
      });
    },

    async 'follow-up'(interaction, ctx) {
      const { db, clock } = ctx;
      assertLeader(db, interaction, 'post follow-ups to polls');
      const message = followUpMessage(interaction.options.getString('message', true));
      const sees = readerView(db, interaction);
      const checked = pollForFollowUp(db, interaction.guildId, pollOption(interaction), sees);
      const channel = interaction.guild.channels.cache.get(checked.channelId);
      if (!channel) throw new UserError(`The channel of poll #${checked.id} no longer exists, so its follow-up has nowhere to go.`);
      assertCanPost(channel);
      assertMemberCanPost(channel, interaction.member);

      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const { poll: p, revision, key } = savePollFollowUp(db, interaction.guildId, checked.id, sees, message, clock.now());
      const shown = await ctx.outbox.deliverNow(key);
      if (revision === 1 && shown.outcome === 'delivered') await ctx.outbox.deliverNow(followUpLinkKey(p.id)); // the poll links to it
      const postedId = pollFollowUp(db, p.guildId, p.id)?.messageId ?? null;
      const url = messageUrl(p.guildId, p.channelId, postedId);
      await interaction.editReply(
        shown.outcome === 'delivered'
          ? revision === 1
            ? `Your follow-up to poll #${p.id} is posted in <#${p.channelId}>, and the poll links to it: ${url}`
            : `Your follow-up to poll #${p.id} is updated: ${url}`
          : shown.outcome === 'dropped'
            ? `Your follow-up to poll #${p.id} is saved, but Hearth cannot post it: ${shown.reason.replace(/\.?$/, '.')} Fix that and run the command again.`
            : `Your follow-up to poll #${p.id} is saved; Hearth could not reach Discord just now and will post it within a minute.`,
      );
    },
  },

  async autocomplete(interaction, { db }) {
    const focused = interaction.options.getFocused(true);
    if (focused.name !== 'poll') return interaction.respond([]);
    const which = interaction.options.getSubcommand() === 'close' ? 'open' : 'any';
    await interaction.respond(pollSuggestions(db, interaction.guildId, String(focused.value), which, readerView(db, interaction)));
  },

  components: [
    onButton(pollIds.vote, async (interaction, { pollId, choice }, ctx) => {
      // Answered once stored (committed with the other votes of this turn), never before.
      const outcome = await recordVoteGrouped(ctx.db, voterOf(interaction), pollId, choice, ctx.clock.now());
      // Queued before answering: the stored vote shows on the poll even if the answer fails.
      if (outcome.change !== 'unchanged') refreshPollMessage(ctx, outcome.poll);
      await replyPrivately(interaction, renderVoteReceipt(outcome));
    }),

    onButton(pollIds.retract, async (interaction, { pollId }, ctx) => {
      const { poll: retracted, removed } = retractVote(ctx.db, voterOf(interaction), pollId, ctx.clock.now());
      if (removed > 0) refreshPollMessage(ctx, retracted);
      await replyPrivately(interaction, renderRetracted(removed));
    }),

    onButton(pollIds.mine, async (interaction, { pollId }, { db }) => {
      const { poll: p, choices, mine } = await myVoteSaved(db, voterOf(interaction), pollId);
      await replyPrivately(interaction, renderMyVote(p, choices, mine));
    }),

    onButton(pollReminderIds.remind, async (interaction, { pollId }, ctx) => {
      const { poll: p, at, state } = requestReminder(ctx.db, voterOf(interaction), pollId, ctx.clock.now());
      if (state === 'queued') ctx.scheduler.wake();
      await replyPrivately(interaction, renderReminderSet(p, at, state, ctx.clock.now()));
    }),

    // On the confirmation and on the direct message itself: it only ever stops the clicker's own reminder.
    onDirectButton(pollReminderIds.stop, async (interaction, { pollId }, ctx) => {
      await replyPrivately(interaction, renderReminderStopped(pollId, cancelReminder(ctx.db, pollId, interaction.user.id, ctx.clock.now())));
    }),
  ],
} satisfies SlashCommand;
