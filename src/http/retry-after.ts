import type { Response } from 'express';
import onHeaders from 'on-headers';

export interface RetryTimes {
  /** Formats a time the page tells its reader to try again at, and notes it for the header. */
  formatRetryTime(epochMs: number): string;
  /** Notes a wait the page names without a time ("probeer het over een minuut"). */
  retryIn(ms: number): void;
}

/**
 * The times a page tells its reader to try again at (a lock's or a limit's end, a provider's "in a
 * minute"): a refused answer (429) or one that could not be given now (503) says the latest of
 * them in its Retry-After header too (RFC 9110 §10.2.3, in whole seconds from now, at least one),
 * so the header never says sooner than the page. A 503 that set its own header keeps it. Other
 * answers carry no header: a page that only names a time refused nothing.
 */
export function retryTimes(res: Response, formatTime: (epochMs: number) => string, now: () => number): RetryTimes {
  let latest: number | undefined;
  const note = (epochMs: number) => {
    if (latest === undefined) {
      onHeaders(res, function setRetryAfter() {
        const refused = this.statusCode === 429 || (this.statusCode === 503 && !this.hasHeader('Retry-After'));
        if (refused) this.setHeader('Retry-After', String(Math.max(1, Math.ceil((latest! - now()) / 1000))));
      });
    }
    latest = Math.max(latest ?? epochMs, epochMs);
  };
  return {
    formatRetryTime(epochMs) {
      note(epochMs);
      return formatTime(epochMs);
    },
    retryIn: (ms) => note(now() + ms),
  };
}
