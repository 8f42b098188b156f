// Every table Hearth stores, gathered for drizzle-kit and the migrator.
// Each feature owns its tables in its own folder.
export * from '../settings/schema';
export * from '../polls/schema';
export * from '../checkins/schema';
export * from '../kudos/schema';
export * from '../surveys/schema';
export * from '../outbox/schema';
export * from '../privacy/schema';
export * from '../insights/schema';
export * from '../preferences/schema';
