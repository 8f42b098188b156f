// Insights' public interface: the only module of src/insights that other features may import
// (see docs/architecture.md, "Each feature's public interface"). Plain data in and out.
export { buildOverview, PERIODS, type Overview, type Period, type PeriodNumbers } from './overview';
export { OBSERVATION_RULES } from './observations';
export { applyRetention, forgetMember, forgetServer, memberData, NO_MEMBER_INSIGHTS } from './members';
export { rescheduleDigest } from './digest';
