// Surveys' public interface: the only module of src/surveys that other features may import
// (see docs/architecture.md, "Each feature's public interface"). Plain data in and out.
export { activity, closedSurveys, type ClosedSurvey } from './participation';
export { ANONYMOUS_RESPONSES_LEFT_OUT, forgetMember, memberData, SURVEY_CARD_REFRESH, type SurveyMemberData } from './members';
export { applyRetention, forgetServer } from './retention';
export { channelsInUse } from './channels';
export { followedUpSurveys } from './follow-up-store';
export { surveysClosingBetween } from './attention';
export { surveyExportTables, surveyFollowUpRows } from './server-export';
export { responseCount, responseTimes } from './member-times';
