// Discord's own markup, written one way everywhere (plain strings: services may use it too).

export type TimestampStyle = 'R' | 'f' | 'F' | 'd' | 'D' | 't' | 'T';

/** A time every member sees in their own time zone: `R` "in 2 hours", `f` "25 November 2026 14:00". */
export function timestamp(ms: number, style: TimestampStyle = 'R'): string {
  return `<t:${Math.floor(ms / 1000)}:${style}>`;
}

/** A link that opens a message in Discord. */
export function messageLink(guildId: string, channelId: string, messageId: string): string {
  return `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;
}
