import {
  AttachmentBuilder,
  ChannelType,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
  type GuildTextBasedChannel,
  type MessageComponentInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import { onButton, onDirectButton, onModal, onSelect, type SlashCommand } from '../src/bot/command';
import { UserError } from '../src/user-error';
import { assertLeader, isLeader } from '../src/bot/leaders';
import { assertCanPost, assertMemberCanPost, missingPermissions } from '../src/bot/permissions';
import { replyPrivately, updateSourceMessage } from '../src/bot/replies';
import { memberView } from '../src/bot/visibility';
import { toCsv } from '../src/csv';
import { surveyIds, surveyReminderIds } from '../src/surveys/custom-ids';
import { cancelSurveyReminders, requestLaterReminder } from '../src/surveys/reminders';
import { renderLaterSet, renderSurveyRemindersStopped } from '../src/surveys/reminder-view';
import { PULSE_EVERY, resultsTarget, schedulePulse, unschedulePulse, WEEKDAYS } from '../src/surveys/pulses';
import { surveyTrend } from '../src/surveys/trend';
import { renderPulseScheduled, renderTrend } from '../src/surveys/trend-view';
import { getSettings } from '../src/settings';
import { postSurveyCard, refreshSurveyCard } from '../src/surveys/messages';
import { answerQuestionGrouped, answerTexts, goToStep, leaveStep, previewFlow, startOrResume, submitResponse, type Respondent } from '../src/surveys/answering';
import { SURVEY_QUESTION_KINDS, SURVEY_TEMPLATES, addQuestion, createSurvey, moveQuestion, removeQuestion } from '../src/surveys/drafts';
import { SURVEY_LIMITS } from '../src/surveys/limits';
import { surveySuggestions, surveysForList } from '../src/surveys/list';
import { attachSurveyMessage, closedCardKey, closeSurvey, publishSurvey, unpublishSurvey } from '../src/surveys/publishing';
import { exportSurvey, minResponses, setMinResponses, surveyResults, textAnswerPage } from '../src/surveys/results';
import { modalFieldNumber, renderDraft, renderResults, renderStep, renderSurveyList, renderTextModal, renderTextPage } from '../src/surveys/view';
import { messageLink, oneOrMany } from '../src/format';
import { followUpMessage, FOLLOW_UP_LIMITS } from '../src/follow-ups';
import { followUpLinkKey, saveSurveyFollowUp, surveyFollowUp, surveyForFollowUp } from '../src/surveys/follow-ups';

const surveyOption = (interaction: ChatInputCommandInteraction<'cached'>) => interaction.options.getInteger('survey', true);
const respondent = (interaction: MessageComponentInteraction<'cached'> | ModalSubmitInteraction<'cached'>): Respondent => ({
  guildId: interaction.guildId,
  memberId: interaction.user.id,
  sees: memberView(interaction),
});

// Which surveys autocomplete offers for each subcommand.
const SUGGEST = {
  'add-question': 'draft',
  'remove-question': 'draft',
  'move-question': 'draft',
  publish: 'draft',
  close: 'open',
  results: 'published',
  export: 'published',
  'follow-up': 'published',
  preview: 'any',
  schedule: 'any',
  unschedule: 'any',
  trend: 'any',
} as const;

const surveyArg = (o: import('discord.js').SlashCommandIntegerOption) => o.setName('survey').setDescription('The survey').setRequired(true).setAutocomplete(true);

/** /survey: multi-question surveys that members answer privately, with summaries leaders can trust. Leaders only. */
export const survey = {
  kind: 'slash',
  leadersOnly: true,
  data: new SlashCommandBuilder()
    .setName('survey')
    .setDescription('Ask the community several questions at once (leaders)')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) =>
      s
        .setName('create')
        .setDescription('Start a draft survey')
        .addStringOption((o) => o.setName('title').setDescription('A short title members will recognise').setRequired(true).setMaxLength(SURVEY_LIMITS.titleLength))
        .addStringOption((o) => o.setName('description').setDescription('What the survey is for (shown on its card)').setMaxLength(SURVEY_LIMITS.descriptionLength))
        .addBooleanOption((o) => o.setName('anonymous').setDescription('No one, leaders included, can ever see who answered what'))
        .addStringOption((o) =>
          o.setName('template').setDescription('Start from ready-made questions').addChoices(...SURVEY_TEMPLATES.map((t) => ({ name: t, value: t }))),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName('add-question')
        .setDescription('Add a question to a draft survey')
        .addIntegerOption(surveyArg)
        .addStringOption((o) => o.setName('kind').setDescription('How members answer').setRequired(true).addChoices(...SURVEY_QUESTION_KINDS.map((k) => ({ name: k, value: k }))))
        .addStringOption((o) => o.setName('prompt').setDescription('The question').setRequired(true).setMaxLength(SURVEY_LIMITS.promptLength))
        .addStringOption((o) => o.setName('choices').setDescription('For choice questions: 2 to 25 answers separated by |').setMaxLength(2500))
        .addBooleanOption((o) => o.setName('required').setDescription('Members must answer it (default: no)')),
    )
    .addSubcommand((s) =>
      s
        .setName('remove-question')
        .setDescription('Remove a question from a draft survey')
        .addIntegerOption(surveyArg)
        .addIntegerOption((o) => o.setName('number').setDescription('The question\'s number').setRequired(true).setMinValue(1).setMaxValue(SURVEY_LIMITS.maxQuestions)),
    )
    .addSubcommand((s) =>
      s
        .setName('move-question')
        .setDescription('Move a question of a draft survey to another place')
        .addIntegerOption(surveyArg)
        .addIntegerOption((o) => o.setName('from').setDescription('The question\'s number now').setRequired(true).setMinValue(1).setMaxValue(SURVEY_LIMITS.maxQuestions))
        .addIntegerOption((o) => o.setName('to').setDescription('Its new number').setRequired(true).setMinValue(1).setMaxValue(SURVEY_LIMITS.maxQuestions)),
    )
    .addSubcommand((s) => s.setName('preview').setDescription('Walk through a survey privately, as members will (nothing is saved)').addIntegerOption(surveyArg))
    .addSubcommand((s) =>
      s
        .setName('publish')
        .setDescription('Post a draft survey so members can answer it')
        .addIntegerOption(surveyArg)
        .addChannelOption((o) => o.setName('channel').setDescription('Where to post it (default: here)').addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement))
        .addStringOption((o) => o.setName('closes-in').setDescription('Close automatically after e.g. 12h, 3d, 2w (1 hour to 60 days)').setMaxLength(20))
        .addBooleanOption((o) => o.setName('remind').setDescription('Remind members who started but did not submit, once, by direct message (not for anonymous surveys)')),
    )
    .addSubcommand((s) => s.setName('close').setDescription('Close a survey now').addIntegerOption(surveyArg))
    .addSubcommand((s) => s.setName('list').setDescription('List this server\'s surveys'))
    .addSubcommand((s) =>
      s
        .setName('results')
        .setDescription('See a survey\'s summary, privately')
        .addIntegerOption(surveyArg)
        .addIntegerOption((o) => o.setName('round').setDescription('Pulse surveys: which round (default: the latest closed one)').setMinValue(1)),
    )
    .addSubcommand((s) =>
      s
        .setName('schedule')
        .setDescription('Ask a survey\'s questions again every week, two weeks or month (a pulse survey)')
        .addIntegerOption(surveyArg)
        .addStringOption((o) => o.setName('every').setDescription('How often').setRequired(true).addChoices(...PULSE_EVERY.map((e) => ({ name: e, value: e }))))
        .addStringOption((o) => o.setName('day').setDescription('Which day (default: mon)').addChoices(...WEEKDAYS.map((d) => ({ name: d, value: d }))))
        .addStringOption((o) => o.setName('time').setDescription('HH:MM in the server\'s time zone (default 09:00)').setMaxLength(5))
        .addStringOption((o) => o.setName('open-for').setDescription('How long each round stays open, e.g. 3d (default), 12h').setMaxLength(20))
        .addChannelOption((o) => o.setName('channel').setDescription('Where each round\'s card goes (default: here)').addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement)),
    )
    .addSubcommand((s) => s.setName('unschedule').setDescription('Stop a pulse survey\'s rounds (open rounds stay open)').addIntegerOption(surveyArg))
    .addSubcommand((s) => s.setName('trend').setDescription('A pulse survey\'s questions round by round, with a chart').addIntegerOption(surveyArg))
    .addSubcommand((s) => s.setName('export').setDescription('Download a survey\'s responses as CSV').addIntegerOption(surveyArg))
    .addSubcommand((s) =>
      s
        .setName('follow-up')
        .setDescription('Tell everyone what will happen after a closed survey: "you said, we did"')
        .addIntegerOption(surveyArg)
        .addStringOption((o) => o.setName('message').setDescription('What will happen, 1 to 1,000 characters').setRequired(true).setMaxLength(FOLLOW_UP_LIMITS.messageLength)),
    )
    .addSubcommand((s) =>
      s
        .setName('min-responses')
        .setDescription('How many members must answer an anonymous survey before anything shows (at least 3)')
        .addIntegerOption((o) => o.setName('count').setDescription(`${SURVEY_LIMITS.minAnonymousResponses} to ${SURVEY_LIMITS.maxAnonymousResponses}`).setMinValue(SURVEY_LIMITS.minAnonymousResponses).setMaxValue(SURVEY_LIMITS.maxAnonymousResponses)),
    ),

  subcommands: {
    async create(interaction, { db, clock }) {
      const { survey: created, questions } = createSurvey(
        db,
        { guildId: interaction.guildId, creatorId: interaction.user.id },
        {
          title: interaction.options.getString('title', true),
          description: interaction.options.getString('description'),
          anonymous: interaction.options.getBoolean('anonymous') ?? false,
          template: interaction.options.getString('template'),
        },
        clock.now(),
      );
      const next = questions.length
        ? `Draft survey #${created.id} is ready with the ${interaction.options.getString('template')} questions. Change them with \`/survey add-question\`, \`remove-question\` and \`move-question\`, try it with \`/survey preview\`, then \`/survey publish\`.`
        : `Draft survey #${created.id} is ready. Add questions with \`/survey add-question\`, try it with \`/survey preview\`, then \`/survey publish\`.`;
      await replyPrivately(interaction, renderDraft(created, questions, next));
    },

    async 'add-question'(interaction, { db }) {
      const { survey: draft, questions } = addQuestion(db, interaction.guildId, surveyOption(interaction), {
        kind: interaction.options.getString('kind', true),
        prompt: interaction.options.getString('prompt', true),
        choices: interaction.options.getString('choices'),
        required: interaction.options.getBoolean('required') ?? false,
      });
      await replyPrivately(interaction, renderDraft(draft, questions, `Added question ${questions.length}.`));
    },

    async 'remove-question'(interaction, { db }) {
      const { survey: draft, removed, questions } = removeQuestion(db, interaction.guildId, surveyOption(interaction), interaction.options.getInteger('number', true));
      await replyPrivately(interaction, renderDraft(draft, questions, `Removed "${removed.prompt}".`));
    },

    async 'move-question'(interaction, { db }) {
      const from = interaction.options.getInteger('from', true);
      const to = interaction.options.getInteger('to', true);
      const { survey: draft, questions } = moveQuestion(db, interaction.guildId, surveyOption(interaction), from, to);
      await replyPrivately(interaction, renderDraft(draft, questions, `Moved question ${from} to place ${to}.`));
    },

    async preview(interaction, { db }) {
      await replyPrivately(interaction, renderStep(previewFlow(db, interaction.guildId, surveyOption(interaction), 0), 'preview'));
    },

    async publish(interaction, ctx) {
      const { db, clock } = ctx;
      const chosen = interaction.options.getChannel('channel');
      const channel = (chosen ? interaction.guild.channels.cache.get(chosen.id) : interaction.channel) as GuildTextBasedChannel | null;
      if (!channel) throw new UserError('Hearth cannot find that channel. Pick a text channel from the list.');
      assertCanPost(channel);
      assertMemberCanPost(channel, interaction.member);
      const published = publishSurvey(db, interaction.guildId, surveyOption(interaction), channel.id, interaction.options.getString('closes-in'), clock.now(), interaction.options.getBoolean('remind') ?? false);
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      let messageId: string;
      try {
        messageId = (await postSurveyCard(ctx, channel, published)).id;
      } catch (error) {
        unpublishSurvey(db, interaction.guildId, published.id); // nobody saw it: it is still a draft
        throw error;
      }
      attachSurveyMessage(db, interaction.guildId, published.id, messageId);
      if (published.closesAt !== null) ctx.scheduler.wake();
      await interaction.editReply(`Survey #${published.id} is up in <#${channel.id}>: ${messageLink(interaction.guildId, channel.id, messageId)}`);
    },

    async close(interaction, ctx) {
      // Deferred first: closing an anonymous survey also empties the database's log, which can wait on a lock.
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const closed = closeSurvey(ctx.db, interaction.guildId, surveyOption(interaction), ctx.clock.now());
      // The survey is closed whatever happens to its card; a failed edit is retried by the outbox.
      const card = await ctx.outbox.deliverNow(closedCardKey(closed.id));
      const cardNote =
        card.outcome === 'delivered'
          ? ''
          : card.outcome === 'dropped'
            ? ` Its card cannot be marked closed: ${card.reason}`
            : ' Its card could not be updated just now; Hearth will retry marking it closed.';
      await interaction.editReply(`Survey #${closed.id} is closed: ${closed.responses} members answered.${cardNote} See the summary with \`/survey results\`.`);
    },

    async list(interaction, { db, clock }) {
      await replyPrivately(interaction, renderSurveyList(surveysForList(db, interaction.guildId), clock.now()));
    },

    async results(interaction, { db, clock }) {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral }); // counting answers and drawing charts take a moment
      const results = surveyResults(db, interaction.guildId, resultsTarget(db, interaction.guildId, surveyOption(interaction), interaction.options.getInteger('round')));
      const canAttach = interaction.channel ? missingPermissions(interaction.channel as GuildTextBasedChannel, [PermissionFlagsBits.AttachFiles]).length === 0 : false;
      await replyPrivately(interaction, renderResults(results, clock.now(), { charts: canAttach }));
    },

    async schedule(interaction, ctx) {
      const chosen = interaction.options.getChannel('channel');
      const channel = (chosen ? interaction.guild.channels.cache.get(chosen.id) : interaction.channel) as GuildTextBasedChannel | null;
      if (!channel) throw new UserError('Hearth cannot find that channel. Pick a text channel from the list.');
      assertCanPost(channel);
      assertMemberCanPost(channel, interaction.member); // Hearth must not post rounds where the leader may not
      const request = {
        every: interaction.options.getString('every', true),
        day: interaction.options.getString('day'),
        time: interaction.options.getString('time'),
        openFor: interaction.options.getString('open-for'),
        channelId: channel.id,
        timezone: getSettings(ctx.db, interaction.guildId).timezone,
      };
      const { pulse, survey: s } = schedulePulse(ctx.db, interaction.guildId, surveyOption(interaction), request, interaction.user.id, ctx.clock.now());
      ctx.scheduler.wake();
      await replyPrivately(interaction, renderPulseScheduled(pulse, s));
    },

    async unschedule(interaction, { db }) {
      const { survey: s } = unschedulePulse(db, interaction.guildId, surveyOption(interaction));
      await replyPrivately(interaction, `Survey #${s.id} **${s.title}** is no longer asked again. Rounds still open stay open until their close; \`/survey trend\` keeps showing the rounds held.`);
    },

    async trend(interaction, { db }) {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral }); // every round's results and a chart take a moment
      const trend = surveyTrend(db, interaction.guildId, surveyOption(interaction));
      const canAttach = interaction.channel ? missingPermissions(interaction.channel as GuildTextBasedChannel, [PermissionFlagsBits.AttachFiles]).length === 0 : false;
      await replyPrivately(interaction, renderTrend(trend, { chart: canAttach }));
    },

    async export(interaction, { db }) {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral }); // reading every response and uploading take a moment
      const { filename, rows } = exportSurvey(db, interaction.guildId, surveyOption(interaction));
      await replyPrivately(interaction, {
        content: `Here is ${filename} (${rows.length - 1} responses).`,
        files: [new AttachmentBuilder(Buffer.from(toCsv(rows), 'utf8'), { name: filename })],
      });
    },

    async 'follow-up'(interaction, ctx) {
      const { db, clock } = ctx;
      const message = followUpMessage(interaction.options.getString('message', true));
      const checked = surveyForFollowUp(db, interaction.guildId, surveyOption(interaction));
      const channel = checked.channelId ? interaction.guild.channels.cache.get(checked.channelId) : undefined;
      if (!channel) throw new UserError(`The channel of survey #${checked.id} no longer exists, so its follow-up has nowhere to go.`);
      assertCanPost(channel);
      assertMemberCanPost(channel, interaction.member);

      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const { survey: s, revision, key } = saveSurveyFollowUp(db, interaction.guildId, checked.id, message, clock.now());
      const shown = await ctx.outbox.deliverNow(key);
      if (revision === 1 && shown.outcome === 'delivered') await ctx.outbox.deliverNow(followUpLinkKey(s.id)); // the card links to it
      const postedId = surveyFollowUp(db, s.guildId, s.id)?.messageId;
      const url = postedId ? messageLink(s.guildId, channel.id, postedId) : null;
      await interaction.editReply(
        shown.outcome === 'delivered'
          ? revision === 1
            ? `Your follow-up to survey #${s.id} is posted in <#${channel.id}>, and the survey's card links to it: ${url}`
            : `Your follow-up to survey #${s.id} is updated: ${url}`
          : shown.outcome === 'dropped'
            ? `Your follow-up to survey #${s.id} is saved, but Hearth cannot post it: ${shown.reason.replace(/\.?$/, '.')} Fix that and run the command again.`
            : `Your follow-up to survey #${s.id} is saved; Hearth could not reach Discord just now and will post it within a minute.`,
      );
    },

    async 'min-responses'(interaction, { db }) {
      const count = interaction.options.getInteger('count');
      if (count === null) {
        await replyPrivately(interaction, `Anonymous surveys here show results once at least **${minResponses(db, interaction.guildId)}** members have answered.`);
        return;
      }
      const set = setMinResponses(db, interaction.guildId, count);
      await replyPrivately(interaction, `Anonymous surveys here now show results once at least **${set}** members have answered.`);
    },
  },

  async autocomplete(interaction, { db }) {
    const focused = interaction.options.getFocused(true);
    // Survey titles are for leaders; members get nothing to pick from.
    if (focused.name !== 'survey' || !isLeader(db, interaction)) return interaction.respond([]);
    const which = SUGGEST[interaction.options.getSubcommand() as keyof typeof SUGGEST] ?? 'any';
    await interaction.respond(surveySuggestions(db, interaction.guildId, String(focused.value), which));
  },

  components: [
    onButton(surveyReminderIds.later, async (interaction, { surveyId }, ctx) => {
      const { survey: s, at, state } = requestLaterReminder(ctx.db, respondent(interaction), surveyId, ctx.clock.now());
      if (state === 'queued') ctx.scheduler.wake();
      await replyPrivately(interaction, renderLaterSet(s, at, state, ctx.clock.now()));
    }),

    // On the confirmation and on the direct message itself: it only ever stops the clicker's own reminders.
    onDirectButton(surveyReminderIds.stop, async (interaction, { surveyId }, ctx) => {
      await replyPrivately(interaction, renderSurveyRemindersStopped(surveyId, cancelSurveyReminders(ctx.db, surveyId, interaction.user.id, ctx.clock.now())));
    }),

    // Members answering: every step is one short transaction, then the private message changes in place.
    onButton(surveyIds.take, async (interaction, { surveyId }, { db, clock }) => {
      const flow = startOrResume(db, respondent(interaction), surveyId, clock.now());
      const resumed = flow.step > 0 && !flow.submitted ? 'Welcome back: you are where you stopped.' : undefined;
      await interaction.reply({ ...renderStep(flow, 'answer', resumed), flags: MessageFlags.Ephemeral });
    }),

    onButton(surveyIds.go, async (interaction, { surveyId, step }, { db, clock }) => {
      await interaction.update(renderStep(goToStep(db, respondent(interaction), surveyId, step, clock.now()), 'answer'));
    }),

    onButton(surveyIds.next, async (interaction, { surveyId, step }, { db, clock }) => {
      await interaction.update(renderStep(leaveStep(db, respondent(interaction), surveyId, step, clock.now()), 'answer'));
    }),

    // The next step is shown once the answer is stored (committed with the other answers of this turn).
    onButton(surveyIds.pick, async (interaction, { surveyId, step, value }, { db, clock }) => {
      await interaction.update(renderStep(await answerQuestionGrouped(db, respondent(interaction), surveyId, step, [value], clock.now()), 'answer'));
    }),

    onSelect(surveyIds.choose, async (interaction, { surveyId, step }, { db, clock }) => {
      const picked = interaction.values.map(Number);
      await interaction.update(renderStep(await answerQuestionGrouped(db, respondent(interaction), surveyId, step, picked, clock.now()), 'answer'));
    }),

    onButton(surveyIds.form, async (interaction, { surveyId, step }, { db, clock }) => {
      const flow = goToStep(db, respondent(interaction), surveyId, step, clock.now());
      if (flow.step !== step || !flow.steps[step]?.text) throw new UserError('That form does not belong to this survey any more. Press "Take survey" again.');
      await interaction.showModal(renderTextModal(flow, 'answer'));
    }),

    onModal(surveyIds.modal, async (interaction, { surveyId, step }, { db, clock }) => {
      const typed = new Map<number, string>();
      for (const id of interaction.fields.fields.keys()) {
        const number = modalFieldNumber(id);
        if (number !== null) typed.set(number, interaction.fields.getTextInputValue(id));
      }
      const flow = answerTexts(db, respondent(interaction), surveyId, step, typed, clock.now());
      // Refused answers keep the member on the page, with everything else they wrote saved.
      const note = flow.problems.length
        ? `⚠️ Your other answers on this page are saved, but:\n- ${flow.problems.join('\n- ')}\nOpen the form again to fix ${oneOrMany(flow.problems.length, 'it', 'them')}: what you wrote is filled in.`
        : 'Saved.';
      await updateSourceMessage(interaction, renderStep(flow, 'answer', note));
    }),

    onButton(surveyIds.submit, async (interaction, { surveyId }, ctx) => {
      const flow = submitResponse(ctx.db, respondent(interaction), surveyId, ctx.clock.now());
      const note = flow.first
        ? '✅ Thank you! Your answers are in. You can change them until the survey closes; each change is saved as you make it.'
        : '✅ All your answers are saved, changes included. Nothing more to do.';
      await interaction.update(renderStep(flow, 'answer', note));
      if (flow.first) refreshSurveyCard(ctx, flow.survey);
    }),

    // A leader's preview: the same screens, nothing saved.
    onButton(surveyIds.previewGo, async (interaction, { surveyId, step }, { db }) => {
      assertLeader(db, interaction, 'preview surveys');
      await interaction.update(renderStep(previewFlow(db, interaction.guildId, surveyId, step), 'preview'));
    }),

    onButton(surveyIds.previewForm, async (interaction, { surveyId, step }, { db }) => {
      assertLeader(db, interaction, 'preview surveys');
      const flow = previewFlow(db, interaction.guildId, surveyId, step);
      if (!flow.steps[flow.step]?.text) throw new UserError('The survey changed since this preview began. Run `/survey preview` again.');
      await interaction.showModal(renderTextModal(flow, 'preview'));
    }),

    onModal(surveyIds.previewModal, async (interaction, { surveyId, step }, { db }) => {
      assertLeader(db, interaction, 'preview surveys');
      await updateSourceMessage(interaction, renderStep(previewFlow(db, interaction.guildId, surveyId, step + 1), 'preview', 'Preview: that was not saved.'));
    }),

    // Leaders reading every written answer, a page at a time.
    onButton(surveyIds.textPage, async (interaction, { surveyId, position, page }, { db }) => {
      assertLeader(db, interaction, 'read survey answers');
      await interaction.reply({ ...renderTextPage(textAnswerPage(db, interaction.guildId, surveyId, position, page)), flags: MessageFlags.Ephemeral });
    }),

    onButton(surveyIds.textTurn, async (interaction, { surveyId, position, page }, { db }) => {
      assertLeader(db, interaction, 'read survey answers');
      await interaction.update(renderTextPage(textAnswerPage(db, interaction.guildId, surveyId, position, page)));
    }),
  ],
} satisfies SlashCommand;
