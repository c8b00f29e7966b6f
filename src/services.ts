import type { Config } from './config';
import type { Clock } from './domain/clock';
import { createAccountStores, secondStepTransaction, transactionRunner } from './domain/account-stores';
import { createHelpQuestionStore } from './domain/help-questions';
import { createAlertComposer } from './domain/mail/alert-texts';
import { createMailWorker } from './domain/mail/mail-worker';
import { createOutboxTransport, createSmtpTransport, type MailTransport } from './domain/mail/transport';
import { createModuleStore } from './domain/modules';
import { createPasskeyCeremonies } from './domain/passkey-ceremonies';
import { createPasswordHasher, PasswordHasher } from './domain/passwords';
import { cryptoRandom, RandomSource } from './domain/random';
import { createSecondFactor } from './domain/second-factor';
import { createSecretBox } from './domain/secret-box';
import { createSignInService } from './domain/sign-in';
import { createSignInThrottle } from './domain/sign-in-throttle';
import { createSmsCodeService } from './domain/sms-codes';
import type { StaffMember } from './domain/staff';
import { smsCodeText } from './domain/sms/code-text';
import { createOutboxSender, OutboxSender } from './domain/sms/outbox-sender';
import type { SmsSender } from './domain/sms/sms-sender';
import { createVonageSender } from './domain/sms/vonage-sender';
import { createVerificationCodes } from './domain/verification-codes';
import { createTranslators } from './i18n';
import type { Database } from './infra/database';
import type { Logger } from './infra/logger';
import { createPasswordChangeLimit } from './domain/password-change-limit';
import type { LimiterFactory } from './infra/rate-limits';

export interface ServiceDeps {
  config: Config;
  db: Database;
  /** Connections for reads outside transactions; the database itself when there is no separate pool. */
  reads?: Database;
  clock: Clock;
  limiters: LimiterFactory;
  logger: Logger;
  random?: RandomSource;
  hasher?: PasswordHasher;
}

function createSmsSender(config: Config, db: Database, clock: Clock, logger: Logger): { sender: SmsSender; outbox?: OutboxSender } {
  if (config.sms.provider === 'outbox') {
    const outbox = createOutboxSender(db, clock);
    return { sender: outbox, outbox };
  }
  return { sender: createVonageSender(config.sms.vonage, logger) };
}

function createMailTransport(mail: Config['mail']): MailTransport {
  return mail.provider === 'smtp' ? createSmtpTransport({ url: mail.smtpUrl!, timeoutMs: mail.sendTimeoutMs }) : createOutboxTransport();
}

/** The domain services, wired once; the web app and the admin command share them. */
export async function createServices(deps: ServiceDeps) {
  const { config, db, reads = db, clock, limiters, logger, random = cryptoRandom, hasher = createPasswordHasher() } = deps;
  const translators = createTranslators({ onMissing: (missing) => logger.warn({ missing }, 'translation missing') });
  const composeAlert = createAlertComposer({ translators, timeZone: config.timeZone });
  const storeDeps = { clock, random, hasher, lockout: config.twoFactor, composeAlert };
  const storesOn = (on: Database) => createAccountStores(on, storeDeps);
  const accountStores = createAccountStores(db, storeDeps, reads);
  const { users, audit, recoveryCodes, twoFactor, lockout, mailOutbox, passkeys } = accountStores;
  const inTransaction = transactionRunner(db, storesOn);
  const passkeyCeremonies = createPasskeyCeremonies({ store: passkeys, rp: config.webauthn, random, clock });
  const staffPasskeyCeremonies = createPasskeyCeremonies({ store: accountStores.staffPasskeys, rp: config.webauthn, random, clock });
  const throttle = await createSignInThrottle(limiters, config.signInThrottle);
  // The desk's staff: the same throttle (counted apart) and second-step limits as patients.
  const staffThrottle = await createSignInThrottle(limiters, config.signInThrottle, 'desk_signin');
  const verificationCodes = createVerificationCodes({
    db,
    clock,
    random,
    hashKey: config.codeHashKey,
    ttlMs: config.sms.codeTtlMinutes * 60_000,
    maxAttempts: config.sms.maxCodeAttempts,
  });
  const secretBox = createSecretBox(config.totpEncryptionKey, random);
  const { sender, outbox } = createSmsSender(config, db, clock, logger);
  // Where patients type a code: the site passkeys belong to (PUBLIC_URL).
  const codeHost = new URL(config.webauthn.origin).hostname;
  const smsCodes = await createSmsCodeService({
    codes: verificationCodes,
    sender,
    limiters,
    clock,
    settings: config.sms,
    composeText: (code, language) => smsCodeText((translators[language] ?? translators.nl)('oneTimeCode.sms.text', { code }), code, codeHost),
    logger,
  });

  return {
    clock,
    random,
    /** Counters in the shared store (Redis, else the database), for limits kept by the web layer. */
    limiters,
    /** The texts in every language: pages, SMS, e-mails. */
    translators,
    ...accountStores,
    /** Several account changes that must land together: see InTransaction. */
    inTransaction,
    hasher,
    modules: createModuleStore(db, reads),
    signIn: createSignInService({ users, hasher, throttle, audit, clock }),
    /** For patients and staff alike, by account (`patient:12`, `staff:3`). */
    passwordChangeLimit: await createPasswordChangeLimit(limiters, clock, config.passwordChangesPerHour),
    verificationCodes,
    smsCodes,
    outbox,
    secretBox,
    passkeyCeremonies,
    secondFactor: createSecondFactor({
      clock, lockout, verificationCodes, recoveryCodes, twoFactor, secretBox, smsCodes, passkeys: passkeyCeremonies, inTransaction: secondStepTransaction(inTransaction, 'patient'),
    }),
    /** Sends the mail outbox; started by the server only (bootstrap), not by the admin command. */
    mailWorker: createMailWorker({
      outbox: mailOutbox,
      transport: createMailTransport(config.mail),
      clock,
      random,
      logger,
      settings: {
        from: config.mail.from,
        pollMs: config.mail.pollSeconds * 1000,
        sendTimeoutMs: config.mail.sendTimeoutMs,
        maxAttempts: config.mail.maxAttempts,
        retryBaseMs: config.mail.retryBaseSeconds * 1000,
        retryMaxMs: config.mail.retryMaxSeconds * 1000,
        retentionMs: config.mail.retentionDays * 24 * 60 * 60 * 1000,
      },
    }),
    helpQuestions: await createHelpQuestionStore({ db, clock, limiters, limits: config.helpQuestions }),
    staffSignIn: createSignInService<StaffMember>({
      users: accountStores.staff,
      hasher,
      throttle: staffThrottle,
      audit: accountStores.staffAudit,
      clock,
    }),
    staffPasskeyCeremonies,
    staffSecondFactor: createSecondFactor({
      clock,
      lockout: accountStores.staffLockout,
      recoveryCodes: accountStores.staffRecoveryCodes,
      twoFactor: accountStores.staffTwoFactor,
      secretBox,
      passkeys: staffPasskeyCeremonies,
      inTransaction: secondStepTransaction(inTransaction, 'staff'),
    }),
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
