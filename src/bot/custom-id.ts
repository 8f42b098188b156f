/**
 * Custom ids are how a button, select or modal finds its way back to Hearth, possibly long after
 * the process that made it has gone. Each one is `namespace:action:value:value...`, declared once
 * per feature with `customId()` and parsed by the same declaration, so build and parse cannot drift.
 *
 * A custom id is input: a member can send any custom id they like, and Discord does not check it.
 * So every value is declared with a type (a stored row's id, an integer within bounds, a Discord
 * id, a name from a fixed list) and parsing accepts only that type, written the one way `build`
 * writes it. Anything else parses to null, which the router answers with "not recognised".
 */

/** What a value may be: checked when building, and again when a click comes back. */
export type FieldType =
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  | { readonly kind: 'snowflake' }
  | { readonly kind: 'enum'; readonly values: readonly string[] };

/** The declarations features use, e.g. `{ pollId: field.rowId, choice: field.int(0, 19) }`. */
export const field = {
  /** An integer from `min` to `max`, both included. */
  int: (min: number, max: number): FieldType & { kind: 'int' } => {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) throw new Error(`Custom id field: bad bounds ${min}..${max}.`);
    return { kind: 'int', min, max };
  },
  /** The id of a stored row (1 and up). */
  rowId: { kind: 'int', min: 1, max: Number.MAX_SAFE_INTEGER } as FieldType & { kind: 'int' },
  /** A Discord id: 17 to 20 digits. */
  snowflake: { kind: 'snowflake' } as FieldType & { kind: 'snowflake' },
  /** One of a fixed list of names. */
  oneOf: <const V extends readonly string[]>(...values: V): { readonly kind: 'enum'; readonly values: V } => {
    for (const value of values) if (!/^[a-z0-9-]+$/.test(value)) throw new Error(`Custom id field: "${value}" must be lower-case letters, digits and dashes.`);
    return { kind: 'enum', values };
  },
} as const;

type Fields = Record<string, FieldType>;
type ValueOf<T extends FieldType> = T extends { kind: 'int' } ? number : T extends { kind: 'enum'; values: readonly (infer V)[] } ? V : string;
export type CustomIdValues<F extends Fields> = { [K in keyof F]: ValueOf<F[K]> };

export const CUSTOM_ID_MAX_LENGTH = 100;
const SEPARATOR = ':';
const SNOWFLAKE = /^[1-9]\d{16,19}$/;
// Canonical decimal integers only: no sign on 0, no leading zeros, no `+`, spaces, exponents or other digits.
const INTEGER = /^(?:0|-?[1-9]\d{0,15})$/;

/** The value as it is written in the id, or null when it is not of the declared type. */
function check(type: FieldType, value: unknown): string | null {
  switch (type.kind) {
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= type.min && value <= type.max ? String(value) : null;
    case 'snowflake':
      return typeof value === 'string' && SNOWFLAKE.test(value) ? value : null;
    case 'enum':
      return typeof value === 'string' && type.values.includes(value) ? value : null;
  }
}

function read(type: FieldType, raw: string): string | number | null {
  if (type.kind !== 'int') return check(type, raw) === null ? null : raw;
  if (!INTEGER.test(raw)) return null;
  const value = Number(raw);
  return check(type, value) === null ? null : value;
}

export interface CustomIdSpec<F extends Fields = Fields> {
  /** `namespace:action`, the part the router dispatches on. */
  readonly key: string;
  /** The declared values, in the order they are written. */
  readonly fields: Readonly<F>;
  build(values: CustomIdValues<F>): string;
  /** The values, or null when the id is not exactly of this shape (garbled, forged, or from another version). */
  parse(customId: string): CustomIdValues<F> | null;
}

export function customId<const F extends Fields>(namespace: string, action: string, fields: F): CustomIdSpec<F> {
  for (const part of [namespace, action]) {
    if (!/^[a-z][a-z0-9-]*$/.test(part)) throw new Error(`Custom id part "${part}" must be lower-case letters, digits and dashes.`);
  }
  const key = `${namespace}${SEPARATOR}${action}`;
  const names = Object.keys(fields) as (keyof F & string)[];

  return {
    key,
    fields,
    build(values) {
      const parts = names.map((name) => {
        const text = check(fields[name]!, values[name]);
        if (text === null) throw new Error(`Custom id ${key}: ${name} is not a valid ${describeType(fields[name]!)}, got ${String(values[name])}.`);
        return text;
      });
      const id = [key, ...parts].join(SEPARATOR);
      if (id.length > CUSTOM_ID_MAX_LENGTH) {
        throw new Error(`Custom id ${key} would be ${id.length} characters; Discord allows ${CUSTOM_ID_MAX_LENGTH}.`);
      }
      return id;
    },
    parse(id) {
      if (id.length > CUSTOM_ID_MAX_LENGTH) return null;
      const parts = id.split(SEPARATOR);
      if (parts.length !== names.length + 2 || `${parts[0]}${SEPARATOR}${parts[1]}` !== key) return null;
      const values: Record<string, string | number> = {};
      for (const [index, name] of names.entries()) {
        const value = read(fields[name]!, parts[index + 2]!);
        if (value === null) return null;
        values[name] = value;
      }
      return values as CustomIdValues<F>;
    },
  };
}

function describeType(type: FieldType): string {
  if (type.kind === 'int') return `integer from ${type.min} to ${type.max}`;
  if (type.kind === 'snowflake') return 'Discord id';
  return `one of ${type.values.join(', ')}`;
}

/** The `namespace:action` part of any custom id, for routing. */
export function customIdKey(id: string): string {
  // Runs twice on every click (routing, metrics): a slice, not a split into every field.
  const first = id.indexOf(SEPARATOR);
  if (first < 0) return `${id}${SEPARATOR}`;
  const second = id.indexOf(SEPARATOR, first + 1);
  return second < 0 ? id : id.slice(0, second);
}
