import crypto from 'node:crypto';
import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { EnvReader, ConfigError } from './env-reader';
import { ROOT_DIR } from '../root-dir';

export { ConfigError };

export const DEVELOPMENT_SESSION_SECRET = 'development-only-secret-do-not-use-in-production';

export type AppEnvironment = 'development' | 'production' | 'test';

export interface Config {
  env: AppEnvironment;
  isProduction: boolean;
  port: number;
  /** The address the server listens on: loopback by default, behind nginx or a load balancer. */
  host: string;
  rootDir: string;
  database: { url?: string; sqliteFile: string };
  redisUrl?: string;
  sessionSecret: string;
  trustProxy: boolean | number | string;
  logLevel: string;
  timeZone: string;
  bodyLimitBytes: number;
  /** A request not answered by then gets the 503 page: something it waits for (Redis, the database) hangs. */
  requestTimeoutMs: number;
  seedDemoPatient: boolean;
  session: { idleTimeoutMinutes: number; absoluteTimeoutHours: number };
  /** How long a one-time password the clinic gives a patient who forgot theirs works. */
  patientOneTimePasswordDays: number;
  /**
   * The clinic's desk ("Balie"): its staff's sessions are shorter than a patient's; a one-time
   * password an admin gives works for `oneTimePasswordDays`.
   */
  desk: { idleTimeoutMinutes: number; absoluteTimeoutHours: number; oneTimePasswordDays: number };
  sms: SmsConfig;
  mail: MailConfig;
  twoFactor: { required: boolean; maxConsecutiveFailures: number; lockMinutes: number; halfSessionMinutes: number; freshConfirmationMinutes: number };
  /** Key for the keyed hash (HMAC-SHA-256) of SMS codes. */
  codeHashKey: Buffer;
  /** 32-byte AES-256-GCM key for TOTP secrets at rest (from TOTP_ENCRYPTION_KEY). */
  totpEncryptionKey: Buffer;
  helpQuestions: { maxPerIpPerHour: number; maxPerDay: number };
  /** New passwords one account may try in an hour (each costs two argon2id computations). */
  passwordChangesPerHour: number;
  /** Passkeys: the relying party (the site a passkey belongs to) and the origin browsers must report. */
  webauthn: WebAuthnConfig;
  /** Where to report a vulnerability (security.txt's Contact lines); none: no security.txt. */
  securityContacts: string[];
  signInThrottle: {
    freeFailuresPerAccount: number;
    freeFailuresPerIp: number;
    lockBaseSeconds: number;
    lockMaxSeconds: number;
  };
}

export interface SmsConfig {
  provider: 'vonage' | 'outbox';
  vonage: { apiKey: string; apiSecret: string; from: string; restHost: string; timeoutMs: number };
  allowedCountries: string[]; // ISO 3166-1 alpha-2
  codeTtlMinutes: number;
  maxCodeAttempts: number;
  resendCooldownSeconds: number;
  maxPerAccountPerHour: number;
  maxPerNumberPerDay: number;
  maxPerIpPerHour: number;
  maxPerIpPerDay: number;
  globalDailyCap: number;
}

export interface MailConfig {
  /** `smtp` sends; `outbox` keeps mail in the outbox table, shown at /ontwikkeling/e-mail (development). */
  provider: 'smtp' | 'outbox';
  /** smtp:// (STARTTLS when the server offers it) or smtps:// (TLS from the start); nodemailer's query options apply. */
  smtpUrl?: string;
  from: string;
  /** A whole send (connect, greeting, every command) gives up after this long. */
  sendTimeoutMs: number;
  maxAttempts: number;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  pollSeconds: number;
  retentionDays: number;
}

/** `Karify <noreply@example.nl>` or `noreply@example.nl`. */
const MAIL_ADDRESS = /^(?:[^<>@\r\n]*<[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)$/;

export interface WebAuthnConfig {
  rpId: string;
  origin: string;
  rpName: string;
}

export { ROOT_DIR };

/**
 * Where passkeys belong: PUBLIC_URL (the address patients use), or WEBAUTHN_ORIGIN and
 * WEBAUTHN_RP_ID when they differ from it; in development and tests http://localhost:PORT.
 * Browsers refuse a relying party id that is not the origin's host or a domain above it.
 */
function readWebAuthn(read: EnvReader, isProduction: boolean, port: number): WebAuthnConfig {
  const publicUrl = read.optionalUrl('PUBLIC_URL', ['https:', 'http:']);
  const originText = read.optionalUrl('WEBAUTHN_ORIGIN', ['https:', 'http:']) ?? publicUrl;
  const origin = originText ? new URL(originText) : new URL(`http://localhost:${port}`);
  if (isProduction && !read.string('PUBLIC_URL', '') && !read.string('WEBAUTHN_ORIGIN', '')) {
    read.fail('PUBLIC_URL', 'must be set in production to the address patients use, such as https://karify.example.nl (passkeys belong to it)');
  }
  if (origin.protocol !== 'https:' && origin.hostname !== 'localhost') {
    read.fail(originText === publicUrl ? 'PUBLIC_URL' : 'WEBAUTHN_ORIGIN', 'must start with https:// (passkeys need a secure address; only localhost may use http://)');
  }
  const rpId = read.string('WEBAUTHN_RP_ID', origin.hostname).toLowerCase();
  // A domain name with at least two labels (browsers refuse a top-level domain), or localhost.
  if (!/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(rpId) || isIP(rpId) !== 0 || (!rpId.includes('.') && rpId !== 'localhost')) {
    read.fail('WEBAUTHN_RP_ID', `must be a domain name such as karify.example.nl (got "${rpId}")`);
  } else if (origin.hostname !== rpId && !origin.hostname.endsWith(`.${rpId}`)) {
    read.fail('WEBAUTHN_RP_ID', `must be the host of the origin (${origin.hostname}) or a domain above it (got "${rpId}")`);
  }
  return { rpId, origin: origin.origin, rpName: 'Karify' };
}

/** SECURITY_CONTACT: addresses to report a vulnerability to (RFC 9116), each a mailto:, https: or tel: URI. */
function readSecurityContacts(read: EnvReader): string[] {
  const contacts = read.list('SECURITY_CONTACT', []);
  const wrong = contacts.filter((contact) => !URL.canParse(contact) || !['mailto:', 'https:', 'tel:'].includes(new URL(contact).protocol));
  if (wrong.length > 0) read.fail('SECURITY_CONTACT', `must be mailto:, https:// or tel: addresses, separated by commas (got "${wrong.join(', ')}")`);
  return contacts;
}

/** Codes people write that are not the ISO 3166-1 ones: the United Kingdom is GB, Greece GR. */
const COUNTRY_CODE_HINTS: Record<string, string> = { UK: 'GB', EL: 'GR' };

/**
 * SMS_ALLOWED_COUNTRIES: ISO 3166-1 alpha-2 codes, each one libphonenumber knows. A code of the
 * right shape it does not know (UK, ZZ) would be left out of the form's Land list without a word.
 */
function readAllowedCountries(read: EnvReader): string[] {
  const countries = read.list('SMS_ALLOWED_COUNTRIES', ['NL', 'BE']).map((c) => c.toUpperCase());
  if (countries.length === 0 || countries.some((c) => !/^[A-Z]{2}$/.test(c))) {
    read.fail('SMS_ALLOWED_COUNTRIES', 'must be a comma-separated list of two-letter country codes such as NL,BE');
    return countries;
  }
  const unknown = countries.filter((c) => !isSupportedCountry(c));
  if (unknown.length > 0) {
    const hints = unknown.flatMap((c) => (COUNTRY_CODE_HINTS[c] ? [`${COUNTRY_CODE_HINTS[c]} for ${c}`] : []));
    read.fail(
      'SMS_ALLOWED_COUNTRIES',
      `must be ISO 3166-1 country codes known to the phone-number library, such as NL,BE,GB (not ${unknown.map((c) => `"${c}"`).join(', ')}${hints.length > 0 ? `; use ${hints.join(', ')}` : ''})`,
    );
  }
  return countries;
}

/** How loadDotEnvFile reads the file; a test passes one that fails as an unreadable file would. */
export type ReadTextFile = (file: string) => string;

const readTextFile: ReadTextFile = (file) => fs.readFileSync(file, 'utf8');

const READ_ERRORS: Record<string, string> = {
  EACCES: 'permission denied; run as the user the service runs as',
  EPERM: 'permission denied; run as the user the service runs as',
  EISDIR: 'it is a folder, not a file',
};

/** Where a `.env` that is a link points (the README's set-up links it to /etc/karify/karify.env), for the message. */
function linkTarget(file: string): string | undefined {
  try {
    return fs.lstatSync(file).isSymbolicLink() ? fs.readlinkSync(file) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads `.env` (when present) into the environment without overriding variables already set.
 * No file is fine; a file (or a link) that is there but cannot be read stops with a ConfigError
 * naming it: otherwise the app or an admin command would run on the defaults (development,
 * SQLite in data/) as if there were no `.env`. Node's own `process.loadEnvFile` reports every
 * failure to read as ENOENT, so the file is read here and parsed with Node's `.env` parser.
 */
export function loadDotEnvFile(file = path.join(ROOT_DIR, '.env'), read: ReadTextFile = readTextFile): void {
  let text: string;
  try {
    text = read(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const target = linkTarget(file);
    // Nothing there at all: no .env. A link to nothing is a .env that went missing.
    if (code === 'ENOENT' && target === undefined) return;
    const why = code === 'ENOENT' ? 'the file it links to does not exist' : (READ_ERRORS[code] ?? (err instanceof Error ? err.message : String(err)));
    throw new ConfigError([`cannot read .env at ${file}${target === undefined ? '' : ` (a link to ${target})`}: ${why}`]);
  }
  const values = parseEnv(text);
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && process.env[name] === undefined) process.env[name] = value;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const read = new EnvReader(env);
  const appEnv = read.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const isProduction = appEnv === 'production';

  const sessionSecret = read.string('SESSION_SECRET', isProduction ? '' : DEVELOPMENT_SESSION_SECRET);
  if (isProduction && (sessionSecret.length < 32 || sessionSecret === DEVELOPMENT_SESSION_SECRET)) {
    read.fail('SESSION_SECRET', 'must be set in production to a random value of at least 32 characters');
  }

  const smsProvider = read.oneOf('SMS_PROVIDER', ['vonage', 'outbox'] as const, isProduction ? 'vonage' : 'outbox');
  const vonage = {
    apiKey: read.string('VONAGE_API_KEY', ''),
    apiSecret: read.string('VONAGE_API_SECRET', ''),
    from: read.string('VONAGE_FROM', 'Karify'),
    restHost: read.optionalUrl('VONAGE_REST_HOST', ['https:', 'http:']) ?? 'https://rest.nexmo.com',
    timeoutMs: read.integer('VONAGE_TIMEOUT_MS', 5000, { min: 100, max: 60000 }),
  };
  // The longest wait a request may have: an SMS on its way for another request, then its own.
  const requestTimeoutMs = read.integer('REQUEST_TIMEOUT_SECONDS', 30, { min: 3, max: 300 }) * 1000;
  if (requestTimeoutMs < 2 * vonage.timeoutMs + 2000) read.fail('REQUEST_TIMEOUT_SECONDS', 'must be at least twice VONAGE_TIMEOUT_MS plus 2 seconds');
  if (smsProvider === 'vonage') {
    if (!vonage.apiKey) read.fail('VONAGE_API_KEY', 'must be set when SMS_PROVIDER is vonage');
    if (!vonage.apiSecret) read.fail('VONAGE_API_SECRET', 'must be set when SMS_PROVIDER is vonage');
  }
  if (isProduction && smsProvider === 'outbox' && !read.boolean('ALLOW_SMS_OUTBOX_IN_PRODUCTION', false)) {
    read.fail('SMS_PROVIDER', 'is outbox, which sends no SMS; set SMS_PROVIDER=vonage (or ALLOW_SMS_OUTBOX_IN_PRODUCTION=true for a demo)');
  }
  const seedDemoPatient = read.boolean('SEED_DEMO_PATIENT', appEnv === 'development');
  if (isProduction && seedDemoPatient) read.fail('SEED_DEMO_PATIENT', 'must not be true in production: the demo patient\'s password is in the README and the logs');
  const mailProvider = read.oneOf('MAIL_PROVIDER', ['smtp', 'outbox'] as const, isProduction ? 'smtp' : 'outbox');
  const smtpUrl = read.optionalUrl('SMTP_URL', ['smtp:', 'smtps:']);
  if (mailProvider === 'smtp' && !smtpUrl) {
    read.fail('SMTP_URL', 'must be set when MAIL_PROVIDER is smtp (e.g. smtps://user:password@smtp.example.nl:465)');
  }
  if (isProduction && mailProvider === 'outbox' && !read.boolean('ALLOW_MAIL_OUTBOX_IN_PRODUCTION', false)) {
    read.fail('MAIL_PROVIDER', 'is outbox, which sends no e-mail; set MAIL_PROVIDER=smtp with SMTP_URL (or ALLOW_MAIL_OUTBOX_IN_PRODUCTION=true for a demo)');
  }
  const mailFrom = read.string('MAIL_FROM', isProduction ? '' : 'Karify <noreply@karify.localhost>');
  if (!MAIL_ADDRESS.test(mailFrom)) {
    read.fail('MAIL_FROM', `must be an e-mail address such as "Karify <noreply@example.nl>"${mailFrom ? '' : ' (required in production)'}`);
  }
  const retryBaseSeconds = read.integer('MAIL_RETRY_BASE_SECONDS', 30, { min: 1, max: 3600 });
  const retryMaxSeconds = read.integer('MAIL_RETRY_MAX_SECONDS', 3600, { min: 1, max: 86400 });
  if (retryMaxSeconds < retryBaseSeconds) read.fail('MAIL_RETRY_MAX_SECONDS', 'must be at least MAIL_RETRY_BASE_SECONDS');
  const smsPerIpPerHour = read.integer('SMS_MAX_PER_IP_PER_HOUR', 20, { min: 1, max: 100000 });
  // A clinic behind one shared address that raises the hourly cap gets a daily cap to match.
  const smsPerIpPerDay = read.integer('SMS_MAX_PER_IP_PER_DAY', 3 * smsPerIpPerHour, { min: 1, max: 1_000_000 });
  if (smsPerIpPerDay < smsPerIpPerHour) read.fail('SMS_MAX_PER_IP_PER_DAY', 'must be at least SMS_MAX_PER_IP_PER_HOUR');

  const allowedCountries = readAllowedCountries(read);
  const codeHashKeyText = read.string('CODE_HASH_KEY', '');
  if (codeHashKeyText && codeHashKeyText.length < 32) read.fail('CODE_HASH_KEY', 'must be at least 32 characters');
  const totpKeyText = read.string('TOTP_ENCRYPTION_KEY', '');
  if (isProduction && !totpKeyText) {
    read.fail('TOTP_ENCRYPTION_KEY', 'must be set in production to a random value of at least 32 characters (e.g. openssl rand -hex 32)');
  } else if (totpKeyText && totpKeyText.length < 32) {
    read.fail('TOTP_ENCRYPTION_KEY', 'must be at least 32 characters (e.g. openssl rand -hex 32)');
  }

  const port = read.integer('PORT', 3000, { min: 0, max: 65535 });
  const config: Config = {
    env: appEnv,
    isProduction,
    port,
    host: read.host('HOST', '127.0.0.1'),
    rootDir: ROOT_DIR,
    database: {
      url: read.optionalUrl('DATABASE_URL', ['postgres:', 'postgresql:']),
      sqliteFile: read.string('SQLITE_FILE', path.join(ROOT_DIR, 'data', 'karify.sqlite3')),
    },
    redisUrl: read.optionalUrl('REDIS_URL', ['redis:', 'rediss:']),
    sessionSecret,
    trustProxy: read.trustProxy('TRUST_PROXY'),
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      appEnv === 'test' ? 'silent' : 'info'),
    timeZone: read.timeZone('TIME_ZONE', 'Europe/Amsterdam'),
    // At least what the longest form needs: the Vragenformulier's 2,000 characters, in any script,
    // take up to 24 KB as a form body (4 UTF-8 bytes each, percent-encoded); a longer one is shown
    // again with its text and "too long", and only far beyond that gets the 413 page.
    bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 64 * 1024, { min: 32 * 1024, max: 1024 * 1024 }),
    requestTimeoutMs,
    seedDemoPatient,
    session: {
      idleTimeoutMinutes: read.integer('SESSION_IDLE_MINUTES', 30, { min: 1, max: 24 * 60 }),
      absoluteTimeoutHours: read.integer('SESSION_ABSOLUTE_HOURS', 12, { min: 1, max: 7 * 24 }),
    },
    patientOneTimePasswordDays: read.integer('PATIENT_ONE_TIME_PASSWORD_DAYS', 7, { min: 1, max: 90 }),
    desk: {
      idleTimeoutMinutes: read.integer('DESK_SESSION_IDLE_MINUTES', 15, { min: 1, max: 24 * 60 }),
      absoluteTimeoutHours: read.integer('DESK_SESSION_ABSOLUTE_HOURS', 9, { min: 1, max: 24 }),
      oneTimePasswordDays: read.integer('DESK_ONE_TIME_PASSWORD_DAYS', 7, { min: 1, max: 90 }),
    },
    sms: {
      provider: smsProvider,
      vonage,
      allowedCountries,
      codeTtlMinutes: read.integer('SMS_CODE_TTL_MINUTES', 10, { min: 1, max: 60 }),
      maxCodeAttempts: read.integer('SMS_CODE_MAX_ATTEMPTS', 5, { min: 1, max: 20 }),
      resendCooldownSeconds: read.integer('SMS_RESEND_COOLDOWN_SECONDS', 30, { min: 1, max: 3600 }),
      maxPerAccountPerHour: read.integer('SMS_MAX_PER_ACCOUNT_PER_HOUR', 5, { min: 1, max: 1000 }),
      maxPerNumberPerDay: read.integer('SMS_MAX_PER_NUMBER_PER_DAY', 10, { min: 1, max: 1000 }),
      maxPerIpPerHour: smsPerIpPerHour,
      maxPerIpPerDay: smsPerIpPerDay,
      globalDailyCap: read.integer('SMS_GLOBAL_DAILY_CAP', 2000, { min: 1, max: 10_000_000 }),
    },
    mail: {
      provider: mailProvider,
      smtpUrl,
      from: mailFrom,
      sendTimeoutMs: read.integer('MAIL_SEND_TIMEOUT_MS', 15000, { min: 100, max: 120000 }),
      maxAttempts: read.integer('MAIL_MAX_ATTEMPTS', 20, { min: 1, max: 100 }),
      retryBaseSeconds,
      retryMaxSeconds,
      pollSeconds: read.integer('MAIL_POLL_SECONDS', 2, { min: 1, max: 3600 }),
      retentionDays: read.integer('MAIL_RETENTION_DAYS', 30, { min: 1, max: 3650 }),
    },
    twoFactor: {
      required: read.boolean('REQUIRE_TWO_FACTOR', false),
      maxConsecutiveFailures: read.integer('SECOND_STEP_MAX_FAILURES', 10, { min: 1, max: 1000 }),
      lockMinutes: read.integer('SECOND_STEP_LOCK_MINUTES', 15, { min: 1, max: 24 * 60 }),
      halfSessionMinutes: read.integer('HALF_SESSION_MINUTES', 10, { min: 1, max: 60 }),
      freshConfirmationMinutes: read.integer('FRESH_CONFIRMATION_MINUTES', 10, { min: 1, max: 60 }),
    },
    codeHashKey: codeHashKeyText
      ? Buffer.from(codeHashKeyText)
      : crypto.createHmac('sha256', sessionSecret).update('karify-code-hash-key').digest(),
    totpEncryptionKey: totpKeyText
      ? Buffer.from(crypto.hkdfSync('sha256', totpKeyText, 'karify', 'totp-secret-encryption', 32))
      : crypto.createHmac('sha256', sessionSecret).update('karify-totp-encryption-key').digest(),
    helpQuestions: {
      maxPerIpPerHour: read.integer('HELP_QUESTIONS_PER_IP_PER_HOUR', 5, { min: 1, max: 10000 }),
      maxPerDay: read.integer('HELP_QUESTIONS_PER_DAY', 200, { min: 1, max: 1_000_000 }),
    },
    passwordChangesPerHour: read.integer('PASSWORD_CHANGES_PER_HOUR', 10, { min: 1, max: 10000 }),
    webauthn: readWebAuthn(read, isProduction, port),
    securityContacts: readSecurityContacts(read),
    signInThrottle: {
      freeFailuresPerAccount: read.integer('SIGNIN_FREE_FAILURES_PER_ACCOUNT', 5, { min: 1, max: 1000 }),
      freeFailuresPerIp: read.integer('SIGNIN_FREE_FAILURES_PER_IP', 20, { min: 1, max: 100000 }),
      lockBaseSeconds: read.integer('SIGNIN_LOCK_BASE_SECONDS', 30, { min: 1, max: 86400 }),
      lockMaxSeconds: read.integer('SIGNIN_LOCK_MAX_SECONDS', 900, { min: 1, max: 86400 }),
    },
  };
  read.throwIfInvalid();
  return config;
}
