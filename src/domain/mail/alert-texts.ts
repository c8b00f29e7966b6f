import { INTL_LOCALES, type Language, type Translate } from '../../i18n';
import { createDateTimeFormatter, type DateTimeFormatter } from '../../i18n/format';
import { lockedAt, naming, namingMethod, perDetail, perMethod, plainText, recoveryCodesLeft, type ChoiceDetails, type TextPicker } from '../../i18n/text-choice';
import { shortenIp, type RequestOrigin } from '../audit';
import { FEW_RECOVERY_CODES_LEFT } from '../recovery-codes';
import { describeUserAgent } from '../user-agent';

/** The security changes a patient is e-mailed about (see EMAILED in security-notifier.ts). */
export type MailAlertKind =
  | 'two_factor_enabled'
  | 'two_factor_disabled'
  | 'two_factor_reset_by_clinic'
  | 'phone_changed'
  | 'method_switched'
  | 'recovery_codes_renewed'
  | 'recovery_code_used'
  | 'password_changed'
  | 'second_step_locked'
  | 'account_disabled'
  | 'account_enabled'
  | 'password_reset_by_clinic'
  | 'sessions_ended_by_clinic'
  | 'passkey_added'
  | 'passkey_removed'
  /** Any other change: what changed is on the activity page. Lets a new event type be e-mailed with one line in EMAILED. */
  | 'security_changed';

interface AlertTexts {
  subject: string;
  body: TextPicker;
  /** What to do if it was them; `mail.wasYou` ("nothing") unless the change asks something of them. */
  wasYou?: TextPicker;
  /** What to do if it was not them; `mail.notYou` unless the change calls for other advice. */
  notYou?: string;
  /**
   * The clinic made the change, not the patient: no "was this you?", whom to call if they did not
   * ask for it, and "by your care provider" instead of the browser and network (the clinic's).
   */
  byClinic?: boolean;
}

const byClinic = { notYou: 'mail.notYouClinic', byClinic: true } as const;
/**
 * Changes someone else could have asked the desk for, or the desk makes when someone else may be
 * signed in: a reset leaves only the password, and ending sessions keeps nobody out who knows it.
 */
const byClinicNewPassword = { notYou: 'mail.notYouClinicPassword', byClinic: true } as const;

const METHOD_KEYS: Record<string, string> = { sms: 'mail.methods.sms', totp: 'mail.methods.totp', passkey: 'mail.methods.passkey' };

/**
 * The texts of every alert. The keys are written out in full (test/i18n/keys.test.ts); the
 * details a body may show are those Berichten shows too: a masked number, a count, a time, a method.
 */
const ALERT_TEXTS: Record<MailAlertKind, AlertTexts> = {
  two_factor_enabled: {
    subject: 'mail.alerts.two_factor_enabled.subject',
    body: perMethod(
      { passkey: 'mail.alerts.two_factor_enabled.bodyPasskey' },
      namingMethod(METHOD_KEYS, { plain: 'mail.alerts.two_factor_enabled.body', named: 'mail.alerts.two_factor_enabled.bodyWithMethod' }),
    ),
  },
  two_factor_disabled: {
    subject: 'mail.alerts.two_factor_disabled.subject',
    body: perDetail('removed', { passkeys: 'mail.alerts.two_factor_disabled.bodyWithPasskeys' }, plainText('mail.alerts.two_factor_disabled.body')),
  },
  two_factor_reset_by_clinic: {
    ...byClinicNewPassword,
    subject: 'mail.alerts.two_factor_reset_by_clinic.subject',
    body: perDetail('removed', { passkeys: 'mail.alerts.two_factor_reset_by_clinic.bodyWithPasskeys' }, plainText('mail.alerts.two_factor_reset_by_clinic.body')),
  },
  phone_changed: {
    subject: 'mail.alerts.phone_changed.subject',
    // Only a masked number: never a full one in an e-mail.
    body: naming('phone', { plain: 'mail.alerts.phone_changed.body', named: 'mail.alerts.phone_changed.bodyWithPhone' }, (phone) => phone.includes('•')),
  },
  method_switched: {
    subject: 'mail.alerts.method_switched.subject',
    body: namingMethod(METHOD_KEYS, { plain: 'mail.alerts.method_switched.body', named: 'mail.alerts.method_switched.bodyWithMethod' }),
  },
  recovery_codes_renewed: { subject: 'mail.alerts.recovery_codes_renewed.subject', body: plainText('mail.alerts.recovery_codes_renewed.body') },
  recovery_code_used: {
    subject: 'mail.alerts.recovery_code_used.subject',
    body: recoveryCodesLeft(FEW_RECOVERY_CODES_LEFT, {
      plain: 'mail.alerts.recovery_code_used.body',
      none: 'mail.alerts.recovery_code_used.bodyNone',
      few: 'mail.alerts.recovery_code_used.bodyFew',
      remaining: 'mail.alerts.recovery_code_used.bodyRemaining',
    }),
    // Few or none left: the body asks for new codes, so "nothing to do" would contradict it.
    wasYou: recoveryCodesLeft(FEW_RECOVERY_CODES_LEFT, { plain: 'mail.wasYou', remaining: 'mail.wasYou', few: 'mail.wasYouNewCodes', none: 'mail.wasYouNewCodes' }),
  },
  password_changed: {
    subject: 'mail.alerts.password_changed.subject',
    body: plainText('mail.alerts.password_changed.body'),
    // Whoever changed it knows the new one and the patient does not: changing it again needs the current one.
    notYou: 'mail.notYouPassword',
  },
  second_step_locked: {
    subject: 'mail.alerts.second_step_locked.subject',
    body: lockedAt({
      signIn: { plain: 'mail.alerts.second_step_locked.body', until: 'mail.alerts.second_step_locked.bodyUntil' },
      setup: { plain: 'mail.alerts.second_step_locked.setup', until: 'mail.alerts.second_step_locked.setupUntil' },
      change: { plain: 'mail.alerts.second_step_locked.change', until: 'mail.alerts.second_step_locked.changeUntil' },
    }),
    wasYou: plainText('mail.wasYouLocked'),
    notYou: 'mail.notYouLocked',
  },
  account_disabled: { ...byClinic, subject: 'mail.alerts.account_disabled.subject', body: plainText('mail.alerts.account_disabled.body') },
  account_enabled: { ...byClinic, subject: 'mail.alerts.account_enabled.subject', body: plainText('mail.alerts.account_enabled.body') },
  // The patient's old password no longer works: "change your password" would be no advice.
  password_reset_by_clinic: { ...byClinic, subject: 'mail.alerts.password_reset_by_clinic.subject', body: plainText('mail.alerts.password_reset_by_clinic.body') },
  sessions_ended_by_clinic: { ...byClinicNewPassword, subject: 'mail.alerts.sessions_ended_by_clinic.subject', body: plainText('mail.alerts.sessions_ended_by_clinic.body') },
  passkey_added: {
    subject: 'mail.alerts.passkey_added.subject',
    body: naming('passkey', { plain: 'mail.alerts.passkey_added.body', named: 'mail.alerts.passkey_added.bodyWithPasskey' }),
    // A new password keeps nobody out who has the passkey: it must go too.
    notYou: 'mail.notYouPasskeyAdded',
  },
  passkey_removed: {
    subject: 'mail.alerts.passkey_removed.subject',
    body: naming('passkey', { plain: 'mail.alerts.passkey_removed.body', named: 'mail.alerts.passkey_removed.bodyWithPasskey' }),
  },
  security_changed: { subject: 'mail.alerts.security_changed.subject', body: plainText('mail.alerts.security_changed.body') },
};

export interface AlertInput {
  kind: MailAlertKind;
  language: Language;
  /** The patient's name, for the greeting. */
  name: string;
  /** When the change happened. */
  at: number;
  /** Where it came from; empty when the clinic made it (the admin command). */
  origin: RequestOrigin;
  details: ChoiceDetails;
}

export interface AlertMail {
  subject: string;
  text: string;
}

export type AlertComposer = (input: AlertInput) => AlertMail;

function deviceOf(t: Translate, userAgent: string): string {
  const { browser, os } = describeUserAgent(userAgent);
  if (browser && os) return t('mail.device.browserOnOs', { browser, os });
  if (browser) return t('mail.device.browserOnly', { browser });
  if (os) return t('mail.device.osOnly', { os });
  return t('mail.device.unknown');
}

/**
 * Writes an alert as plain text in the patient's language: what changed, when (in the clinic's
 * time zone), from which browser and network, and what to do if it was not them. It holds only
 * the details listed in ALERT_TEXTS: never a code, a link or a full phone number.
 */
export function createAlertComposer(deps: { translators: Partial<Record<Language, Translate>> & Record<'nl', Translate>; timeZone: string }): AlertComposer {
  const formatters = new Map<Language, DateTimeFormatter>();
  const formatterFor = (language: Language) => {
    let formatter = formatters.get(language);
    if (!formatter) formatters.set(language, (formatter = createDateTimeFormatter(INTL_LOCALES[language], deps.timeZone)));
    return formatter;
  };

  return ({ kind, language, name, at, origin, details }) => {
    const t = deps.translators[language] ?? deps.translators.nl;
    const format = formatterFor(deps.translators[language] ? language : 'nl');
    const texts = ALERT_TEXTS[kind];
    // A time in the text (a lock's end) with its zone, and its date when that is another day.
    const formatTime = (ms: number) => (format.date(ms) === format.date(at) ? format.zonedTime(ms) : `${format.date(ms)} ${format.zonedTime(ms)}`);
    const body = texts.body(details, { t, formatTime });
    const wasYou = (texts.wasYou ?? plainText('mail.wasYou'))(details, { t, formatTime });
    const ip = texts.byClinic ? null : shortenIp(origin.ip);
    const userAgent = texts.byClinic ? null : origin.userAgent;
    const facts = [
      t('mail.when', { date: format.date(at), time: format.zonedTime(at) }),
      ...(userAgent ? [t('mail.browser', { device: deviceOf(t, userAgent) })] : []),
      ...(ip ? [t('mail.ip', { ip })] : []),
      ...(!userAgent && !ip ? [t('mail.byClinic')] : []),
    ];
    const paragraphs = [
      t('mail.greeting', { name }),
      t(body.key, body.values),
      facts.join('\n'),
      [...(texts.byClinic ? [] : [t(wasYou.key, wasYou.values)]), t(texts.notYou ?? 'mail.notYou')].join('\n'),
      t('mail.signature'),
      t('mail.why'),
    ];
    return { subject: t(texts.subject), text: `${paragraphs.join('\n\n')}\n` };
  };
}
