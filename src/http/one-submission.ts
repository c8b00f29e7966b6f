import crypto from 'node:crypto';
import { signedCookie } from 'cookie-parser';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Store } from 'express-session';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Clock } from '../domain/clock';
import type { LimiterFactory } from '../infra/rate-limits';
import { REFRESHED_BY_EVERY_REQUEST } from './auth-level';
import { beforeSessionMoves, type MovedForm, sharedMovedForms } from './moved-forms';

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
/**
 * How long the page of a form refused for what was typed (a wrong password or code, a limit) is
 * kept for a repeat of the same rendered form: a double click's second request often comes only
 * after the first was answered. At most so many pages and bytes (pages may show what was typed:
 * anyone could fill memory with large ones), none over FAILED_PAGE_MAX_BYTES.
 */
const FAILED_KEPT_MS = 5_000;
const FAILED_KEPT_MAX = 1_000;
const FAILED_KEPT_MAX_BYTES = 8 * 1024 * 1024;
const FAILED_PAGE_MAX_BYTES = 32 * 1024;

/** Guards one form's POST route; `then` is where a repeated submission is sent (see below). */
export type OneSubmission = (then: (req: Request) => string) => RequestHandler;

/** The guard, and what answers a repeat that comes after the first one moved the session (see below). */
export type OneSubmissionGuard = OneSubmission & { repeatAfterMove: ErrorRequestHandler };

type Limiter = Awaited<ReturnType<LimiterFactory>>;

/** The answer of a form that failed: the page with the error, and what its headers say of it. */
interface FailedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** The headers of a failed answer that a copy given it gets too (the session's cookie it has). */
const FAILED_ANSWER_HEADERS = ['content-type', 'retry-after'];

/** A form's answer on this instance, for a repeat of it that waits: it moved the session, or failed; else nothing. */
type LocalAnswer = { moved: MovedForm; failed?: undefined } | { failed: FailedAnswer; moved?: undefined } | undefined;

/** A form's answer kept on this instance: until it comes, and until `keptUntil` after. */
interface KeptAnswer {
  answer: Promise<LocalAnswer>;
  keptUntil?: number;
}

/**
 * A form that checks a password, uses up a one-time proof (an SMS or app code, a recovery code)
 * or changes the account is handled once per session state and input. A double click sends the
 * same form twice at once on the same session; the second would find the code used by the first
 * and answer "no valid code", check the password again, or make the same change again (a second
 * notice, a second e-mail). The browser
 * shows only the answer to the second, so that one waits until the first has been answered:
 * - the first succeeded: the second is sent on (302) to where the first leads (`then`);
 * - the first failed (answered 400 or more): the second gets the same answer, the page with the
 *   error (a wrong code or password counted once), also when it comes up to 5 s after the first
 *   was answered, as it mostly does in a browser, if that answer was about what was typed (4xx,
 *   not an outage's 5xx); one on another instance, or one that comes later, is handled as a
 *   submission of its own (the claim is given back), which meets the same rules and so shows the
 *   same error;
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
 *
 * On the instance that handles it, a form's answer is also kept by session id, path and fields:
 * while it is handled, and for as long as a claim lasts when its success moved the session to a
 * new id (a sign-in step; other sessions ended after a change), then by the new id as well. A
 * repeat that comes in while the session is moving or after it, still with the old session's
 * cookie (whose session is gone) or already with the new one but with the old session's CSRF
 * token, would be told that its session expired, or meet the new state's rules ("your new
 * password is your current one"): it is sent on to where the first led instead
 * (`repeatAfterMove`, before the CSRF error page), with the new session's cookies when it came
 * with the old one. `sessionSecrets` unsign the session cookies it came with.
 *
 * With several instances (`sharedStore`: they share Redis or PostgreSQL), the repeat may come to
 * another one, which does not have that answer: a moved form is kept in the shared store as well
 * (moved-forms.ts), before the claim says the first one succeeded, and marked there before the old
 * session goes. A repeat that no longer finds its session finds the mark and waits.
 */
export function createOneSubmission(deps: {
  limiters: LimiterFactory;
  key: Buffer;
  sessionSecrets: string[];
  clock: Clock;
  sharedStore?: Store;
}): OneSubmissionGuard {
  const shared = sharedMovedForms(deps.sharedStore, { seconds: CLAIM_SECONDS });
  const keepUntil = () => deps.clock.now() + CLAIM_SECONDS * 1000;
  let made: Promise<Limiter> | undefined;
  // Made at the first form; a store that was down then is asked again at the next one.
  const claims = () =>
    (made ??= deps.limiters({ keyPrefix: 'form_submission', points: 1, duration: CLAIM_SECONDS }).catch((err: unknown) => {
      made = undefined;
      throw err;
    }));

  /**
   * An HMAC of `about` (the session), the path and the form's fields, its CSRF field included: the
   * nonce in it (csrf.ts) is the same for the same rendered form sent twice, and new each time the
   * form is shown, so a form shown and sent again is not taken for a double click.
   */
  const formKey = (req: Request, about: string, path = req.path) => {
    const hmac = crypto.createHmac('sha256', deps.key).update(`${about}\n${path}`);
    const fields = Object.entries((req.body ?? {}) as Record<string, unknown>);
    for (const [name, value] of fields.sort(([a], [b]) => (a < b ? -1 : 1))) hmac.update(`\n${name}=${String(value)}`);
    return hmac.digest('base64url');
  };
  /**
   * The session's state, but its cookie (whose expiry express-session moves at every request), the
   * idle timeout's last request seen and the notice a success left for the next page: a second
   * click that comes a moment after the first, or after the first was answered, is the same form.
   */
  const notState = new Set(['cookie', 'pageNotice', REFRESHED_BY_EVERY_REQUEST]);
  const stateOf = (req: Request) => JSON.stringify(req.session, (name, value: unknown) => (notState.has(name) ? undefined : value));
  const claimKey = (req: Request) => formKey(req, `${req.sessionID}\n${stateOf(req)}`);
  const answerKey = (req: Request, sessionId: string, path = req.path) => formKey(req, `answer\n${sessionId}`, path);
  const cookieList = (cookies: ReturnType<Response['getHeader']>) => (Array.isArray(cookies) && cookies.length > 0 ? cookies : undefined);
  const sleep = (ms: number) => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref());

  /** Looks until `look` sees an outcome: at first soon, then ever less often; 'still busy' after WAIT_MS. */
  async function lookUntil<T>(look: () => Promise<T | 'not yet'>): Promise<T | 'still busy'> {
    const deadline = Date.now() + WAIT_MS;
    for (let pause = FIRST_LOOK_MS; ; pause = Math.min(pause * 2, LAST_LOOK_MS)) {
      const seen = await look();
      if (seen !== 'not yet') return seen;
      if (Date.now() >= deadline) return 'still busy';
      await sleep(Math.min(pause, deadline - Date.now()));
    }
  }

  /** Claims the key, or waits for the request that holds it: 'succeeded' when that one did. */
  async function claimOrWait(key: string): Promise<'claimed' | 'succeeded' | 'still busy'> {
    const claim = await claims();
    return lookUntil(async () => {
      try {
        await claim.consume(key, 1);
        return 'claimed';
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        return err.consumedPoints > SUCCEEDED ? 'succeeded' : 'not yet';
      }
    });
  }

  /** The form another instance handled and kept under `key`, once it is answered. */
  async function movedElsewhere(req: Request, key: string): Promise<MovedForm | undefined> {
    if (!shared.enabled) return undefined;
    const found = await lookUntil(async () => {
      const form = await shared.find(key, deps.clock.now());
      return form === 'moving' ? 'not yet' : form;
    });
    return found === 'still busy' ? undefined : found;
  }

  /**
   * Each guarded form's answer on this instance, by session id, path and fields: while it is
   * handled, and for as long as a claim lasts after its success moved the session to a new id
   * (then under the new id as well). A repeat on this instance waits for it and, when the session
   * moved, gets the new session's cookies: the browser shows the repeat's answer only, so without
   * them it would go on with the session the first one ended. One that waited for a first that
   * failed, or comes up to FAILED_KEPT_MS after it was refused for what was typed, gets its page.
   * (On another instance: see moved-forms.ts.)
   */
  const answers = new Map<string, KeptAnswer>();
  /** The failed answers kept after they were given, oldest first, with their pages' sizes. */
  const keptFailures = new Map<string, { entry: KeptAnswer; bytes: number }>();
  let keptBytes = 0;

  const dropFailure = (key: string) => {
    const kept = keptFailures.get(key);
    if (!kept) return;
    keptFailures.delete(key);
    keptBytes -= kept.bytes;
    if (answers.get(key) === kept.entry) answers.delete(key);
  };

  /**
   * Keeps a failed answer under `key` for FAILED_KEPT_MS (by the app's clock); the oldest go when
   * they ran out, or to stay within FAILED_KEPT_MAX and FAILED_KEPT_MAX_BYTES.
   */
  function keepFailure(key: string, entry: KeptAnswer, failed: FailedAnswer): void {
    dropFailure(key);
    const bytes = Buffer.byteLength(failed.body);
    if (bytes > FAILED_PAGE_MAX_BYTES) {
      if (answers.get(key) === entry) answers.delete(key);
      return;
    }
    const now = deps.clock.now();
    entry.keptUntil = now + FAILED_KEPT_MS;
    keptFailures.set(key, { entry, bytes });
    keptBytes += bytes;
    for (const [oldKey, { entry: old }] of keptFailures) {
      const full = keptFailures.size > FAILED_KEPT_MAX || keptBytes > FAILED_KEPT_MAX_BYTES;
      if (!full && old.keptUntil! >= now) break;
      dropFailure(oldKey);
    }
  }

  /** Registers the answer of the request that goes ahead; returns how to settle it. */
  function expectAnswer(key: string): (outcome?: { moved: MovedForm; newKey: string } | { failed: FailedAnswer }) => void {
    let settle!: (answer: LocalAnswer) => void;
    const entry: KeptAnswer = { answer: new Promise<LocalAnswer>((resolve) => (settle = resolve)) };
    answers.set(key, entry);
    const forget = (k: string) => answers.get(k) === entry && answers.delete(k);
    return (outcome) => {
      if (outcome && 'failed' in outcome && outcome.failed.status < 500) return void (settle(outcome), keepFailure(key, entry, outcome.failed));
      if (!outcome || 'failed' in outcome) return void (settle(outcome), forget(key));
      settle({ moved: outcome.moved });
      // By the app's clock, as the session's own times are: a form sent again later is a new one.
      entry.keptUntil = keepUntil();
      answers.set(outcome.newKey, entry);
      setTimeout(() => [key, outcome.newKey].forEach(forget), CLAIM_SECONDS * 1000).unref();
    };
  }

  /**
   * The answer kept under `key`, to wait for (a first request that hangs is waited for as long as
   * a claim is); undefined, at once, when there is none.
   */
  const keptAnswer = (key: string): Promise<LocalAnswer> | undefined => {
    const entry = answers.get(key);
    if (!entry || (entry.keptUntil !== undefined && deps.clock.now() > entry.keptUntil)) return undefined;
    return Promise.race([entry.answer, sleep(WAIT_MS)]);
  };
  const movedFormOf = async (key: string) => (await keptAnswer(key))?.moved;

  /** Sends a repeat on, without writing back its copy of the session (read before the first one changed it). */
  function sendOn(req: Request, res: Response, location: string, cookies: string[] | undefined, first: string) {
    req.log.info({ path: req.path, first }, 'form sent again while or after the first was handled: sent on');
    if (cookies) res.setHeader('Set-Cookie', cookies);
    (req as { session?: unknown }).session = undefined;
    res.redirect(location);
  }

  /** Answers a repeat as the first one that failed was answered: its page, with the error. */
  function answerAsFailed(req: Request, res: Response, { status, headers, body }: FailedAnswer) {
    req.log.info({ path: req.path, first: 'failed' }, 'form sent again while or just after the first failed: given its answer');
    (req as { session?: unknown }).session = undefined;
    res.status(status).set(headers).end(body);
  }

  /** `sessionId`: the one the repeat came with; with the old one it gets the new session's cookies. */
  const sendOnAfterMove = (req: Request, res: Response, form: MovedForm, sessionId: string) =>
    sendOn(req, res, form.location, sessionId === form.newSessionId ? undefined : form.cookies, 'moved the session');

  const guard: OneSubmission = (then) => async (req, res, next) => {
    // A repeat on this instance waits here for the first's answer; the claim below is for the others.
    const ownKey = answerKey(req, req.sessionID);
    // Looked for and registered with nothing awaited in between: of copies that come at once, one goes ahead, the others wait.
    const kept = keptAnswer(ownKey);
    const earlier = kept && (await kept);
    if (earlier?.failed) return answerAsFailed(req, res, earlier.failed);
    if (earlier?.moved) return sendOnAfterMove(req, res, earlier.moved, req.sessionID);
    const settle = expectAnswer(ownKey);
    // Also one that comes with the new session's cookie and passes its CSRF check (a change that kept the secret).
    const movedOnAnother = await movedElsewhere(req, ownKey).catch((err: unknown) => {
      settle();
      throw err;
    });
    if (movedOnAnother) {
      settle();
      return sendOnAfterMove(req, res, movedOnAnother, req.sessionID);
    }
    const key = claimKey(req);
    const outcome = await claimOrWait(key).catch((err: unknown) => {
      settle();
      throw err;
    });
    if (outcome !== 'claimed') {
      settle();
      const elsewhere = outcome === 'succeeded' ? await movedElsewhere(req, ownKey) : undefined;
      if (elsewhere) return sendOnAfterMove(req, res, elsewhere, req.sessionID);
      return sendOn(req, res, then(req), undefined, outcome);
    }
    const { sessionID: sessionId, path } = req;
    const location = then(req);
    let marked = false;
    if (shared.enabled) {
      beforeSessionMoves(req, () =>
        shared.markMoving(ownKey, keepUntil()).then(
          () => void (marked = true),
          (err: Error) => req.log.warn({ err: err.message ?? String(err) }, 'could not mark a form as moving for the other instances'),
        ),
      );
    }
    whenAnswered(res, (status, cookies, body) => {
      const succeeded = status < 400;
      const moved = succeeded && req.sessionID !== sessionId;
      const form = { location: String(res.getHeader('location') ?? location), newSessionId: req.sessionID, cookies: cookieList(cookies) };
      const newKey = moved ? answerKey(req, req.sessionID, path) : undefined;
      const headers = Object.fromEntries(FAILED_ANSWER_HEADERS.flatMap((name) => (res.hasHeader(name) ? [[name, String(res.getHeader(name))]] : [])));
      settle(newKey ? { moved: form, newKey } : !succeeded && body !== undefined ? { failed: { status, headers, body } } : undefined);
      const warn = (what: string) => (err: Error) => req.log.warn({ err: err.message ?? String(err) }, what);
      // Kept before the claim says it succeeded: a repeat the claim sends on finds it.
      const keptForOthers = newKey ? shared.keep([ownKey, newKey], form, keepUntil()) : marked ? shared.forget(ownKey) : Promise.resolve();
      keptForOthers
        .catch(warn('could not keep a moved form for the other instances'))
        .then(claims)
        .then(async (claim) => void (succeeded ? await claim.set(key, SUCCEEDED, CLAIM_SECONDS) : await claim.delete(key)))
        .catch(warn('could not settle a form claim; it expires by itself'));
    });
    next();
  };

  /** The session ids a request's session cookies name (signed with one of `sessionSecrets`). */
  const presentedSessionIds = (req: Request) =>
    Object.values((req.cookies ?? {}) as Record<string, unknown>)
      .map((value) => (typeof value === 'string' ? signedCookie(value, deps.sessionSecrets) : false))
      .filter((id): id is string => typeof id === 'string' && id !== req.sessionID);

  /** A form refused for its CSRF token that repeats one whose session moved, by the session it has or its cookies name. */
  async function sendOnIfRepeat(req: Request, res: Response): Promise<boolean> {
    for (const sessionId of [req.sessionID, ...presentedSessionIds(req)]) {
      const key = answerKey(req, sessionId);
      const form = (await movedFormOf(key)) ?? (await movedElsewhere(req, key));
      if (form) return (sendOnAfterMove(req, res, form, sessionId), true);
    }
    return false;
  }

  const repeatAfterMove: ErrorRequestHandler = (err, req, res, next) => {
    if ((err as { code?: string }).code !== 'EBADCSRFTOKEN' || req.method !== 'POST') return next(err);
    sendOnIfRepeat(req, res).then((sent) => sent || next(err), next);
  };

  return Object.assign(guard, { repeatAfterMove });
}

/**
 * Calls `answered` once the request has its outcome and its answer is over, with the cookies the
 * answer set (express-session sets the new session's as it writes the head, also for a browser
 * that went away). The first request of a double click is the one the browser drops when the
 * second click goes out: its connection closes while it is still handled, so its outcome is
 * known only when it answers.
 */
function whenAnswered(res: Response, answered: (status: number, cookies: ReturnType<Response['getHeader']>, body?: string | Buffer) => void): void {
  let status: number | undefined;
  let body: string | Buffer | undefined;
  let over = false;
  let called = false;
  const settle = () => {
    if (called || status === undefined || !over) return;
    called = true;
    answered(status, res.getHeader('set-cookie'), body);
  };
  const end = res.end;
  res.end = function (this: Response, ...args: unknown[]) {
    status ??= this.statusCode;
    // The whole answer, when it comes in one piece (a page sent at once, as res.send and res.render do).
    if (!this.headersSent && (typeof args[0] === 'string' || Buffer.isBuffer(args[0]))) body = args[0];
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
