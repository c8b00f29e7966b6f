import crypto from 'node:crypto';
import { expect } from 'chai';
import { createAccountStores, secondStepTransaction, transactionRunner, type AccountStores } from '../../src/domain/account-stores';
import { createAlertComposer } from '../../src/domain/mail/alert-texts';
import { createPasskeyCeremonies } from '../../src/domain/passkey-ceremonies';
import type { PasswordHasher } from '../../src/domain/passwords';
import { cryptoRandom } from '../../src/domain/random';
import { createSecondFactor, type Proof, type SecondFactor, type SecondFactorResult } from '../../src/domain/second-factor';
import { createSecretBox, SecretBoxError, type SecretBox } from '../../src/domain/secret-box';
import { createSmsCodeService } from '../../src/domain/sms-codes';
import { createVerificationCodes, hmacSha256, type VerificationCodes } from '../../src/domain/verification-codes';
import { createTranslators } from '../../src/i18n';
import type { Database } from '../../src/infra/database';
import { memoryLimiterFactory } from '../../src/infra/rate-limits';
import { TestClock } from '../support/clock';
import { closeTestDatabase, openTestDatabase } from '../support/test-database';
import { appCode, STEP_MS, wrongAppCode } from '../support/totp';
import { twoFactorRow } from '../support/two-factor-row';

const SECRET = 'AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT';
const PHONE = '+31612345678';
const ORIGIN = { ip: '203.0.113.7', userAgent: 'test' };
const LIMIT = 10;
const RP = { rpId: 'localhost', origin: 'http://localhost:3000', rpName: 'Karify' };

/**
 * The one module every code check goes through (issue 12), on the database under test: each
 * limit holds under bursts of parallel checks, counted where the work happens (keyed hashes of
 * SMS codes, reads of the app secret, recovery-code verifications).
 */
describe('second factor: one module for every code check', () => {
  let db: Database;
  let clock: TestClock;
  let stores: AccountStores;
  let box: SecretBox;
  let codes: VerificationCodes;
  let secondFactor: SecondFactor;
  let userId: number;
  const count = { smsHashes: 0, appChecks: 0, recoveryChecks: 0, recoveryVerifies: 0 };

  beforeEach(async () => {
    db = await openTestDatabase();
    clock = new TestClock();
    Object.assign(count, { smsHashes: 0, appChecks: 0, recoveryChecks: 0, recoveryVerifies: 0 });
    // Fast and countable stand-ins for argon2; the recovery codes' own tests use the real one.
    const hasher: PasswordHasher = {
      hash: async (text) => `h:${text}`,
      verify: async (hash, text) => {
        count.recoveryVerifies += 1;
        await new Promise((resolve) => setImmediate(resolve));
        return hash === `h:${text}`;
      },
      verifyDummy: async () => false,
    };
    const composeAlert = createAlertComposer({ translators: createTranslators(), timeZone: 'Europe/Amsterdam' });
    const storeDeps = { clock, random: cryptoRandom, hasher, lockout: { maxConsecutiveFailures: LIMIT, lockMinutes: 15 }, composeAlert };
    stores = createAccountStores(db, storeDeps);
    box = createSecretBox(crypto.randomBytes(32));
    const hmac = hmacSha256(Buffer.alloc(32, 7));
    codes = createVerificationCodes({
      db, clock, random: cryptoRandom, hashKey: Buffer.alloc(32, 7), ttlMs: 600_000, maxAttempts: 5,
      keyedHash: (text) => {
        count.smsHashes += 1;
        return hmac(text);
      },
    });
    const smsCodes = await createSmsCodeService({
      codes, sender: { send: async () => ({ ok: true }) }, limiters: memoryLimiterFactory, clock,
      settings: {
        provider: 'outbox', vonage: { apiKey: '', apiSecret: '', from: 'K', restHost: 'http://127.0.0.1:9', timeoutMs: 100 },
        allowedCountries: ['NL'], codeTtlMinutes: 10, maxCodeAttempts: 5, resendCooldownSeconds: 30,
        maxPerAccountPerHour: 100, maxPerNumberPerDay: 100, maxPerIpPerHour: 100, maxPerIpPerDay: 100, globalDailyCap: 100,
      },
      composeText: (code) => code,
    });
    const twoFactor = {
      ...stores.twoFactor,
      encryptedTotpSecret: (id: number) => {
        count.appChecks += 1;
        return stores.twoFactor.encryptedTotpSecret(id);
      },
    };
    const recoveryCodes = {
      ...stores.recoveryCodes,
      findUnused: (id: number, input: string) => {
        count.recoveryChecks += 1;
        return stores.recoveryCodes.findUnused(id, input);
      },
    };
    const passkeys = createPasskeyCeremonies({ store: stores.passkeys, rp: RP, random: cryptoRandom, clock });
    const inTransaction = secondStepTransaction(transactionRunner(db, (on) => createAccountStores(on, storeDeps)), 'patient');
    secondFactor = createSecondFactor({
      clock, lockout: stores.lockout, verificationCodes: codes, recoveryCodes, twoFactor, secretBox: box, smsCodes, passkeys, inTransaction,
    });
    const user = await stores.users.create({ email: 'anna@example.nl', name: 'Anna', passwordHash: 'x' });
    userId = user.id;
  });
  afterEach(() => closeTestDatabase(db));

  const check = (purpose: Parameters<SecondFactor['check']>[1], proof: Proof) => secondFactor.check(userId, purpose, proof, ORIGIN);
  const events = async (type: string) => (await stores.audit.listForUser(userId, 500)).filter((e) => e.type === type);
  const messages = async (kind: string) => (await stores.messages.listForUser(userId, 500)).filter((m) => m.kind === kind);
  const statuses = (results: SecondFactorResult[]) => results.map((r) => r.status);

  describe('the authenticator app', () => {
    beforeEach(() => stores.twoFactor.enableTotp(userId, box.seal(SECRET), []));

    it('accepts a code once: the same code again is refused as a replay, recorded, announced and counted', async () => {
      const code = appCode(SECRET, clock.now());
      expect(await check('sign_in', { kind: 'app', code })).to.deep.equal({ status: 'ok', totpStep: undefined });
      expect(await check('sign_in', { kind: 'app', code })).to.deep.equal({ status: 'failed', reason: 'replayed' });
      expect(await events('totp_replay_refused')).to.have.length(1);
      expect(await messages('totp_replay_refused')).to.have.length(1);
      expect((await db('second_step_lockouts').where({ user_id: userId }).first()).failures).to.equal(1);
      clock.advance(STEP_MS);
      expect((await check('sign_in', { kind: 'app', code: appCode(SECRET, clock.now()) })).status).to.equal('ok');
    });

    it('refuses a code from before the one used last, even inside the window', async () => {
      const earlier = appCode(SECRET, clock.now() - STEP_MS);
      expect((await check('confirm', { kind: 'app', code: appCode(SECRET, clock.now()) })).status).to.equal('ok');
      expect(await check('confirm', { kind: 'app', code: earlier })).to.deep.equal({ status: 'failed', reason: 'replayed' });
    });

    it(`locks the second step at the ${LIMIT}th wrong code, announces it once, and refuses the right code while locked`, async () => {
      const wrong = wrongAppCode(SECRET, clock.now());
      for (let i = 1; i < LIMIT; i += 1) expect(await check('sign_in', { kind: 'app', code: wrong })).to.deep.equal({ status: 'failed', reason: 'wrong_app_code' });
      const until = clock.now() + 15 * 60_000;
      expect(await check('sign_in', { kind: 'app', code: wrong })).to.deep.equal({ status: 'locked', until });
      expect(await check('sign_in', { kind: 'app', code: appCode(SECRET, clock.now()) })).to.deep.equal({ status: 'locked', until });
      expect(await events('second_step_failed')).to.have.length(LIMIT);
      expect(await messages('second_step_locked')).to.have.length(1);
      clock.advance(15 * 60_000);
      expect((await check('sign_in', { kind: 'app', code: appCode(SECRET, clock.now()) })).status, 'after the lock').to.equal('ok');
    });

    it(`announces the lock with the ${LIMIT}th wrong code itself: activity, Berichten and an e-mail, with no check after it`, async () => {
      const wrong = wrongAppCode(SECRET, clock.now());
      for (let i = 1; i < LIMIT; i += 1) await check('sign_in', { kind: 'app', code: wrong });
      expect(await events('second_step_locked'), 'not before the limit').to.have.length(0);
      const until = clock.now() + 15 * 60_000;
      expect(await check('sign_in', { kind: 'app', code: wrong })).to.deep.equal({ status: 'locked', until });
      // The attacker stops here: no further check meets the lock and could announce it instead.
      const locked = await events('second_step_locked');
      expect(locked, 'in the activity').to.have.length(1);
      expect(locked[0]!.details).to.include({ until, purpose: 'sign_in', method: 'totp' });
      expect(await messages('second_step_locked'), 'in Berichten').to.have.length(1);
      const mails = (await stores.mailOutbox.list({ limit: 500 })).filter((m) => m.kind === 'second_step_locked');
      expect(mails, 'an e-mail queued').to.have.length(1);
      expect(mails[0]).to.include({ userId, to: 'anna@example.nl', status: 'pending' });
    });

    it('throws when the stored secret cannot be opened (wrong key), and claims no time step', async () => {
      await stores.twoFactor.enableTotp(userId, createSecretBox(crypto.randomBytes(32)).seal(SECRET), []);
      const error = await check('sign_in', { kind: 'app', code: appCode(SECRET, clock.now()) }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(SecretBoxError);
      expect((await twoFactorRow(db, userId)).totp_last_step).to.equal(null);
    });

    it(`checks at most ${LIMIT} of 60 parallel codes, so the right one late in the burst is refused`, async () => {
      const wrong = wrongAppCode(SECRET, clock.now());
      const burst = Array.from({ length: 60 }, (_, i) => (i === 55 ? appCode(SECRET, clock.now()) : wrong));
      const results = await Promise.all(burst.map((code) => check('sign_in', { kind: 'app', code })));
      expect(count.appChecks, 'app codes compared').to.be.at.most(LIMIT);
      expect(results[55]!.status, 'the right code at #56').to.equal('locked');
      expect(statuses(results).filter((s) => s === 'ok')).to.have.length(0);
      expect(await secondFactor.lockedUntil(userId)).to.equal(clock.now() + 15 * 60_000);
      expect(await messages('second_step_locked'), 'announced once').to.have.length(1);
    });

    it('checks a new app being paired against its own secret, and counts its failures towards the same limit', async () => {
      const other = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
      const ok = await check('switch_app', { kind: 'app', code: appCode(other, clock.now()), secret: other });
      expect(ok).to.deep.equal({ status: 'ok', totpStep: Math.floor(clock.now() / STEP_MS) });
      await Promise.all(Array.from({ length: 30 }, () => check('setup', { kind: 'app', code: wrongAppCode(other, clock.now()), secret: other })));
      const failures = await events('second_step_failed');
      expect(failures, 'codes compared').to.have.length(LIMIT);
      expect(new Set(failures.map((e) => e.details?.purpose))).to.deep.equal(new Set(['setup']));
      expect(await secondFactor.lockedUntil(userId), 'the wizard is no way round the lock').to.not.equal(null);
    });
  });

  describe('SMS codes', () => {
    /** A new live code; storing it is no comparison, so it is not counted. */
    const lastCode = async (purpose: 'sign_in' | 'phone_change', phone = PHONE) => {
      const before = count.smsHashes;
      const code = codes.generate();
      await codes.save(userId, purpose, code, phone);
      count.smsHashes = before;
      return code;
    };

    it('compares at most 5 of 20 parallel guesses of one code (10 would pass the account limit): the right one at #20 is refused, the code dies', async () => {
      const code = await lastCode('sign_in');
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      const burst = Array.from({ length: 20 }, (_, i) => (i === 19 ? code : wrong));
      const results = await Promise.all(burst.map((c) => check('sign_in', { kind: 'sms', code: c, phone: PHONE })));
      expect(count.smsHashes, 'codes compared').to.be.at.most(5);
      expect(results[19], 'the right code at #20').to.not.deep.equal({ status: 'ok' });
      expect(statuses(results).filter((s) => s === 'ok')).to.have.length(0);
      expect(await db('verification_codes').where({ user_id: userId }).first(), 'the code is dead').to.equal(undefined);
    });

    it('takes the account-wide limit across codes: new codes do not reset it', async () => {
      for (let round = 0; round < 3; round += 1) {
        const code = await lastCode('sign_in');
        const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
        await Promise.all([1, 2, 3, 4].map(() => check('sign_in', { kind: 'sms', code: wrong, phone: PHONE })));
      }
      // 12 wrong guesses on three codes, at most 10 of them compared, and then the lock
      expect(count.smsHashes).to.be.at.most(LIMIT);
      expect(await secondFactor.lockedUntil(userId)).to.equal(clock.now() + 15 * 60_000);
    });

    it('checks a code only against the number it was sent to (two phone changes at once)', async () => {
      await lastCode('phone_change', '+31612345601');
      const second = await lastCode('phone_change', '+31612345602'); // replaces the first: one live code per purpose
      expect(await check('phone_change', { kind: 'sms', code: second, phone: '+31612345601' })).to.deep.equal({ status: 'failed', reason: 'missing' });
      expect((await check('phone_change', { kind: 'sms', code: second, phone: '+31612345602' })).status).to.equal('ok');
    });

    it('gives the place back when there is no live code: nothing could be guessed, so nothing locks', async () => {
      const results: SecondFactorResult[] = [];
      for (let i = 0; i < 25; i += 1) results.push(await check('sign_in', { kind: 'sms', code: '123456', phone: PHONE }));
      expect(new Set(statuses(results))).to.deep.equal(new Set(['failed']));
      expect(await secondFactor.lockedUntil(userId)).to.equal(null);
      expect(await events('second_step_failed')).to.have.length(0);
    });
  });

  describe('recovery codes', () => {
    let recoveryCodes: string[];
    beforeEach(async () => {
      recoveryCodes = stores.recoveryCodes.generate();
      await stores.twoFactor.enableSms(userId, PHONE, recoveryCodes);
    });

    it('uses a code once and announces what is left', async () => {
      expect(await check('sign_in', { kind: 'recovery', code: recoveryCodes[0]! })).to.deep.equal({ status: 'ok', recoveryCodesLeft: 9 });
      expect(await check('confirm', { kind: 'recovery', code: recoveryCodes[0]! })).to.deep.equal({ status: 'failed', reason: 'wrong_recovery_code' });
      expect((await messages('recovery_code_used')).map((m) => m.params.remaining)).to.deep.equal([9]);
    });

    it(`checks at most ${LIMIT} of 30 parallel codes: a valid code after 29 wrong ones is refused`, async () => {
      const burst = Array.from({ length: 30 }, (_, i) => (i === 29 ? recoveryCodes[3]! : `${String(1_000_000_000 + i)}`));
      const results = await Promise.all(burst.map((code) => check('sign_in', { kind: 'recovery', code })));
      expect(count.recoveryChecks, 'recovery codes checked').to.be.at.most(LIMIT);
      expect(count.recoveryVerifies, 'slow hashes computed').to.be.at.most(LIMIT * recoveryCodes.length);
      expect(results[29]!.status).to.equal('locked');
      expect(await stores.recoveryCodes.countRemaining(userId), 'the valid code is still unused').to.equal(10);
    });

    it('is refused where a new method is proved, not an existing one', async () => {
      const error = await check('setup', { kind: 'recovery', code: recoveryCodes[0]! }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(Error);
      expect(count.recoveryChecks).to.equal(0);
    });
  });

  it('starts the failure count afresh when two-step is turned on or off', async () => {
    await stores.twoFactor.enableTotp(userId, box.seal(SECRET), []);
    await Promise.all(Array.from({ length: LIMIT }, () => check('sign_in', { kind: 'app', code: wrongAppCode(SECRET, clock.now()) })));
    expect(await secondFactor.lockedUntil(userId)).to.not.equal(null);
    await stores.twoFactor.disable(userId);
    expect(await secondFactor.lockedUntil(userId)).to.equal(null);
  });
});
