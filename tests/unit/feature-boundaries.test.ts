import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { boundaryViolations, discordImportsReachable, FEATURES, importSpecifiers, SHARED_WITH_TABLES, type SourceFile, type Violation } from '../support/feature-boundaries';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function tree(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? tree(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every .ts file of src/ and commands/, as the rule sees them. */
const realSources = (): SourceFile[] =>
  ['src', 'commands'].flatMap((folder) => tree(join(ROOT, folder))).map((path) => ({ path: relative(ROOT, path).split(sep).join('/'), text: readFileSync(path, 'utf8') }));

const explain = (v: Violation) =>
  v.target === 'src/db/schema.ts'
    ? `${v.file} imports '${v.specifier}' (${v.target}): only src/db/open.ts may read every feature's tables`
    : `${v.file} imports '${v.specifier}' (${v.target}): from outside ${v.feature}, only src/${v.feature}/index.ts may be imported`;

describe('feature boundaries', () => {
  it('hold in this tree: outside a feature, only its index.ts is imported', () => {
    const sources = realSources();
    expect(sources.length).toBeGreaterThan(50);
    expect(boundaryViolations(sources).map(explain)).toEqual([]);
  });

  it("keep Discord out of every feature's public interface and what it pulls in", () => {
    const sources = realSources();
    for (const feature of FEATURES) {
      expect(existsSync(join(ROOT, 'src', feature, 'index.ts')), `src/${feature}/index.ts`).toBe(true);
      expect(discordImportsReachable(`src/${feature}/index.ts`, sources).map((d) => `${d.chain.join(' -> ')} imports ${d.specifier}`)).toEqual([]);
    }
  });

  it('know every feature: each folder of src/ with its own tables is one, but for the shared infrastructure; each has an index', () => {
    const shared: readonly string[] = SHARED_WITH_TABLES;
    const withTables = readdirSync(join(ROOT, 'src')).filter((name) => existsSync(join(ROOT, 'src', name, 'schema.ts')) && !shared.includes(name));
    // A feature may compose others without tables of its own (insights), but none may lack an index.
    expect(withTables.filter((name) => !(FEATURES as readonly string[]).includes(name))).toEqual([]);
    for (const feature of FEATURES) expect(existsSync(join(ROOT, 'src', feature, 'index.ts')), feature).toBe(true);
  });

  it('catch an import past an index, in every way an import can be written, naming the file and the import', () => {
    const sources: SourceFile[] = [
      { path: 'src/polls/index.ts', text: "export { activity } from './participation';" },
      { path: 'src/polls/store.ts', text: '' },
      { path: 'src/polls/schema.ts', text: '' },
      { path: 'src/settings/index.ts', text: '' },
      { path: 'src/settings/service.ts', text: '' },
      { path: 'src/checkins/store.ts', text: '' },
      {
        path: 'src/kudos/store.ts',
        text: [
          "import { polls, pollVotes } from '../polls/schema';", // the raw cross-feature SQL of old
          "import { activity } from '../polls';", // fine: the index
          "import {\n  getSettings,\n  type GuildSettings,\n} from '../settings/service';", // over several lines
          "import type { Answer } from '../checkins/store.js';", // type-only, with an extension
          "import { kudos } from './schema';", // its own feature
          "// import { nope } from '../surveys/store';", // a comment is not an import
          "/* import { nope } from '../surveys/service'; */",
        ].join('\n'),
      },
      { path: 'src/bot/leaders.ts', text: "import { getSettings } from '../settings/service';\nimport { x } from '../settings/index';" },
      { path: 'src/insights/report.ts', text: "export * from '../surveys/service';\nconst later = () => import('../checkins/service');" },
      { path: 'commands/poll.ts', text: "import { vote } from '../src/polls/service';\nimport '../src/kudos/messages';" },
      { path: 'commands/help.ts', text: "import { POLL_LIMITS } from '../src/polls/service';" },
      // Every table, through the list gathered for migrations: only the database opener may.
      { path: 'src/kudos/roundup.ts', text: "import { pollVotes } from '../db/schema';" },
      { path: 'src/db/open.ts', text: "import * as schema from './schema';" },
      // The two allowed exceptions.
      { path: 'src/db/schema.ts', text: "export * from '../polls/schema';" },
      { path: 'src/app.ts', text: "import { pollClosingTask } from './polls/messages';" },
    ];
    expect(boundaryViolations(sources).map(explain)).toEqual([
      "src/kudos/store.ts imports '../polls/schema' (src/polls/schema.ts): from outside polls, only src/polls/index.ts may be imported",
      "src/kudos/store.ts imports '../settings/service' (src/settings/service.ts): from outside settings, only src/settings/index.ts may be imported",
      "src/kudos/store.ts imports '../checkins/store.js' (src/checkins/store.ts): from outside checkins, only src/checkins/index.ts may be imported",
      "src/bot/leaders.ts imports '../settings/service' (src/settings/service.ts): from outside settings, only src/settings/index.ts may be imported",
      "src/insights/report.ts imports '../surveys/service' (src/surveys/service.ts): from outside surveys, only src/surveys/index.ts may be imported",
      "src/insights/report.ts imports '../checkins/service' (src/checkins/service.ts): from outside checkins, only src/checkins/index.ts may be imported",
      "commands/poll.ts imports '../src/kudos/messages' (src/kudos/messages.ts): from outside kudos, only src/kudos/index.ts may be imported",
      "commands/help.ts imports '../src/polls/service' (src/polls/service.ts): from outside polls, only src/polls/index.ts may be imported",
      "src/kudos/roundup.ts imports '../db/schema' (src/db/schema.ts): only src/db/open.ts may read every feature's tables",
    ]);
  });

  it('reads imports and re-exports, not strings that merely look like them', () => {
    expect(importSpecifiers("const text = 'not an import';\nimport x from \"./a\";\nexport { y } from './b';\nimport './c';\nawait import('./d');\n// import z from './e';")).toEqual(['./a', './b', './c', './d']);
  });

  it('follow an index to a Discord import, however deep', () => {
    const sources: SourceFile[] = [
      { path: 'src/polls/index.ts', text: "export { activity } from './participation';" },
      { path: 'src/polls/participation.ts', text: "import { results } from './service';" },
      { path: 'src/polls/service.ts', text: "import type { Message } from 'discord.js';" },
    ];
    expect(discordImportsReachable('src/polls/index.ts', sources)).toEqual([{ chain: ['src/polls/index.ts', 'src/polls/participation.ts', 'src/polls/service.ts'], specifier: 'discord.js' }]);
  });
});
