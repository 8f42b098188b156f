// Polls' public interface: the only module of src/polls that other features may import
// (see docs/architecture.md, "Each feature's public interface"). Plain data in and out.
export { activity, closedPolls, type ClosedPoll } from './participation';
export { ANONYMOUS_VOTES_LEFT_OUT, forgetMember, memberData, POLL_REFRESH, type PollMemberData } from './members';
export { applyRetention, forgetServer } from './retention';
export { channelsInUse } from './channels';
export { followedUpPolls } from './follow-up-store';
export { ANONYMOUS_MIN_VOTERS } from './service';
export { pollsClosingBetween } from './attention';
export { pollExportTables, pollFollowUpRows } from './server-export';
export { voteCount, voteTimes } from './member-times';
