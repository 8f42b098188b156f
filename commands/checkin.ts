import { ChannelType, InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder, type ButtonInteraction, type ChatInputCommandInteraction, type ModalSubmitInteraction, type SlashCommandIntegerOption } from 'discord.js';
import { onButton, onDirectButton, onDirectModal, onModal, type SlashCommand } from '../src/bot/command';
import { UserError } from '../src/user-error';
import { assertLeader, isLeader } from '../src/bot/leaders';
import { assertCanPost, assertMemberCanPost, POSTING } from '../src/bot/permissions';
import { replyPrivately } from '../src/bot/replies';
import { currentMember, fetchedMemberView, memberView, readerView } from '../src/bot/visibility';
import { checkinDirectIds, checkinIds } from '../src/checkins/custom-ids';
import { directMessageLines, sendDirectRun } from '../src/checkins/direct-messages';
import { directCheckinSuggestions, directRunOf, NOT_SUBSCRIBED, stopFromDirectMessage, subscribe, unsubscribe } from '../src/checkins/subscriptions';
import { renderNoteModalForDirectMessage, renderStopped, renderSubscribed, renderUnsubscribed } from '../src/checkins/direct-view';
import { preferencesOf } from '../src/preferences';
import { postingProblem, postRun } from '../src/checkins/messages';
import { noteFor, recordMoodGrouped, recordNote, SupersededRunError, type Member } from '../src/checkins/answers';
import { CHECKIN_LIMITS } from '../src/checkins/limits';
import { scheduleSuggestions, schedulesForList } from '../src/checkins/list';
import { checkinReport, reportRequest } from '../src/checkins/report';
import { startManualRun } from '../src/checkins/runs';
import type { AppContext } from '../src/context';
import { createSchedule, pauseSchedule, removeSchedule, resumeSchedule, skipRunOn, validateSchedule } from '../src/checkins/scheduling';
import { streaksOf } from '../src/checkins/streaks';
import { renderAnswerReceipt, renderList, renderNoteModal, renderReport, renderScheduled, renderSkipped, renderStreaks, renderSuperseded, renderUpcoming } from '../src/checkins/view';
import { searchTimeZones } from '../src/settings';
import { messageLink } from '../src/format';

const scheduleId = (interaction: ChatInputCommandInteraction<'cached'>) => interaction.options.getInteger('id', true);
/** The member who acted in the server, seeing exactly the channels they can view. */
const memberOf = (interaction: ChatInputCommandInteraction<'cached'> | ButtonInteraction<'cached'> | ModalSubmitInteraction<'cached'>): Member => ({ guildId: interaction.guildId, memberId: interaction.user.id, sees: memberView(interaction) });
const idOption = (description: string) => (o: SlashCommandIntegerOption) => o.setName('id').setDescription(description).setRequired(true).setAutocomplete(true);

/** Subscribes; says when the next one reaches this member (in their own zone), and warns if their direct messages are off. */
function subscribeMember(ctx: AppContext, interaction: ChatInputCommandInteraction<'cached'> | ButtonInteraction<'cached'>, id: number): string {
  const { schedule, added, nextAt } = subscribe(ctx.db, memberOf(interaction), id, ctx.clock.now());
  if (added) ctx.scheduler.wake(); // a queued run may be due for them now, or the next claimed sooner
  const prefs = preferencesOf(ctx.db, interaction.guildId, interaction.user.id, ctx.clock.now());
  return renderSubscribed(schedule, added, nextAt, !prefs.directMessages);
}

/**
 * Who answers a direct-message run: a subscriber still in its server who can still view the
 * announcement's channel, with what they can view now (a direct message carries no member).
 */
async function directAnswerer(ctx: AppContext, interaction: { user: { id: string }; guildId: string | null }, runId: number): Promise<Member> {
  const schedule = directRunOf(ctx.db, runId, interaction.user.id, interaction.guildId, ctx.clock.now());
  const member = await currentMember(ctx.client, schedule.guildId, interaction.user.id);
  const sees = member && fetchedMemberView(member);
  if (!sees?.canView(schedule.channelId)) throw new UserError(NOT_SUBSCRIBED);
  return { guildId: schedule.guildId, memberId: interaction.user.id, sees, viaDirectMessage: true };
}

const shownToMember = (error: unknown) => (error instanceof SupersededRunError ? new UserError(renderSuperseded(error)) : error);

/** Runs an answer; a click on a replaced post is refused with when the newer one came, in the member's own time. */
function answering<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw shownToMember(error);
  }
}

/** As answering, for an answer stored in the group commit. */
async function answeringGrouped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw shownToMember(error);
  }
}

/** /checkin: prompts on a schedule; members answer with a mood and a note; streaks and reports. */
export const checkin = {
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('checkin')
    .setDescription('Regular check-ins: a prompt on a schedule, answered with a mood and a note')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) =>
      s
        .setName('schedule')
        .setDescription('Schedule a check-in (leaders)')
        .addChannelOption((o) => o.setName('channel').setDescription('Where to post it').setRequired(true).addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement))
        .addStringOption((o) => o.setName('when').setDescription('e.g. daily 09:00, weekdays 17:30, mon,thu 18:00, every 2 weeks fri 16:00, or cron 0 9 * * 1').setRequired(true).setMaxLength(100))
        .addStringOption((o) => o.setName('prompt').setDescription('The question, e.g. How was your week?').setRequired(true).setMaxLength(CHECKIN_LIMITS.promptLength + 100))
        .addStringOption((o) => o.setName('name').setDescription('A short name for lists and reports (default: the start of the prompt)').setMaxLength(CHECKIN_LIMITS.nameLength + 40))
        .addStringOption((o) => o.setName('timezone').setDescription('IANA time zone (default: the server\'s)').setAutocomplete(true).setMaxLength(64))
        .addBooleanOption((o) => o.setName('anonymous').setDescription('Reports never show who answered what'))
        .addStringOption((o) =>
          o
            .setName('delivery')
            .setDescription('Post each run in the channel (default), or send it by direct message to members who subscribe')
            .addChoices({ name: 'channel', value: 'channel' }, { name: 'direct-message', value: 'direct-message' }),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName('subscribe')
        .setDescription('Get a direct-message check-in privately, at its time in your time zone')
        .addIntegerOption((o) => o.setName('check-in').setDescription('The check-in').setRequired(true).setAutocomplete(true)),
    )
    .addSubcommand((s) =>
      s
        .setName('unsubscribe')
        .setDescription('Stop getting a direct-message check-in')
        .addIntegerOption((o) => o.setName('check-in').setDescription('The check-in').setRequired(true).setAutocomplete(true)),
    )
    .addSubcommand((s) => s.setName('list').setDescription('This server\'s check-ins with next and last run and any problem (leaders)'))
    .addSubcommand((s) => s.setName('pause').setDescription('Pause a check-in (leaders)').addIntegerOption(idOption('The check-in')))
    .addSubcommand((s) => s.setName('resume').setDescription('Resume a paused check-in (leaders)').addIntegerOption(idOption('The check-in')))
    .addSubcommand((s) => s.setName('delete').setDescription('Delete a check-in with all its answers (leaders)').addIntegerOption(idOption('The check-in')))
    .addSubcommand((s) => s.setName('run').setDescription('Post a check-in now (leaders)').addIntegerOption(idOption('The check-in')))
    .addSubcommand((s) =>
      s
        .setName('skip')
        .setDescription('Skip the run on one date, e.g. a holiday (leaders)')
        .addIntegerOption(idOption('The check-in'))
        .addStringOption((o) => o.setName('date').setDescription('YYYY-MM-DD in the check-in\'s time zone').setRequired(true).setMaxLength(20)),
    )
    .addSubcommand((s) =>
      s
        .setName('report')
        .setDescription('Answers, moods and notes over time, with a chart (leaders)')
        .addIntegerOption(idOption('The check-in'))
        .addIntegerOption((o) => o.setName('weeks').setDescription(`How many weeks back (default ${CHECKIN_LIMITS.reportWeeks})`).setMinValue(1).setMaxValue(CHECKIN_LIMITS.maxReportWeeks)),
    )
    .addSubcommand((s) =>
      s
        .setName('streak')
        .setDescription('Check-in streaks: runs answered in a row, and the longest')
        .addUserOption((o) => o.setName('member').setDescription('Whose streaks (default: yours)')),
    ),

  subcommands: {
    async schedule(interaction, ctx) {
      const { db, clock } = ctx;
      assertLeader(db, interaction, 'schedule check-ins');
      const valid = validateSchedule(
        db,
        interaction.guildId,
        {
          when: interaction.options.getString('when', true),
          prompt: interaction.options.getString('prompt', true),
          name: interaction.options.getString('name'),
          timezone: interaction.options.getString('timezone'),
          anonymous: interaction.options.getBoolean('anonymous') ?? false,
        },
        clock.now(),
      );
      const chosen = interaction.options.getChannel('channel', true);
      const channel = interaction.guild.channels.cache.get(chosen.id);
      if (!channel) throw new UserError('Hearth cannot find that channel. Pick a text channel from the list.');
      assertCanPost(channel, [...POSTING, PermissionFlagsBits.AttachFiles]);
      // As for polls: Hearth must not become a way to post where the leader may not.
      assertMemberCanPost(channel, interaction.member);
      const delivery = interaction.options.getString('delivery') === 'direct-message' ? 'direct-message' : 'channel';
      // A direct-message check-in's announcement is queued with it; the outbox posts it.
      const { schedule, upcoming } = createSchedule(db, { guildId: interaction.guildId, channelId: channel.id, createdBy: interaction.user.id }, valid, clock.now(), delivery);
      ctx.scheduler.wake();
      const scheduled = renderScheduled(schedule, upcoming);
      const subscribing = `\nRuns go by direct message to members who subscribe; the announcement with its **Subscribe** button is in <#${channel.id}>.`;
      await replyPrivately(interaction, delivery === 'channel' ? scheduled : `${scheduled}${subscribing}`);
    },

    async list(interaction, ctx) {
      assertLeader(ctx.db, interaction, 'see the check-in list');
      const summaries = schedulesForList(ctx.db, interaction.guildId, ctx.clock.now());
      const direct = directMessageLines(ctx, interaction.guildId, summaries.map((item) => item.schedule));
      const items = summaries.map((item) => ({ ...item, problem: postingProblem(ctx, item.schedule), directMessages: direct.get(item.schedule.id) }));
      await replyPrivately(interaction, renderList(items, interaction.guild.memberCount ?? null, ctx.clock.now()));
    },

    async pause(interaction, { db }) {
      assertLeader(db, interaction, 'pause check-ins');
      const { schedule, calledOff } = pauseSchedule(db, interaction.guildId, scheduleId(interaction));
      const onItsWay = calledOff ? ' The run already on its way to members east of its zone is called off: nobody else gets it, and it does not count.' : '';
      await replyPrivately(interaction, `Check-in #${schedule.id} **${schedule.name}** is paused. Nothing is posted until a leader runs \`/checkin resume\`.${onItsWay}`);
    },

    async resume(interaction, ctx) {
      assertLeader(ctx.db, interaction, 'resume check-ins');
      const { schedule, upcoming } = resumeSchedule(ctx.db, interaction.guildId, scheduleId(interaction), ctx.clock.now());
      ctx.scheduler.wake();
      await replyPrivately(interaction, `Check-in #${schedule.id} **${schedule.name}** is running again (runs that fell while it was paused are not made up). Next runs:\n${renderUpcoming(upcoming)}`);
    },

    async delete(interaction, ctx) {
      assertLeader(ctx.db, interaction, 'delete check-ins');
      const schedule = removeSchedule(ctx.db, interaction.guildId, scheduleId(interaction));
      ctx.scheduler.wake();
      await replyPrivately(interaction, `Check-in #${schedule.id} **${schedule.name}** is deleted, with all its runs and answers. Its old posts no longer take answers.`);
    },

    async run(interaction, ctx) {
      assertLeader(ctx.db, interaction, 'post check-ins');
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const claim = startManualRun(ctx.db, interaction.guildId, scheduleId(interaction), ctx.clock.now());
      if (claim.schedule.delivery === 'direct-message') {
        const queued = sendDirectRun(ctx, claim);
        await interaction.editReply(`Check-in #${claim.schedule.id} **${claim.schedule.name}** is on its way by direct message to ${queued === 1 ? '1 subscriber' : `${queued} subscribers`}.`);
        return;
      }
      const outcome = await postRun(ctx, claim);
      const { schedule } = claim;
      if (!outcome.ok) throw new UserError(`Check-in #${schedule.id} could not be posted: ${outcome.reason}`);
      await interaction.editReply(`Check-in #${schedule.id} **${schedule.name}** is posted: ${messageLink(schedule.guildId, schedule.channelId, outcome.messageId)}. Earlier posts of it no longer take answers.`);
    },

    async skip(interaction, { db, clock }) {
      assertLeader(db, interaction, 'skip check-ins');
      const { schedule, date, skippedRun } = skipRunOn(db, interaction.guildId, scheduleId(interaction), interaction.options.getString('date', true), interaction.user.id, clock.now());
      await replyPrivately(interaction, renderSkipped(schedule, date, skippedRun));
    },

    async report(interaction, { db, clock }) {
      assertLeader(db, interaction, 'read check-in reports');
      const weeks = interaction.options.getInteger('weeks');
      reportRequest(db, interaction.guildId, scheduleId(interaction), weeks); // a wrong id is refused before "thinking…"
      await interaction.deferReply({ flags: MessageFlags.Ephemeral }); // months of answers and a chart take a moment
      const report = checkinReport(db, interaction.guildId, scheduleId(interaction), weeks, clock.now());
      await replyPrivately(interaction, renderReport(report));
    },

    async subscribe(interaction, ctx) {
      await replyPrivately(interaction, subscribeMember(ctx, interaction, interaction.options.getInteger('check-in', true)));
    },

    async unsubscribe(interaction, { db }) {
      const id = interaction.options.getInteger('check-in', true);
      const { schedule, removed } = unsubscribe(db, memberOf(interaction), id);
      await replyPrivately(interaction, renderUnsubscribed(schedule, removed));
    },

    async streak(interaction, { db }) {
      const target = interaction.options.getUser('member') ?? interaction.user;
      const self = target.id === interaction.user.id;
      await replyPrivately(interaction, renderStreaks(target.id, self, streaksOf(db, interaction.guildId, target.id, { self, sees: readerView(db, interaction) })));
    },
  },

  async autocomplete(interaction, { db }) {
    const focused = interaction.options.getFocused(true);
    if (focused.name === 'check-in') return interaction.respond(directCheckinSuggestions(db, interaction.guildId, String(focused.value), readerView(db, interaction)));
    if (focused.name === 'timezone') return interaction.respond(searchTimeZones(String(focused.value)).map((zone) => ({ name: zone, value: zone })));
    // Only leaders use the id options; check-in names are not for everyone's eyes.
    if (focused.name === 'id') return interaction.respond(isLeader(db, interaction) ? scheduleSuggestions(db, interaction.guildId, String(focused.value)) : []);
    await interaction.respond([]);
  },

  components: [
    onButton(checkinIds.mood, async (interaction, { runId, mood }, { db, clock }) => {
      const outcome = await answeringGrouped(() => recordMoodGrouped(db, memberOf(interaction), runId, mood, clock.now()));
      await interaction.reply({ content: renderAnswerReceipt(outcome, 'mood'), flags: MessageFlags.Ephemeral });
    }),

    onButton(checkinIds.note, async (interaction, { runId }, { db }) => {
      await interaction.showModal(renderNoteModal(runId, answering(() => noteFor(db, memberOf(interaction), runId))));
    }),

    onModal(checkinIds.saveNote, async (interaction, { runId }, { db, clock }) => {
      const outcome = answering(() => recordNote(db, memberOf(interaction), runId, interaction.fields.getTextInputValue('note'), clock.now()));
      await interaction.reply({ content: renderAnswerReceipt(outcome, 'note'), flags: MessageFlags.Ephemeral });
    }),

    // Direct-message check-ins: Subscribe on the announcement, then the controls on each run's direct message.
    onButton(checkinDirectIds.subscribe, async (interaction, { scheduleId: id }, ctx) => {
      await replyPrivately(interaction, subscribeMember(ctx, interaction, id));
    }),

    onDirectButton(checkinDirectIds.mood, async (interaction, { runId, mood }, ctx) => {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral }); // Discord is asked who the member is now
      const member = await directAnswerer(ctx, interaction, runId);
      const outcome = await answeringGrouped(() => recordMoodGrouped(ctx.db, member, runId, mood, ctx.clock.now()));
      await replyPrivately(interaction, renderAnswerReceipt(outcome, 'mood'));
    }),

    // A modal must open within 3 s, so the membership check waits for the note itself.
    onDirectButton(checkinDirectIds.note, async (interaction, { runId }, { db, clock }) => {
      const schedule = directRunOf(db, runId, interaction.user.id, interaction.guildId, clock.now());
      const own = { guildId: schedule.guildId, memberId: interaction.user.id, sees: { everything: false, canView: (id: string | null) => id === schedule.channelId }, viaDirectMessage: true };
      await interaction.showModal(renderNoteModalForDirectMessage(runId, answering(() => noteFor(db, own, runId))));
    }),

    onDirectModal(checkinDirectIds.saveNote, async (interaction, { runId }, ctx) => {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const member = await directAnswerer(ctx, interaction, runId);
      const outcome = answering(() => recordNote(ctx.db, member, runId, interaction.fields.getTextInputValue('note'), ctx.clock.now()));
      await replyPrivately(interaction, renderAnswerReceipt(outcome, 'note'));
    }),

    onDirectButton(checkinDirectIds.stop, async (interaction, { scheduleId: id }, { db }) => {
      await replyPrivately(interaction, renderStopped(stopFromDirectMessage(db, id, interaction.user.id, interaction.guildId)));
    }),
  ],
} satisfies SlashCommand;
