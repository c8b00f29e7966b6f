import type { Translate } from '../i18n';
import type { SmsSendOutcome } from '../domain/sms-codes';
import { smsFailureCategory, type SmsFailureCategory } from '../domain/sms/sms-sender';

export interface SmsProblem {
  status: number;
  message: string;
}

const FAILURE_KEYS: Record<SmsFailureCategory, string> = {
  retry_later: 'twoFactor.sms.errors.retry_later',
  check_number: 'twoFactor.sms.errors.check_number',
  service_problem: 'twoFactor.sms.errors.service_problem',
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
      return { status: 429, message: t('twoFactor.sms.errors.cooldown', { time: formatTime(outcome.nextAllowedAt) }) };
    case 'limited':
      return { status: 429, message: t('twoFactor.sms.errors.limited') };
    case 'failed': {
      const category = smsFailureCategory(outcome.reason);
      return { status: category === 'check_number' ? 400 : 503, message: t(FAILURE_KEYS[category]) };
    }
  }
}
