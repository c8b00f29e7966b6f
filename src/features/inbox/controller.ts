import type { Request, Response } from 'express';
import { pageOf } from '../../components/paging/newest-first';
import type { InboxMessage, MessageKind, MessageStore } from '../../domain/messages';
import { FEW_RECOVERY_CODES_LEFT } from '../../domain/recovery-codes';
import { byDesk, lockedAt, naming, namingMethod, perDetail, perMethod, plainText, recoveryCodesLeft, type ChoiceFormatting, type TextPicker } from '../../i18n/text-choice';
import { paths } from '../../paths';

/** The locale keys of one kind of message; `body` picks the body text from the message's params. */
interface MessageTexts {
  subject: string;
  body: TextPicker;
  action: string;
}

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
    body: perMethod({ passkey: 'inbox.kinds.two_factor_enabled.bodyPasskey' }, plainText('inbox.kinds.two_factor_enabled.body')),
    action: 'inbox.kinds.two_factor_enabled.action',
  },
  two_factor_disabled: {
    subject: 'inbox.kinds.two_factor_disabled.subject',
    body: perDetail('removed', { passkeys: 'inbox.kinds.two_factor_disabled.bodyWithPasskeys' }, plainText('inbox.kinds.two_factor_disabled.body')),
    action: 'inbox.kinds.two_factor_disabled.action',
  },
  two_factor_reset_by_clinic: {
    subject: 'inbox.kinds.two_factor_reset_by_clinic.subject',
    body: perDetail('removed', { passkeys: 'inbox.kinds.two_factor_reset_by_clinic.bodyWithPasskeys' }, plainText('inbox.kinds.two_factor_reset_by_clinic.body')),
    action: 'inbox.kinds.two_factor_reset_by_clinic.action',
  },
  phone_changed: {
    subject: 'inbox.kinds.phone_changed.subject',
    body: naming('phone', { plain: 'inbox.kinds.phone_changed.body', named: 'inbox.kinds.phone_changed.bodyWithPhone' }),
    action: 'inbox.kinds.phone_changed.action',
  },
  recovery_codes_renewed: {
    subject: 'inbox.kinds.recovery_codes_renewed.subject',
    body: plainText('inbox.kinds.recovery_codes_renewed.body'),
    action: 'inbox.kinds.recovery_codes_renewed.action',
  },
  recovery_code_used: {
    subject: 'inbox.kinds.recovery_code_used.subject',
    body: recoveryCodesLeft(FEW_RECOVERY_CODES_LEFT, {
      plain: 'inbox.kinds.recovery_code_used.body',
      none: 'inbox.kinds.recovery_code_used.bodyNone',
      few: 'inbox.kinds.recovery_code_used.bodyFew',
      remaining: 'inbox.kinds.recovery_code_used.bodyRemaining',
    }),
    action: 'inbox.kinds.recovery_code_used.action',
  },
  password_changed: {
    subject: 'inbox.kinds.password_changed.subject',
    body: plainText('inbox.kinds.password_changed.body'),
    action: 'inbox.kinds.password_changed.action',
  },
  second_step_locked: {
    subject: 'inbox.kinds.second_step_locked.subject',
    body: lockedAt({
      signIn: { plain: 'inbox.kinds.second_step_locked.body', until: 'inbox.kinds.second_step_locked.bodyUntil' },
      setup: { plain: 'inbox.kinds.second_step_locked.setup', until: 'inbox.kinds.second_step_locked.setupUntil' },
      change: { plain: 'inbox.kinds.second_step_locked.change', until: 'inbox.kinds.second_step_locked.changeUntil' },
    }),
    action: 'inbox.kinds.second_step_locked.action',
  },
  method_switched: {
    subject: 'inbox.kinds.method_switched.subject',
    body: namingMethod(METHOD_KEYS, { plain: 'inbox.kinds.method_switched.body', named: 'inbox.kinds.method_switched.bodyWithMethod' }),
    action: 'inbox.kinds.method_switched.action',
  },
  totp_replay_refused: {
    subject: 'inbox.kinds.totp_replay_refused.subject',
    // A used code typed to confirm a change (signed in already, often the code just used to sign in) is no sign-in.
    body: perDetail('purpose', { confirm: 'inbox.kinds.totp_replay_refused.bodyConfirm' }, plainText('inbox.kinds.totp_replay_refused.body')),
    action: 'inbox.kinds.totp_replay_refused.action',
  },
  account_disabled: {
    subject: 'inbox.kinds.account_disabled.subject',
    body: byDesk({ desk: 'inbox.kinds.account_disabled.body', clinic: 'inbox.kinds.account_disabled.bodyByClinic' }),
    action: 'inbox.kinds.account_disabled.action',
  },
  account_enabled: {
    subject: 'inbox.kinds.account_enabled.subject',
    body: byDesk({ desk: 'inbox.kinds.account_enabled.body', clinic: 'inbox.kinds.account_enabled.bodyByClinic' }),
    action: 'inbox.kinds.account_enabled.action',
  },
  question_handled: {
    subject: 'inbox.kinds.question_handled.subject',
    body: plainText('inbox.kinds.question_handled.body'),
    action: 'inbox.kinds.question_handled.action',
  },
  password_reset_by_clinic: {
    subject: 'inbox.kinds.password_reset_by_clinic.subject',
    body: byDesk({ desk: 'inbox.kinds.password_reset_by_clinic.body', clinic: 'inbox.kinds.password_reset_by_clinic.bodyByClinic' }),
    action: 'inbox.kinds.password_reset_by_clinic.action',
  },
  sessions_ended_by_clinic: {
    subject: 'inbox.kinds.sessions_ended_by_clinic.subject',
    body: plainText('inbox.kinds.sessions_ended_by_clinic.body'),
    action: 'inbox.kinds.sessions_ended_by_clinic.action',
  },
  passkey_added: {
    subject: 'inbox.kinds.passkey_added.subject',
    body: naming('passkey', { plain: 'inbox.kinds.passkey_added.body', named: 'inbox.kinds.passkey_added.bodyWithPasskey' }),
    action: 'inbox.kinds.passkey_added.action',
  },
  passkey_renamed: {
    subject: 'inbox.kinds.passkey_renamed.subject',
    body: naming('passkey', { plain: 'inbox.kinds.passkey_renamed.body', named: 'inbox.kinds.passkey_renamed.bodyWithPasskey' }),
    action: 'inbox.kinds.passkey_renamed.action',
  },
  passkey_removed: {
    subject: 'inbox.kinds.passkey_removed.subject',
    body: naming('passkey', { plain: 'inbox.kinds.passkey_removed.body', named: 'inbox.kinds.passkey_removed.bodyWithPasskey' }),
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
  /** The body around the masked number it names, for the page to say the number in words to screen readers. */
  bodyWithPhone: { before: string; phone: string; after: string } | null;
  action: string;
}

function aroundPhone(body: string, phone: string | number | undefined): MessageView['bodyWithPhone'] {
  if (typeof phone !== 'string') return null;
  const at = body.indexOf(phone);
  return at < 0 ? null : { before: body.slice(0, at), phone, after: body.slice(at + phone.length) };
}

/** The Dutch texts of one message; the template escapes them. */
export function describeMessage(
  message: InboxMessage,
  f: ChoiceFormatting & { formatDate(epochMs: number): string },
): MessageView {
  const { t } = f;
  const date = f.formatDate(message.createdAt);
  const time = f.formatTime(message.createdAt);
  const texts = MESSAGE_TEXTS[message.kind] as MessageTexts | undefined;
  const choice = texts?.body(message.params, f);
  const body = t(choice?.key ?? 'inbox.unknown.body', { ...choice?.values, date, time });
  return {
    id: message.id,
    unread: message.readAt === null,
    datetime: new Date(message.createdAt).toISOString(),
    when: t('dates.at', { date, time }),
    subject: t(texts?.subject ?? 'inbox.unknown.subject'),
    body,
    bodyWithPhone: aroundPhone(body, choice?.values?.phone),
    action: t(texts?.action ?? 'inbox.unknown.action'),
  };
}

export type InboxController = ReturnType<typeof createInboxController>;

export function createInboxController(deps: { messages: MessageStore }) {
  return {
    /**
     * One page of messages, then marks those on it read: they count as read once the page is
     * rendered. Those on other pages stay new, and the count says how many are new in all.
     */
    async show(req: Request, res: Response) {
      const userId = req.user!.id;
      const { t, formatDate, formatTime } = res.locals;
      const page = await pageOf(
        {
          list: (limit, before) => deps.messages.listForUser(userId, limit, before),
          newerIds: (from, limit) => deps.messages.newerIds(userId, from, limit),
          path: paths.inbox,
        },
        req.query.voor,
      );
      const messages = page.rows.map((m) => describeMessage(m, { t, formatDate, formatTime }));
      const unreadCount = await deps.messages.countUnread(userId);
      const unreadOlder = page.olderPath ? await deps.messages.countUnread(userId, page.rows.at(-1)!.id) : 0;
      const html = await new Promise<string>((resolve, reject) => {
        const locals = { messages, unreadCount, unreadOlder, newerPath: page.newerPath, olderPath: page.olderPath };
        res.render('inbox/index', locals, (err, out) => (err ? reject(err) : resolve(out)));
      });
      await deps.messages.markRead(userId, messages.filter((m) => m.unread).map((m) => m.id));
      res.send(html);
    },
  };
}
