// How Hearth writes what members read: Discord's size limits, counted words, cuts, bars and
// Discord's own markup, each written once. Plain strings and numbers in and out (no discord.js),
// so services may use it as well as views.

/** What Discord accepts in one message; a payload over any of these is refused (400, code 50035). */
export const DISCORD_LIMITS = {
  messageContent: 2000,
  embedsPerMessage: 10,
  /** Every embed's title, description, author, footer and fields' names and values, together. */
  embedsTotal: 6000,
  embedTitle: 256,
  embedDescription: 4096,
  embedAuthor: 256,
  embedFooter: 2048,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  actionRows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  selectOptions: 25,
  selectOptionLabel: 100,
  selectOptionDescription: 100,
  modalTitle: 45,
  modalLabel: 45,
  modalLabelDescription: 100,
  autocompleteChoices: 25,
  autocompleteName: 100,
  filesPerMessage: 10,
} as const;

// ------------------------------------------------------------------ words

/** The word that agrees with a count, without the count: `oneOrMany(n, 'was', 'were')`. */
export function oneOrMany(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** A count with its word: `plural(1, 'vote')` is "1 vote", `plural(0, 'vote')` "0 votes"; name irregular plurals. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${oneOrMany(n, one, many)}`;
}

/** Text cut to at most `max` characters, ending in "…" when anything was cut (never half an emoji). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - 1;
  // A UTF-16 pair (most emoji) is kept whole or dropped whole: half of one shows as a broken sign.
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}…`;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** Text on one line: every run of white space, line breaks included, becomes one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** Text as a block quote: every line starts with "> ". */
export function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

// ------------------------------------------------------------------ numbers

/** `count` as a whole percentage of `of`; 0 when `of` is 0. */
export function percent(count: number, of: number): number {
  return of === 0 ? 0 : Math.round((count / of) * 100);
}

/** A bar of `width` blocks, filled in proportion to `count` of `of`, in code style so bars line up. */
export function progressBar(count: number, of: number, width: number): string {
  const filled = of === 0 ? 0 : Math.min(width, Math.round((count / of) * width));
  return `\`${'█'.repeat(filled)}${'░'.repeat(width - filled)}\``;
}

// ------------------------------------------------------------------ Discord's markup

export type TimestampStyle = 'R' | 'f' | 'F' | 'd' | 'D' | 't' | 'T';

/** A time every member sees in their own time zone: `R` "in 2 hours", `f` "25 November 2026 14:00". */
export function timestamp(ms: number, style: TimestampStyle = 'R'): string {
  return `<t:${Math.floor(ms / 1000)}:${style}>`;
}

/** A link that opens a message in Discord. */
export function messageLink(guildId: string, channelId: string, messageId: string): string {
  return `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;
}

// ------------------------------------------------------------------ fitting lists into Discord's limits

export interface EntryOptions {
  /** Between entries, and before the note on what was left out. Default: a line break. */
  separator?: string;
  /** How many entries there are in all, when `entries` holds only the first of them. */
  total?: number;
  /** The note on the entries left out (`shown` made it); null says nothing. Default: "…and N more". */
  more?: ((leftOut: number, shown: number) => string) | null;
}

/**
 * Joins whole entries while they fit in `max` characters, note included, then says how many were
 * left out, so nothing is cut mid-mention or mid-word. The result is never longer than `max`.
 */
export function fitEntries(entries: readonly string[], max: number, options: EntryOptions = {}): string {
  const { separator = '\n', total = entries.length, more = (leftOut: number) => `…and ${leftOut} more` } = options;
  const withNote = (joined: string, shown: number) => {
    const note = shown < total && more ? more(total - shown, shown) : '';
    return joined && note ? `${joined}${separator}${note}` : joined || note;
  };
  let best = withNote('', 0);
  let joined = '';
  for (const [index, entry] of entries.entries()) {
    joined = index === 0 ? entry : `${joined}${separator}${entry}`;
    if (joined.length > max) break;
    const candidate = withNote(joined, index + 1);
    if (candidate.length <= max) best = candidate;
  }
  return best.length <= max ? best : truncate(best, max);
}

/** The parts of an embed that count toward Discord's limits (an `EmbedBuilder`'s `data` is one). */
export interface EmbedText {
  title?: string;
  description?: string;
  author?: { name: string };
  footer?: { text: string };
  fields?: readonly { name: string; value: string }[];
}

/** How many characters of the message's 6,000 an embed uses, counted as Discord counts them. */
export function embedLength(embed: EmbedText): number {
  const parts = [embed.title, embed.description, embed.author?.name, embed.footer?.text, ...(embed.fields ?? []).flatMap((f) => [f.name, f.value])];
  return parts.reduce((sum, text) => sum + (text?.length ?? 0), 0);
}

/** What is left of the 6,000 characters for a message whose only embed is `embed`. */
export function roomLeft(embed: EmbedText): number {
  return DISCORD_LIMITS.embedsTotal - embedLength(embed);
}

export interface Field {
  name: string;
  value: string;
}

/** A field to fit: its value as text (cut with "…" if it must be) or as whole entries (see `fitEntries`). */
export type FieldDraft = Field | { name: string; entries: readonly string[]; options?: EntryOptions };

// The least a field keeps before it is left out: enough for "…and 99 more".
const SMALLEST_VALUE = 20;

/**
 * Fits fields into `room` characters (see `roomLeft`): at most `maxFields`, each value within
 * 1,024. When not everything fits, short values stay whole and the long ones share what is left
 * equally; fields that no longer fit at all are left out from the end, and counted.
 */
export function fitFields(drafts: readonly FieldDraft[], room: number, maxFields: number = DISCORD_LIMITS.fields): { fields: Field[]; leftOut: number } {
  const kept = drafts.slice(0, maxFields).map((draft) => {
    const name = truncate(draft.name, DISCORD_LIMITS.fieldName);
    const fit = (max: number) => ('entries' in draft ? fitEntries(draft.entries, max, draft.options) : truncate(draft.value, max)) || '…';
    return { name, fit, need: fit(DISCORD_LIMITS.fieldValue).length };
  });
  const leastOf = (field: (typeof kept)[number]) => field.name.length + Math.min(field.need, SMALLEST_VALUE);
  while (kept.length > 0 && kept.reduce((sum, field) => sum + leastOf(field), 0) > room) kept.pop();

  const allowed = shareRoom(
    kept.map((field) => field.need),
    room - kept.reduce((sum, field) => sum + field.name.length, 0),
  );
  return { fields: kept.map((field, i) => ({ name: field.name, value: field.fit(allowed[i]!) })), leftOut: drafts.length - kept.length };
}

/** Splits `room` between needs: the smallest are met in full, the rest share what is left equally. */
function shareRoom(needs: readonly number[], room: number): number[] {
  const allowed = [...needs];
  const order = needs.map((need, i) => ({ need, i })).sort((a, b) => a.need - b.need);
  let left = room;
  for (const [rank, { need, i }] of order.entries()) {
    allowed[i] = Math.max(0, Math.min(need, Math.floor(left / (order.length - rank))));
    left -= allowed[i]!;
  }
  return allowed;
}
