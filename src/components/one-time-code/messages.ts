import type { SecondFactorFailure, SecondFactorResult } from '../../domain/second-factor';
import type { SmsSendOutcome } from '../../domain/sms-codes';
import { smsFailureCategory, type SmsFailureCategory } from '../../domain/sms/sms-sender';
import type { Translate } from '../../i18n';

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

export function secondFactorMessage(
  result: Exclude<SecondFactorResult, { status: 'ok' }>,
  t: Translate,
  formatTime: (epochMs: number) => string,
): string {
  if (result.status === 'locked') return t('oneTimeCode.errors.locked', { time: formatTime(result.until) });
  return t(FAILURE_KEYS[result.reason]);
}

export interface SmsProblem {
  status: number;
  message: string;
}

const SMS_FAILURE_KEYS: Record<SmsFailureCategory, string> = {
  retry_later: 'oneTimeCode.sms.errors.retry_later',
  check_number: 'oneTimeCode.sms.errors.check_number',
  service_problem: 'oneTimeCode.sms.errors.service_problem',
};

/**
 * What the patient is told when an SMS could not be sent, the same on every page that sends
 * codes. Returns null when the SMS went out.
 */
export function smsProblem(outcome: SmsSendOutcome, t: Translate, formatTime: (ms: number) => string): SmsProblem | null {
  switch (outcome.status) {
    case 'sent':
      return null;
    case 'cooldown':
      return { status: 429, message: t('oneTimeCode.sms.errors.cooldown', { time: formatTime(outcome.nextAllowedAt) }) };
    case 'limited':
      return { status: 429, message: t('oneTimeCode.sms.errors.limited') };
    case 'failed': {
      const category = smsFailureCategory(outcome.reason);
      return { status: category === 'check_number' ? 400 : 503, message: t(SMS_FAILURE_KEYS[category]) };
    }
  }
}
