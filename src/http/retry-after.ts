import type { Response } from 'express';
import onHeaders from 'on-headers';

/**
 * Formats a time the page tells its reader to try again at (a lock's or a limit's end), and notes
 * it: a refused answer (429) says it in its Retry-After header too (RFC 9110 §10.2.3, in whole
 * seconds from now, at least one), the latest such time the page names, so the header never says
 * sooner than the page. Other answers carry no header: a page that only names a time refused nothing.
 */
export function retryTimeFormatter(res: Response, formatTime: (epochMs: number) => string, now: () => number): (epochMs: number) => string {
  let latest: number | undefined;
  return (epochMs) => {
    if (latest === undefined) {
      onHeaders(res, function setRetryAfter() {
        if (this.statusCode === 429) this.setHeader('Retry-After', String(Math.max(1, Math.ceil((latest! - now()) / 1000))));
      });
    }
    latest = Math.max(latest ?? epochMs, epochMs);
    return formatTime(epochMs);
  };
}
