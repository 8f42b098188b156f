export const CHECKIN_LIMITS = {
  promptLength: 500,
  nameLength: 60,
  noteLength: 1000,
  perServer: 25,
  reportWeeks: 8,
  maxReportWeeks: 104,
  /** Anonymous check-ins show nothing for a run with fewer answers than this. */
  anonymousMinimum: 3,
  /** A run missed by less than this (Hearth was down) is still posted at start; older ones are recorded as missed. */
  catchUpMs: 3_600_000,
  notesPerRun: 50,
} as const;

export const MOODS = [
  { value: 1, label: 'rough', emoji: '😣' },
  { value: 2, label: 'low', emoji: '😕' },
  { value: 3, label: 'okay', emoji: '😐' },
  { value: 4, label: 'good', emoji: '🙂' },
  { value: 5, label: 'great', emoji: '😄' },
] as const;
