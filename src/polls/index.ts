// Polls' public interface: the only module of src/polls that other features may import
// (see docs/architecture.md, "Each feature's public interface"). Plain data in and out.
export { channelsInUse } from './channels';
