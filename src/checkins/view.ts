import { ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import { HEARTH_COLOUR } from '../bot/style';
import { renderLineChart } from '../charts/line-chart';
import { checkinIds } from './custom-ids';
import { localDate, wallTime } from './schedule';
import type { AnswerOutcome, SupersededRunError } from './answers';
import { CHECKIN_LIMITS, MOODS } from './limits';
import type { ScheduleSummary } from './list';
import type { CheckinReport, PeriodStats } from './report';
import type { Schedule } from './scheduling';
import type { MemberStreaks, Streak } from './streaks';

const ts = (ms: number, style: 'R' | 'f' | 'F' | 'd' = 'f') => `<t:${Math.floor(ms / 1000)}:${style}>`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
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
  const input = new TextInputBuilder()
    .setCustomId('note')
    .setLabel('Your note')
    .setStyle(TextInputStyle.Paragraph)
    .setMaxLength(CHECKIN_LIMITS.noteLength)
    .setRequired(false)
    .setPlaceholder('Anything you would like to add (leave empty to remove your note)');
  if (current) input.setValue(current);
  return new ModalBuilder()
    .setCustomId(checkinIds.saveNote.build({ runId }))
    .setTitle('Add a note')
    .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input));
}

export function streakLine(streak: Streak): string {
  return `Your streak: **${plural(streak.current, 'check-in')}** in a row (longest ${streak.longest}).`;
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

// Discord allows 6,000 characters in a message's embeds and 1,024 per field value.
const EMBED_TOTAL = 6000;
const FIELD_VALUE = 1024;
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text);

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

function listLines(item: ScheduleSummary & { problem: string | null }, memberCount: number | null, now: number): ListLine[] {
  const { schedule: s, lastRun } = item;
  const lines: ListLine[] = [];
  const flags = `${s.anonymous ? ' · anonymous' : ''}${s.status === 'paused' ? ' · ⏸️ **paused**' : ''}`;
  lines.push({ priority: 0, text: `<#${s.channelId}> · \`${s.whenText}\` (${s.timezone})${flags}`, short: `<#${s.channelId}> · \`${clip(s.whenText, 30)}\`${flags}` });
  const next = item.nextRunAt !== null ? `${ts(item.nextRunAt)} (${ts(item.nextRunAt, 'R')})` : s.status === 'paused' ? 'none while paused' : 'none';
  lines.push({ priority: 1, text: `Next run: ${next}`, short: `Next: ${item.nextRunAt !== null ? ts(item.nextRunAt, 'R') : 'none'}` });
  if (item.skippedDates.length) lines.push({ priority: 4, text: `Skipping: ${item.skippedDates.join(', ')}` });

  const interrupted = lastRun?.status === 'posting' && now - lastRun.recordedAt > INTERRUPTED_AFTER_MS;
  let problem = item.problem;
  if (interrupted) {
    lines.push({ priority: 0, text: `Last run: ${ts(lastRun.scheduledFor)}: ⚠️ interrupted (Hearth stopped while posting it; it is not posted again, and the next run goes ahead)`, short: '⚠️ Last run: interrupted while posting' });
  } else if (lastRun?.status === 'failed') {
    const reason = lastRun.reason ?? 'no reason recorded';
    if (reason === problem) problem = null; // the same words twice say nothing more
    lines.push({ priority: 0, text: `Last run: ${ts(lastRun.scheduledFor)}: ⚠️ failed: ${clip(reason, 300)}`, short: `⚠️ Last run failed: ${clip(reason, 160)}` });
  } else if (lastRun) {
    const status = lastRun.status === 'missed' && lastRun.reason ? `missed: ${clip(lastRun.reason, 200)}` : (RUN_STATUS[lastRun.status] ?? lastRun.status);
    lines.push({ priority: 2, text: `Last run: ${ts(lastRun.scheduledFor)}: ${status}` });
  } else {
    lines.push({ priority: 2, text: 'Last run: none yet' });
  }
  if (problem) lines.push({ priority: 0, text: `⚠️ ${clip(problem, 300)}`, short: `⚠️ ${clip(problem, 160)}` });
  if (item.recentAnswers.length) {
    const average = item.recentAnswers.reduce((a, b) => a + b, 0) / item.recentAnswers.length;
    const rate = memberCount ? `, ${Math.round((average / memberCount) * 100)}% of ${memberCount} members` : '';
    lines.push({ priority: 3, text: `Response rate: ${average.toFixed(1)} answers per run over the last ${plural(item.recentAnswers.length, 'run')}${rate}` });
  }
  return lines;
}

/** `/checkin list`: every schedule with its next and last run, turnout and any problem. */
export function renderList(items: (ScheduleSummary & { problem: string | null })[], memberCount: number | null, now: number): { embeds: EmbedBuilder[] } {
  const embed = new EmbedBuilder().setColor(HEARTH_COLOUR).setTitle(`Check-ins: ${items.length} of ${CHECKIN_LIMITS.perServer}`);
  if (items.length === 0) {
    embed.setDescription('No check-ins yet. A leader can schedule one with `/checkin schedule`.');
  }
  const shown = items.slice(0, 25).map((item) => ({ name: `#${item.schedule.id} · ${item.schedule.name}`.slice(0, 60), lines: listLines(item, memberCount, now) }));
  // With many check-ins, space runs out: drop the least important lines everywhere first, then use
  // shorter wordings; problems and failed runs stay.
  const budget = EMBED_TOTAL - 40 - MISSED_RUN_POLICY.length - shown.reduce((n, f) => n + f.name.length, 0) - 100;
  const valueOf = (lines: ListLine[], useShort: boolean) => lines.map((l) => (useShort && l.short ? l.short : l.text)).join('\n');
  const total = (useShort: boolean) => shown.reduce((n, f) => n + Math.min(FIELD_VALUE, valueOf(f.lines, useShort).length), 0);
  let useShort = false;
  for (const step of [4, 3, 2, 'short', 1] as const) {
    if (total(useShort) <= budget) break;
    if (step === 'short') useShort = true;
    else for (const f of shown) f.lines = f.lines.filter((l) => l.priority < step);
  }
  // Still too long (every check-in failing with long reasons): each gets an even share.
  const share = total(useShort) > budget ? Math.floor(budget / Math.max(shown.length, 1)) : FIELD_VALUE;
  for (const f of shown) embed.addFields({ name: f.name, value: clip(valueOf(f.lines, useShort), Math.min(FIELD_VALUE, share)) || '…' });
  embed.setFooter({ text: MISSED_RUN_POLICY });
  return { embeds: [embed] };
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
  return `This check-in has been superseded by a newer one (${ts(error.newerAt)}), so it no longer takes answers. Answer the latest post of "${error.scheduleName}" instead.`;
}

export function renderSkipped(schedule: Schedule, date: string, skippedRun: number): string {
  return `Check-in #${schedule.id} **${schedule.name}** will not be posted on ${date} (the run at ${ts(skippedRun)}). Streaks are not broken by a skipped run.`;
}

function distributionText(distribution: number[]): string {
  return MOODS.map((m, i) => `${m.emoji} ${distribution[i]}`).join(' ');
}

function periodLine(name: string, p: PeriodStats): string {
  if (p.runs === 0) return `${name}: no runs shown`;
  return `${name}: ${plural(p.runs, 'run')}, ${fixed(p.answersPerRun)} answers per run, average mood **${fixed(p.average)}** · ${distributionText(p.distribution)}`;
}

/** `/checkin report`: a summary embed, a mood-over-time chart, and every run with its notes as a file. */
export function renderReport(report: CheckinReport): { embeds: EmbedBuilder[]; files: AttachmentBuilder[] } {
  const { schedule, runs, period, previous } = report;
  const moodChange = period.average !== null && previous.average !== null ? period.average - previous.average : null;
  const turnoutChange = period.answersPerRun !== null && previous.answersPerRun !== null ? period.answersPerRun - previous.answersPerRun : null;
  const summary = [
    periodLine(`Last ${plural(report.weeks, 'week')}`, period),
    periodLine(`The ${plural(report.weeks, 'week')} before`, previous),
    `Change: average mood${moodChange === null ? ' –' : signed(moodChange)}, answers per run${turnoutChange === null ? ' –' : signed(turnoutChange)}`,
  ];
  if (schedule.anonymous) summary.push(`🔒 Anonymous: no authors; runs with fewer than ${CHECKIN_LIMITS.anonymousMinimum} answers are not shown.`);
  if (report.openRunAt !== null) {
    // A plain date: the summary also goes into the file, where Discord's time markup is not rendered.
    summary.push(`🔒 The current run (${localDate(schedule.timezone, report.openRunAt)}) is left out while members can still answer it; it appears once the next one is posted.`);
  }

  const runLine = (r: CheckinReport['runs'][number]) =>
    r.hidden
      ? `${ts(r.run.scheduledFor, 'd')}: fewer than ${CHECKIN_LIMITS.anonymousMinimum} answers, not shown`
      : `${ts(r.run.scheduledFor, 'd')}${r.reposts ? ' (re-posted)' : ''}: ${plural(r.answered, 'answer')}, average **${fixed(r.average)}**${signed(r.change)} · ${distributionText(r.distribution)}${r.notes.length ? ` · ${plural(r.notes.length + r.moreNotes, 'note')}` : ''}`;
  const recent = [...runs].reverse();
  const lines: string[] = [];
  let length = 0;
  for (const r of recent) {
    const line = runLine(r);
    if (length + line.length > 3000) break;
    lines.push(line);
    length += line.length + 1;
  }
  if (runs.length === 0) lines.push(report.openRunAt !== null ? 'No finished runs in this period yet.' : 'No runs were posted in this period.');
  else if (lines.length < runs.length) lines.push(`…and ${runs.length - lines.length} earlier runs in the attached file.`);

  const latestNotes = recent.find((r) => !r.hidden && r.notes.length > 0);
  const embed = new EmbedBuilder()
    .setColor(HEARTH_COLOUR)
    .setTitle(`Report: #${schedule.id} ${schedule.name}`.slice(0, 256))
    .setDescription(`${summary.join('\n')}\n\n**Runs, newest first**\n${lines.join('\n')}`.slice(0, 4096));
  if (latestNotes) {
    const noteLines = latestNotes.notes.map((n) => `> ${n.note.replace(/\s+/g, ' ').slice(0, 200)}${n.memberId ? ` (<@${n.memberId}>)` : ''}`);
    let value = '';
    for (const line of noteLines) {
      if (value.length + line.length + 1 > 1000) break;
      value += `${line}\n`;
    }
    embed.addFields({ name: `Notes from ${localDate(schedule.timezone, latestNotes.run.scheduledFor)} (the file has up to ${CHECKIN_LIMITS.notesPerRun} per run)`, value: value || '…' });
  }

  const files: AttachmentBuilder[] = [];
  const fileText = [`# Check-in #${schedule.id}: ${schedule.name}`, `Prompt: ${schedule.prompt}`, '', ...summary, ''];
  for (const r of runs) {
    const w = wallTime(schedule.timezone, r.run.scheduledFor);
    fileText.push(`## ${localDate(schedule.timezone, r.run.scheduledFor)} ${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')} (${schedule.timezone})${r.reposts ? `, re-posted ${r.reposts === 1 ? 'once' : `${r.reposts} times`} (answers to every post counted once per member)` : ''}`);
    if (r.hidden) {
      fileText.push(`Fewer than ${CHECKIN_LIMITS.anonymousMinimum} answers: not shown.`, '');
      continue;
    }
    fileText.push(`${plural(r.answered, 'answer')}, average mood ${fixed(r.average)}${signed(r.change)}, ${MOODS.map((m, i) => `${m.label} ${r.distribution[i]}`).join(', ')}`);
    for (const n of r.notes) fileText.push(`- ${n.memberId ? `<@${n.memberId}>: ` : ''}${n.note.replace(/\r?\n/g, ' ')}`);
    if (r.moreNotes > 0) fileText.push(`- …and ${r.moreNotes} more notes`);
    fileText.push('');
  }
  files.push(new AttachmentBuilder(Buffer.from(fileText.join('\n'), 'utf8'), { name: `checkin-${schedule.id}-report.md` }));

  if (runs.length > 0) {
    const name = `checkin-${schedule.id}-mood.png`;
    files.push(
      new AttachmentBuilder(
        renderLineChart({
          title: `Average mood: ${schedule.name}`,
          labels: runs.map((r) => localDate(schedule.timezone, r.run.scheduledFor).slice(5)),
          values: runs.map((r) => (r.hidden ? null : r.average)),
          min: 1,
          max: 5,
        }),
        { name },
      ),
    );
    embed.setImage(`attachment://${name}`);
  }
  return { embeds: [embed], files };
}
