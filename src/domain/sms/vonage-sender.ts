import { Auth } from '@vonage/auth';
import { SMS, SMSFailure, TypeEnum } from '@vonage/sms';
import type { Logger } from '../../infra/logger';
import { smsFailureCategory, type SmsFailureReason, type SmsResult, type SmsSender } from './sms-sender';

export interface VonageSenderOptions {
  apiKey: string;
  apiSecret: string;
  from: string;
  restHost: string; // e.g. https://rest.nexmo.com
  timeoutMs: number;
}

// Vonage SMS API response statuses (https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms).
const STATUS_REASONS: Record<string, SmsFailureReason> = {
  '1': 'throttled',
  '2': 'invalid_request', // missing parameters
  '3': 'invalid_request', // invalid parameters
  '4': 'bad_credentials',
  '5': 'provider_error', // internal error
  '6': 'invalid_message',
  '7': 'number_barred',
  '8': 'bad_credentials', // partner account barred
  '9': 'quota_exceeded',
  '10': 'throttled', // too many existing binds
  '11': 'bad_credentials', // account not enabled for HTTP
  '12': 'invalid_message', // message too long
  '14': 'bad_credentials', // invalid signature
  '15': 'invalid_sender',
  '22': 'invalid_request', // invalid network code
  '23': 'invalid_request', // invalid callback URL
  '29': 'account_restricted', // non-whitelisted destination: a trial account, whatever the number
  '32': 'bad_credentials', // signature and API secret disallowed
  '33': 'number_deactivated',
};

function reasonForVonageStatus(status: string): SmsFailureReason {
  return STATUS_REASONS[status] ?? 'unknown';
}

function reasonForHttpStatus(status: number): SmsFailureReason {
  if (status === 401 || status === 403) return 'bad_credentials';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'provider_error';
  if (status >= 400) return 'invalid_request';
  return 'unknown';
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED',
]);

class SendTimeout extends Error {}

/** Turns whatever the SDK threw into a result. Reads only status fields: errors carry the request body. */
function failureFrom(err: unknown): Extract<SmsResult, { ok: false }> {
  if (err instanceof SendTimeout) return { ok: false, reason: 'timeout' };
  const e = err as { name?: string; code?: string; type?: string; response?: { status?: unknown } };
  if (err instanceof SMSFailure) {
    const status = String(err.getResponse()?.messages?.[0]?.status ?? '');
    return { ok: false, reason: reasonForVonageStatus(status), providerStatus: status || undefined };
  }
  if (typeof e?.response?.status === 'number') {
    return { ok: false, reason: reasonForHttpStatus(e.response.status), providerStatus: `http_${e.response.status}` };
  }
  if (e?.name === 'AbortError' || e?.code === 'ETIMEDOUT') return { ok: false, reason: 'timeout' };
  if ((e?.code && NETWORK_ERROR_CODES.has(e.code)) || e?.type === 'system') {
    return { ok: false, reason: 'unreachable', providerStatus: e.code };
  }
  return { ok: false, reason: 'unknown' };
}

// GSM 03.38 basic character set and its extension table; anything else needs a unicode SMS.
const GSM_CHARS =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€';
const isGsmText = (text: string) => [...text].every((ch) => GSM_CHARS.includes(ch));

/** Sends through Vonage's SMS API with the official SDK. Never throws; failures are logged without number or text. */
export function createVonageSender(options: VonageSenderOptions, logger?: Logger): SmsSender {
  const client = new SMS(new Auth({ apiKey: options.apiKey, apiSecret: options.apiSecret }), {
    restHost: options.restHost.replace(/\/+$/, ''),
    timeout: options.timeoutMs, // the SDK aborts its fetch after this; the race below is the backstop
  });

  async function sendWithDeadline(to: string, text: string) {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SendTimeout()), options.timeoutMs);
    });
    const sending = client.send({
      to: to.replace(/^\+/, ''), // Vonage wants the number without '+'
      from: options.from,
      text,
      ...(isGsmText(text) ? {} : { type: TypeEnum.UNICODE }),
    });
    sending.catch(() => undefined); // a late failure after the deadline must not become an unhandled rejection
    try {
      return await Promise.race([sending, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async send({ to, text }) {
      const started = Date.now();
      let result: SmsResult;
      try {
        const response = await sendWithDeadline(to, text);
        const message = response.messages?.[0];
        result =
          message && String(message.status) === '0'
            ? { ok: true, messageId: message.messageId }
            : { ok: false, reason: 'unknown', providerStatus: message?.status };
      } catch (err) {
        result = failureFrom(err);
      }
      const ms = Date.now() - started;
      if (result.ok) logger?.info({ provider: 'vonage', messageId: result.messageId, ms }, 'SMS sent');
      else if (smsFailureCategory(result.reason) === 'service_problem') {
        // No SMS goes out to anyone until the clinic fixes its Vonage account or settings.
        logger?.error({ provider: 'vonage', status: result.providerStatus, reason: result.reason, ms }, 'SMS not sent: Vonage refuses the account or the request; check the VONAGE_ settings and the Vonage account');
      } else logger?.warn({ provider: 'vonage', status: result.providerStatus, reason: result.reason, ms }, 'SMS not sent');
      return result;
    },
  };
}
