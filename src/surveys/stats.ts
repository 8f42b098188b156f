/** The statistics behind survey summaries: plain numbers in, plain numbers out. */

/** value -> how many answered it */
export type Distribution = Map<number, number>;

export function countOf(distribution: Distribution): number {
  let n = 0;
  for (const count of distribution.values()) n += count;
  return n;
}

export function mean(distribution: Distribution): number | null {
  const n = countOf(distribution);
  if (n === 0) return null;
  let sum = 0;
  for (const [value, count] of distribution) sum += value * count;
  return sum / n;
}

/** The middle value; with an even count, the average of the two middle values. */
export function median(distribution: Distribution): number | null {
  const n = countOf(distribution);
  if (n === 0) return null;
  const values = [...distribution.keys()].sort((a, b) => a - b);
  const nth = (k: number) => {
    let seen = 0;
    for (const value of values) {
      seen += distribution.get(value)!;
      if (seen > k) return value;
    }
    return values.at(-1)!;
  };
  return n % 2 === 1 ? nth((n - 1) / 2) : (nth(n / 2 - 1) + nth(n / 2)) / 2;
}

/** Net Promoter Score on a 0-10 scale: % promoters (9-10) minus % detractors (0-6), -100 to 100. */
export function netPromoterScore(distribution: Distribution): { score: number; promoters: number; passives: number; detractors: number } | null {
  const n = countOf(distribution);
  if (n === 0) return null;
  let promoters = 0;
  let detractors = 0;
  for (const [value, count] of distribution) {
    if (value >= 9) promoters += count;
    else if (value <= 6) detractors += count;
  }
  // Half away from zero, so +12.5 and -12.5 round to +13 and -13 (Math.round alone gives -12).
  const raw = ((promoters - detractors) / n) * 100;
  return { score: Math.sign(raw) * Math.round(Math.abs(raw)) || 0, promoters, passives: n - promoters - detractors, detractors };
}

// Common English words that say nothing about what people want.
const STOP_WORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between both but by can could did do does doing done down during each even few for from further get got had has have having he her here hers herself him himself his how i if in into is it its itself just let lot lots me more most much my myself no nor not now of off on once only or other our ours ourselves out over own really same she should so some such than that the their theirs them themselves then there these they thing things this those through to too under until up us very was we were what when where which while who whom why will with would you your yours yourself yourselves im ive dont thats theres isnt wasnt cant wont didnt doesnt id youre theyre weve please like think maybe`.split(/\s+/),
);

const APOSTROPHES = /['’]/g;
const NOT_WORD = /[^\p{L}\p{N}]+/u;
const DIGITS = /^\d+$/;

const isMeaningful = (token: string) => token.length > 1 && !STOP_WORDS.has(token) && !DIGITS.test(token);

type Word = { id: number; term: string; count: number; lastAnswer: number };
type Tally = { count: number; lastAnswer: number };
const PAIR = 1 << 21;

function top(list: { term: string; count: number }[], limit: number): { term: string; count: number }[] {
  return list.sort((a, b) => b.count - a.count || a.term.localeCompare(b.term)).slice(0, limit);
}

/**
 * The most frequent meaningful words and two-word phrases in free-text answers. A phrase is two
 * neighbouring words, neither a stop word; each answer counts a term at most once, so one long
 * answer cannot outweigh many short ones.
 */
export function frequentTerms(answers: readonly string[], limit = 8): { words: { term: string; count: number }[]; phrases: { term: string; count: number }[] } {
  // One lookup per token: every distinct token is classified once (null = not meaningful), and
  // phrases are keyed by a pair of word numbers rather than by building strings.
  const vocabulary = new Map<string, Word | null>();
  const words: Word[] = [];
  const phrases = new Map<number, Tally>();
  for (let a = 0; a < answers.length; a++) {
    let previous: Word | null = null;
    for (const token of answers[a]!.toLowerCase().replace(APOSTROPHES, '').split(NOT_WORD)) {
      let word = vocabulary.get(token);
      if (word === undefined) {
        word = isMeaningful(token) && words.length < PAIR ? { id: words.length, term: token, count: 0, lastAnswer: -1 } : null;
        vocabulary.set(token, word);
        if (word) words.push(word);
      }
      if (word === null) {
        previous = null;
        continue;
      }
      if (word.lastAnswer !== a) {
        word.count++;
        word.lastAnswer = a;
      }
      if (previous !== null) {
        const key = previous.id * PAIR + word.id;
        const tally = phrases.get(key);
        if (!tally) phrases.set(key, { count: 1, lastAnswer: a });
        else if (tally.lastAnswer !== a) {
          tally.count++;
          tally.lastAnswer = a;
        }
      }
      previous = word;
    }
  }
  const phraseList: { term: string; count: number }[] = [];
  for (const [key, { count }] of phrases) {
    if (count >= 2) phraseList.push({ term: `${words[Math.floor(key / PAIR)]!.term} ${words[key % PAIR]!.term}`, count });
  }
  return { words: top(words.map(({ term, count }) => ({ term, count })), limit), phrases: top(phraseList, limit) };
}
