import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { SmsConfig } from '../config';
import { DEFAULT_LANGUAGE, type Language } from '../i18n';
import type { Logger } from '../infra/logger';
import type { LimiterFactory } from '../infra/rate-limits';
import { clientNetwork } from './client-network';
import { lastFullLimit, type CountedLimit } from './full-limits';
import { upToWholeMinute, type Clock } from './clock';
import { isAllowedDestination, maskPhoneNumber } from './phone-numbers';
import type { SmsFailureReason, SmsSender } from './sms/sms-sender';
import type { CodePurpose, VerificationCodes } from './verification-codes';

export type SmsLimitScope = 'account' | 'number' | 'ip' | 'global';

/**
 * `nextAllowedAt` and `retryAt` are rounded up to the whole minute the patient is told (a new SMS
 * may be let through a little earlier); `validUntil` is not: a code works until its own time.
 */
export type SmsSendOutcome =
  /**
   * `shared`: sent by another request, on its way to the same number when this one came (a double
   * click); this one says so as well, and sent nothing.
   */
  | { status: 'sent'; nextAllowedAt: number; shared?: true }
  /**
   * The provider did not answer in time: the SMS may still arrive. Its code is kept (until
   * `validUntil`) and it counts towards every limit, as a sent one does.
   */
  | { status: 'unsure'; nextAllowedAt: number; validUntil: number }
  /** `earlierCode`: where the SMS that began the cooldown brought its code, seen from this number. */
  | { status: 'cooldown'; nextAllowedAt: number; earlierCode: EarlierCode }
  /** `retryAt`: when the cap that refused lets a new SMS through again. */
  | ({ status: 'limited' } & SmsCap)
  /**
   * `shared`: the SMS of another request, on its way to the same number when this one came, failed
   * with `reason`; this one sent nothing.
   */
  | { status: 'failed'; reason: SmsFailureReason; shared?: true };

/**
 * `this_number`: a code that still works went to this number; `other_number`: it went to another
 * number; `gone`: it was used, tried out or discarded, or its SMS did not come back in time.
 */
export type EarlierCode = 'this_number' | 'other_number' | 'gone';

export interface SmsSendRequest {
  userId: number;
  purpose: CodePurpose;
  phone: string; // E.164
  ip: string;
  /** The language of the page the SMS is asked on, which its text follows; Dutch when not given. */
  language?: Language;
}

/** What the caps of an SMS are counted by. */
export type SmsCapRequest = Pick<SmsSendRequest, 'userId' | 'phone' | 'ip'>;

/** A cap that refuses every SMS for a request until `retryAt` (epoch ms, rounded up to the minute). */
export interface SmsCap {
  scope: SmsLimitScope;
  retryAt: number;
}

export interface SmsCodeServiceDeps {
  codes: VerificationCodes;
  sender: SmsSender;
  limiters: LimiterFactory;
  clock: Clock;
  settings: SmsConfig;
  /** The SMS text around the code, in `language`; the code must appear in it. */
  composeText: (code: string, language: Language) => string;
  logger?: Logger;
}

const HOUR = 3600;
const DAY = 24 * HOUR;
/**
 * Besides the provider's timeout, how long an SMS may take from its cooldown until its code is
 * stored: reserving the other counters before it, storing the code after it.
 */
const SMS_SEND_MARGIN_MS = 1000;
/** How often a request the cooldown refused looks whether the SMS on its way has been sent. */
const ON_ITS_WAY_POLL_MS = 50;
/**
 * How close to its end a cooldown found gone counts as run out rather than given back: the time
 * left was measured before the refusal's own clock started, by as much as the store's answer took.
 */
const COOLDOWN_END_MARGIN_MS = 250;

/**
 * Where the SMS that began the running cooldown went, as far as a request the cooldown refused
 * needs to know: `joined` when it went to this number and the provider took it in time (the second
 * click shares the first one's SMS); `failedHere` when it failed for this number, and why;
 * `released` when it failed (for another number, or for a reason this process did not see: seen
 * from another instance, a cooldown given back because a later cap refused that send looks the
 * same); `free` when the cooldown ran out first (set shorter than the provider's timeout), or was
 * given back by this process's send that a later cap refused: this request sends as any other would.
 */
type EarlierSms = EarlierCode | 'joined' | 'released' | 'free' | { failedHere: SmsFailureReason };

/** An SMS this process is sending: what the requests the cooldown refused meanwhile wait for. */
interface OnItsWay {
  phone: string;
  /** When its cooldown was taken (performance.now()). */
  takenAt: number;
  /**
   * Settles when the send is over: the provider answered, or did not in time, or a later cap
   * refused it before any SMS; undefined when it threw.
   */
  outcome: Promise<SmsSendOutcome | undefined>;
}

type Counter = CountedLimit<SmsLimitScope | 'cooldown'>;

export type SmsCodeService = Awaited<ReturnType<typeof createSmsCodeService>>;

/**
 * Sends verification codes by SMS under the limits of SPEC §4: only to the allowed countries, a
 * cooldown per user and purpose, and caps per account, number, IP (hourly and daily) and overall. Points are reserved before sending and given back
 * when the provider fails, so a failed SMS is not counted and may be retried at once.
 *
 * A new code becomes valid only once the provider has accepted the SMS, or may have: when it did
 * not answer in time, the SMS may still arrive, so its code is kept and counted. When sending
 * fails, the previous code (if any) stays valid: the patient may still have received it.
 */
export async function createSmsCodeService(deps: SmsCodeServiceDeps) {
  const { codes, sender, limiters, clock, settings, composeText, logger } = deps;
  const cooldown = await limiters({ keyPrefix: 'sms_cooldown', points: 1, duration: settings.resendCooldownSeconds });
  const account = await limiters({ keyPrefix: 'sms_account', points: settings.maxPerAccountPerHour, duration: HOUR });
  const number = await limiters({ keyPrefix: 'sms_number', points: settings.maxPerNumberPerDay, duration: DAY });
  const ipHourly = await limiters({ keyPrefix: 'sms_ip', points: settings.maxPerIpPerHour, duration: HOUR });
  const ipDaily = await limiters({ keyPrefix: 'sms_ip_day', points: settings.maxPerIpPerDay, duration: DAY });
  const global = await limiters({ keyPrefix: 'sms_global', points: settings.globalDailyCap, duration: DAY });

  const cooldownKey = (userId: number, purpose: CodePurpose) => `${userId}:${purpose}`;

  /** The caps an SMS for `request` counts towards, besides its cooldown. */
  const capsOf = (request: SmsCapRequest): CountedLimit<SmsLimitScope>[] => [
    { limiter: account, key: String(request.userId), scope: 'account' },
    { limiter: number, key: request.phone, scope: 'number' },
    // The day before the hour: when both are full, the refusal names when SMS can go again.
    { limiter: ipDaily, key: clientNetwork(request.ip), scope: 'ip' },
    { limiter: ipHourly, key: clientNetwork(request.ip), scope: 'ip' },
    { limiter: global, key: 'all', scope: 'global' },
  ];

  /** This process's SMS on their way, by cooldown key: waited for without looking in the store. */
  const onTheirWay = new Map<string, OnItsWay>();
  /**
   * This process's sends whose cooldown reservation has not come back yet, by cooldown key. The
   * store answers them in any order: the one that took the cooldown may hear so after those it
   * refused, which wait for it to be in `onTheirWay` before they look.
   */
  const awaitingCooldown = new Map<string, Set<Promise<void>>>();

  /** Takes the cooldown (`onTaken` once it holds it), known to this process's other sends meanwhile. */
  async function takeCooldown(counter: Counter, onTaken: () => void): Promise<void> {
    let answered!: () => void;
    const answer = new Promise<void>((resolve) => { answered = resolve; });
    const waiting = awaitingCooldown.get(counter.key) ?? new Set<Promise<void>>();
    awaitingCooldown.set(counter.key, waiting.add(answer));
    try {
      await counter.limiter.consume(counter.key, 1);
      onTaken();
    } finally {
      waiting.delete(answer);
      if (waiting.size === 0) awaitingCooldown.delete(counter.key);
      answered();
    }
  }

  /**
   * Where the SMS that began the running cooldown brought its code: only a code stored since the
   * cooldown began is that SMS's. While that SMS may still be on its way (a double click, or a
   * number corrected at once, within the provider's timeout), this waits for its outcome: from the
   * send itself when this process makes it, else by looking every 50 ms for its code to be stored
   * (another instance's send), or for the cooldown to be given back (it failed).
   */
  async function earlierSmsOf(request: SmsSendRequest, msBeforeNext: number): Promise<EarlierSms> {
    const { userId, purpose, phone } = request;
    const cooldownMs = settings.resendCooldownSeconds * 1000;
    // Measured after each look, so that it is never less than when the code looked at was stored.
    const refusedAt = performance.now();
    const sinceCooldownBegan = () => cooldownMs - msBeforeNext + (performance.now() - refusedAt);
    const onItsWay = onTheirWay.get(cooldownKey(userId, purpose));
    // Only the send whose cooldown refused this request: with a cooldown shorter than the provider's
    // timeout, another instance may have taken the next one while this process's send waits.
    const cooldownBegan = refusedAt - (cooldownMs - msBeforeNext);
    const holdsCooldown = onItsWay !== undefined && Math.abs(onItsWay.takenAt - cooldownBegan) < cooldownMs / 2;
    const waitMs = Math.min(msBeforeNext, settings.vonage.timeoutMs + SMS_SEND_MARGIN_MS - sinceCooldownBegan());
    const known = holdsCooldown && (await awaitSmsOnItsWay(onItsWay, phone, waitMs, waitMs === msBeforeNext));
    if (known) return known;
    for (let waited = false; ; waited = true) {
      const live = await codes.liveCode(userId, purpose);
      const since = sinceCooldownBegan();
      if (live !== null && live.sentAt >= clock.now() - since) {
        if (live.phone !== phone) return 'other_number';
        return waited && since < settings.vonage.timeoutMs ? 'joined' : 'this_number';
      }
      if (since >= settings.vonage.timeoutMs + SMS_SEND_MARGIN_MS) return 'gone';
      await sleep(ON_ITS_WAY_POLL_MS);
      const running = await cooldown.get(cooldownKey(userId, purpose));
      if (!running || running.consumedPoints < 1 || running.msBeforeNext <= 0) return sinceCooldownBegan() >= cooldownMs - COOLDOWN_END_MARGIN_MS ? 'free' : 'released';
    }
  }

  /**
   * The outcome of this process's send that holds the cooldown, waited for `waitMs` at most (then
   * `free` when the cooldown ends then, else undefined, as when that send threw: the store decides).
   */
  async function awaitSmsOnItsWay(onItsWay: OnItsWay, phone: string, waitMs: number, cooldownEndsFirst: boolean): Promise<EarlierSms | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      onItsWay.outcome,
      new Promise<'waited'>((resolve) => { timer = setTimeout(() => resolve('waited'), Math.max(0, waitMs)); }),
    ]);
    clearTimeout(timer);
    if (outcome === 'waited') return cooldownEndsFirst ? 'free' : undefined;
    if (outcome === undefined) return undefined;
    switch (outcome.status) {
      case 'failed': return onItsWay.phone === phone ? { failedHere: outcome.reason } : 'released';
      // A later cap refused it and gave the cooldown back before any SMS: this one may meet another cap.
      case 'limited': return 'free';
      default:
        if (onItsWay.phone !== phone) return 'other_number';
        return outcome.status === 'sent' ? 'joined' : 'this_number';
    }
  }

  /** Gives back reserved points; the cooldown, with its single point, is simply cleared. */
  async function release(counters: Counter[]): Promise<void> {
    await Promise.all(
      counters.map((c) => (c.scope === 'cooldown' ? c.limiter.delete(c.key) : c.limiter.giveBack(c.key, 1))),
    );
  }

  /** Sends the SMS the counters were reserved for, and keeps its code once the provider took it (or may have). */
  async function deliver(request: SmsSendRequest, taken: Counter[]): Promise<SmsSendOutcome> {
    const { userId, purpose, phone, language = DEFAULT_LANGUAGE } = request;
    const code = codes.generate();
    const result = await sender.send({ to: phone, text: composeText(code, language), language });
    const maskedPhone = maskPhoneNumber(phone);
    const unsure = !result.ok && result.reason === 'timeout';
    if (!result.ok && !unsure) {
      await release(taken);
      logger?.warn({ userId, purpose, maskedPhone, reason: result.reason }, 'verification SMS failed');
      return { status: 'failed', reason: result.reason };
    }
    await codes.save(userId, purpose, code, phone, unsure);
    const nextAllowedAt = upToWholeMinute(clock.now() + settings.resendCooldownSeconds * 1000);
    if (unsure) {
      logger?.warn({ userId, purpose, maskedPhone, reason: 'timeout' }, 'verification SMS timed out: it may still arrive, its code is kept');
      return { status: 'unsure', nextAllowedAt, validUntil: clock.now() + settings.codeTtlMinutes * 60_000 };
    }
    logger?.info({ userId, purpose, maskedPhone }, 'verification SMS sent');
    return { status: 'sent', nextAllowedAt };
  }

  /** Reserves the counters (`onCooldownTaken` once it holds the cooldown), then sends. */
  async function reserveAndSend(request: SmsSendRequest, onCooldownTaken: () => void): Promise<SmsSendOutcome> {
    const { userId, purpose, phone } = request;
    // A number stored while its country was allowed gets no SMS once SMS_ALLOWED_COUNTRIES leaves it out.
    if (!isAllowedDestination(phone, settings.allowedCountries)) {
      logger?.warn({ userId, purpose, maskedPhone: maskPhoneNumber(phone) }, 'SMS not sent: the number\'s country is not in SMS_ALLOWED_COUNTRIES');
      return { status: 'failed', reason: 'destination_not_allowed' };
    }
    const counters: Counter[] = [{ limiter: cooldown, key: cooldownKey(userId, purpose), scope: 'cooldown' }, ...capsOf(request)];

    // Reserve one point in each counter, in order; the first refusal gives all taken points back.
    const taken: Counter[] = [];
    for (const counter of counters) {
      try {
        taken.push(counter);
        if (counter.scope === 'cooldown') await takeCooldown(counter, onCooldownTaken);
        else await counter.limiter.consume(counter.key, 1);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) {
          await release(taken.slice(0, -1)).catch(() => undefined);
          throw err; // the store itself failed
        }
        // A refused consume still counted; give it back too, except for the cooldown, whose
        // running window belongs to the SMS that was sent.
        await release(counter.scope === 'cooldown' ? [] : taken);
        logger?.info({ userId, purpose, limit: counter.scope }, 'SMS refused by limit');
        const endsAt = upToWholeMinute(clock.now() + err.msBeforeNext);
        if (counter.scope !== 'cooldown') return { status: 'limited', scope: counter.scope, retryAt: endsAt };
        // Whose SMS began the cooldown is judged by its exact start, not by the minute shown.
        await Promise.all(awaitingCooldown.get(counter.key) ?? new Set<Promise<void>>());
        const earlier = await earlierSmsOf(request, err.msBeforeNext);
        // That SMS failed: nothing went out. Said as this one's failure, without a try of its own:
        // each request that waited for it would make one, one after the other.
        if (typeof earlier === 'object') return { status: 'failed', reason: earlier.failedHere, shared: true };
        if (earlier === 'released') return { status: 'failed', reason: 'earlier_sms_failed' };
        if (earlier === 'free') return service.send(request); // as any request after the cooldown
        if (earlier === 'joined') return { status: 'sent', nextAllowedAt: endsAt, shared: true };
        return { status: 'cooldown', nextAllowedAt: endsAt, earlierCode: earlier };
      }
    }
    return deliver(request, taken);
  }

  const service = {
    /**
     * From the moment it holds the cooldown until it is over, a send is in `onTheirWay`: the
     * requests the cooldown refuses meanwhile in this process wait for its outcome.
     */
    async send(request: SmsSendRequest): Promise<SmsSendOutcome> {
      const key = cooldownKey(request.userId, request.purpose);
      let settle!: (outcome: SmsSendOutcome | undefined) => void;
      const onItsWay: OnItsWay = { phone: request.phone, takenAt: 0, outcome: new Promise((resolve) => { settle = resolve; }) };
      const holdCooldown = () => {
        onItsWay.takenAt = performance.now();
        onTheirWay.set(key, onItsWay);
      };
      try {
        const outcome = await reserveAndSend(request, holdCooldown);
        settle(outcome);
        return outcome;
      } catch (err) {
        settle(undefined);
        throw err;
      } finally {
        if (onTheirWay.get(key) === onItsWay) onTheirWay.delete(key);
      }
    },

    /**
     * The cap that would refuse an SMS for `request` now, and when it lets one through (the latest
     * of the full caps, rounded up to the minute as a refusal's `retryAt`); null when none is full.
     */
    capInForce: (request: SmsCapRequest): Promise<SmsCap | null> => lastFullLimit(capsOf(request), clock.now()),

    /** When a new code may be asked for (epoch ms, rounded up to the minute), or null when that is possible now. */
    async nextAllowedAt(userId: number, purpose: CodePurpose): Promise<number | null> {
      const res = await cooldown.get(cooldownKey(userId, purpose));
      return res && res.consumedPoints >= 1 && res.msBeforeNext > 0 ? upToWholeMinute(clock.now() + res.msBeforeNext) : null;
    },
  };
  return service;
}
