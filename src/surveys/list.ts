/** What `/survey list` and the survey autocomplete show. */
import type { Db } from '../db/open';
import { listSurveys, searchSurveys } from './store';
import { truncate } from '../format';

export function surveysForList(db: Db, guildId: string, limit = 20) {
  return listSurveys(db, guildId, limit);
}

export function surveySuggestions(db: Db, guildId: string, typed: string, which: 'draft' | 'open' | 'published' | 'any'): { name: string; value: number }[] {
  const statuses = { draft: ['draft'], open: ['open'], published: ['open', 'closed'], any: ['draft', 'open', 'closed'] } as const;
  return searchSurveys(db, guildId, typed, statuses[which]).map((survey) => {
    const suffix = ` (${survey.status})`;
    const prefix = `#${survey.id} · `;
    const room = 100 - prefix.length - suffix.length;
    const title = truncate(survey.title, room);
    return { name: `${prefix}${title}${suffix}`, value: survey.id };
  });
}
