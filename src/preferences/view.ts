import { timestamp } from '../format';
import type { MemberPreferences } from './service';

function localNow(zone: string, at: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', weekday: 'short' }).format(at);
}

/** What `/preferences show` answers: each choice, what it means, and how to change it. */
export function renderPreferences(prefs: MemberPreferences, now: number): string {
  const lines = ['**Your preferences in this server** (only you see them)'];
  lines.push(
    prefs.timeZone
      ? `Time zone: **${prefs.timeZone}** (it is ${localNow(prefs.timeZone, now)} there). Direct-message check-ins reach you at their time in this zone.`
      : 'Time zone: not set. Direct-message check-ins reach you at their time in the check-in\'s own zone. Set yours with `/preferences timezone`.',
  );
  lines.push(
    prefs.directMessages
      ? 'Direct messages: **on**. Hearth sends you one only for what you asked for (a reminder, a check-in you subscribed to), each with a **Stop these messages** button.'
      : 'Direct messages: **off**. Hearth sends you none from this server; your subscriptions and reminders wait until you turn them on with `/preferences direct-messages`.',
  );
  if (prefs.unreachableUntil !== null) {
    lines.push(`Discord refused Hearth's last direct message to you (your privacy settings do not allow direct messages from this server's members), so Hearth will not try again before ${timestamp(prefs.unreachableUntil, 'f')}. Turning \`/preferences direct-messages on\` after allowing them lets Hearth try again at once.`);
  }
  return lines.join('\n');
}

export function renderTimeZoneSaved(zone: string | null, now: number): string {
  return zone
    ? `Your time zone is now **${zone}** (it is ${localNow(zone, now)} there). Direct-message check-ins will reach you at their time in this zone.`
    : 'Your time zone is cleared: direct-message check-ins reach you at their time in the check-in\'s own zone.';
}

export function renderDirectMessagesSaved(on: boolean, unreachableUntil: number | null = null): string {
  if (on && unreachableUntil !== null) {
    return `Direct messages from Hearth in this server are **on**. Discord refused Hearth's last one to you less than a day ago, so Hearth tries again ${timestamp(unreachableUntil, 'R')}: open your direct messages for this server (Privacy Settings) by then.`;
  }
  return on
    ? 'Direct messages from Hearth in this server are **on**: you get the reminders and check-ins you asked for.'
    : 'Direct messages from Hearth in this server are **off**: you get none, starting now. Your subscriptions and reminders are kept and wait until you turn them back on.';
}
