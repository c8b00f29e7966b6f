import type { SecondFactorFailure, SecondFactorResult, SmsCodeOutcome } from '../../domain/second-factor';
import type { EarlierCode, SmsCap, SmsLimitScope } from '../../domain/sms-codes';
import type { CodePurpose } from '../../domain/verification-codes';
import { smsFailureCategory, type SmsFailureCategory } from '../../domain/sms/sms-sender';
import type { Translate } from '../../i18n';

/** What a message needs from the page: its language's strings and formatting. */
export interface Wording {
  t: Translate;
  formatTime(epochMs: number): string;
  formatDate(epochMs: number): string;
  isToday(epochMs: number): boolean;
  /** A time the message tells the reader to try again at: formatted, and noted for a 429's or 503's Retry-After. */
  formatRetryTime(epochMs: number): string;
  /** A wait the message names without a time: noted for a 503's Retry-After. */
  retryIn(ms: number): void;
  /** The label of the page's button that sends a new code, where it is not "Stuur nieuwe code". */
  resendButton?: string;
}

const resendButton = (w: Wording) => w.resendButton ?? w.t('oneTimeCode.resend');

/** What every page with a code field says when a code was not accepted. */
const FAILURE_KEYS: Record<SecondFactorFailure, string> = {
  wrong: 'oneTimeCode.errors.wrong',
  expired: 'oneTimeCode.errors.expired',
  exhausted: 'oneTimeCode.errors.exhausted',
  missing: 'oneTimeCode.errors.missing',
  replayed: 'oneTimeCode.errors.replayed',
  wrong_app_code: 'oneTimeCode.errors.wrongAppCode',
  wrong_recovery_code: 'oneTimeCode.errors.wrong_recovery_code',
  wrong_passkey: 'oneTimeCode.errors.wrongPasskey',
};

/** The failures after which only a new SMS code helps: their message says how to get one. */
const NEEDS_NEW_CODE: ReadonlySet<SecondFactorFailure> = new Set(['expired', 'exhausted', 'missing']);

export const needsNewCode = (result: SecondFactorResult): boolean => result.status === 'failed' && NEEDS_NEW_CODE.has(result.reason);

/** A cap that refuses new SMS codes (for `purpose`) meanwhile. */
interface CapForPurpose {
  cap: SmsCap;
  purpose: CodePurpose;
}

/**
 * `smsCap`: a cap refuses any new SMS code now; a message that would advise one says when one can
 * come instead, and what to do meanwhile.
 */
export function secondFactorMessage(result: Exclude<SecondFactorResult, { status: 'ok' }>, w: Wording, smsCap?: CapForPurpose): string {
  if (result.status === 'locked') return w.t('oneTimeCode.errors.locked', { time: w.formatRetryTime(result.until) });
  const message = w.t(FAILURE_KEYS[result.reason]);
  if (!needsNewCode(result)) return message;
  return `${message} ${smsCap ? capEnd(smsCap, w) : w.t('oneTimeCode.askNewCode', { resend: resendButton(w) })}`;
}

/** When the cap lets a new SMS code through, and, unless the code sent last still works, what the patient can do until then. */
export function capEnd({ cap, purpose }: CapForPurpose, w: Wording, codeWorks = false): string {
  const time = w.formatRetryTime(cap.retryAt);
  const when = w.isToday(cap.retryAt) ? w.t('oneTimeCode.sms.limited.whenToday', { time }) : w.t('oneTimeCode.sms.limited.when', { date: w.formatDate(cap.retryAt), time });
  if (codeWorks) return when;
  const meanwhile = w.t(RECOVERY_CODE_ACCEPTED.has(purpose) ? 'oneTimeCode.sms.limited.useRecovery' : 'oneTimeCode.sms.limited.help');
  return `${when} ${meanwhile}`;
}

/** The code sent before a cooldown, as a page reads it now. */
export interface EarlierCodeState {
  works: boolean;
  /** Its SMS may not have arrived (the provider did not answer in time). */
  deliveryUnsure: boolean;
}

export interface SmsProblem {
  status: number;
  message: string;
  /** No SMS can come for a while (a cap, a number or a fault the patient cannot change). */
  noSmsSoon: boolean;
}

/** "Probeer het over een minuut opnieuw": the wait the texts for a failure to try again later name. */
const SMS_RETRY_WAIT_MS = 60_000;

/** A number being set up or changed: nothing was changed, and another number may be given. */
const SMS_FAILURE_KEYS: Record<SmsFailureCategory, string> = {
  retry_later: 'oneTimeCode.sms.errors.retry_later',
  check_number: 'oneTimeCode.sms.errors.check_number',
  service_problem: 'oneTimeCode.sms.errors.service_problem',
};

/** The account's own number, at sign-in or a confirmation: it cannot be changed there, a recovery code can stand in. */
const STORED_NUMBER_FAILURE_KEYS: Record<SmsFailureCategory, string> = {
  retry_later: 'oneTimeCode.sms.errors.storedNumber.retry_later',
  check_number: 'oneTimeCode.sms.errors.storedNumber.check_number',
  service_problem: 'oneTimeCode.sms.errors.service_problem',
};

/** Why no SMS is sent, by the limit that refused it: only the account's own limit blames the patient. */
const LIMIT_KEYS: Record<SmsLimitScope, string> = {
  account: 'oneTimeCode.sms.limited.account',
  number: 'oneTimeCode.sms.limited.number',
  ip: 'oneTimeCode.sms.limited.ip',
  global: 'oneTimeCode.sms.limited.global',
};

/** Where a recovery code can stand in for the SMS code; not while a new number or method is being set up. */
const RECOVERY_CODE_ACCEPTED: ReadonlySet<CodePurpose> = new Set(['sign_in', 'confirm']);

/**
 * What the patient is told when an SMS (for `purpose`) could not be sent, or may not have been
 * (`unsure`: a notice, not a refusal), the same on every page that sends codes. Returns null when
 * the SMS went out. `capInForce`: a cap refuses the next SMS, so no new code is advised (the page
 * says the cap's end itself).
 */
export function smsProblem(
  outcome: SmsCodeOutcome,
  purpose: CodePurpose,
  w: Wording,
  capInForce = false,
  /** The code sent before a cooldown as the page read it: whether it works now, and may not have arrived; else as it was at the send. */
  earlier?: EarlierCodeState,
): SmsProblem | null {
  switch (outcome.status) {
    case 'sent':
      return null;
    case 'unsure': // not an error: the page goes on to the code field
      return {
        status: 200,
        message: capInForce
          ? w.t('oneTimeCode.sms.unsureCapped', { until: w.formatTime(outcome.validUntil) })
          : w.t('oneTimeCode.sms.unsure', { until: w.formatTime(outcome.validUntil), time: w.formatTime(outcome.nextAllowedAt), resend: resendButton(w) }),
        noSmsSoon: false,
      };
    case 'locked':
      return { status: 429, message: w.t('oneTimeCode.sms.errors.locked', { time: w.formatRetryTime(outcome.until) }), noSmsSoon: true };
    case 'cooldown':
      return { status: 429, message: notSentInCooldown(outcome, w, earlier), noSmsSoon: false };
    case 'limited':
      return { status: 429, message: `${w.t(LIMIT_KEYS[outcome.scope])} ${capEnd({ cap: outcome, purpose }, w)}`, noSmsSoon: true };
    case 'failed': {
      const category = smsFailureCategory(outcome.reason);
      if (category === 'retry_later') w.retryIn(SMS_RETRY_WAIT_MS);
      const keys = RECOVERY_CODE_ACCEPTED.has(purpose) ? STORED_NUMBER_FAILURE_KEYS : SMS_FAILURE_KEYS;
      return { status: category === 'check_number' ? 400 : 503, message: w.t(keys[category]), noSmsSoon: category !== 'retry_later' };
    }
  }
}

/**
 * No new code within the cooldown, asked for or sent automatically: that none was sent (a "wait
 * until" alone leaves it open), whether the earlier code still works (used, or ended by wrong
 * tries, it does not), and when to ask again with the page's button.
 */
function notSentInCooldown(outcome: { nextAllowedAt: number; earlierCode: EarlierCode }, w: Wording, earlier?: EarlierCodeState): string {
  const time = w.formatRetryTime(outcome.nextAllowedAt);
  if (outcome.earlierCode === 'other_number') return w.t('oneTimeCode.sms.errors.cooldownOtherNumber', { time });
  const works = earlier?.works ?? outcome.earlierCode === 'this_number';
  // An SMS that may not have come: not "you just got one".
  const key = !works ? 'oneTimeCode.notSentCooldownCodeGone' : earlier?.deliveryUnsure ? 'oneTimeCode.notSentCooldownUnsure' : 'oneTimeCode.notSentCooldown';
  return w.t(key, { time, resend: resendButton(w) });
}

/**
 * Why a form that sends a code to a number cannot go on to the code page; null when it can: the
 * SMS went out, or may have (`unsure`), or none was sent because one went out a moment ago
 * (`cooldown` while the earlier code, still working, is this number's: the code page says when a
 * new one may be asked).
 */
export function smsRefusal(outcome: SmsCodeOutcome, purpose: CodePurpose, w: Wording): SmsProblem | null {
  if (outcome.status === 'cooldown' && outcome.earlierCode !== 'this_number') {
    // A typo corrected within the cooldown, or a number typed again after its code was used: no
    // code went to this number that the code page could ask for.
    const key = outcome.earlierCode === 'other_number' ? 'oneTimeCode.sms.errors.cooldownOtherNumber' : 'oneTimeCode.sms.errors.cooldownCodeGone';
    return { status: 429, message: w.t(key, { time: w.formatRetryTime(outcome.nextAllowedAt) }), noSmsSoon: false };
  }
  return outcome.status === 'unsure' || outcome.status === 'cooldown' ? null : smsProblem(outcome, purpose, w);
}
