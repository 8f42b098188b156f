// Intl knows every IANA zone the runtime ships; its list leaves out plain UTC, which people type.
const ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone')];

/** The canonical spelling of an IANA time zone (any case, links resolved), or null if unknown. */
export function canonicalTimeZone(input: string): string | null {
  const name = input.trim();
  if (!name || name.length > 64) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null; // RangeError: not a zone this runtime knows
  }
}

/** Up to `limit` zones matching what the member has typed so far, best matches first. */
export function searchTimeZones(typed: string, limit = 25): string[] {
  const needle = typed.trim().toLowerCase().replace(/\s+/g, '_');
  if (!needle) return ['UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Asia/Tokyo', 'Australia/Sydney'].slice(0, limit);
  const starts: string[] = [];
  const contains: string[] = [];
  for (const zone of ZONES) {
    const lower = zone.toLowerCase();
    const city = lower.slice(lower.lastIndexOf('/') + 1);
    if (lower.startsWith(needle) || city.startsWith(needle)) starts.push(zone);
    else if (lower.includes(needle)) contains.push(zone);
  }
  return [...starts, ...contains].slice(0, limit);
}

/** "14:05" wall-clock time in a zone, for showing a leader what their setting means. */
export function localTime(zone: string, at: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', weekday: 'short' }).format(at);
}
