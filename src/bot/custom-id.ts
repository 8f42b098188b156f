/**
 * Custom ids are how a button, select or modal finds its way back to Hearth, possibly long after
 * the process that made it has gone. Each one is `namespace:action:value:value...`, declared once
 * per feature with `customId()` and parsed by the same declaration, so build and parse cannot drift.
 */

type FieldKind = 'int' | 'str';
type Fields = Record<string, FieldKind>;
export type CustomIdValues<F extends Fields> = { [K in keyof F]: F[K] extends 'int' ? number : string };

export const CUSTOM_ID_MAX_LENGTH = 100;
const SEPARATOR = ':';

export interface CustomIdSpec<F extends Fields = Fields> {
  /** `namespace:action`, the part the router dispatches on. */
  readonly key: string;
  build(values: CustomIdValues<F>): string;
  /** The values, or null when the id is not of this shape (garbled, or from another version). */
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
    build(values) {
      const parts = names.map((name) => {
        const value = values[name];
        if (fields[name] === 'int' && !Number.isSafeInteger(value)) {
          throw new Error(`Custom id ${key}: ${name} must be an integer, got ${String(value)}.`);
        }
        const text = String(value);
        if (text.includes(SEPARATOR)) throw new Error(`Custom id ${key}: ${name} may not contain "${SEPARATOR}".`);
        return text;
      });
      const id = [key, ...parts].join(SEPARATOR);
      if (id.length > CUSTOM_ID_MAX_LENGTH) {
        throw new Error(`Custom id ${key} would be ${id.length} characters; Discord allows ${CUSTOM_ID_MAX_LENGTH}.`);
      }
      return id;
    },
    parse(id) {
      const parts = id.split(SEPARATOR);
      if (parts.length !== names.length + 2 || `${parts[0]}${SEPARATOR}${parts[1]}` !== key) return null;
      const values: Record<string, string | number> = {};
      for (const [index, name] of names.entries()) {
        const raw = parts[index + 2]!;
        if (fields[name] === 'int') {
          if (!/^-?\d{1,15}$/.test(raw)) return null;
          values[name] = Number(raw);
        } else {
          values[name] = raw;
        }
      }
      return values as CustomIdValues<F>;
    },
  };
}

/** The `namespace:action` part of any custom id, for routing. */
export function customIdKey(id: string): string {
  const [namespace = '', action = ''] = id.split(SEPARATOR, 2);
  return `${namespace}${SEPARATOR}${action}`;
}
