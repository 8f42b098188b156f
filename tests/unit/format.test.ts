import { ButtonBuilder, ButtonStyle } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { buttonRows } from '../../src/bot/components';
import {
  DISCORD_LIMITS,
  embedLength,
  fitEntries,
  fitFields,
  messageLink,
  oneLine,
  oneOrMany,
  percent,
  plural,
  progressBar,
  quote,
  roomLeft,
  timestamp,
  truncate,
} from '../../src/format';

describe('words', () => {
  it('counts 0, 1 and 2 of a word, regular or not', () => {
    expect(plural(0, 'vote')).toBe('0 votes');
    expect(plural(1, 'vote')).toBe('1 vote');
    expect(plural(2, 'vote')).toBe('2 votes');
    expect(plural(1, 'reply', 'replies')).toBe('1 reply');
    expect(plural(3, 'reply', 'replies')).toBe('3 replies');
    expect(plural(2, 'kudos', 'kudos')).toBe('2 kudos');
    expect(oneOrMany(1, 'was', 'were')).toBe('was');
    expect(oneOrMany(0, 'was', 'were')).toBe('were');
  });

  it('cuts text only past the limit, and then to exactly the limit with an ellipsis', () => {
    expect(truncate('abcde', 5)).toBe('abcde');
    expect(truncate('abcdef', 5)).toBe('abcd…');
    expect(truncate('abcdef', 5)).toHaveLength(5);
    expect(truncate('abcdef', 1)).toBe('…');
    expect(truncate('abcdef', 0)).toBe('');
    expect(truncate('', 3)).toBe('');
  });

  it('never leaves half an emoji before the ellipsis', () => {
    const cut = truncate('ab😀cd', 4); // the emoji is two UTF-16 units at positions 2 and 3
    expect(cut).toBe('ab…');
    expect(cut.length).toBeLessThanOrEqual(4);
    expect(truncate('ab😀cd', 5)).toBe('ab😀…');
  });

  it('puts text on one line and quotes every line', () => {
    expect(oneLine('a\n\n b\t c')).toBe('a b c');
    expect(quote('one\ntwo')).toBe('> one\n> two');
  });
});

describe('numbers', () => {
  it('rounds percentages and survives an empty total', () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(2, 3)).toBe(67);
    expect(percent(0, 0)).toBe(0);
  });

  it('fills a bar in proportion, always at its full width', () => {
    expect(progressBar(0, 0, 4)).toBe('`░░░░`');
    expect(progressBar(1, 2, 4)).toBe('`██░░`');
    expect(progressBar(2, 2, 4)).toBe('`████`');
  });
});

describe("Discord's markup", () => {
  it('writes timestamps in seconds with the style, relative by default', () => {
    expect(timestamp(1_764_072_000_999)).toBe('<t:1764072000:R>');
    expect(timestamp(1_764_072_000_000, 'f')).toBe('<t:1764072000:f>');
  });

  it('links to a message', () => {
    expect(messageLink('1', '2', '3')).toBe('https://discord.com/channels/1/2/3');
  });
});

describe('fitEntries', () => {
  const entries = ['aaaa', 'bbbb', 'cccc', 'dddd']; // 19 characters joined by line breaks

  it('keeps every entry when they fit exactly', () => {
    expect(fitEntries(entries, 19)).toBe('aaaa\nbbbb\ncccc\ndddd');
  });

  it('one character short, keeps whole entries and counts the rest, within the limit', () => {
    const text = fitEntries(entries, 18);
    expect(text).toBe('aaaa\n…and 3 more'); // with "bbbb" too it would be 21
    expect(text.length).toBeLessThanOrEqual(18);
    expect(fitEntries(entries, 16)).toBe('aaaa\n…and 3 more');
    expect(fitEntries(entries, 15)).toBe('…and 4 more');
  });

  it('counts entries it was never given, with its own separator and note', () => {
    const text = fitEntries(['<@1>', '<@2>'], 100, { separator: ' ', total: 5, more: (n, shown) => (shown ? `and ${n} more` : `${n} members`) });
    expect(text).toBe('<@1> <@2> and 3 more');
    expect(fitEntries(['<@1>', '<@2>'], 5, { separator: ' ', total: 5, more: (n, shown) => (shown ? `and ${n} more` : `${n} members`) })).toBe('5 me…');
  });

  it('says nothing of what was left out when asked not to', () => {
    expect(fitEntries(entries, 14, { more: null })).toBe('aaaa\nbbbb\ncccc');
  });

  it('never returns more than the limit, even when no entry and no note fit', () => {
    expect(fitEntries(['a long entry'], 4)).toBe('…an…');
  });
});

describe('fitFields', () => {
  const size = (fields: { name: string; value: string }[]) => fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0);

  it('keeps every field whole when the room is exactly enough', () => {
    const drafts = [
      { name: 'one', value: 'x'.repeat(100) },
      { name: 'two', value: 'y'.repeat(200) },
    ];
    const { fields, leftOut } = fitFields(drafts, 306);
    expect(fields).toEqual(drafts);
    expect(leftOut).toBe(0);
  });

  it('one character short, cuts the longest value and leaves the short one whole', () => {
    const { fields } = fitFields(
      [
        { name: 'one', value: 'x'.repeat(100) },
        { name: 'two', value: 'y'.repeat(200) },
      ],
      305,
    );
    expect(fields[0]!.value).toBe('x'.repeat(100));
    expect(fields[1]!.value).toBe(`${'y'.repeat(198)}…`);
    expect(size(fields)).toBe(305);
  });

  it('shares the room equally between long values, and keeps each within 1,024', () => {
    const { fields } = fitFields(
      Array.from({ length: 3 }, (_, i) => ({ name: `#${i}`, value: 'z'.repeat(5000) })),
      DISCORD_LIMITS.embedsTotal,
    );
    for (const f of fields) expect(f.value).toHaveLength(DISCORD_LIMITS.fieldValue);
    const tight = fitFields(Array.from({ length: 3 }, (_, i) => ({ name: `#${i}`, value: 'z'.repeat(5000) })), 306).fields;
    expect(tight.map((f) => f.value.length)).toEqual([100, 100, 100]);
  });

  it('fits entry lists whole, with their own note', () => {
    const mentions = Array.from({ length: 40 }, (_, i) => `<@${1000 + i}>`); // 7 characters each
    const { fields } = fitFields([{ name: 'Yes', entries: mentions, options: { separator: ' ', total: 45, more: (n) => `and ${n} more` } }], 3 + 40);
    expect(fields[0]!.value).toBe(`${mentions.slice(0, 3).join(' ')} and 42 more`);
    expect(fields[0]!.value.length).toBeLessThanOrEqual(40);
  });

  it('leaves out the fields that do not fit at all, from the end, and counts them', () => {
    const drafts = Array.from({ length: 30 }, (_, i) => ({ name: `Field ${i}`, value: 'v'.repeat(300) }));
    const all = fitFields(drafts, 100_000);
    expect(all.fields).toHaveLength(25);
    expect(all.leftOut).toBe(5);
    const few = fitFields(drafts.slice(0, 4), 3 * (7 + 20));
    expect(few.fields.map((f) => f.name)).toEqual(['Field 0', 'Field 1', 'Field 2']);
    expect(few.leftOut).toBe(1);
    expect(size(few.fields)).toBeLessThanOrEqual(3 * (7 + 20));
  });

  it('never gives Discord an empty value', () => {
    expect(fitFields([{ name: 'Empty', value: '' }], 100).fields[0]!.value).toBe('…');
  });

  it('counts an embed as Discord does, so the room left is exact', () => {
    const embed = { title: 'abc', description: 'de', author: { name: 'f' }, footer: { text: 'gh' }, fields: [{ name: 'i', value: 'jk' }] };
    expect(embedLength(embed)).toBe(11);
    expect(roomLeft(embed)).toBe(5989);
  });
});

describe('buttonRows', () => {
  const buttons = (n: number) => Array.from({ length: n }, (_, i) => new ButtonBuilder().setCustomId(`b:${i}`).setLabel(String(i)).setStyle(ButtonStyle.Secondary));

  it('lays out five buttons to a row', () => {
    expect(buttonRows(buttons(5)).map((row) => row.components.length)).toEqual([5]);
    expect(buttonRows(buttons(11)).map((row) => row.components.length)).toEqual([5, 5, 1]);
    expect(buttonRows([])).toEqual([]);
  });

  it('holds 25 buttons in five rows and refuses one more, or more than the rows allowed', () => {
    expect(buttonRows(buttons(25))).toHaveLength(5);
    expect(() => buttonRows(buttons(26))).toThrow('26 buttons do not fit in 5 rows of 5');
    expect(() => buttonRows(buttons(21), 4)).toThrow('21 buttons do not fit in 4 rows');
  });
});
