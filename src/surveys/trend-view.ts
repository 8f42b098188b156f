import { AttachmentBuilder, EmbedBuilder } from 'discord.js';
import { HEARTH_COLOUR } from '../bot/style';
import { renderLineChart } from '../charts/line-chart';
import { fitFields, roomLeft, timestamp, truncate } from '../format';
import type { Pulse } from './pulse-store';
import type { Survey } from './store';
import type { QuestionSummary } from './results';
import type { QuestionTrend, SurveyTrend } from './trend';

const numeric = (q: QuestionTrend) => q.question.kind === 'scale-5' || q.question.kind === 'scale-10';

/** The value a round shows for a question, in words. */
function cell(summary: QuestionSummary | null): string {
  if (!summary) return 'too few answers to show';
  if (summary.nps) return `NPS ${summary.nps.score > 0 ? '+' : ''}${summary.nps.score} (mean ${summary.mean?.toFixed(1) ?? '-'})`;
  if (summary.mean !== undefined) return summary.mean === null ? 'no answers' : `mean ${summary.mean.toFixed(1)}`;
  if (summary.choices) return summary.choices.map((c) => `${truncate(c.label, 30)} ${c.percent}%`).join(', ') || 'no answers';
  return `${summary.texts?.total ?? 0} written answers`;
}

/** The point a chart shows for a round: NPS for 0-10 scales, the mean for 1-5 scales. */
function point(summary: QuestionSummary | null): number | null {
  if (!summary) return null;
  if (summary.nps) return summary.nps.score;
  return summary.mean ?? null;
}

/** `/survey trend`: per question, each round side by side; a line chart of the first scale question over the rounds. */
export function renderTrend(trend: SurveyTrend, options: { chart: boolean }): { embeds: EmbedBuilder[]; files: AttachmentBuilder[] } {
  const embed = new EmbedBuilder()
    .setColor(HEARTH_COLOUR)
    .setAuthor({ name: `Survey #${trend.sourceId} · trend over ${trend.columns.length === 1 ? '1 round' : `${trend.columns.length} rounds`}` })
    .setTitle(truncate(trend.title, 200))
    .setDescription(trend.columns.map((c) => `Round ${c.round}: ${c.submitted === null ? 'too few answers to show' : `${c.submitted} responses`}`).join(' · '));
  const drafts = trend.questions.map((q) => ({
    name: truncate(`${q.question.position + 1}. ${q.question.prompt}`, 250),
    value: trend.columns.map((c, i) => `Round ${c.round}: ${cell(q.rounds[i] ?? null)}`).join('\n'),
  }));
  embed.addFields(fitFields(drafts, roomLeft(embed.data)).fields);
  const files: AttachmentBuilder[] = [];
  const charted = trend.questions.find(numeric);
  if (options.chart && charted && trend.columns.length > 1) {
    const name = `survey-${trend.sourceId}-trend.png`;
    const nps = charted.question.kind === 'scale-10';
    const png = renderLineChart({
      title: `${charted.question.prompt} (${nps ? 'NPS' : 'mean'})`,
      labels: trend.columns.map((c) => `Round ${c.round}`),
      values: charted.rounds.map(point),
      ...(nps ? { min: -100, max: 100 } : { min: 1, max: 5 }),
    });
    files.push(new AttachmentBuilder(png, { name }));
    embed.setImage(`attachment://${name}`);
  }
  return { embeds: [embed], files };
}

const EVERY_WORDS: Record<Pulse['every'], string> = { week: 'every week', '2-weeks': 'every two weeks', month: 'every month' };
const DAY_WORDS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function renderPulseScheduled(pulse: Pulse, survey: Survey): string {
  const when = `${EVERY_WORDS[pulse.every]} on ${pulse.every === 'month' ? `the first ${DAY_WORDS[pulse.weekday]}` : DAY_WORDS[pulse.weekday]} at ${String(pulse.hour).padStart(2, '0')}:${String(pulse.minute).padStart(2, '0')} (${pulse.timezone})`;
  const hours = Math.round(pulse.openForMs / 3_600_000);
  const open = hours % 24 === 0 ? `${hours / 24} days` : `${hours} hours`;
  return [
    `Survey #${survey.id} **${truncate(survey.title, 100)}** is asked again ${when}: each round is a fresh card in <#${pulse.channelId}> with the same questions, open for ${open}.`,
    `The next round starts ${timestamp(pulse.nextRoundAt!, 'F')}. See a round with \`/survey results round:\`, all of them with \`/survey trend\`; stop with \`/survey unschedule\`.`,
  ].join('\n');
}
