// The feature boundary rule (docs/architecture.md, "Each feature's public interface"), as a
// function over source text, so that a test can run it on the real tree and on made-up examples.
import { posix } from 'node:path';

/** The features: each is a folder src/<name>/ whose index.ts is all that others may import. */
export const FEATURES = ['polls', 'surveys', 'checkins', 'kudos', 'settings', 'privacy', 'insights', 'preferences'] as const;

/** Shared infrastructure that has tables of its own but is no feature: anything may import it. */
export const SHARED_WITH_TABLES = ['db', 'outbox'] as const;

/** Command files belong to a feature (help.ts and index.ts to none). */
export const COMMAND_FEATURES: Readonly<Record<string, string>> = {
  'commands/poll.ts': 'polls',
  'commands/survey.ts': 'surveys',
  'commands/checkin.ts': 'checkins',
  'commands/kudos.ts': 'kudos',
  'commands/give-kudos.ts': 'kudos',
  'commands/kudos-settings.ts': 'kudos',
  'commands/settings.ts': 'settings',
  'commands/privacy.ts': 'privacy',
  'commands/privacy-settings.ts': 'privacy',
  'commands/insights.ts': 'insights',
  'commands/insights-settings.ts': 'insights',
  'commands/preferences.ts': 'preferences',
};

/** Gather every table for migrations (src/db/schema.ts) and wire the bot together (src/app.ts). */
export const EXCEPTIONS: readonly string[] = ['src/db/schema.ts', 'src/app.ts'];

export interface SourceFile {
  /** Relative to the project root, with forward slashes, e.g. `src/kudos/store.ts`. */
  path: string;
  text: string;
}

export interface Violation {
  file: string;
  /** As written in the import. */
  specifier: string;
  /** The file it resolves to. */
  target: string;
  feature: string;
}

/** The feature a file belongs to, or null (shared code such as src/bot/, or a command of none). */
export function featureOf(path: string): string | null {
  const match = /^src\/([^/]+)\//.exec(path);
  if (match && (FEATURES as readonly string[]).includes(match[1]!)) return match[1]!;
  return COMMAND_FEATURES[path] ?? null;
}

/** The source with comments blanked out (string and template contents kept), so commented-out imports do not count. */
function withoutComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Every module a file imports or re-exports: static (type-only too), side-effect and dynamic imports. */
export function importSpecifiers(text: string): string[] {
  const code = withoutComments(text);
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1/g, /\bimport\s*(['"])([^'"]+)\1/g, /\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.push(match[2]!);
  return found;
}

/** The project file a relative import names (`../polls` is `src/polls/index.ts`), or null for a package. */
export function resolveImport(from: string, specifier: string, files: ReadonlySet<string>): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = posix.normalize(posix.join(posix.dirname(from), specifier)).replace(/\.js$/, '');
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) if (files.has(candidate)) return candidate;
  // Not in the list (a file about to be written, say): judge by the path, a folder meaning its index.
  return base.endsWith('.ts') ? base : /^src\/[^/]+$/.test(base) ? `${base}/index.ts` : `${base}.ts`;
}

/** Imports that reach into another feature past its index.ts. */
export function boundaryViolations(sources: readonly SourceFile[]): Violation[] {
  const files = new Set(sources.map((s) => s.path));
  const violations: Violation[] = [];
  for (const source of sources) {
    if (EXCEPTIONS.includes(source.path)) continue;
    const own = featureOf(source.path);
    for (const specifier of importSpecifiers(source.text)) {
      const target = resolveImport(source.path, specifier, files);
      if (target === null) continue;
      // The table list gathers every feature's tables: only the database opener may read it.
      if (target === 'src/db/schema.ts' && source.path !== 'src/db/open.ts') {
        violations.push({ file: source.path, specifier, target, feature: 'db' });
        continue;
      }
      const feature = /^src\/([^/]+)\//.exec(target)?.[1];
      if (!feature || !(FEATURES as readonly string[]).includes(feature) || feature === own) continue;
      if (target !== `src/${feature}/index.ts`) violations.push({ file: source.path, specifier, target, feature });
    }
  }
  return violations;
}

/** Packages that mean Discord. */
const DISCORD = /^(discord\.js|@discordjs\/|discord-api-types)/;

/**
 * Every Discord package import reachable from `entry` through relative imports, with the chain of
 * files that leads to it: a feature's index.ts must reach none.
 */
export function discordImportsReachable(entry: string, sources: readonly SourceFile[]): { chain: string[]; specifier: string }[] {
  const byPath = new Map(sources.map((s) => [s.path, s]));
  const files = new Set(byPath.keys());
  const found: { chain: string[]; specifier: string }[] = [];
  const seen = new Set<string>();
  const visit = (path: string, chain: string[]) => {
    if (seen.has(path)) return;
    seen.add(path);
    const source = byPath.get(path);
    if (!source) return;
    for (const specifier of importSpecifiers(source.text)) {
      if (DISCORD.test(specifier)) found.push({ chain: [...chain, path], specifier });
      const target = resolveImport(path, specifier, files);
      if (target) visit(target, [...chain, path]);
    }
  };
  visit(entry, []);
  return found;
}
