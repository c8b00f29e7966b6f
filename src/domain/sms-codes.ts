import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { SmsConfig } from '../config';
import type { Logger } from '../infra/logger';
import type { LimiterFactory } from '../infra/rate-limits';
import { clientNetwork } from './client-network';
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
  | { status: 'sent'; nextAllowedAt: number }
  /**
   * The provider did not answer in time: the SMS may still arrive. Its code is kept (until
   * `validUntil`) and it counts towards every limit, as a sent one does.
   */
  | { status: 'unsure'; nextAllowedAt: number; validUntil: number }
  /** `earlierCode`: where the SMS that began the cooldown brought its code, seen from this number. */
  | { status: 'cooldown'; nextAllowedAt: number; earlierCode: EarlierCode }
  /** `retryAt`: when the cap that refused lets a new SMS through again. */
  | { status: 'limited'; scope: SmsLimitScope; retryAt: number }
  | { status: 'failed'; reason: SmsFailureReason };

/**
 * `this_number`: a code that still works went, or is still on its way, to this number;
 * `other_number`: it went to another number; `gone`: it was used, tried out or discarded.
 */
export type EarlierCode = 'this_number' | 'other_number' | 'gone';

export interface SmsSendRequest {
  userId: number;
  purpose: CodePurpose;
  phone: string; // E.164
  ip: string;
}

export interface SmsCodeServiceDeps {
  codes: VerificationCodes;
  sender: SmsSender;
  limiters: LimiterFactory;
  clock: Clock;
  settings: SmsConfig;
  /** The SMS text around the code, e.g. in Dutch; the code must appear in it. */
  composeText: (code: string) => string;
  logger?: Logger;
}

const HOUR = 3600;
const DAY = 24 * HOUR;
/**
 * Besides the provider's timeout, how long an SMS may take from its cooldown until its code is
 * stored: reserving the other counters before it, storing the code after it.
 */
const SMS_SEND_MARGIN_MS = 1000;

interface Counter {
  limiter: RateLimiterAbstract;
  key: string;
  scope: SmsLimitScope | 'cooldown';
}

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

  /**
   * Where the SMS that began the running cooldown brought its code. Only a code stored since the
   * cooldown began is that SMS's. Without one, the SMS is either still on its way (a double click,
   * within the provider's timeout), and taken to be for this number, or its code is gone.
   */
  async function earlierCodeOf(userId: number, purpose: CodePurpose, phone: string, msBeforeNext: number): Promise<EarlierCode> {
    const cooldownBegan = clock.now() + msBeforeNext - settings.resendCooldownSeconds * 1000;
    const live = await codes.liveCode(userId, purpose);
    if (live !== null && live.sentAt >= cooldownBegan) return live.phone === phone ? 'this_number' : 'other_number';
    const stillOnItsWay = settings.resendCooldownSeconds * 1000 - msBeforeNext < settings.vonage.timeoutMs + SMS_SEND_MARGIN_MS;
    return stillOnItsWay ? 'this_number' : 'gone';
  }

  /** Gives back reserved points; the cooldown, with its single point, is simply cleared. */
  async function release(counters: Counter[]): Promise<void> {
    await Promise.all(
      counters.map((c) => (c.scope === 'cooldown' ? c.limiter.delete(c.key) : c.limiter.reward(c.key, 1))),
    );
  }

  return {
    async send(request: SmsSendRequest): Promise<SmsSendOutcome> {
      const { userId, purpose, phone } = request;
      // A number stored while its country was allowed gets no SMS once SMS_ALLOWED_COUNTRIES leaves it out.
      if (!isAllowedDestination(phone, settings.allowedCountries)) {
        logger?.warn({ userId, purpose, maskedPhone: maskPhoneNumber(phone) }, 'SMS not sent: the number\'s country is not in SMS_ALLOWED_COUNTRIES');
        return { status: 'failed', reason: 'destination_not_allowed' };
      }
      const counters: Counter[] = [
        { limiter: cooldown, key: cooldownKey(userId, purpose), scope: 'cooldown' },
        { limiter: account, key: String(userId), scope: 'account' },
        { limiter: number, key: phone, scope: 'number' },
        // The day before the hour: when both are full, the refusal names when SMS can go again.
        { limiter: ipDaily, key: clientNetwork(request.ip), scope: 'ip' },
        { limiter: ipHourly, key: clientNetwork(request.ip), scope: 'ip' },
        { limiter: global, key: 'all', scope: 'global' },
      ];

      // Reserve one point in each counter, in order; the first refusal gives all taken points back.
      const taken: Counter[] = [];
      for (const counter of counters) {
        try {
          taken.push(counter);
          await counter.limiter.consume(counter.key, 1);
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
          return { status: 'cooldown', nextAllowedAt: endsAt, earlierCode: await earlierCodeOf(userId, purpose, phone, err.msBeforeNext) };
        }
      }

      const code = codes.generate();
      const result = await sender.send({ to: phone, text: composeText(code) });
      const maskedPhone = maskPhoneNumber(phone);
      const unsure = !result.ok && result.reason === 'timeout';
      if (!result.ok && !unsure) {
        await release(taken);
        logger?.warn({ userId, purpose, maskedPhone, reason: result.reason }, 'verification SMS failed');
        return { status: 'failed', reason: result.reason };
      }
      await codes.save(userId, purpose, code, phone);
      const nextAllowedAt = upToWholeMinute(clock.now() + settings.resendCooldownSeconds * 1000);
      if (unsure) {
        logger?.warn({ userId, purpose, maskedPhone, reason: 'timeout' }, 'verification SMS timed out: it may still arrive, its code is kept');
        return { status: 'unsure', nextAllowedAt, validUntil: clock.now() + settings.codeTtlMinutes * 60_000 };
      }
      logger?.info({ userId, purpose, maskedPhone }, 'verification SMS sent');
      return { status: 'sent', nextAllowedAt };
    },

    /** When a new code may be asked for (epoch ms, rounded up to the minute), or null when that is possible now. */
    async nextAllowedAt(userId: number, purpose: CodePurpose): Promise<number | null> {
      const res = await cooldown.get(cooldownKey(userId, purpose));
      return res && res.consumedPoints >= 1 && res.msBeforeNext > 0 ? upToWholeMinute(clock.now() + res.msBeforeNext) : null;
    },
  };
}
