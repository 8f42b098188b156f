export const KUDOS_LIMITS = {
  messageLength: 500,
  valueNameLength: 32,
  valueDescriptionLength: 100,
  minValues: 1,
  maxValues: 25,
  defaultDailyLimit: 5,
  minDailyLimit: 1,
  maxDailyLimit: 100,
  maxMilestone: 100_000,
  /** Enough for any real ladder, and keeps `/kudos values` within Discord's field size. */
  maxMilestones: 15,
  pairCooldownMs: 3_600_000,
  leaderboardSize: 10,
} as const;
