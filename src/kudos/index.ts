// Kudos' public interface: the only module of src/kudos that other features may import
// (see docs/architecture.md, "Each feature's public interface"). Plain data in and out.
export { activity, kudosSummary, type KudosSummary } from './participation';
export { forgetMember, memberData, type KudosMemberData } from './members';
export { applyRetention, forgetServer } from './retention';
export { forgetLapsedSpent, nextSpentLapseAt } from './store';
export { kudosExportTables } from './server-export';
export { kudosCount, kudosTimes, topKudosValues } from './member-times';
