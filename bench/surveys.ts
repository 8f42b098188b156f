/**
 * Survey benchmark: the summary (`/survey results`) of one survey with 10,000 submitted responses
 * of 10 questions each (100,000 answers, two of them free text), on a temporary SQLite file.
 * Target: under 200 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, openDatabase } from '../src/db/open';
import { writeTx } from '../src/db/write-tx';
import { answerQuestion } from '../src/surveys/answering';
import { addQuestion, createSurvey } from '../src/surveys/drafts';
import { publishSurvey } from '../src/surveys/publishing';
import { exportSurvey, surveyResults } from '../src/surveys/results';
import { findResponse, insertResponse, markSubmitted, questionsOf, saveAnswer } from '../src/surveys/store';
import { WHOLE_SERVER } from '../src/visibility';

const RESPONSES = 10_000;
const RUNS = 15;
const WORDS = ['game', 'night', 'voice', 'channel', 'quiet', 'friendly', 'people', 'events', 'more', 'music', 'the', 'and', 'please', 'weekly', 'talks'];

const ms = (n: number) => `${n.toFixed(1)} ms`;

function timed<T>(run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  return { value, ms: performance.now() - started };
}

export async function benchSurveys(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-surveys-'));
  const db = openDatabase(join(dir, 'bench.sqlite'));
  try {
    const guildId = 'bench-guild';
    const { survey } = createSurvey(db, { guildId, creatorId: 'lead' }, { title: 'Bench survey', description: null, anonymous: false, template: null }, 0);
    const kinds: [string, string | null][] = [
      ['scale-5', null],
      ['scale-5', null],
      ['scale-10', null],
      ['scale-10', null],
      ['single-choice', 'Mornings | Evenings | Weekends | Never'],
      ['single-choice', 'Discord | Forum | In person'],
      ['multi-choice', 'Games | Talks | Music | Crafts | Reading | Walks'],
      ['yes-no', null],
      ['short-text', null],
      ['long-text', null],
    ];
    for (const [i, [kind, choices]] of kinds.entries()) addQuestion(db, guildId, survey.id, { kind, prompt: `Question ${i + 1}`, choices, required: false });
    publishSurvey(db, guildId, survey.id, 'c1', null, 0);
    const questions = questionsOf(db, guildId, survey.id);

    let seed = 42;
    const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const sentence = (length: number) => Array.from({ length }, () => WORDS[random(WORDS.length)]).join(' ');
    const seeding = timed(() =>
      // Seeded in one transaction through the store: the benchmark measures reading, not 10,000 clicks.
      writeTx(db, (tx) => {
        for (let r = 0; r < RESPONSES; r++) {
          const response = insertResponse(tx, guildId, survey.id, `member-${r}`, 1);
          for (const q of questions) {
            const answer =
              q.kind === 'scale-5' ? { num: 1 + random(5), text: null }
              : q.kind === 'scale-10' ? { num: random(11), text: null }
              : q.kind === 'single-choice' ? { num: random(q.choices!.length), text: null }
              : q.kind === 'multi-choice' ? { num: 1 + random(63), text: null }
              : q.kind === 'yes-no' ? { num: random(2), text: null }
              : { num: null, text: sentence(q.kind === 'short-text' ? 4 : 20) };
            saveAnswer(tx, response.id, survey.id, q.id, answer);
          }
          markSubmitted(tx, response, 2);
        }
      }),
    );

    const runs: number[] = [];
    let answers = 0;
    for (let i = 0; i < RUNS; i++) {
      const { value, ms: took } = timed(() => surveyResults(db, guildId, survey.id));
      runs.push(took);
      answers = value.questions.reduce((sum, q) => sum + q.answered, 0);
    }
    const first = runs[0]!;
    runs.sort((a, b) => a - b);
    const exported = timed(() => exportSurvey(db, guildId, survey.id));
    const answer = timed(() => answerQuestion(db, { guildId, memberId: 'member-new', sees: WHOLE_SERVER }, survey.id, 0, [3], 3));
    if (!findResponse(db, survey.id, 'member-new')) throw new Error('the timed answer was not stored');

    const median = runs[Math.floor(runs.length / 2)]!;
    const worst = runs.at(-1)!;
    return [
      `Survey results over ${RESPONSES.toLocaleString('en-US')} submitted responses × ${questions.length} questions (${answers.toLocaleString('en-US')} answers counted; 2 free-text questions), temporary SQLite file:`,
      '',
      `| step | time |`,
      `|---|---|`,
      `| seeding (one transaction) | ${ms(seeding.ms)} |`,
      `| \`/survey results\` summary, first run | ${ms(first)} |`,
      `| \`/survey results\` summary, median of ${RUNS} | ${ms(median)} |`,
      `| \`/survey results\` summary, slowest of ${RUNS} | ${ms(worst)} ${worst < 200 ? '(target < 200 ms: met)' : '(target < 200 ms: MISSED)'} |`,
      `| CSV export rows (${(exported.value.rows.length - 1).toLocaleString('en-US')} responses) | ${ms(exported.ms)} |`,
      `| one answer click on the loaded survey | ${ms(answer.ms)} |`,
    ];
  } finally {
    closeDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
}
