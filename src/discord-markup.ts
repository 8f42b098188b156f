// Moved to src/format.ts. Kept only while src/polls/service.ts and src/surveys/service.ts (being
// split on another branch) still import it: delete this file once they import '../format'.
export { messageLink, timestamp, type TimestampStyle } from './format';
