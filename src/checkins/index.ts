// Check-ins' public interface: the only module of src/checkins that other features may import
// (see docs/architecture.md, "Each feature's public interface"). Plain data in and out.
export { activity, runSummaries, type RunSummary } from './participation';
export { forgetMember, memberData, type CheckinMemberData } from './members';
export { applyRetention, forgetServer } from './retention';
export { channelsInUse } from './channels';
export { failedCheckins } from './attention';
export { checkinExportTables } from './server-export';
export { answerCount, answerTimes } from './member-times';
export { memberZoneChanged } from './subscriptions';
