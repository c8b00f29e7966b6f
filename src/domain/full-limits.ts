import type { Limiter } from '../infra/rate-limits';
import { upToWholeMinute } from './clock';

export interface CountedLimit<S> {
  limiter: Limiter;
  key: string;
  scope: S;
}

/**
 * Of `limits`, the full one that lets a request through last, and when (epoch ms from `now`,
 * rounded up to the minute a visitor is told); null when none is full. Reads, counts nothing.
 */
export async function lastFullLimit<S>(limits: readonly CountedLimit<S>[], now: number): Promise<{ scope: S; retryAt: number } | null> {
  const states = await Promise.all(limits.map(({ limiter, key }) => limiter.get(key)));
  let last: { scope: S; retryAt: number } | null = null;
  for (const [i, state] of states.entries()) {
    const { limiter, scope } = limits[i]!;
    if (!state || state.consumedPoints < limiter.points || state.msBeforeNext <= 0) continue;
    const retryAt = upToWholeMinute(now + state.msBeforeNext);
    if (!last || retryAt > last.retryAt) last = { scope, retryAt };
  }
  return last;
}
