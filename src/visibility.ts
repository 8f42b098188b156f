/**
 * "Visibility follows Discord": a member sees, finds and answers only what is posted in channels
 * they can view. Discord decides that from the member's roles and the channel's overwrites; the
 * bot computes it (src/bot/visibility.ts) and hands it to the services as this plain value, so
 * that services stay free of discord.js. For the member, something posted in a channel they
 * cannot view behaves exactly like something that does not exist.
 */
export interface ChannelView {
  /** A leader's view of the whole server (no channel is left out). */
  readonly everything: boolean;
  /** True when the member may see what is posted in the channel (false for none: a draft). */
  canView(channelId: string | null): boolean;
}

/** Everything in the server: leaders reading results and lists, a member's own data export, tests. */
export const WHOLE_SERVER: ChannelView = { everything: true, canView: () => true };

/** Of these channels, the ones the view includes; null when it includes every channel (no filter needed). */
export function viewableChannels(view: ChannelView, channelIds: Iterable<string>): string[] | null {
  return view.everything ? null : [...new Set(channelIds)].filter((id) => view.canView(id));
}
