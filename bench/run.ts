// `npm run bench`: every benchmark scenario, printed as Markdown. Times depend on the machine and
// its load; compare ratios (Hearth against the baseline) more than absolute numbers.
// `npm run bench -- polls kudos` runs only the named scenarios.
import { benchCheckins } from './checkins';
import { benchInsights, benchInsightsDigests } from './insights';
import { benchKudos } from './kudos';
import { benchOutbox } from './outbox';
import { benchPolls } from './polls';
import { benchPrivacy } from './privacy';
import { buildBots } from './processes';
import { benchReach } from './reach';
import { benchRush } from './rush';
import { benchSoak } from './soak';
import { benchStartup } from './startup';
import { benchSurveys } from './surveys';

const scenarios: [string, () => Promise<string[]>][] = [
  ['polls', benchPolls],
  ['rush', benchRush],
  ['kudos', benchKudos],
  ['checkins', benchCheckins],
  ['startup', benchStartup],
  ['surveys', benchSurveys],
  ['outbox', benchOutbox],
  ['privacy', benchPrivacy],
  ['insights', benchInsights],
  ['reach', benchReach],
  ['insights-digests', benchInsightsDigests],
];
// The long run takes 10 minutes: only when asked for by name.
const onRequest: [string, () => Promise<string[]>][] = [['soak', benchSoak]];
const only = process.argv.slice(2);

console.log(`# Hearth benchmarks (${new Date().toISOString()}, Node ${process.version})\n`);
await buildBots(); // Hearth and the baseline bot, run as `npm start` runs Hearth (see bench/processes.ts)
for (const [name, run] of [...scenarios, ...onRequest]) {
  if (only.length ? !only.includes(name) : onRequest.some(([asked]) => asked === name)) continue;
  const started = performance.now();
  console.log((await run()).join('\n'));
  console.log(`\n(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
