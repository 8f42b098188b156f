// Insights as Discord messages: the overview's embed and its dashboard.
import { AttachmentBuilder, EmbedBuilder } from 'discord.js';
import { HEARTH_COLOUR } from '../bot/style';
import { renderDashboard } from '../charts/dashboard';
import { renderLineChart } from '../charts/line-chart';
import { DISCORD_LIMITS, fitEntries, plural, timestamp, truncate } from '../format';
import type { DigestReport } from './digest';
import type { Overview, PeriodNumbers } from './overview';
import type { Trend } from './trends';

const MOOD_EMOJI = ['😣', '😕', '😐', '🙂', '😄'];
const MOOD_NAMES = ['rough', 'low', 'okay', 'good', 'great'];

const signed = (n: number, digits = 0) => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(n).toFixed(digits)}`;

/** "12 (was 9, +3)"; a rate or mood with its unit; "—" for what is unknown. */
function withChange(now: number | null, before: number | null, unit: '' | '%' | 'mood' = ''): string {
  const shown = (n: number | null) => (n === null ? '—' : unit === 'mood' ? n.toFixed(1) : `${n}${unit}`);
  if (before === null || now === null) return `**${shown(now)}** (was ${shown(before)})`;
  const difference = unit === 'mood' ? Math.round((now - before) * 10) / 10 : now - before;
  const change = unit === 'mood' ? signed(difference, 1) : unit === '%' ? `${signed(difference)} pts` : signed(difference);
  return `**${shown(now)}** (was ${shown(before)}, ${change})`;
}

function people(c: PeriodNumbers, p: PeriodNumbers, memberCount: number | null): string {
  return [
    `Active members: ${withChange(c.people.active, p.people.active)}`,
    `New: ${withChange(c.people.new, p.people.new)} · returning: ${withChange(c.people.returning, p.people.returning)}`,
    `Share of the server${memberCount ? ` (${memberCount} members)` : ''}: ${withChange(c.people.activeShare, p.people.activeShare, '%')}`,
  ].join('\n');
}

function listening(c: PeriodNumbers, p: PeriodNumbers): string {
  const [l, q] = [c.listening, p.listening];
  const moods = l.moods.map((n, i) => `${MOOD_EMOJI[i]} ${n}`).join(' · ');
  return [
    `Polls closed: ${withChange(l.pollsClosed, q.pollsClosed)} · average turnout ${withChange(l.pollTurnout, q.pollTurnout, '%')}`,
    `Surveys closed: ${withChange(l.surveysClosed, q.surveysClosed)} · response rate ${withChange(l.surveyResponseRate, q.surveyResponseRate, '%')} · completion ${withChange(l.surveyCompletionRate, q.surveyCompletionRate, '%')}`,
    `Check-in runs: ${withChange(l.runs, q.runs)} · response rate per run ${withChange(l.checkinResponseRate, q.checkinResponseRate, '%')}`,
    `Average mood: ${withChange(l.averageMood, q.averageMood, 'mood')}`,
    `Moods (${MOOD_NAMES[0]} to ${MOOD_NAMES[4]}): ${moods}`,
  ].join('\n');
}

function recognition(c: PeriodNumbers, p: PeriodNumbers): string {
  const [k, q] = [c.recognition, p.recognition];
  const values = k.topValues.length ? k.topValues.map((v) => `${v.value} (${v.count})`).join(', ') : '—';
  return [
    `Kudos given: ${withChange(k.given, q.given)} · givers ${withChange(k.givers, q.givers)} · recipients ${withChange(k.recipients, q.recipients)}`,
    `Top values: ${values}`,
    `Active members thanked: ${withChange(k.thankedShare, q.thankedShare, '%')} · not thanked: ${withChange(k.unthanked, q.unthanked)}`,
  ].join('\n');
}

function followThrough(c: PeriodNumbers, p: PeriodNumbers): string {
  const f = c.followThrough;
  return `Closed polls and surveys with a follow-up: ${withChange(f.share, p.followThrough.share, '%')} (${f.followedUp} of ${f.closed})`;
}

const shortDate = (ms: number) => new Date(ms).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** The dashboard: active members, kudos and average mood per week (per day for 7 days), the previous period faint behind. */
export function renderOverviewDashboard(overview: Overview): AttachmentBuilder {
  const { current, previous, size } = overview.points;
  const unit = size === 86_400_000 ? 'day' : 'week';
  const labels = current.starts.map(shortDate);
  const png = renderDashboard([
    { title: `Active members per ${unit}`, labels, current: current.activeMembers, previous: previous.activeMembers },
    { title: `Kudos given per ${unit}`, labels, current: current.kudos, previous: previous.kudos },
    { title: `Average mood per ${unit}`, labels, current: current.mood, previous: previous.mood, min: 1, max: 5 },
  ]);
  return new AttachmentBuilder(png, { name: 'insights-overview.png' });
}

/** `/insights overview`: every number beside the previous period's, the observations, and the dashboard. */
export function renderOverview(overview: Overview, options: { chart: boolean }): { embeds: EmbedBuilder[]; files: AttachmentBuilder[] } {
  const { current: c, previous: p } = overview;
  const embed = new EmbedBuilder()
    .setColor(HEARTH_COLOUR)
    .setTitle(`Insights: ${overview.label}`)
    .setDescription(`<t:${Math.floor(c.from / 1000)}:D> to <t:${Math.floor((c.to - 1) / 1000)}:D>, beside the ${plural(Math.round((p.to - p.from) / 86_400_000), 'day')} before.`)
    .addFields(
      { name: 'People', value: people(c, p, overview.memberCount) },
      { name: 'Listening', value: listening(c, p) },
      { name: 'Recognition', value: recognition(c, p) },
      { name: 'Follow-through', value: followThrough(c, p) },
      { name: 'Observations', value: overview.observations.map((line, i) => `${i + 1}. ${line}`).join('\n') },
    )
    .setFooter({ text: 'Anonymous polls, surveys and check-ins count only as totals, and only from their minimum of answers.' });
  const files: AttachmentBuilder[] = [];
  if (options.chart) {
    const file = renderOverviewDashboard(overview);
    files.push(file);
    embed.setImage(`attachment://${file.name}`);
  }
  return { embeds: [embed], files };
}

/** `/insights trends`: the weekly line chart and the same numbers as a small table. */
export function renderTrend(trend: Trend, options: { chart: boolean }): { embeds: EmbedBuilder[]; files: AttachmentBuilder[] } {
  const shown = (value: number | null) => (value === null ? '—' : trend.metric === 'mood' ? value.toFixed(1) : `${value}${trend.unit}`);
  const rows = trend.weeks.map((w) => `${shortDate(w.start).padEnd(6)}  ${shown(w.value)}`);
  const known = trend.weeks.filter((w) => w.value !== null).map((w) => w.value!);
  const summary = known.length
    ? `Lowest ${shown(Math.min(...known))}, highest ${shown(Math.max(...known))}, latest ${shown(trend.weeks.at(-1)!.value)}.`
    : 'Nothing to show for these weeks yet.';
  const embed = new EmbedBuilder()
    .setColor(HEARTH_COLOUR)
    .setTitle(`${trend.title}, the last ${trend.weeks.length} weeks`)
    .setDescription([summary, '```', 'Week of  Value', ...rows, '```'].join('\n'))
    .setFooter({ text: 'Weeks of 7 UTC days, the last ending today. Anonymous answers count only as totals, from their minimum.' });
  const files: AttachmentBuilder[] = [];
  if (options.chart) {
    const name = `insights-${trend.metric}.png`;
    const png = renderLineChart({
      title: trend.title,
      labels: trend.weeks.map((w) => shortDate(w.start)),
      values: trend.weeks.map((w) => w.value),
      ...(trend.metric === 'mood' ? { min: 1, max: 5 } : { min: 0 }),
    });
    files.push(new AttachmentBuilder(png, { name }));
    embed.setImage(`attachment://${name}`);
  }
  return { embeds: [embed], files };
}

/** The digest: the overview of the period just ended and what needs attention now. Pings no one. */
export function renderDigest(report: DigestReport, options: { chart: boolean }): { embeds: EmbedBuilder[]; files: AttachmentBuilder[]; allowedMentions: { parse: [] } } {
  const { embeds, files } = renderOverview(report.overview, options);
  const embed = embeds[0]!.setTitle(`Digest: ${report.overview.label}`);
  const { closingSoon, withoutFollowUp, failedCheckins, unthanked } = report.attention;
  const name = (kind: string, id: number, text: string) => `${kind === 'poll' ? 'Poll' : 'Survey'} #${id} ${truncate(text, 60)}`;
  const lines = [
    ...closingSoon.map((c) => `⏰ ${name(c.kind, c.id, c.name)} closes ${timestamp(c.closesAt)}`),
    ...withoutFollowUp.map((c) => `📣 ${name(c.kind, c.id, c.name)} closed ${timestamp(c.closedAt)} without a follow-up (\`/${c.kind} follow-up\`)`),
    ...failedCheckins.map((c) => `⚠️ Check-in ${truncate(c.name, 60)}: its last run failed${c.reason ? ` (${truncate(c.reason, 120)})` : ''}`),
    `🙌 ${plural(unthanked, 'active member')} ${unthanked === 1 ? 'was' : 'were'} not thanked`,
  ];
  embed.addFields({ name: 'Needs attention', value: fitEntries(lines, DISCORD_LIMITS.fieldValue, { more: (more) => `…and ${more} more.` }) });
  embed.setFooter({ text: 'Polls, surveys and check-ins count here only from channels everyone who reads this one can see. Anonymous ones count only as totals, from their minimum.' });
  return { embeds: [embed], files, allowedMentions: { parse: [] } };
}
