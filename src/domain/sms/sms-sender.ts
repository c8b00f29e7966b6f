import type { Language } from '../../i18n';
export type SmsFailureReason =
  | 'throttled'
  | 'invalid_request'
  | 'bad_credentials'
  | 'provider_error'
  | 'invalid_message'
  | 'number_barred'
  | 'quota_exceeded'
  | 'invalid_sender'
  | 'destination_not_allowed'
  /** The provider's account may send only to its own test numbers (a trial account): any number fails. */
  | 'account_restricted'
  /** Not the provider's: the SMS this request waited for (a double click's first) failed. */
  | 'earlier_sms_failed'
  | 'number_deactivated'
  | 'timeout'
  | 'unreachable'
  | 'unknown';

export type SmsResult = { ok: true; messageId?: string } | { ok: false; reason: SmsFailureReason; providerStatus?: string };

export interface SmsMessage {
  to: string; // E.164
  text: string;
  /** The language the text is written in (the provider is not told; the development outbox shows it). */
  language?: Language;
}

/** Sends one SMS. Never throws for provider problems: they come back as `{ ok: false, reason }`. */
export interface SmsSender {
  send(message: SmsMessage): Promise<SmsResult>;
}

export type SmsFailureCategory = 'retry_later' | 'check_number' | 'service_problem';

const CATEGORIES: Record<SmsFailureReason, SmsFailureCategory> = {
  throttled: 'retry_later',
  provider_error: 'retry_later',
  timeout: 'retry_later',
  unreachable: 'retry_later',
  unknown: 'retry_later',
  earlier_sms_failed: 'retry_later',
  number_barred: 'check_number',
  destination_not_allowed: 'check_number',
  number_deactivated: 'check_number',
  invalid_request: 'service_problem',
  bad_credentials: 'service_problem',
  invalid_message: 'service_problem',
  quota_exceeded: 'service_problem',
  invalid_sender: 'service_problem',
  account_restricted: 'service_problem',
};

/** What the patient can do about a failure: try again later, check the number, or nothing (our side). */
export function smsFailureCategory(reason: SmsFailureReason): SmsFailureCategory {
  return CATEGORIES[reason];
}
