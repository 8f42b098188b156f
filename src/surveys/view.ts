import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  LabelBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  type APIStringSelectComponent,
  type JSONEncodable,
} from 'discord.js';
import { asSent, buttonRows } from '../bot/components';
import { CLOSED_COLOUR, HEARTH_COLOUR } from '../bot/style';
import { renderBarChart } from '../charts/bar-chart';
import { DISCORD_LIMITS, fitEntries, fitFields, oneLine, percent, plural, progressBar, quote, roomLeft, timestamp as ts, truncate } from '../format';
import { surveyIds, surveyReminderIds } from './custom-ids';
import type { Answer, Flow, Step } from './answering';
import type { Survey, SurveyQuestion } from './drafts';
import { SURVEY_LIMITS, isTextKind } from './limits';
import { isOpen } from './publishing';
import { TEXT_PAGE_SIZE, formatAnswer, type QuestionSummary, type SurveyResults, type textAnswerPage } from './results';

const bar = (count: number, of: number) => progressBar(count, of, 10);

/** Said wherever a member starts a `remind: on` survey: starting it is what sets the reminder. */
export const REMINDS_UNFINISHED = 'Hearth will remind you by direct message if you do not finish; `/preferences direct-messages off` to stop.';
const remindsUnfinished = (survey: Survey) => survey.remindUnfinished && !survey.anonymous;

export const ANONYMOUS_NOTE = 'This survey is anonymous: no one, leaders included, can see who answered what.';
const KIND_NAMES: Record<SurveyQuestion['kind'], string> = {
  'short-text': 'short answer',
  'long-text': 'long answer',
  'scale-5': 'scale 1-5',
  'scale-10': 'scale 0-10',
  'single-choice': 'one choice',
  'multi-choice': 'several choices',
  'yes-no': 'yes or no',
};

// ------------------------------------------------------------------ drafts and lists

/** A draft as its leader sees it after each change: every question with its number. */
export function renderDraft(survey: Survey, questions: SurveyQuestion[], headline: string): { embeds: EmbedBuilder[] } {
  const lines = questions.map(
    (q, i) => `**${i + 1}.** ${q.prompt} · *${KIND_NAMES[q.kind]}${q.required ? ', required' : ''}*${q.choices ? `\n   ${truncate(q.choices.join(' · '), 300)}` : ''}`,
  );
  const embed = new EmbedBuilder()
    .setColor(HEARTH_COLOUR)
    .setAuthor({ name: `Survey #${survey.id} · ${survey.status}` })
    .setTitle(truncate(survey.title, DISCORD_LIMITS.embedTitle))
    .setDescription(truncate([headline, '', ...(lines.length ? lines : ['No questions yet: add some with `/survey add-question`.'])].join('\n'), DISCORD_LIMITS.embedDescription))
    .setFooter({
      text: `${plural(questions.length, 'question')} of at most ${SURVEY_LIMITS.maxQuestions}${survey.anonymous ? ' · anonymous' : ''}${survey.status === 'draft' ? ' · publish with /survey publish' : ''}`,
    });
  return { embeds: [embed] };
}

export function renderSurveyList(list: { surveys: Survey[]; total: number }, now: number): { embeds: EmbedBuilder[] } | string {
  if (list.total === 0) return 'This server has no surveys yet. Create one with `/survey create`.';
  const lines = list.surveys.map((s) => {
    const state = s.status === 'draft' ? 'draft' : isOpen(s, now) ? (s.closesAt ? `open, closes ${ts(s.closesAt)}` : 'open') : `closed ${ts(s.closedAt ?? s.closesAt ?? now)}`;
    return `\`#${s.id}\` ${truncate(s.title, 80)}${s.anonymous ? ' 🔒' : ''}\n${state} · ${plural(s.responses, 'response')}`;
  });
  const description = fitEntries(lines, DISCORD_LIMITS.embedDescription, { total: list.total, more: (more) => `…and ${more} older.` });
  return { embeds: [new EmbedBuilder().setColor(HEARTH_COLOUR).setTitle(`Surveys: ${list.total}`).setDescription(description)] };
}

// ------------------------------------------------------------------ the public card

/** The card in the channel: what the survey is, how many answered, when it closes, and whether it is anonymous. */
export function renderSurveyCard(survey: Survey, questionCount: number, now: number, minResponses: number, followUpUrl: string | null = null): { embeds: EmbedBuilder[]; components: ActionRowBuilder<ButtonBuilder>[] } {
  const open = isOpen(survey, now);
  const rules = [`${plural(questionCount, 'question')}; your answers are saved as you go, and you can change them until the survey closes.`];
  rules.push(survey.anonymous ? `🔒 **Anonymous**: ${ANONYMOUS_NOTE.replace('This survey is anonymous: n', 'N')}` : 'Leaders can see who answered what.');
  if (survey.anonymous) rules.push(`Results show only after the survey closes, and only if at least ${minResponses} members answered.`);
  if (open && remindsUnfinished(survey)) rules.push(`📬 ${REMINDS_UNFINISHED}`);
  if (open && survey.closesAt) rules.push(`⏰ Closes ${ts(survey.closesAt)} (${ts(survey.closesAt, 'f')}).`);
  if (!open) rules.push(`Closed ${ts(survey.closedAt ?? survey.closesAt ?? now)}.`);
  const embed = new EmbedBuilder()
    .setColor(open ? HEARTH_COLOUR : CLOSED_COLOUR)
    .setAuthor({ name: open ? `Survey #${survey.id}` : `Survey #${survey.id} · closed` })
    .setTitle(truncate(survey.title, DISCORD_LIMITS.embedTitle))
    .addFields({ name: 'How it works', value: rules.join('\n') })
    .setFooter({ text: `${plural(survey.responses, 'member')} answered${open ? ' so far' : ''}` });
  if (survey.description) embed.setDescription(survey.description);
  if (!open && followUpUrl) embed.addFields({ name: '📣 You said, we did', value: `[Read the leaders' follow-up](${followUpUrl})` });
  const button = new ButtonBuilder()
    .setCustomId(surveyIds.take.build({ surveyId: survey.id }))
    .setLabel('Take survey')
    .setStyle(ButtonStyle.Primary)
    .setDisabled(!open);
  const later = new ButtonBuilder().setCustomId(surveyReminderIds.later.build({ surveyId: survey.id })).setLabel('Remind me later').setStyle(ButtonStyle.Secondary);
  return { embeds: [embed], components: [new ActionRowBuilder<ButtonBuilder>().addComponents(open ? [button, later] : [button])] };
}

// ------------------------------------------------------------------ answering (and previewing)

/** What a step screen shows: the member's flow as the service reads it. */
export type StepView = Flow;

type Mode = 'answer' | 'preview';

function answerText(question: SurveyQuestion, answer: Answer | undefined): string | null {
  const formatted = formatAnswer(question, answer);
  return formatted === null ? null : String(formatted);
}

function stepHeading(view: StepView, step: Step): string {
  const first = view.questions.indexOf(step.questions[0]!) + 1;
  const last = first + step.questions.length - 1;
  return first === last ? `Question ${first} of ${view.questions.length}` : `Questions ${first}–${last} of ${view.questions.length}`;
}

// The step screen is drawn on every answer click, so its buttons and menu are plain data, like its
// embed: the builders' checks of every value cost more than drawing the step, and every custom id
// and label here is Hearth's own and fits Discord's limits.
type StepRow = APIActionRowComponent<APIButtonComponentWithCustomId | APIStringSelectComponent>;

const button = (customId: string, label: string, style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success, disabled?: boolean): APIButtonComponentWithCustomId =>
  disabled === undefined ? { type: ComponentType.Button, custom_id: customId, label, style } : { type: ComponentType.Button, custom_id: customId, label, style, disabled };

function navRow(view: StepView, mode: Mode, extra: APIButtonComponentWithCustomId[] = []): StepRow {
  const components: APIButtonComponentWithCustomId[] = [];
  const { surveyId, step } = { surveyId: view.survey.id, step: view.step };
  const goId = (to: number) => (mode === 'preview' ? surveyIds.previewGo : surveyIds.go).build({ surveyId, step: to });
  if (step > 0) components.push(button(goId(step - 1), 'Back', ButtonStyle.Secondary));
  if (step < view.steps.length) {
    const nextId = mode === 'preview' ? goId(step + 1) : surveyIds.next.build({ surveyId, step });
    components.push(button(nextId, step === view.steps.length - 1 ? 'Review' : 'Next', ButtonStyle.Secondary));
  }
  components.push(...extra);
  return { type: ComponentType.ActionRow, components };
}

function answerComponents(view: StepView, question: SurveyQuestion, mode: Mode): StepRow[] {
  const disabled = mode === 'preview';
  const answer = view.answers.get(question.id);
  const ids = { surveyId: view.survey.id, step: view.step };
  const rows: StepRow[] = [];
  // The navigation row comes after these, so they have one row fewer.
  const buttons = (values: { value: number; label: string }[]) => {
    const { buttonsPerRow } = DISCORD_LIMITS;
    if (values.length > (DISCORD_LIMITS.actionRows - 1) * buttonsPerRow) throw new Error(`${values.length} buttons do not fit above the navigation row`);
    const picks = values.map(({ value, label }) => button(surveyIds.pick.build({ ...ids, value }), label, answer?.num === value ? ButtonStyle.Primary : ButtonStyle.Secondary, disabled));
    for (let start = 0; start < picks.length; start += buttonsPerRow) rows.push({ type: ComponentType.ActionRow, components: picks.slice(start, start + buttonsPerRow) });
  };
  if (question.kind === 'scale-5') buttons(SCALE_5);
  if (question.kind === 'scale-10') buttons(SCALE_10);
  if (question.kind === 'yes-no') buttons(YES_NO);
  if (question.kind === 'single-choice' || question.kind === 'multi-choice') {
    const multi = question.kind === 'multi-choice';
    const choices = question.choices ?? [];
    const chosen = (i: number) => answer?.num !== undefined && answer.num !== null && (multi ? (answer.num & (1 << i)) !== 0 : answer.num === i);
    const menu: APIStringSelectComponent = {
      type: ComponentType.StringSelect,
      custom_id: surveyIds.choose.build(ids),
      placeholder: multi ? 'Pick any that apply' : 'Pick one',
      min_values: multi ? 0 : 1,
      max_values: multi ? choices.length : 1,
      disabled,
      options: choices.map((label, i) => ({ label: truncate(label, DISCORD_LIMITS.selectOptionLabel), value: String(i), default: chosen(i) })),
    };
    rows.push({ type: ComponentType.ActionRow, components: [menu] });
  }
  return rows;
}
const SCALE_5 = [1, 2, 3, 4, 5].map((v) => ({ value: v, label: String(v) }));
const SCALE_10 = Array.from({ length: 11 }, (_, v) => ({ value: v, label: String(v) }));
const YES_NO = [{ value: 1, label: 'Yes' }, { value: 0, label: 'No' }];

/** One line per question; each gets an equal share of the description, so all of them show even with 20 long ones. */
function reviewLines(view: StepView): string[] {
  const budget = Math.floor(3800 / Math.max(1, view.questions.length));
  const promptRoom = Math.min(120, Math.floor(budget * 0.4));
  return view.questions.map((q, i) => {
    const prompt = `**${i + 1}. ${truncate(q.prompt, promptRoom)}**\n`;
    const text = answerText(q, view.answers.get(q.id));
    const shown = text === null ? (q.required ? '⚠️ *not answered yet (required)*' : '*skipped*') : truncate(oneLine(text), Math.max(20, Math.min(200, budget - prompt.length - 1)));
    return prompt + shown;
  });
}

const HINTS: Partial<Record<SurveyQuestion['kind'], string>> = {
  'scale-5': 'Pick a number from 1 to 5.',
  'scale-10': 'Pick a number from 0 to 10.',
  'yes-no': 'Pick Yes or No.',
  'single-choice': 'Pick one answer.',
  'multi-choice': 'Pick any answers that apply.',
};

/** One screen of the private answering flow (or of a leader's preview, where nothing is saved). */
export function renderStep(view: StepView, mode: Mode, note?: string): { content: string; embeds: JSONEncodable<APIEmbed>[]; components: JSONEncodable<StepRow>[] } {
  const { survey } = view;
  const footer = [survey.anonymous ? '🔒 Anonymous: no one, leaders included, can see who answered what.' : 'Leaders can see who answered what.'];
  if (mode === 'preview') footer.unshift('Preview: nothing you do here is saved.');
  else footer.unshift('Your answers are saved as you go.');
  if (mode !== 'preview' && view.step === 0 && remindsUnfinished(survey)) footer.push(REMINDS_UNFINISHED.replaceAll('`', ''));
  // A plain embed, drawn on every answer click: every text here is already fitted to Discord's
  // limits, and EmbedBuilder's checks of each value cost more than drawing the step.
  const embed: APIEmbed = {
    color: HEARTH_COLOUR,
    author: { name: truncate(`${mode === 'preview' ? 'Preview · ' : ''}${survey.title}`, DISCORD_LIMITS.embedAuthor) },
    footer: { text: footer.join(' ') },
  };

  if (view.step >= view.steps.length) {
    const headline =
      mode === 'preview'
        ? 'End of the survey: members would now see their answers and a **Submit** button.'
        : view.submitted
          ? 'Your answers are in. Until the survey closes you can change them with **Back**: each change is saved the moment you make it. Press **Done** when you have finished.'
          : 'Check your answers, then press **Submit**. Use **Back** to change any of them.';
    embed.title = 'Review';
    embed.description = truncate([headline, '', ...reviewLines(view)].join('\n'), DISCORD_LIMITS.embedDescription);
    const submit = button(surveyIds.submit.build({ surveyId: survey.id }), view.submitted ? 'Done' : 'Submit', ButtonStyle.Success, mode === 'preview');
    return { content: note ?? '', embeds: [asSent(embed)], components: [asSent(navRow(view, mode, [submit]))] };
  }

  const step = view.steps[view.step]!;
  embed.title = stepHeading(view, step);
  if (step.text) {
    const lines = step.questions.map((q) => {
      const number = view.questions.indexOf(q) + 1;
      const text = answerText(q, view.answers.get(q.id));
      return `**${number}. ${q.prompt}**${q.required ? ' *(required)*' : ''}\n${text === null ? '*no answer yet*' : quote(truncate(text, 300))}`;
    });
    embed.description = truncate([...lines, '', 'Press **Answer** to write your answers.'].join('\n'), DISCORD_LIMITS.embedDescription);
    const answered = step.questions.some((q) => view.answers.has(q.id));
    const form = button((mode === 'preview' ? surveyIds.previewForm : surveyIds.form).build({ surveyId: survey.id, step: view.step }), answered ? 'Edit answers' : 'Answer', ButtonStyle.Primary);
    return { content: note ?? '', embeds: [asSent(embed)], components: [asSent(navRow(view, mode, [form]))] };
  }

  const question = step.questions[0]!;
  const current = answerText(question, view.answers.get(question.id));
  embed.description = [`**${question.prompt}**${question.required ? ' *(required)*' : ''}`, HINTS[question.kind] ?? '', current === null ? '' : `Your answer: **${truncate(current, 500)}**`]
    .filter(Boolean)
    .join('\n');
  return { content: note ?? '', embeds: [asSent(embed)], components: [...answerComponents(view, question, mode), navRow(view, mode)].map(asSent) };
}

/** The modal for a page of up to five text questions, filled with what the member already wrote. */
export function renderTextModal(view: StepView, mode: Mode): ModalBuilder {
  const step = view.steps[view.step]!;
  const modal = new ModalBuilder()
    .setCustomId((mode === 'preview' ? surveyIds.previewModal : surveyIds.modal).build({ surveyId: view.survey.id, step: view.step }))
    .setTitle(truncate(view.survey.title, DISCORD_LIMITS.modalTitle));
  for (const question of step.questions) {
    const number = view.questions.indexOf(question) + 1;
    const long = question.kind === 'long-text';
    const max = long ? SURVEY_LIMITS.longTextLength : SURVEY_LIMITS.shortTextLength;
    const input = new TextInputBuilder()
      .setCustomId(modalFieldId(number))
      .setStyle(long ? TextInputStyle.Paragraph : TextInputStyle.Short)
      .setRequired(question.required && mode === 'answer')
      .setMaxLength(max);
    const saved = view.answers.get(question.id)?.text;
    if (saved && mode === 'answer') input.setValue(truncate(saved, max));
    // A label too short for the prompt says it again in its description; the step message shows it in full.
    const label = new LabelBuilder().setLabel(truncate(`${number}. ${question.prompt}`, DISCORD_LIMITS.modalLabel)).setTextInputComponent(input);
    if (`${number}. ${question.prompt}`.length > DISCORD_LIMITS.modalLabel) label.setDescription(truncate(question.prompt, DISCORD_LIMITS.modalLabelDescription));
    modal.addLabelComponents(label);
  }
  return modal;
}

/** Which question a modal field belongs to: fields are named `q<number>` (1-based). */
export function modalFieldId(number: number): string {
  return `q${number}`;
}

/** The question number of a modal field, or null for a field that is not one of ours. */
export function modalFieldNumber(fieldId: string): number | null {
  const number = /^q(\d+)$/.exec(fieldId)?.[1];
  return number ? Number(number) : null;
}

// ------------------------------------------------------------------ results

const round1 = (n: number) => (Math.round(n * 10) / 10).toLocaleString('en-US');

function summaryLines(summary: QuestionSummary): string[] {
  const lines: string[] = [];
  if (summary.distribution) {
    lines.push(`${plural(summary.answered, 'answer')} · mean **${summary.mean === null || summary.mean === undefined ? '–' : round1(summary.mean)}** · median **${summary.median ?? '–'}**`);
    if (summary.nps) {
      const { score, promoters, passives, detractors } = summary.nps;
      lines.push(`NPS **${score > 0 ? '+' : ''}${score}** (${promoters} promoters, ${passives} passives, ${detractors} detractors)`);
    }
    if (summary.distribution.length <= 5) {
      for (const d of summary.distribution) lines.push(`\`${d.value}\` ${bar(d.count, summary.answered)} ${percent(d.count, summary.answered)}% · ${d.count}`);
    } else {
      lines.push(summary.distribution.map((d) => `${d.value}: ${d.count}`).join(' · '));
    }
  } else if (summary.choices) {
    lines.push(plural(summary.answered, 'answer'));
    for (const c of summary.choices) lines.push(`${bar(c.count, summary.answered)} ${c.percent}% · ${c.count} · ${truncate(c.label, 60)}`);
  } else if (summary.texts) {
    const t = summary.texts;
    lines.push(plural(t.total, 'answer'));
    if (t.words.length) lines.push(`Words: ${t.words.map((w) => `${w.term} (${w.count})`).join(', ')}`);
    if (t.phrases.length) lines.push(`Phrases: ${t.phrases.map((p) => `${p.term} (${p.count})`).join(', ')}`);
    for (const text of t.first) lines.push(quote(truncate(oneLine(text), 120)));
  }
  return lines;
}

/** `/survey results`: per-question statistics, buttons to read every written answer, and charts. */
export function renderResults(results: SurveyResults, now: number, options: { charts: boolean }) {
  const { survey } = results;
  const state = survey.status === 'closed' || !isOpen(survey, now) ? 'closed' : 'open';
  const embed = new EmbedBuilder()
    .setColor(HEARTH_COLOUR)
    .setAuthor({ name: `Survey #${survey.id} · ${state} · results` })
    .setTitle(truncate(survey.title, 200))
    .setDescription(
      [
        `**${plural(results.submitted, 'response')}** · completion rate **${results.completionRate}%** (${results.submitted} of ${plural(results.started, 'member')} who started)`,
        survey.anonymous ? `🔒 ${ANONYMOUS_NOTE}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  // With many questions, shorter names leave more of the embed's room for the statistics.
  const nameLength = results.questions.length > 8 ? 60 : 100;
  const fields = results.questions.map((summary, i) => ({ name: truncate(`${i + 1}. ${summary.question.prompt}`, nameLength), value: summaryLines(summary).join('\n') || '–' }));
  embed.addFields(fitFields(fields, roomLeft(embed.data)).fields);

  const readers = results.questions
    .map((summary, position) => ({ summary, position }))
    .filter(({ summary }) => summary.texts && summary.texts.total > 0)
    .map(({ position }) =>
      new ButtonBuilder()
        .setCustomId(surveyIds.textPage.build({ surveyId: survey.id, position, page: 0 }))
        .setLabel(`Read answers to ${position + 1}`)
        .setStyle(ButtonStyle.Secondary),
    );
  const components = buttonRows(readers.slice(0, DISCORD_LIMITS.actionRows * DISCORD_LIMITS.buttonsPerRow));

  const files: AttachmentBuilder[] = [];
  if (options.charts && results.submitted > 0) {
    // A chart for each of the first non-text questions, as many as a message holds files.
    for (const [i, summary] of results.questions.entries()) {
      if (files.length >= DISCORD_LIMITS.filesPerMessage || isTextKind(summary.question.kind)) continue;
      const labels = summary.distribution ? summary.distribution.map((d) => String(d.value)) : summary.choices!.map((c) => c.label);
      const values = summary.distribution ? summary.distribution.map((d) => d.count) : summary.choices!.map((c) => c.count);
      const png = renderBarChart({ title: `${i + 1}. ${summary.question.prompt}`, labels, values, horizontal: !summary.distribution });
      files.push(new AttachmentBuilder(png, { name: `survey-${survey.id}-q${i + 1}.png` }));
    }
  }
  return { embeds: [embed], components, files };
}

export function renderTextPage(page: ReturnType<typeof textAnswerPage>): { embeds: EmbedBuilder[]; components: ActionRowBuilder<ButtonBuilder>[] } {
  const start = page.page * TEXT_PAGE_SIZE;
  const lines = page.answers.map((text, i) => `**${start + i + 1}.** ${truncate(text, 380)}`);
  const embed = new EmbedBuilder()
    .setColor(HEARTH_COLOUR)
    .setAuthor({ name: `Survey #${page.survey.id} · answers to question ${page.position + 1}` })
    .setTitle(truncate(page.question.prompt, DISCORD_LIMITS.embedTitle))
    .setDescription(truncate(lines.join('\n') || 'No answers yet.', DISCORD_LIMITS.embedDescription))
    .setFooter({ text: `Page ${page.page + 1} of ${page.pages} · ${plural(page.total, 'answer')}${page.survey.anonymous ? ' · anonymous' : ''}` });
  const turn = (to: number, label: string, disabled: boolean) =>
    new ButtonBuilder()
      .setCustomId(surveyIds.textTurn.build({ surveyId: page.survey.id, position: page.position, page: to }))
      .setLabel(label)
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(disabled);
  const components = page.pages > 1 ? [new ActionRowBuilder<ButtonBuilder>().addComponents(turn(Math.max(page.page - 1, 0), 'Previous', page.page === 0), turn(Math.min(page.page + 1, page.pages - 1), 'Next page', page.page >= page.pages - 1))] : [];
  return { embeds: [embed], components };
}
