import type { Request, Response } from 'express';
import type { InboxMessage, MessageKind, MessageStore } from '../../domain/messages';
import type { Translate } from '../../i18n';

/** Patients are urged to make new recovery codes from this many left (as on the sign-in pages). */
export const FEW_RECOVERY_CODES_LEFT = 3;

type Params = InboxMessage['params'];

interface BodyChoice {
  /** Which text of inbox.kinds.<kind> to use: body, or a variant that needs more values. */
  key: string;
  values?: Record<string, string | number>;
}

interface Formatting {
  t: Translate;
  formatTime(epochMs: number): string;
}

const PLAIN: BodyChoice = { key: 'body' };
const plain = (): BodyChoice => PLAIN;

function wholeNumber(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}

/**
 * How each kind of message picks its text from its params. Every MessageKind must be here (the
 * compiler checks); each has inbox.kinds.<kind>.subject, .body and .action in the locale.
 */
export const MESSAGE_BODIES: Record<MessageKind, (params: Params, f: Formatting) => BodyChoice> = {
  two_factor_enabled: plain,
  two_factor_disabled: plain,
  two_factor_reset_by_clinic: plain,
  phone_changed: (params) =>
    typeof params.phone === 'string' && params.phone.trim() !== ''
      ? { key: 'bodyWithPhone', values: { phone: params.phone } }
      : PLAIN,
  recovery_codes_renewed: plain,
  recovery_code_used: (params) => {
    const remaining = wholeNumber(params.remaining);
    if (remaining === null) return PLAIN;
    if (remaining === 0) return { key: 'bodyNone' };
    return { key: remaining <= FEW_RECOVERY_CODES_LEFT ? 'bodyFew' : 'bodyRemaining', values: { remaining } };
  },
  password_changed: plain,
  second_step_locked: (params, { formatTime }) => {
    const until = wholeNumber(params.until);
    return until === null ? PLAIN : { key: 'bodyUntil', values: { until: formatTime(until) } };
  },
  method_switched: (params, { t }) => {
    const id = typeof params.method === 'string' && /^[a-z_]{1,20}$/.test(params.method) ? params.method : null;
    const method = id ? t(`inbox.methods.${id}`, { defaultValue: '' }) : '';
    return method ? { key: 'bodyWithMethod', values: { method } } : PLAIN;
  },
  totp_replay_refused: plain,
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
  const base = `inbox.kinds.${message.kind}`;
  const date = f.formatDate(message.createdAt);
  const time = f.formatTime(message.createdAt);
  const choose = MESSAGE_BODIES[message.kind] as ((params: Params, f: Formatting) => BodyChoice) | undefined;
  const known = Boolean(choose);
  const choice = choose ? choose(message.params, f) : PLAIN;
  return {
    id: message.id,
    unread: message.readAt === null,
    datetime: new Date(message.createdAt).toISOString(),
    when: t('dates.at', { date, time }),
    subject: known ? t(`${base}.subject`) : t('inbox.unknown.subject'),
    body: known ? t(`${base}.${choice.key}`, { ...choice.values, date, time }) : t('inbox.unknown.body', { date, time }),
    action: known ? t(`${base}.action`) : t('inbox.unknown.action'),
  };
}

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
