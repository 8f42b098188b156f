/** `/survey trend`: each question of a pulse survey, round by round (closed rounds only; the anonymous minimum applies per round). */
import type { Db } from '../db/open';
import { UserError } from '../user-error';
import { pulseRounds } from './pulses';
import { surveyResults, type QuestionSummary } from './results';
import type { Survey, SurveyQuestion } from './store';

export interface RoundColumn {
  round: number;
  survey: Survey;
  /** Submitted responses, or null when the round is anonymous and had too few to show. */
  submitted: number | null;
}

export interface QuestionTrend {
  question: SurveyQuestion;
  /** One entry per round, in round order; null where the round shows nothing. */
  rounds: (QuestionSummary | null)[];
}

export interface SurveyTrend {
  /** The survey the rounds copy. */
  sourceId: number;
  title: string;
  columns: RoundColumn[];
  questions: QuestionTrend[];
}

export function surveyTrend(db: Db, guildId: string, surveyId: number): SurveyTrend {
  const { pulse, rounds } = pulseRounds(db, guildId, surveyId);
  const closed = rounds.filter((r) => r.status === 'closed');
  if (closed.length === 0) throw new UserError(`No round of survey #${surveyId} has closed yet, so there is no trend to show. Each round closes after its \`open-for\`.`);
  const results = closed.map((round) => {
    try {
      return surveyResults(db, guildId, round.id);
    } catch (error) {
      if (error instanceof UserError) return null; // an anonymous round under the minimum shows nothing
      throw error;
    }
  });
  const columns = closed.map((survey, i) => ({ round: survey.round!, survey, submitted: results[i]?.submitted ?? null }));
  // Rounds copy the same questions; they are matched by position.
  const first = results.find((r) => r !== null)?.questions.map((q) => q.question) ?? [];
  return {
    sourceId: pulse.surveyId,
    title: closed[0]!.title,
    columns,
    questions: first.map((question, position) => ({ question, rounds: results.map((r) => r?.questions[position] ?? null) })),
  };
}
