export interface Clock {
  now(): number; // epoch milliseconds
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * The first whole minute at or after `epochMs`. A page names a time as HH:MM, which leaves the
 * seconds out: "from when" something may be done again and "until when" a lock lasts are rounded
 * up with this where they are computed, so the minute named is never one at which the action is
 * still refused. (A code's "valid until" is not: shown rounded down, it never promises longer.)
 */
export function upToWholeMinute(epochMs: number): number {
  return Math.ceil(epochMs / 60_000) * 60_000;
}
