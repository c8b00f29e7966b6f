import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { freeLoopbackPort } from '../support/redis-server';
import { ConfigError, DEVELOPMENT_SESSION_SECRET, loadConfig, loadDotEnvFile } from '../../src/config';

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs loadConfig and returns the ConfigError it must throw. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

/** The problems about one variable (each problem starts with the variable's name). */
function problemsAbout(err: ConfigError, name: string): string[] {
  return err.problems.filter((p) => p.startsWith(`${name} `));
}

const PRODUCTION: NodeJS.ProcessEnv = {
  NODE_ENV: 'production',
  SESSION_SECRET: 'a'.repeat(20) + 'b'.repeat(20),
  SMS_PROVIDER: 'vonage',
  VONAGE_API_KEY: 'key123',
  VONAGE_API_SECRET: 'secret123',
  TOTP_ENCRYPTION_KEY: 'k'.repeat(20) + 'm'.repeat(20),
  SMTP_URL: 'smtps://karify:secret@smtp.example.nl:465',
  MAIL_FROM: 'Karify <noreply@kliniek.example>',
  PUBLIC_URL: 'https://karify.example.nl',
};

describe('configuration (loadConfig)', () => {
  it('has working defaults with no environment at all', () => {
    const config = loadConfig({});
    expect(config.env).to.equal('development');
    expect(config.isProduction).to.equal(false);
    expect(config.port).to.equal(3000);
    expect(config.host, 'loopback: only nginx on the same server reaches the app').to.equal('127.0.0.1');
    expect(config.helpQuestions).to.deep.equal({ maxPerIpPerHour: 5, maxPerDay: 200 });
    expect(config.database.url).to.equal(undefined);
    expect(config.database.sqliteFile).to.equal(path.join(ROOT, 'data', 'karify.sqlite3'));
    expect(config.redisUrl).to.equal(undefined);
    expect(config.sessionSecret).to.equal(DEVELOPMENT_SESSION_SECRET);
    expect(config.trustProxy).to.equal(false);
    expect(config.timeZone).to.equal('Europe/Amsterdam');
    expect(config.bodyLimitBytes).to.equal(64 * 1024);
    expect(config.seedDemoPatient).to.equal(true);
    expect(config.session).to.include({ idleTimeoutMinutes: 30, absoluteTimeoutHours: 12 });
    expect(config.desk).to.include({ idleTimeoutMinutes: 15, absoluteTimeoutHours: 9, oneTimePasswordDays: 7 });
    expect(config.patientOneTimePasswordDays).to.equal(7);
    expect(config.sms.provider).to.equal('outbox');
    expect(config.sms.vonage.restHost).to.equal('https://rest.nexmo.com');
    expect(config.sms.allowedCountries).to.deep.equal(['NL', 'BE']);
    expect(config.sms).to.include({
      codeTtlMinutes: 10,
      maxCodeAttempts: 5,
      resendCooldownSeconds: 30,
      maxPerAccountPerHour: 5,
      maxPerNumberPerDay: 10,
      maxPerIpPerHour: 20,
      maxPerIpPerDay: 60,
    });
    expect(config.twoFactor).to.include({ maxConsecutiveFailures: 10, lockMinutes: 15, halfSessionMinutes: 10 });
    // README.md, "Configuration": SIGNIN_FREE_FAILURES_PER_ACCOUNT … SIGNIN_LOCK_MAX_SECONDS, PASSWORD_CHANGES_PER_HOUR.
    expect(config.signInThrottle).to.deep.equal({ freeFailuresPerAccount: 5, freeFailuresPerIp: 20, lockBaseSeconds: 30, lockMaxSeconds: 900 });
    expect(config.passwordChangesPerHour).to.equal(10);
    expect(config.codeHashKey.length).to.be.at.least(32);
    expect(config.totpEncryptionKey.length).to.equal(32); // derived from the development session secret
  });

  it('treats empty and blank variables as unset', () => {
    const config = loadConfig({ PORT: '', REDIS_URL: '  ', DATABASE_URL: '' });
    expect(config.port).to.equal(3000);
    expect(config.redisUrl).to.equal(undefined);
    expect(config.database.url).to.equal(undefined);
  });

  it('reads the documented variables', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '8080',
      DATABASE_URL: 'postgres://karify:pw@db.internal:5432/karify',
      REDIS_URL: 'redis://127.0.0.1:6380',
      TIME_ZONE: 'Europe/Brussels',
      SMS_ALLOWED_COUNTRIES: 'nl, be ,de',
      TRUST_PROXY: '1',
      VONAGE_REST_HOST: 'http://127.0.0.1:9999',
      HOST: '::',
      DESK_ONE_TIME_PASSWORD_DAYS: '3',
      PATIENT_ONE_TIME_PASSWORD_DAYS: '2',
    });
    expect(config.host).to.equal('::');
    expect(config.desk.oneTimePasswordDays).to.equal(3);
    expect(config.patientOneTimePasswordDays).to.equal(2);
    expect(config.env).to.equal('test');
    expect(config.port).to.equal(8080);
    expect(config.database.url).to.equal('postgres://karify:pw@db.internal:5432/karify');
    expect(config.redisUrl).to.equal('redis://127.0.0.1:6380');
    expect(config.timeZone).to.equal('Europe/Brussels');
    expect(config.sms.allowedCountries).to.deep.equal(['NL', 'BE', 'DE']);
    expect(config.trustProxy).to.equal(1);
    expect(config.sms.vonage.restHost).to.equal('http://127.0.0.1:9999');
    expect(config.seedDemoPatient).to.equal(false);
  });

  for (const port of ['abc', '70000', '-1', '30.5', '3000abc']) {
    it(`refuses PORT=${port} and names PORT`, () => {
      const err = configError({ PORT: port });
      expect(problemsAbout(err, 'PORT')).to.have.length(1);
      expect(err.message).to.include('PORT').and.include(port);
    });
  }

  describe('passkeys (WebAuthn relying party)', () => {
    it('belong to http://localhost:PORT in development and tests', () => {
      expect(loadConfig({}).webauthn).to.deep.equal({ rpId: 'localhost', origin: 'http://localhost:3000', rpName: 'Karify' });
      expect(loadConfig({ NODE_ENV: 'test', PORT: '8080' }).webauthn).to.include({ rpId: 'localhost', origin: 'http://localhost:8080' });
    });

    it('belong to PUBLIC_URL, or to WEBAUTHN_ORIGIN and WEBAUTHN_RP_ID where they are set', () => {
      expect(loadConfig({ ...PRODUCTION, PUBLIC_URL: 'https://karify.example.nl/portaal/' }).webauthn).to.include({ rpId: 'karify.example.nl', origin: 'https://karify.example.nl' });
      expect(loadConfig({ ...PRODUCTION, PUBLIC_URL: 'https://karify.example.nl', WEBAUTHN_RP_ID: 'Example.NL' }).webauthn).to.include({ rpId: 'example.nl', origin: 'https://karify.example.nl' });
      expect(loadConfig({ ...PRODUCTION, PUBLIC_URL: undefined, WEBAUTHN_ORIGIN: 'https://inloggen.example.nl:8443' }).webauthn).to.include({ rpId: 'inloggen.example.nl', origin: 'https://inloggen.example.nl:8443' });
    });

    it('name where to report a vulnerability only with SECURITY_CONTACT, each a mailto:, https: or tel: address', () => {
      expect(loadConfig({}).securityContacts).to.deep.equal([]);
      expect(loadConfig({ SECURITY_CONTACT: 'mailto:security@kliniek.nl, tel:+31307370323' }).securityContacts).to.deep.equal(['mailto:security@kliniek.nl', 'tel:+31307370323']);
      for (const wrong of ['security@kliniek.nl', 'http://kliniek.nl/melden', 'mailto:security@kliniek.nl,ftp://kliniek.nl']) {
        expect(problemsAbout(configError({ SECURITY_CONTACT: wrong }), 'SECURITY_CONTACT'), wrong).to.have.length(1);
      }
    });

    it('need PUBLIC_URL in production, with https', () => {
      const missing = configError({ ...PRODUCTION, PUBLIC_URL: undefined });
      expect(problemsAbout(missing, 'PUBLIC_URL')).to.have.length(1);
      expect(missing.message).to.include('PUBLIC_URL must be set in production');
      expect(problemsAbout(configError({ ...PRODUCTION, PUBLIC_URL: 'http://karify.example.nl' }), 'PUBLIC_URL')[0]).to.include('https://');
      expect(problemsAbout(configError({ ...PRODUCTION, PUBLIC_URL: 'karify.example.nl' }), 'PUBLIC_URL')).to.have.length(1);
    });

    it('refuse a relying party id that is not the origin\'s host or a domain above it, or is an address', () => {
      for (const rpId of ['example.com', 'other.karify.example.nl', 'nl', '127.0.0.1', 'exa mple.nl']) {
        const err = configError({ ...PRODUCTION, WEBAUTHN_RP_ID: rpId });
        expect(problemsAbout(err, 'WEBAUTHN_RP_ID'), rpId).to.have.length(1);
      }
      expect(problemsAbout(configError({ NODE_ENV: 'test', WEBAUTHN_ORIGIN: 'http://127.0.0.1:3000', WEBAUTHN_RP_ID: 'localhost' }), 'WEBAUTHN_ORIGIN')).to.have.length(1);
    });
  });

  describe('in production', () => {
    it('accepts a complete production configuration', () => {
      const config = loadConfig(PRODUCTION);
      expect(config.isProduction).to.equal(true);
      expect(config.seedDemoPatient).to.equal(false);
      expect(config.sms.provider).to.equal('vonage');
    });

    it('refuses to start without SESSION_SECRET', () => {
      const err = configError({ ...PRODUCTION, SESSION_SECRET: undefined });
      expect(problemsAbout(err, 'SESSION_SECRET')).to.have.length(1);
      expect(err.problems).to.have.length(1);
    });

    it('refuses a SESSION_SECRET shorter than 32 characters, and accepts 32', () => {
      const err = configError({ ...PRODUCTION, SESSION_SECRET: 'x'.repeat(31) });
      expect(problemsAbout(err, 'SESSION_SECRET')).to.have.length(1);
      expect(loadConfig({ ...PRODUCTION, SESSION_SECRET: 'x'.repeat(32) }).sessionSecret).to.equal('x'.repeat(32));
    });

    it('refuses the development session secret', () => {
      expect(DEVELOPMENT_SESSION_SECRET.length).to.be.at.least(32); // so only the "is the dev secret" rule can refuse it
      const err = configError({ ...PRODUCTION, SESSION_SECRET: DEVELOPMENT_SESSION_SECRET });
      expect(problemsAbout(err, 'SESSION_SECRET')).to.have.length(1);
    });

    it('never puts the session secret into the error message', () => {
      const err = configError({ ...PRODUCTION, SESSION_SECRET: 'short-secret-value', PORT: 'x' });
      expect(err.message).not.to.include('short-secret-value');
    });

    it('refuses SEED_DEMO_PATIENT=true: the demo patient\'s password is public', () => {
      expect(problemsAbout(configError({ ...PRODUCTION, SEED_DEMO_PATIENT: 'true' }), 'SEED_DEMO_PATIENT')).to.have.length(1);
      expect(loadConfig({ ...PRODUCTION, SEED_DEMO_PATIENT: 'false' }).seedDemoPatient).to.equal(false);
    });

    it('refuses SMS_PROVIDER=outbox unless ALLOW_SMS_OUTBOX_IN_PRODUCTION=true', () => {
      const env = { ...PRODUCTION, SMS_PROVIDER: 'outbox', VONAGE_API_KEY: undefined, VONAGE_API_SECRET: undefined };
      const err = configError(env);
      expect(problemsAbout(err, 'SMS_PROVIDER')).to.have.length(1);
      expect(err.problems).to.have.length(1);
      expect(configError({ ...env, ALLOW_SMS_OUTBOX_IN_PRODUCTION: 'false' }).problems).to.have.length(1);
      expect(loadConfig({ ...env, ALLOW_SMS_OUTBOX_IN_PRODUCTION: 'true' }).sms.provider).to.equal('outbox');
    });

    it('refuses to start without TOTP_ENCRYPTION_KEY, or with one shorter than 32 characters', () => {
      const missing = configError({ ...PRODUCTION, TOTP_ENCRYPTION_KEY: undefined });
      expect(problemsAbout(missing, 'TOTP_ENCRYPTION_KEY')).to.have.length(1);
      expect(missing.problems).to.have.length(1);
      expect(problemsAbout(configError({ ...PRODUCTION, TOTP_ENCRYPTION_KEY: '   ' }), 'TOTP_ENCRYPTION_KEY')).to.have.length(1);
      const short = configError({ ...PRODUCTION, TOTP_ENCRYPTION_KEY: 'x'.repeat(31) });
      expect(problemsAbout(short, 'TOTP_ENCRYPTION_KEY')).to.have.length(1);
      expect(short.message).not.to.include('x'.repeat(31));
      const key = loadConfig({ ...PRODUCTION, TOTP_ENCRYPTION_KEY: 'x'.repeat(32) }).totpEncryptionKey;
      expect(key.length).to.equal(32);
      expect(key.equals(loadConfig({ ...PRODUCTION, TOTP_ENCRYPTION_KEY: 'y'.repeat(32) }).totpEncryptionKey)).to.equal(false);
    });

    it('sends mail by SMTP by default, so it needs SMTP_URL and MAIL_FROM', () => {
      const config = loadConfig(PRODUCTION);
      expect(config.mail).to.include({ provider: 'smtp', smtpUrl: 'smtps://karify:secret@smtp.example.nl:465', from: 'Karify <noreply@kliniek.example>' });
      const err = configError({ ...PRODUCTION, SMTP_URL: undefined, MAIL_FROM: undefined });
      expect(problemsAbout(err, 'SMTP_URL')).to.have.length(1);
      expect(problemsAbout(err, 'MAIL_FROM')).to.have.length(1);
      expect(err.problems).to.have.length(2);
      expect(err.message).not.to.include('secret@');
    });

    it('refuses MAIL_PROVIDER=outbox unless ALLOW_MAIL_OUTBOX_IN_PRODUCTION=true', () => {
      const env = { ...PRODUCTION, MAIL_PROVIDER: 'outbox', SMTP_URL: undefined };
      const err = configError(env);
      expect(problemsAbout(err, 'MAIL_PROVIDER')).to.have.length(1);
      expect(err.problems).to.have.length(1);
      expect(loadConfig({ ...env, ALLOW_MAIL_OUTBOX_IN_PRODUCTION: 'true' }).mail.provider).to.equal('outbox');
    });

    it('uses Vonage by default, so it needs the Vonage keys', () => {
      const err = configError({ ...PRODUCTION, SMS_PROVIDER: undefined, VONAGE_API_KEY: undefined, VONAGE_API_SECRET: undefined });
      expect(problemsAbout(err, 'VONAGE_API_KEY')).to.have.length(1);
      expect(problemsAbout(err, 'VONAGE_API_SECRET')).to.have.length(1);
    });
  });

  it('refuses SMS_PROVIDER=vonage without the API key and secret', () => {
    const err = configError({ SMS_PROVIDER: 'vonage' });
    expect(problemsAbout(err, 'VONAGE_API_KEY')).to.have.length(1);
    expect(problemsAbout(err, 'VONAGE_API_SECRET')).to.have.length(1);
    expect(problemsAbout(configError({ SMS_PROVIDER: 'vonage', VONAGE_API_KEY: 'k' }), 'VONAGE_API_SECRET')).to.have.length(1);
    expect(loadConfig({ SMS_PROVIDER: 'vonage', VONAGE_API_KEY: 'k', VONAGE_API_SECRET: 's' }).sms.provider).to.equal('vonage');
  });

  it('keeps mail in the outbox outside production, with a development sender and the retry defaults', () => {
    const { mail } = loadConfig({});
    expect(mail).to.deep.equal({
      provider: 'outbox', smtpUrl: undefined, from: 'Karify <noreply@karify.localhost>',
      sendTimeoutMs: 15000, maxAttempts: 20, retryBaseSeconds: 30, retryMaxSeconds: 3600, pollSeconds: 2, retentionDays: 30,
    });
  });

  it('reads the mail settings, and needs SMTP_URL for MAIL_PROVIDER=smtp', () => {
    const mail = loadConfig({ MAIL_PROVIDER: 'smtp', SMTP_URL: 'smtp://relay.internal:587', MAIL_FROM: 'noreply@kliniek.example', MAIL_MAX_ATTEMPTS: '5', MAIL_RETRY_BASE_SECONDS: '10', MAIL_RETRY_MAX_SECONDS: '60', MAIL_SEND_TIMEOUT_MS: '2000', MAIL_POLL_SECONDS: '5', MAIL_RETENTION_DAYS: '90' }).mail;
    expect(mail).to.deep.equal({ provider: 'smtp', smtpUrl: 'smtp://relay.internal:587', from: 'noreply@kliniek.example', sendTimeoutMs: 2000, maxAttempts: 5, retryBaseSeconds: 10, retryMaxSeconds: 60, pollSeconds: 5, retentionDays: 90 });
    expect(problemsAbout(configError({ MAIL_PROVIDER: 'smtp' }), 'SMTP_URL')).to.have.length(1);
    expect(problemsAbout(configError({ MAIL_RETRY_BASE_SECONDS: '120', MAIL_RETRY_MAX_SECONDS: '60' }), 'MAIL_RETRY_MAX_SECONDS')).to.have.length(1);
  });

  it('matches the daily SMS cap per IP to a raised hourly one, and refuses a daily cap below the hourly', () => {
    expect(loadConfig({ SMS_MAX_PER_IP_PER_HOUR: '500' }).sms).to.include({ maxPerIpPerHour: 500, maxPerIpPerDay: 1500 });
    expect(loadConfig({ SMS_MAX_PER_IP_PER_DAY: '20' }).sms).to.include({ maxPerIpPerHour: 20, maxPerIpPerDay: 20 });
    expect(problemsAbout(configError({ SMS_MAX_PER_IP_PER_DAY: '19' }), 'SMS_MAX_PER_IP_PER_DAY')).to.have.length(1);
  });

  it('gives a request 30 s by default, and refuses a limit shorter than two SMS sends can take', () => {
    expect(loadConfig({}).requestTimeoutMs).to.equal(30_000);
    expect(loadConfig({ REQUEST_TIMEOUT_SECONDS: '3', VONAGE_TIMEOUT_MS: '500' }).requestTimeoutMs).to.equal(3000);
    expect(problemsAbout(configError({ REQUEST_TIMEOUT_SECONDS: '10' }), 'REQUEST_TIMEOUT_SECONDS'), 'VONAGE_TIMEOUT_MS 5000').to.have.length(1);
    expect(problemsAbout(configError({ REQUEST_TIMEOUT_SECONDS: '2' }), 'REQUEST_TIMEOUT_SECONDS')).to.have.length(1);
  });

  it('refuses an unknown SMS_PROVIDER', () => {
    expect(problemsAbout(configError({ SMS_PROVIDER: 'twilio' }), 'SMS_PROVIDER')).to.have.length(1);
  });

  const badValues: Array<[string, string]> = [
    ['DATABASE_URL', 'mysql://user@localhost/karify'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['REDIS_URL', '127.0.0.1:6379'],
    ['TIME_ZONE', 'Mars/Olympus_Mons'],
    ['SMS_ALLOWED_COUNTRIES', 'NLD,BE'],
    ['SMS_ALLOWED_COUNTRIES', 'N1'],
    ['SMS_ALLOWED_COUNTRIES', ' , '],
    ['SMS_ALLOWED_COUNTRIES', 'UK'], // the right shape, but libphonenumber-js knows it as GB
    ['SMS_ALLOWED_COUNTRIES', 'NL,ZZ'],
    ['NODE_ENV', 'staging'],
    ['VONAGE_REST_HOST', 'ftp://rest.nexmo.com'],
    ['BODY_LIMIT_BYTES', '10'],
    ['BODY_LIMIT_BYTES', '16384'], // less than the Vragenformulier needs
    ['SEED_DEMO_PATIENT', 'maybe'],
    ['HOST', 'http://0.0.0.0'],
    ['HOST', '10.0.0.1:3000'],
    ['TRUST_PROXY', 'yes'],
    ['TRUST_PROXY', 'loopback, 10.0.0.300'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['HELP_QUESTIONS_PER_IP_PER_HOUR', '0'],
    ['MAIL_PROVIDER', 'sendgrid'],
    ['MAIL_RETENTION_DAYS', '0'],
    ['SMTP_URL', 'https://smtp.example.nl'],
    ['SMTP_URL', 'smtp.example.nl:587'],
    ['MAIL_FROM', 'Karify'],
    ['MAIL_FROM', 'Karify <noreply@kliniek.example>\r\nBcc: x@example.nl'],
    ['MAIL_MAX_ATTEMPTS', '0'],
    ['MAIL_SEND_TIMEOUT_MS', 'soon'],
    ['DESK_ONE_TIME_PASSWORD_DAYS', '0'],
    ['DESK_ONE_TIME_PASSWORD_DAYS', '91'],
    ['PATIENT_ONE_TIME_PASSWORD_DAYS', '0'],
    ['PATIENT_ONE_TIME_PASSWORD_DAYS', '91'],
  ];
  for (const [name, value] of badValues) {
    it(`refuses ${name}=${JSON.stringify(value)} and names ${name}`, () => {
      const err = configError({ [name]: value });
      expect(problemsAbout(err, name), err.message).to.have.length(1);
      expect(err.message).to.include(name);
    });
  }

  it('takes TRUST_PROXY as Express does: addresses, subnets and named ranges, separated by commas', () => {
    for (const value of ['loopback', 'loopback, 10.0.0.5', '10.0.0.0/8,fd00::/8', '192.168.1.0/255.255.255.0', 'linklocal,uniquelocal', '::1']) {
      expect(loadConfig({ TRUST_PROXY: value }).trustProxy, value).to.equal(value);
    }
  });

  it('reports several problems together', () => {
    const err = configError({ PORT: 'abc', TIME_ZONE: 'Nowhere/City', REDIS_URL: 'http://x', DATABASE_URL: 'mysql://x', SMS_ALLOWED_COUNTRIES: 'NLD' });
    expect(err.problems).to.have.length(5);
    for (const name of ['PORT', 'TIME_ZONE', 'REDIS_URL', 'DATABASE_URL', 'SMS_ALLOWED_COUNTRIES']) {
      expect(problemsAbout(err, name), name).to.have.length(1);
      expect(err.message).to.include(name);
    }
  });

  it('reads a .env file into the environment, without overriding what is set already; no file, nothing read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'karify-dotenv-'));
    const file = path.join(dir, '.env');
    fs.writeFileSync(file, '# the clinic\'s settings\nKARIFY_TEST_FROM_FILE=vonage\nKARIFY_TEST_SET_ALREADY=from-file\n');
    process.env.KARIFY_TEST_SET_ALREADY = 'from-environment';
    try {
      loadDotEnvFile(path.join(dir, 'missing.env'));
      expect(process.env.KARIFY_TEST_FROM_FILE).to.equal(undefined);
      loadDotEnvFile(file);
      expect(process.env.KARIFY_TEST_FROM_FILE).to.equal('vonage');
      expect(process.env.KARIFY_TEST_SET_ALREADY).to.equal('from-environment');
    } finally {
      delete process.env.KARIFY_TEST_FROM_FILE;
      delete process.env.KARIFY_TEST_SET_ALREADY;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses SMS_ALLOWED_COUNTRIES the phone-number library does not know, naming them, as the Land list would drop them', () => {
    const [uk] = problemsAbout(configError({ SMS_ALLOWED_COUNTRIES: 'NL,uk' }), 'SMS_ALLOWED_COUNTRIES');
    expect(uk).to.equal('SMS_ALLOWED_COUNTRIES must be ISO 3166-1 country codes known to the phone-number library, such as NL,BE,GB (not "UK"; use GB for UK)');
    const [unknown] = problemsAbout(configError({ SMS_ALLOWED_COUNTRIES: 'ZZ, BE, QQ' }), 'SMS_ALLOWED_COUNTRIES');
    expect(unknown).to.include('(not "ZZ", "QQ")').and.not.include('"BE"');
    expect(loadConfig({ SMS_ALLOWED_COUNTRIES: 'nl,gb,xk' }).sms.allowedCountries, 'Kosovo: no ISO code, but libphonenumber-js knows XK').to.deep.equal(['NL', 'GB', 'XK']);
  });

  describe('.env that is there but cannot be read', () => {
    const accessDenied = (file: string): never => {
      throw Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: 'EACCES', syscall: 'open', path: file });
    };
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'karify-dotenv-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** The ConfigError loadDotEnvFile must throw. */
    function dotEnvError(file: string, read?: (file: string) => string): ConfigError {
      try {
        loadDotEnvFile(file, read);
      } catch (err) {
        expect(err, String(err)).to.be.instanceOf(ConfigError);
        return err as ConfigError;
      }
      throw new Error(`loadDotEnvFile(${file}) read it`);
    }

    it('names the file and says permission denied, and whose it is to run as (the reading simulated: tests run as root)', () => {
      const file = path.join(dir, '.env');
      fs.writeFileSync(file, 'KARIFY_TEST_FROM_FILE=x\n');
      const err = dotEnvError(file, accessDenied);
      expect(err.problems).to.deep.equal([`cannot read .env at ${file}: permission denied; run as the user the service runs as`]);
      expect(err.message).not.to.include('ENOENT');
      expect(process.env.KARIFY_TEST_FROM_FILE).to.equal(undefined);
      // Missing, it is still fine: the reader says ENOENT and nothing is there.
      loadDotEnvFile(path.join(dir, 'missing.env'), (missing) => fs.readFileSync(missing, 'utf8'));
    });

    it('says where a link points, and that a link to nothing is no missing .env', () => {
      const link = path.join(dir, '.env');
      fs.symlinkSync(path.join(dir, 'karify.env'), link);
      expect(dotEnvError(link).problems).to.deep.equal([`cannot read .env at ${link} (a link to ${path.join(dir, 'karify.env')}): the file it links to does not exist`]);
      fs.writeFileSync(path.join(dir, 'karify.env'), 'KARIFY_TEST_FROM_FILE=x\n', { mode: 0o640 });
      expect(dotEnvError(link, accessDenied).problems[0]).to.equal(`cannot read .env at ${link} (a link to ${path.join(dir, 'karify.env')}): permission denied; run as the user the service runs as`);
    });

    it('refuses a folder called .env (read for real)', () => {
      const folder = path.join(dir, '.env');
      fs.mkdirSync(folder);
      expect(dotEnvError(folder).problems).to.deep.equal([`cannot read .env at ${folder}: it is a folder, not a file`]);
    });

    it('refuses a file of mode 000 for real (as root: read as the user nobody, since root reads any file)', function () {
      this.timeout(30_000);
      const file = path.join(dir, '.env');
      fs.writeFileSync(file, 'KARIFY_TEST_FROM_FILE=x\n', { mode: 0o000 });
      if (process.getuid?.() !== 0) {
        expect(dotEnvError(file).problems[0]).to.include('permission denied');
        return;
      }
      fs.chmodSync(dir, 0o755);
      const code = "try { require('./src/config').loadDotEnvFile(process.argv[1]); console.log('read'); } catch (err) { console.log(err.message); }";
      const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', code, file], { cwd: ROOT, uid: 65534, gid: 65534, env: { PATH: process.env.PATH, HOME: '/tmp' }, encoding: 'utf8' });
      expect(run.stdout, run.stderr).to.include(`cannot read .env at ${file}: permission denied`);
    });
  });

  it('makes the server listen on HOST only', async function () {
    this.timeout(30_000);
    const port = await freeLoopbackPort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', HOST: '127.0.0.2', PORT: String(port), SQLITE_FILE: ':memory:' },
      stdio: 'ignore',
    });
    try {
      const answers = async (host: string) => fetch(`http://${host}:${port}/healthz`).then((r) => r.ok, () => false);
      const deadline = Date.now() + 20_000;
      while (!(await answers('127.0.0.2')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await answers('127.0.0.2'), 'on HOST').to.equal(true);
      expect(await answers('127.0.0.1'), 'on another address').to.equal(false);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('makes the server exit with status 1 and a message naming PORT when PORT is wrong', async function () {
    this.timeout(30_000);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', PORT: 'abc', SQLITE_FILE: ':memory:' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
    clearTimeout(timer);
    expect(signal, `the server kept running; stdout: ${stdout} stderr: ${stderr}`).to.equal(null);
    expect(code).to.equal(1);
    expect(stderr).to.match(/PORT must be a whole number/);
    expect(stderr).to.include('"abc"');
    expect(stderr, 'a configuration problem is a message, not a crash').not.to.match(/\n\s+at /);
  });
});
