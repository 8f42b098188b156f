import { plural } from './format';

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 } as const;
const UNIT_NAMES = { w: 'week', d: 'day', h: 'hour', m: 'minute' } as const;

export type DurationCheck = { ok: true; ms: number } | { ok: false; problem: string };

/**
 * Reads durations people type: `30m`, `2h`, `3d`, `1w`, `1d12h`, `1w 2d` (units in descending
 * order, each once). Returns the length in milliseconds, or a problem that says how to write it.
 */
export function parseDuration(input: string, limits: { minMs: number; maxMs: number }): DurationCheck {
  const text = input.trim().toLowerCase().replace(/\s+/g, '');
  const example = 'Write it like 30m, 2h, 3d, 1w or 1d12h (w = weeks, d = days, h = hours, m = minutes).';
  if (!text) return { ok: false, problem: `The duration is empty. ${example}` };
  if (text.startsWith('-')) return { ok: false, problem: `A duration cannot be negative. ${example}` };
  const match = /^(?:(\d{1,4})w)?(?:(\d{1,4})d)?(?:(\d{1,5})h)?(?:(\d{1,6})m)?$/.exec(text);
  if (!match || match.slice(1).every((part) => part === undefined)) {
    return { ok: false, problem: `"${input.slice(0, 40)}" is not a duration Hearth understands. ${example}` };
  }
  const [, w = '0', d = '0', h = '0', m = '0'] = match;
  const ms = Number(w) * UNIT_MS.w + Number(d) * UNIT_MS.d + Number(h) * UNIT_MS.h + Number(m) * UNIT_MS.m;
  if (ms < limits.minMs) return { ok: false, problem: `The duration must be at least ${formatDuration(limits.minMs)}.` };
  if (ms > limits.maxMs) return { ok: false, problem: `The duration can be at most ${formatDuration(limits.maxMs)}.` };
  return { ok: true, ms };
}

/** 90_000_000 -> "1 day 1 hour". */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = ms;
  for (const unit of ['w', 'd', 'h', 'm'] as const) {
    const count = Math.floor(rest / UNIT_MS[unit]);
    rest -= count * UNIT_MS[unit];
    if (count > 0) parts.push(plural(count, UNIT_NAMES[unit]));
  }
  return parts.join(' ') || 'less than a minute';
}
