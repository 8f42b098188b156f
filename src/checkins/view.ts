import { ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import { HEARTH_COLOUR } from '../bot/style';
import { renderLineChart } from '../charts/line-chart';
import { DISCORD_LIMITS, fitEntries, fitFields, oneLine, oneOrMany, percent, plural, roomLeft, timestamp as ts, truncate } from '../format';
import { checkinIds } from './custom-ids';
import { localDate, wallTime } from './schedule';
import type { AnswerOutcome, SupersededRunError } from './answers';
import { CHECKIN_LIMITS, MOODS } from './limits';
import type { ScheduleSummary } from './list';
import type { CheckinReport, PeriodStats } from './report';
import type { Schedule } from './scheduling';
import type { MemberStreaks } from './streaks';

const moodOf = (value: number) => MOODS.find((m) => m.value === value)!;
const fixed = (n: number | null) => (n === null ? '–' : n.toFixed(1));
const signed = (n: number | null) => (n === null ? '' : n === 0 ? ' (±0.0)' : ` (${n > 0 ? '+' : ''}${n.toFixed(1)})`);

export const MISSED_RUN_POLICY =
  'If Hearth was offline when a run was due, a run missed by less than 1 hour is posted as soon as it is back; older ones are recorded as missed and not posted.';

/** The public post of one run: the prompt, five mood buttons and "Add a note". */
export function renderRunMessage(schedule: Schedule, runId: number): { embeds: EmbedBuilder[]; components: ActionRowBuilder<ButtonBuilder>[] } {
  const how = ['Pick how you are doing; only you see your answer. You can change it until the next check-in.'];
  if (schedule.anonymous) how.push(`🔒 **Anonymous**: reports never show who answered or wrote what, and a run with fewer than ${CHECKIN_LIMITS.anonymousMinimum} answers is not shown at all.`);
  const embed = new EmbedBuilder()
    .setColor(HEARTH_COLOUR)
    .setAuthor({ name: `Check-in · ${schedule.name}` })
    .setDescription(`### ${schedule.prompt}`)
    .addFields({ name: 'How it works', value: how.join('\n') });
  const moods = new ActionRowBuilder<ButtonBuilder>().addComponents(
    MOODS.map((m) => new ButtonBuilder().setCustomId(checkinIds.mood.build({ runId, mood: m.value })).setLabel(m.label).setEmoji(m.emoji).setStyle(ButtonStyle.Secondary)),
  );
  const note = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(checkinIds.note.build({ runId })).setLabel('Add a note').setEmoji('📝').setStyle(ButtonStyle.Primary),
  );
  return { embeds: [embed], components: [moods, note] };
}

export function renderNoteModal(runId: number, current: string | null): ModalBuilder {
  return noteModal(checkinIds.saveNote.build({ runId }), current);
}

/** The "Add a note" form, in a channel or a direct message (`customId` says which). */
export function noteModal(customId: string, current: string | null): ModalBuilder {
  const input = new TextInputBuilder()
    .setCustomId('note')
    .setLabel('Your note')
    .setStyle(TextInputStyle.Paragraph)
    .setMaxLength(CHECKIN_LIMITS.noteLength)
    .setRequired(false)
    .setPlaceholder('Anything you would like to add (leave empty to remove your note)');
  if (current) input.setValue(current);
  return new ModalBuilder().setCustomId(customId).setTitle('Add a note').addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input));
}

/** After an answer: the current streak only (the longest would mean reading every run; `/checkin streak` shows it). */
export function streakLine(current: number): string {
  return `Your streak: **${plural(current, 'check-in')}** in a row.`;
}

export function renderAnswerReceipt(outcome: AnswerOutcome, what: 'mood' | 'note'): string {
  const lines: string[] = [];
  if (what === 'mood') {
    const mood = moodOf(outcome.mood!);
    const verb = outcome.change === 'changed' ? 'You changed your answer to' : outcome.change === 'unchanged' ? 'Your answer is still' : 'Thanks! You answered';
    lines.push(`${verb} ${mood.emoji} **${mood.label}** (${mood.value}/5).`);
    if (!outcome.note) lines.push('Want to say more? Click **Add a note**.');
  } else if (outcome.note) {
    lines.push(outcome.change === 'changed' ? 'Your note is updated.' : 'Thanks, your note is saved.');
    if (outcome.mood === null) lines.push('Pick a mood too, so your answer counts.');
  } else {
    lines.push('Your note is removed.');
  }
  lines.push(streakLine(outcome.streak));
  if (outcome.schedule.anonymous) lines.push('🔒 This check-in is anonymous: reports never show who wrote what.');
  return lines.join('\n');
}

export function renderUpcoming(upcoming: number[]): string {
  return upcoming.length ? upcoming.map((at) => `• ${ts(at, 'F')} (${ts(at, 'R')})`).join('\n') : 'No runs coming up.';
}

export function renderScheduled(schedule: Schedule, upcoming: number[]): string {
  return [
    `Check-in #${schedule.id} **${schedule.name}** is scheduled in <#${schedule.channelId}>: \`${schedule.whenText}\` (${schedule.timezone})${schedule.anonymous ? ', anonymous' : ''}.`,
    'The next three runs:',
    renderUpcoming(upcoming),
    'Pause, skip a date or post it now with `/checkin pause`, `/checkin skip` and `/checkin run`.',
  ].join('\n');
}

// A run is "posting" only for the moment between being recorded and reaching Discord.
const INTERRUPTED_AFTER_MS = 5 * 60_000;

const RUN_STATUS: Record<string, string> = {
  posted: 'posted',
  posting: 'posting',
  failed: '⚠️ failed',
  missed: 'missed (more than 1 hour late, not posted)',
};

/**
 * One line of a check-in in the list. Priority 0 is never dropped (what it is, a problem, a
 * failed run: what a leader must act on); higher numbers go first when space runs out.
 */
interface ListLine {
  priority: number;
  text: string;
  /** A shorter wording, used before dropping lines of priority 1 or less. */
  short?: string;
}

function listLines(item: ScheduleSummary & { problem: string | null; directMessages?: { line: string; subscribers: number } }, memberCount: number | null, now: number): ListLine[] {
  const { schedule: s, lastRun } = item;
  const lines: ListLine[] = [];
  const flags = `${s.anonymous ? ' · anonymous' : ''}${s.status === 'paused' ? ' · ⏸️ **paused**' : ''}`;
  lines.push({ priority: 0, text: `<#${s.channelId}> · \`${s.whenText}\` (${s.timezone})${flags}`, short: `<#${s.channelId}> · \`${truncate(s.whenText, 30)}\`${flags}` });
  const next =
    item.nextRunAt !== null
      ? `${ts(item.nextRunAt, 'f')} (${ts(item.nextRunAt, 'R')})${item.onItsWay ? `, already on its way to members east of ${s.timezone}` : ''}`
      : s.status === 'paused'
        ? 'none while paused'
        : 'none';
  lines.push({ priority: 1, text: `Next run: ${next}`, short: `Next: ${item.nextRunAt !== null ? ts(item.nextRunAt, 'R') : 'none'}` });
  if (item.skippedDates.length) lines.push({ priority: 4, text: `Skipping: ${item.skippedDates.join(', ')}` });
  if (item.directMessages) lines.push({ priority: 1, text: item.directMessages.line });

  const interrupted = lastRun?.status === 'posting' && now - lastRun.recordedAt > INTERRUPTED_AFTER_MS;
  let problem = item.problem;
  if (interrupted) {
    lines.push({ priority: 0, text: `Last run: ${ts(lastRun.scheduledFor, 'f')}: ⚠️ interrupted (Hearth stopped while posting it; it is not posted again, and the next run goes ahead)`, short: '⚠️ Last run: interrupted while posting' });
  } else if (lastRun?.status === 'failed') {
    const reason = lastRun.reason ?? 'no reason recorded';
    if (reason === problem) problem = null; // the same words twice say nothing more
    lines.push({ priority: 0, text: `Last run: ${ts(lastRun.scheduledFor, 'f')}: ⚠️ failed: ${truncate(reason, 300)}`, short: `⚠️ Last run failed: ${truncate(reason, 160)}` });
  } else if (lastRun) {
    const status = lastRun.status === 'missed' && lastRun.reason ? `missed: ${truncate(lastRun.reason, 200)}` : (RUN_STATUS[lastRun.status] ?? lastRun.status);
    lines.push({ priority: 2, text: `Last run: ${ts(lastRun.scheduledFor, 'f')}: ${status}` });
  } else {
    lines.push({ priority: 2, text: 'Last run: none yet' });
  }
  if (problem) lines.push({ priority: 0, text: `⚠️ ${truncate(problem, 300)}`, short: `⚠️ ${truncate(problem, 160)}` });
  if (item.recentAnswers.length) {
    const average = item.recentAnswers.reduce((a, b) => a + b, 0) / item.recentAnswers.length;
    // A direct-message check-in is asked of its subscribers only.
    const asked = item.directMessages ? { n: item.directMessages.subscribers, who: 'subscribers' } : { n: memberCount, who: 'members' };
    const rate = asked.n ? `, ${percent(average, asked.n)}% of ${asked.n} ${asked.who}` : '';
    lines.push({ priority: 3, text: `Response rate: ${average.toFixed(1)} answers per run over the last ${plural(item.recentAnswers.length, 'run')}${rate}` });
  }
  return lines;
}

/** `/checkin list`: every schedule with its next and last run, turnout and any problem. */
export function renderList(items: (ScheduleSummary & { problem: string | null; directMessages?: { line: string; subscribers: number } })[], memberCount: number | null, now: number): { embeds: EmbedBuilder[] } {
  const embed = new EmbedBuilder().setColor(HEARTH_COLOUR).setTitle(`Check-ins: ${items.length} of ${CHECKIN_LIMITS.perServer}`).setFooter({ text: MISSED_RUN_POLICY });
  if (items.length === 0) {
    embed.setDescription('No check-ins yet. A leader can schedule one with `/checkin schedule`.');
  }
  const shown = items.slice(0, DISCORD_LIMITS.fields).map((item) => ({ name: `#${item.schedule.id} · ${item.schedule.name}`.slice(0, 60), lines: listLines(item, memberCount, now) }));
  const values = shedLines(
    shown.map((f) => f.lines),
    roomLeft(embed.data) - shown.reduce((n, f) => n + f.name.length, 0),
  );
  // Still too long (every check-in failing with long reasons): the check-ins share what room there is.
  embed.addFields(fitFields(shown.map((f, i) => ({ name: f.name, value: values[i]! })), roomLeft(embed.data)).fields);
  return { embeds: [embed] };
}

/**
 * With many check-ins, space runs out: drops the least important lines everywhere first, then
 * uses shorter wordings, until the values fit `room`; problems and failed runs stay.
 */
function shedLines(checkins: ListLine[][], room: number): string[] {
  let useShort = false;
  const valuesNow = () => checkins.map((lines) => lines.map((l) => (useShort && l.short ? l.short : l.text)).join('\n'));
  const fits = () => valuesNow().reduce((n, value) => n + Math.min(DISCORD_LIMITS.fieldValue, value.length), 0) <= room;
  for (const step of [4, 3, 2, 'short', 1] as const) {
    if (fits()) break;
    if (step === 'short') useShort = true;
    else checkins = checkins.map((lines) => lines.filter((l) => l.priority < step));
  }
  return valuesNow();
}

export function renderStreaks(memberId: string, self: boolean, { streaks, anonymousLeftOut }: MemberStreaks): string {
  const who = self ? 'You have' : `<@${memberId}> has`;
  const lines = streaks.length
    ? [
        `${self ? 'Your' : `<@${memberId}>'s`} check-in streaks:`,
        ...streaks.map(({ schedule, streak }) => `• **${schedule.name}** (#${schedule.id}): ${plural(streak.current, 'run')} in a row, longest ${streak.longest}, ${streak.answered} answered in all`),
        'Skipped and missed runs do not break a streak; a run and its re-post ("post now") count as one.',
      ]
    : [`${who} not answered a check-in here yet.`];
  if (anonymousLeftOut) lines.push('🔒 Anonymous check-ins are left out: only each member sees their own streaks there.');
  return lines.join('\n');
}

export function renderSuperseded(error: SupersededRunError): string {
  return `This check-in has been superseded by a newer one (${ts(error.newerAt, 'f')}), so it no longer takes answers. Answer the latest post of "${error.scheduleName}" instead.`;
}

export function renderSkipped(schedule: Schedule, date: string, skippedRun: number): string {
  return `Check-in #${schedule.id} **${schedule.name}** will not be posted on ${date} (the run at ${ts(skippedRun, 'f')}). Streaks are not broken by a skipped run.`;
}

function distributionText(distribution: number[]): string {
  return MOODS.map((m, i) => `${m.emoji} ${distribution[i]}`).join(' ');
}

function periodLine(name: string, p: PeriodStats): string {
  if (p.runs === 0) return `${name}: no runs shown`;
  return `${name}: ${plural(p.runs, 'run')}, ${fixed(p.answersPerRun)} answers per run, average mood **${fixed(p.average)}** · ${distributionText(p.distribution)}`;
}

type ReportRun = CheckinReport['runs'][number];

// The runs' lines leave the description room for the summary, and the embed room for the notes.
const RUN_LINES_ROOM = 3000;

/** `/checkin report`: a summary embed, a mood-over-time chart, and every run with its notes as a file. */
export function renderReport(report: CheckinReport): { embeds: EmbedBuilder[]; files: AttachmentBuilder[] } {
  const { schedule } = report;
  const summary = reportSummary(report);
  const embed = new EmbedBuilder()
    .setColor(HEARTH_COLOUR)
    .setTitle(truncate(`Report: #${schedule.id} ${schedule.name}`, DISCORD_LIMITS.embedTitle))
    .setDescription(truncate(`${summary.join('\n')}\n\n**Runs, newest first**\n${recentRuns(report)}`, DISCORD_LIMITS.embedDescription));
  const notes = latestNotesField(report);
  if (notes) embed.addFields(notes);

  const files = [reportFile(report, summary)];
  const chart = moodChart(report);
  if (chart) {
    files.push(chart);
    embed.setImage(`attachment://${chart.name}`);
  }
  return { embeds: [embed], files };
}

/** This period against the one before, and what is left out. Plain dates: the file has it too, where Discord's time markup is not rendered. */
function reportSummary({ schedule, period, previous, weeks, openRunAt }: CheckinReport): string[] {
  const moodChange = period.average !== null && previous.average !== null ? period.average - previous.average : null;
  const turnoutChange = period.answersPerRun !== null && previous.answersPerRun !== null ? period.answersPerRun - previous.answersPerRun : null;
  const summary = [
    periodLine(`Last ${plural(weeks, 'week')}`, period),
    periodLine(`The ${plural(weeks, 'week')} before`, previous),
    `Change: average mood${moodChange === null ? ' –' : signed(moodChange)}, answers per run${turnoutChange === null ? ' –' : signed(turnoutChange)}`,
  ];
  if (schedule.anonymous) summary.push(`🔒 Anonymous: no authors; runs with fewer than ${CHECKIN_LIMITS.anonymousMinimum} answers are not shown.`);
  if (openRunAt !== null) {
    summary.push(`🔒 The current run (${localDate(schedule.timezone, openRunAt)}) is left out while members can still answer it; it appears once the next one is posted.`);
  }
  return summary;
}

/** One line a run, newest first, as many as fit; the file has the rest. */
function recentRuns({ runs, openRunAt }: CheckinReport): string {
  if (runs.length === 0) return openRunAt !== null ? 'No finished runs in this period yet.' : 'No runs were posted in this period.';
  const lines = [...runs].reverse().map(runLine);
  return fitEntries(lines, RUN_LINES_ROOM, { more: (more) => `…and ${plural(more, 'earlier run')} in the attached file.` });
}

function runLine(r: ReportRun): string {
  const when = ts(r.run.scheduledFor, 'd');
  if (r.hidden) return `${when}: fewer than ${CHECKIN_LIMITS.anonymousMinimum} answers, not shown`;
  const notes = r.notes.length ? ` · ${plural(r.notes.length + r.moreNotes, 'note')}` : '';
  return `${when}${r.reposts ? ' (re-posted)' : ''}: ${plural(r.answered, 'answer')}, average **${fixed(r.average)}**${signed(r.change)} · ${distributionText(r.distribution)}${notes}`;
}

/** The notes of the latest run that has any (and may show them), in members' own words. */
function latestNotesField({ schedule, runs }: CheckinReport): { name: string; value: string } | null {
  const latest = runs.findLast((r) => !r.hidden && r.notes.length > 0);
  if (!latest) return null;
  const lines = latest.notes.map((n) => `> ${oneLine(n.note).slice(0, 200)}${n.memberId ? ` (<@${n.memberId}>)` : ''}`);
  return {
    name: `Notes from ${localDate(schedule.timezone, latest.run.scheduledFor)} (the file has up to ${CHECKIN_LIMITS.notesPerRun} per run)`,
    value: fitEntries(lines, DISCORD_LIMITS.fieldValue, { more: null }),
  };
}

/** Every run with its notes, as Markdown. */
function reportFile({ schedule, runs }: CheckinReport, summary: string[]): AttachmentBuilder {
  const lines = [`# Check-in #${schedule.id}: ${schedule.name}`, `Prompt: ${schedule.prompt}`, '', ...summary, ''];
  for (const r of runs) lines.push(...runSection(schedule, r), '');
  return new AttachmentBuilder(Buffer.from(lines.join('\n'), 'utf8'), { name: `checkin-${schedule.id}-report.md` });
}

function runSection(schedule: Schedule, r: ReportRun): string[] {
  const { hour, minute } = wallTime(schedule.timezone, r.run.scheduledFor);
  const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  const reposted = r.reposts ? `, re-posted ${oneOrMany(r.reposts, 'once', `${r.reposts} times`)} (answers to every post counted once per member)` : '';
  const heading = `## ${localDate(schedule.timezone, r.run.scheduledFor)} ${time} (${schedule.timezone})${reposted}`;
  if (r.hidden) return [heading, `Fewer than ${CHECKIN_LIMITS.anonymousMinimum} answers: not shown.`];
  return [
    heading,
    `${plural(r.answered, 'answer')}, average mood ${fixed(r.average)}${signed(r.change)}, ${MOODS.map((m, i) => `${m.label} ${r.distribution[i]}`).join(', ')}`,
    ...r.notes.map((n) => `- ${n.memberId ? `<@${n.memberId}>: ` : ''}${n.note.replace(/\r?\n/g, ' ')}`),
    ...(r.moreNotes > 0 ? [`- …and ${plural(r.moreNotes, 'more note')}`] : []),
  ];
}

/** Average mood per run over the period, or null when there is no run to draw. */
function moodChart({ schedule, runs }: CheckinReport): AttachmentBuilder | null {
  if (runs.length === 0) return null;
  const png = renderLineChart({
    title: `Average mood: ${schedule.name}`,
    labels: runs.map((r) => localDate(schedule.timezone, r.run.scheduledFor).slice(5)),
    values: runs.map((r) => (r.hidden ? null : r.average)),
    min: 1,
    max: 5,
  });
  return new AttachmentBuilder(png, { name: `checkin-${schedule.id}-mood.png` });
}
