/**
 * Start-up of the check-in scheduler alone, in a fresh process so its resident memory is its own:
 * open the database, register the check-in task, catch up and arm the timer. Prints one JSON line.
 * Usage: node --import tsx bench/checkins-startup.ts <database>
 */
import { pino } from 'pino';
import { checkinRunTask } from '../src/checkins/messages';
import { systemClock } from '../src/clock';
import type { AppContext } from '../src/context';
import { closeDatabase, openDatabase } from '../src/db/open';
import { Scheduler } from '../src/scheduler/scheduler';

const started = performance.now();
const db = openDatabase(process.argv[2]!);
const logger = pino({ level: 'silent' });
const scheduler = new Scheduler(systemClock, logger);
// Nothing is due in the benchmark, so the task never reaches Discord: no client is needed.
scheduler.register(checkinRunTask({ db, clock: systemClock, logger } as unknown as AppContext));
await scheduler.start();
const readyMs = performance.now() - started;
const armed = db.$client.prepare("SELECT count(*) AS n FROM checkin_schedules WHERE status = 'active' AND claim_at IS NOT NULL").get() as { n: number };
const rssMb = process.memoryUsage().rss / 1024 / 1024;
await scheduler.stop();
closeDatabase(db);
console.log(JSON.stringify({ readyMs, armed: armed.n, rssMb }));
