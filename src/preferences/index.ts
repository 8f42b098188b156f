// Preferences' public interface: the only module of src/preferences that other features may import
// (see docs/architecture.md, "Each feature's public interface"). Plain data in and out.
export { markUnreachable, mayDirectMessage, memberTimeZones, preferencesOf, unreachableAmong, UNREACHABLE_FOR_MS, type MemberPreferences, type Reachability } from './service';
export { applyRetention, forgetMember, forgetServer, memberData, type PreferencesMemberData } from './members';
