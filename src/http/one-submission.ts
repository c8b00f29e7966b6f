import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../infra/rate-limits';

/** How long a claim outlives a request that never answered (a crash): then the same form may be sent again. */
const CLAIM_SECONDS = 30;

/** Guards one form's POST route; `then` is where a repeated submission is sent (see below). */
export type OneSubmission = (then: (req: Request) => string) => RequestHandler;

/**
 * A form that uses up a one-time proof (an SMS or app code, a recovery code) is handled once per
 * session state and input. A double click sends the same form twice at once on the same session;
 * the second would find the code used by the first and, while the first signs the patient in,
 * answer "no valid code" or announce an app code replayed. Instead the second is sent on (303) to
 * where the first leads when it succeeds; that page's own guards show what is true by then (signed
 * in, or back to the form when the first failed). The claim is atomic in the limits' store (Redis,
 * or the database), so parallel requests on several instances get one check between them.
 *
 * A claim is given back when its request is answered with an error, so the same input can be sent
 * again (after an outage, say); after a success it stays until it expires, so a request that read
 * the session before the first one ended cannot check the used code afterwards. A request that
 * reads the session after the first one changed it has another key: the form's own rules for the
 * new state apply (a second step already done, a wizard further on, a confirmation still fresh).
 * Keys are an HMAC of the session id, its contents, the path and the fields (codes, a password).
 */
export function createOneSubmission(deps: { limiters: LimiterFactory; key: Buffer }): OneSubmission {
  let claims: ReturnType<LimiterFactory> | undefined;
  // Made at the first form; a store that was down then is asked again at the next one.
  const limiter = () =>
    (claims ??= deps.limiters({ keyPrefix: 'form_submission', points: 1, duration: CLAIM_SECONDS }).catch((err: unknown) => {
      claims = undefined;
      throw err;
    }));

  const claimKey = (req: Request) => {
    const hmac = crypto.createHmac('sha256', deps.key).update(`${req.sessionID}\n${JSON.stringify(req.session)}\n${req.path}`);
    const fields = Object.entries((req.body ?? {}) as Record<string, unknown>).filter(([name]) => name !== '_csrf');
    for (const [name, value] of fields.sort(([a], [b]) => (a < b ? -1 : 1))) hmac.update(`\n${name}=${String(value)}`);
    return hmac.digest('base64url');
  };

  return (then) => async (req, res, next) => {
    const store = await limiter();
    const key = claimKey(req);
    try {
      await store.consume(key, 1);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      req.log.info({ path: req.path }, 'form sent again while the first was handled: sent on');
      return res.redirect(303, then(req));
    }
    // 'close' also when the browser gave up on the request (the first of a double click).
    res.once('close', () => {
      if (res.statusCode < 400) return;
      store.delete(key).catch((err: Error) => req.log.warn({ err: err.message }, 'could not give back a form claim; it expires by itself'));
    });
    next();
  };
}
