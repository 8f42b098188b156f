// Settings' public interface: the only module of src/settings that other features may import
// (see docs/architecture.md, "Each feature's public interface"). Plain data in and out.
export { getSettings, type GuildSettings } from './service';
export { canonicalTimeZone, searchTimeZones } from './timezones';
export { recognitionChannels } from './recognition';
export { applyRetention, forgetMember, forgetServer, memberData, NO_MEMBER_SETTINGS } from './members';
export { channelsInUse } from './channels';
