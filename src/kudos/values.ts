/** The values a server thanks people for: the defaults, and a leader's changes to them. */
import { UserError } from '../user-error';
import type { Db } from '../db/open';
import { writeTx, type Tx } from '../db/write-tx';
import { KUDOS_LIMITS } from './limits';
import { renameValueInHistory, replaceValues, valuesOf } from './store';
import { DISCORD_LIMITS, truncate } from '../format';

/** What a new server starts with: what makes a good community member, one sentence each. */
export const DEFAULT_VALUES: readonly KudosValue[] = [
  { name: 'Generosity', description: 'Gave their time, knowledge or things freely to others.' },
  { name: 'Kindness', description: 'Treated someone with warmth and care.' },
  { name: 'Helpfulness', description: 'Stepped in to help someone get unstuck.' },
  { name: 'Inspiration', description: 'Sparked new ideas or motivated others to try.' },
  { name: 'Wisdom', description: 'Shared good judgement or a thoughtful perspective.' },
  { name: 'Positivity', description: 'Lifted the mood and kept spirits up.' },
  { name: 'Dedication', description: 'Showed up consistently and followed through.' },
  { name: 'Teaching', description: 'Explained something patiently so others could learn.' },
  { name: 'Humility', description: 'Listened, admitted mistakes and gave others credit.' },
  { name: 'Welcoming', description: 'Made a newcomer feel at home.' },
];

export interface KudosValue {
  name: string;
  description: string;
}

export function listValues(db: Db, guildId: string): KudosValue[] {
  const stored = valuesOf(db, guildId);
  return stored.length ? stored : [...DEFAULT_VALUES];
}

/** The server's value matching what a member typed or picked (any case), or a refusal listing them. */
export function resolveValue(values: readonly KudosValue[], typed: string): KudosValue {
  const wanted = typed.trim().replace(/\s+/g, ' ').toLocaleLowerCase();
  const found = values.find((v) => v.name.toLocaleLowerCase() === wanted);
  if (!found) {
    throw new UserError(
      `"${typed.trim().slice(0, 40)}" is not one of this server's values. Pick one from the list as you type: ${values.map((v) => v.name).join(', ')}.`,
    );
  }
  return found;
}

function cleanName(typed: string): string {
  const name = typed.trim().replace(/\s+/g, ' ');
  if (!name) throw new UserError('The value name is empty. Give it a short name, e.g. "Patience".');
  if (name.length > KUDOS_LIMITS.valueNameLength) {
    throw new UserError(`A value name can be at most ${KUDOS_LIMITS.valueNameLength} characters; "${name.slice(0, 40)}" has ${name.length}. Use a shorter name.`);
  }
  return name;
}

function cleanDescription(typed: string): string {
  const description = typed.trim().replace(/\s+/g, ' ');
  if (!description) throw new UserError('The description is empty. Describe the value in one short sentence.');
  if (description.length > KUDOS_LIMITS.valueDescriptionLength) {
    throw new UserError(`A value's description can be at most ${KUDOS_LIMITS.valueDescriptionLength} characters (this one has ${description.length}). Shorten it to one sentence.`);
  }
  return description;
}

/** Changes the server's values in one transaction, starting from the defaults on the first change. */
function changeValues(db: Db, guildId: string, change: (values: KudosValue[], tx: Tx) => KudosValue[]): KudosValue[] {
  return writeTx(db, (tx) => {
    const stored = valuesOf(tx, guildId);
    const next = change(stored.length ? stored : [...DEFAULT_VALUES], tx);
    replaceValues(tx, guildId, next);
    return next;
  });
}

const sameName = (a: string, b: string) => a.toLocaleLowerCase() === b.toLocaleLowerCase();

export function addValue(db: Db, guildId: string, typedName: string, typedDescription: string): KudosValue[] {
  const name = cleanName(typedName);
  const description = cleanDescription(typedDescription);
  return changeValues(db, guildId, (values) => {
    if (values.some((v) => sameName(v.name, name))) throw new UserError(`This server already has a value called **${name}**. Pick a different name.`);
    if (values.length >= KUDOS_LIMITS.maxValues) {
      throw new UserError(`A server can have at most ${KUDOS_LIMITS.maxValues} values, and this one has ${values.length}. Remove or rename one first.`);
    }
    return [...values, { name, description }];
  });
}

export function removeValue(db: Db, guildId: string, typedName: string): KudosValue[] {
  return changeValues(db, guildId, (values) => {
    const target = resolveValue(values, typedName);
    if (values.length <= KUDOS_LIMITS.minValues) {
      throw new UserError(`A server needs at least ${KUDOS_LIMITS.minValues} value, so **${target.name}** cannot be removed. Add another value first, or rename this one.`);
    }
    return values.filter((v) => v !== target);
  });
}

/** Renames a value (and the kudos already given for it), optionally with a new description. */
export function renameValue(db: Db, guildId: string, typedFrom: string, typedTo: string, typedDescription: string | null): KudosValue[] {
  const to = cleanName(typedTo);
  const description = typedDescription === null ? null : cleanDescription(typedDescription);
  return changeValues(db, guildId, (values, tx) => {
    const target = resolveValue(values, typedFrom);
    if (values.some((v) => v !== target && sameName(v.name, to))) throw new UserError(`This server already has a value called **${to}**. Pick a different name.`);
    if (target.name !== to) renameValueInHistory(tx, guildId, target.name, to);
    return values.map((v) => (v === target ? { name: to, description: description ?? v.description } : v));
  });
}

export function valueSuggestions(db: Db, guildId: string, typed: string): { name: string; value: string }[] {
  const needle = typed.trim().toLocaleLowerCase();
  return listValues(db, guildId)
    .filter((v) => v.name.toLocaleLowerCase().includes(needle))
    .sort((a, b) => Number(!a.name.toLocaleLowerCase().startsWith(needle)) - Number(!b.name.toLocaleLowerCase().startsWith(needle)))
    .slice(0, DISCORD_LIMITS.autocompleteChoices)
    .map((v) => {
      const label = `${v.name}: ${v.description}`;
      return { name: truncate(label, DISCORD_LIMITS.autocompleteName), value: v.name };
    });
}
