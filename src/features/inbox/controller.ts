import type { Request, Response } from 'express';
import type { InboxMessage, MessageKind, MessageStore } from '../../domain/messages';
import type { Translate } from '../../i18n';

/** Patients are urged to make new recovery codes from this many left (as on the sign-in pages). */
export const FEW_RECOVERY_CODES_LEFT = 3;

type Params = InboxMessage['params'];

interface BodyChoice {
  /** The locale key of the body: the kind's plain body, or a variant that needs more values. */
  key: string;
  values?: Record<string, string | number>;
}

interface Formatting {
  t: Translate;
  formatTime(epochMs: number): string;
}

/** The locale keys of one kind of message; `body` picks the body text from the message's params. */
interface MessageTexts {
  subject: string;
  body(params: Params, f: Formatting): BodyChoice;
  action: string;
}

const plain = (key: string) => {
  const choice: BodyChoice = { key };
  return (): BodyChoice => choice;
};

function wholeNumber(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}

/** A body naming the passkey the message is about, when it has its name. */
const namingPasskey = (withName: string, without: string) => (params: Params): BodyChoice =>
  typeof params.passkey === 'string' && params.passkey.trim() !== '' ? { key: withName, values: { passkey: params.passkey } } : { key: without };

/** The method a method_switched message names, as the inbox calls it. */
const METHOD_KEYS: Record<string, string> = {
  sms: 'inbox.methods.sms',
  totp: 'inbox.methods.totp',
  app: 'inbox.methods.app',
};

/**
 * The texts of each kind of message, and how its body is picked from its params. Every
 * MessageKind must be here (the compiler checks); the keys are written out in full so that
 * test/i18n/keys.test.ts can check each one exists.
 */
export const MESSAGE_TEXTS: Record<MessageKind, MessageTexts> = {
  two_factor_enabled: {
    subject: 'inbox.kinds.two_factor_enabled.subject',
    body: plain('inbox.kinds.two_factor_enabled.body'),
    action: 'inbox.kinds.two_factor_enabled.action',
  },
  two_factor_disabled: {
    subject: 'inbox.kinds.two_factor_disabled.subject',
    body: plain('inbox.kinds.two_factor_disabled.body'),
    action: 'inbox.kinds.two_factor_disabled.action',
  },
  two_factor_reset_by_clinic: {
    subject: 'inbox.kinds.two_factor_reset_by_clinic.subject',
    body: plain('inbox.kinds.two_factor_reset_by_clinic.body'),
    action: 'inbox.kinds.two_factor_reset_by_clinic.action',
  },
  phone_changed: {
    subject: 'inbox.kinds.phone_changed.subject',
    body: (params) =>
      typeof params.phone === 'string' && params.phone.trim() !== ''
        ? { key: 'inbox.kinds.phone_changed.bodyWithPhone', values: { phone: params.phone } }
        : { key: 'inbox.kinds.phone_changed.body' },
    action: 'inbox.kinds.phone_changed.action',
  },
  recovery_codes_renewed: {
    subject: 'inbox.kinds.recovery_codes_renewed.subject',
    body: plain('inbox.kinds.recovery_codes_renewed.body'),
    action: 'inbox.kinds.recovery_codes_renewed.action',
  },
  recovery_code_used: {
    subject: 'inbox.kinds.recovery_code_used.subject',
    body: (params) => {
      const remaining = wholeNumber(params.remaining);
      if (remaining === null) return { key: 'inbox.kinds.recovery_code_used.body' };
      if (remaining === 0) return { key: 'inbox.kinds.recovery_code_used.bodyNone' };
      const key = remaining <= FEW_RECOVERY_CODES_LEFT ? 'inbox.kinds.recovery_code_used.bodyFew' : 'inbox.kinds.recovery_code_used.bodyRemaining';
      return { key, values: { remaining } };
    },
    action: 'inbox.kinds.recovery_code_used.action',
  },
  password_changed: {
    subject: 'inbox.kinds.password_changed.subject',
    body: plain('inbox.kinds.password_changed.body'),
    action: 'inbox.kinds.password_changed.action',
  },
  second_step_locked: {
    subject: 'inbox.kinds.second_step_locked.subject',
    body: (params, { formatTime }) => {
      const until = wholeNumber(params.until);
      return until === null
        ? { key: 'inbox.kinds.second_step_locked.body' }
        : { key: 'inbox.kinds.second_step_locked.bodyUntil', values: { until: formatTime(until) } };
    },
    action: 'inbox.kinds.second_step_locked.action',
  },
  method_switched: {
    subject: 'inbox.kinds.method_switched.subject',
    body: (params, { t }) => {
      const method = typeof params.method === 'string' && Object.hasOwn(METHOD_KEYS, params.method) ? METHOD_KEYS[params.method] : undefined;
      return method
        ? { key: 'inbox.kinds.method_switched.bodyWithMethod', values: { method: t(method) } }
        : { key: 'inbox.kinds.method_switched.body' };
    },
    action: 'inbox.kinds.method_switched.action',
  },
  totp_replay_refused: {
    subject: 'inbox.kinds.totp_replay_refused.subject',
    body: plain('inbox.kinds.totp_replay_refused.body'),
    action: 'inbox.kinds.totp_replay_refused.action',
  },
  account_disabled: {
    subject: 'inbox.kinds.account_disabled.subject',
    body: plain('inbox.kinds.account_disabled.body'),
    action: 'inbox.kinds.account_disabled.action',
  },
  account_enabled: {
    subject: 'inbox.kinds.account_enabled.subject',
    body: plain('inbox.kinds.account_enabled.body'),
    action: 'inbox.kinds.account_enabled.action',
  },
  sessions_ended_by_clinic: {
    subject: 'inbox.kinds.sessions_ended_by_clinic.subject',
    body: plain('inbox.kinds.sessions_ended_by_clinic.body'),
    action: 'inbox.kinds.sessions_ended_by_clinic.action',
  },
  passkey_added: {
    subject: 'inbox.kinds.passkey_added.subject',
    body: namingPasskey('inbox.kinds.passkey_added.bodyWithPasskey', 'inbox.kinds.passkey_added.body'),
    action: 'inbox.kinds.passkey_added.action',
  },
  passkey_renamed: {
    subject: 'inbox.kinds.passkey_renamed.subject',
    body: namingPasskey('inbox.kinds.passkey_renamed.bodyWithPasskey', 'inbox.kinds.passkey_renamed.body'),
    action: 'inbox.kinds.passkey_renamed.action',
  },
  passkey_removed: {
    subject: 'inbox.kinds.passkey_removed.subject',
    body: namingPasskey('inbox.kinds.passkey_removed.bodyWithPasskey', 'inbox.kinds.passkey_removed.body'),
    action: 'inbox.kinds.passkey_removed.action',
  },
};

export interface MessageView {
  id: number;
  unread: boolean;
  datetime: string;
  when: string;
  subject: string;
  body: string;
  action: string;
}

/** The Dutch texts of one message; the template escapes them. */
export function describeMessage(
  message: InboxMessage,
  f: Formatting & { formatDate(epochMs: number): string },
): MessageView {
  const { t } = f;
  const date = f.formatDate(message.createdAt);
  const time = f.formatTime(message.createdAt);
  const texts = MESSAGE_TEXTS[message.kind] as MessageTexts | undefined;
  const choice = texts?.body(message.params, f);
  return {
    id: message.id,
    unread: message.readAt === null,
    datetime: new Date(message.createdAt).toISOString(),
    when: t('dates.at', { date, time }),
    subject: t(texts?.subject ?? 'inbox.unknown.subject'),
    body: t(choice?.key ?? 'inbox.unknown.body', { ...choice?.values, date, time }),
    action: t(texts?.action ?? 'inbox.unknown.action'),
  };
}

export type InboxController = ReturnType<typeof createInboxController>;

export function createInboxController(deps: { messages: MessageStore }) {
  return {
    /** Lists the messages, then marks them read: they count as read once the page is rendered. */
    async show(req: Request, res: Response) {
      const userId = req.user!.id;
      const { t, formatDate, formatTime } = res.locals;
      const messages = (await deps.messages.listForUser(userId)).map((m) => describeMessage(m, { t, formatDate, formatTime }));
      const unreadCount = messages.filter((m) => m.unread).length;
      const html = await new Promise<string>((resolve, reject) => {
        res.render('inbox/index', { messages, unreadCount }, (err, out) => (err ? reject(err) : resolve(out)));
      });
      if (messages.length > 0) await deps.messages.markReadUpTo(userId, Math.max(...messages.map((m) => m.id)));
      res.send(html);
    },
  };
}
