import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../infra/rate-limits';

/** How long a claim outlives a request that never answered (a crash): then the same form may be sent again. */
const CLAIM_SECONDS = 30;
/**
 * How long a repeated submission waits for the first one's answer, and how soon it looks again:
 * at first soon (an answer takes milliseconds), then ever less often (each look is a statement).
 */
const WAIT_MS = 10_000;
const FIRST_LOOK_MS = 40;
const LAST_LOOK_MS = 1000;
/** A claim's count once its request succeeded; each look of a waiting repeat adds one, far below it. */
const SUCCEEDED = 1_000_000;

/** Guards one form's POST route; `then` is where a repeated submission is sent (see below). */
export type OneSubmission = (then: (req: Request) => string) => RequestHandler;

type Limiter = Awaited<ReturnType<LimiterFactory>>;

/**
 * A form that uses up a one-time proof (an SMS or app code, a recovery code) or changes the
 * account is handled once per session state and input. A double click sends the same form twice
 * at once on the same session; the second would find the code used by the first and answer "no
 * valid code", or make the same change again (a second notice, a second e-mail). The browser
 * shows only the answer to the second, so that one waits until the first has been answered:
 * - the first succeeded: the second is sent on (303) to where the first leads (`then`);
 * - the first failed (answered 400 or more): its claim is given back, and the second is handled
 *   as a submission of its own, which meets the same rules and so shows the same error;
 * - the first is still busy after 10 s: the second is sent on to `then`, whose page shows what is
 *   true by then.
 * Claims and outcomes are atomic in the limits' store (Redis, or the database), so parallel
 * requests on several instances get one check between them.
 *
 * After a success the claim stays until it expires, so a request that read the session before
 * the first one ended cannot check the used code afterwards. A request that reads the session
 * after the first one changed it has another key: the form's own rules for the new state apply (a
 * second step already done, a wizard further on, a confirmation still fresh). Keys are an HMAC of
 * the session id, its contents, the path and the fields (codes, a password).
 */
export function createOneSubmission(deps: { limiters: LimiterFactory; key: Buffer }): OneSubmission {
  let made: Promise<Limiter> | undefined;
  // Made at the first form; a store that was down then is asked again at the next one.
  const claims = () =>
    (made ??= deps.limiters({ keyPrefix: 'form_submission', points: 1, duration: CLAIM_SECONDS }).catch((err: unknown) => {
      made = undefined;
      throw err;
    }));

  const claimKey = (req: Request) => {
    const hmac = crypto.createHmac('sha256', deps.key).update(`${req.sessionID}\n${JSON.stringify(req.session)}\n${req.path}`);
    const fields = Object.entries((req.body ?? {}) as Record<string, unknown>).filter(([name]) => name !== '_csrf');
    for (const [name, value] of fields.sort(([a], [b]) => (a < b ? -1 : 1))) hmac.update(`\n${name}=${String(value)}`);
    return hmac.digest('base64url');
  };

  /** Claims the key, or waits for the request that holds it: 'succeeded' when that one did. */
  async function claimOrWait(key: string): Promise<'claimed' | 'succeeded' | 'still busy'> {
    const claim = await claims();
    const deadline = Date.now() + WAIT_MS;
    for (let pause = FIRST_LOOK_MS; ; pause = Math.min(pause * 2, LAST_LOOK_MS)) {
      try {
        await claim.consume(key, 1);
        return 'claimed';
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        if (err.consumedPoints > SUCCEEDED) return 'succeeded';
      }
      if (Date.now() >= deadline) return 'still busy';
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, deadline - Date.now())));
    }
  }

  /**
   * The cookies a success set (a new session after a sign-in step), for its repeat on this
   * instance: the browser shows the repeat's answer only, so without them it would go on with the
   * session the first one ended. Not on another instance: there the patient signs in again.
   */
  const cookiesOfSuccess = new Map<string, string[]>();
  const rememberCookies = (key: string, cookies: ReturnType<Response['getHeader']>) => {
    if (!Array.isArray(cookies) || cookies.length === 0) return;
    cookiesOfSuccess.set(key, cookies);
    setTimeout(() => cookiesOfSuccess.delete(key), CLAIM_SECONDS * 1000).unref();
  };

  return (then) => async (req, res, next) => {
    const key = claimKey(req);
    const outcome = await claimOrWait(key);
    if (outcome !== 'claimed') {
      req.log.info({ path: req.path, first: outcome }, 'form sent again while the first was handled: sent on');
      const cookies = outcome === 'succeeded' ? cookiesOfSuccess.get(key) : undefined;
      if (cookies) res.setHeader('Set-Cookie', cookies);
      // Its copy of the session was read before the first one changed it: never written back.
      (req as { session?: unknown }).session = undefined;
      return res.redirect(303, then(req));
    }
    whenAnswered(res, (status, cookies) => {
      const succeeded = status < 400;
      if (succeeded) rememberCookies(key, cookies);
      claims()
        .then(async (claim) => void (succeeded ? await claim.set(key, SUCCEEDED, CLAIM_SECONDS) : await claim.delete(key)))
        .catch((err: Error) => req.log.warn({ err: err.message ?? String(err) }, 'could not settle a form claim; it expires by itself'));
    });
    next();
  };
}

/**
 * Calls `answered` once the request has its outcome and its answer is over, with the cookies the
 * answer set (express-session sets the new session's as it writes the head, also for a browser
 * that went away). The first request of a double click is the one the browser drops when the
 * second click goes out: its connection closes while it is still handled, so its outcome is
 * known only when it answers.
 */
function whenAnswered(res: Response, answered: (status: number, cookies: ReturnType<Response['getHeader']>) => void): void {
  let status: number | undefined;
  let over = false;
  let called = false;
  const settle = () => {
    if (called || status === undefined || !over) return;
    called = true;
    answered(status, res.getHeader('set-cookie'));
  };
  const end = res.end;
  res.end = function (this: Response, ...args: unknown[]) {
    status ??= this.statusCode;
    const result = (end as (...a: unknown[]) => Response).apply(this, args);
    settle();
    return result;
  } as Response['end'];
  const finished = () => {
    over = true;
    settle();
  };
  res.once('finish', finished);
  res.once('close', finished);
}
