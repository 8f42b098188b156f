import { ActionRowBuilder, type ButtonBuilder, type JSONEncodable } from 'discord.js';
import { DISCORD_LIMITS } from '../format';

/**
 * Buttons laid out five to a row. More buttons than `maxRows` rows hold is a mistake in the view
 * (Discord would refuse the whole message), so it fails here, where the cause is plain.
 */
export function buttonRows(buttons: readonly ButtonBuilder[], maxRows: number = DISCORD_LIMITS.actionRows): ActionRowBuilder<ButtonBuilder>[] {
  const { buttonsPerRow } = DISCORD_LIMITS;
  if (buttons.length > maxRows * buttonsPerRow) throw new Error(`${buttons.length} buttons do not fit in ${maxRows} rows of ${buttonsPerRow}`);
  const rows: ActionRowBuilder<ButtonBuilder>[] = [];
  for (let start = 0; start < buttons.length; start += buttonsPerRow) {
    rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(buttons.slice(start, start + buttonsPerRow)));
  }
  return rows;
}

/**
 * Message data already in Discord's shape (an embed, an action row), handed to discord.js as it is.
 * discord.js sends a builder's `toJSON()` unchanged but walks plain objects key by key to convert
 * them to snake case (about 40 µs for a survey step); the screens drawn on every click of a rush
 * are written in Discord's own keys, so they skip that walk.
 */
export function asSent<T>(data: T): JSONEncodable<T> {
  return { toJSON: () => data };
}
