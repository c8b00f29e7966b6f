import { expect } from 'chai';
import { cryptoRandom } from '../../src/domain/random';
import { createRecoveryCodes, type RecoveryCodes } from '../../src/domain/recovery-codes';
import { createSecondStepLockout } from '../../src/domain/second-step-lockout';
import { createTwoFactorStore as createStore, TwoFactorOffError, UnknownUserError, type TwoFactorStoreDeps } from '../../src/domain/two-factor';
import { createVerificationCodes } from '../../src/domain/verification-codes';
import type { Database } from '../../src/infra/database';
import { closeTestDatabase, openTestDatabase } from '../support/test-database';
import { TestClock } from '../support/clock';
import { twoFactorRow } from '../support/two-factor-row';

describe('two-factor store', () => {
  const createTwoFactorStore = (deps: Omit<TwoFactorStoreDeps, 'lockout'>) =>
    createStore({ ...deps, lockout: createSecondStepLockout({ db, clock, settings: { maxConsecutiveFailures: 10, lockMinutes: 15 } }) });
  const failures = async () => (await db('second_step_lockouts').where({ user_id: userId }).first())?.failures ?? 0;
  let db: Database;
  let clock: TestClock;
  let recovery: RecoveryCodes;
  let userId: number;
  beforeEach(async () => {
    db = await openTestDatabase();
    clock = new TestClock();
    // A fast stand-in for argon2: the store's behaviour, not the hash, is under test here.
    recovery = createRecoveryCodes({
      db, clock, random: cryptoRandom,
      hashCode: async (code) => `h:${[...code].reverse().join('')}`,
      verifyCode: async (hash, code) => hash === `h:${[...code].reverse().join('')}`,
    });
    const [row] = await db('users')
      .insert({ email: 'a@example.nl', name: 'A', password_hash: 'x', created_at: 0, updated_at: 0 })
      .returning('id');
    userId = (row as { id: number }).id;
    await db('second_step_lockouts').insert({ user_id: userId, failures: 4 });
  });
  afterEach(() => closeTestDatabase(db));

  it('reports two-step off for a new user', async () => {
    const store = createTwoFactorStore({ db, clock, recoveryCodes: recovery });
    expect(await store.status(userId)).to.deep.equal({ enabled: false });
  });

  it('turns SMS on with its recovery codes, and reports how many codes are left', async () => {
    const store = createTwoFactorStore({ db, clock, recoveryCodes: recovery });
    const codes = recovery.generate();
    await store.enableSms(userId, '+31612345678', codes);
    await recovery.consume(userId, codes[0]!);
    expect(await store.status(userId)).to.deep.equal({
      enabled: true, method: 'sms', phone: '+31612345678', enabledAt: clock.now(), recoveryCodesLeft: 9,
    });
    expect(await failures(), 'the failure count starts afresh').to.equal(0);
  });

  it('changes nothing when storing the recovery codes fails (one transaction)', async () => {
    const failing: RecoveryCodes = {
      ...recovery,
      async replaceForUser(trx, id, hashes) {
        await recovery.replaceForUser(trx, id, hashes);
        throw new Error('disk full');
      },
    };
    const store = createTwoFactorStore({ db, clock, recoveryCodes: failing });
    let error: unknown;
    await store.enableSms(userId, '+31612345678', recovery.generate()).catch((e) => (error = e));
    expect((error as Error).message).to.equal('disk full');
    expect(await store.status(userId)).to.deep.equal({ enabled: false });
    expect(await recovery.countRemaining(userId)).to.equal(0);
    expect(await failures()).to.equal(4);
  });

  it('refuses to enable two-step for a user that does not exist, storing no codes', async () => {
    const store = createTwoFactorStore({ db, clock, recoveryCodes: recovery });
    let error: unknown;
    await store.enableSms(userId + 99, '+31612345678', recovery.generate()).catch((e) => (error = e));
    expect(error).to.be.instanceOf(UnknownUserError);
    expect(Number((await db('recovery_codes').count({ n: '*' }).first())?.n)).to.equal(0);
  });

  it('turns two-step off and removes recovery and verification codes', async () => {
    const store = createTwoFactorStore({ db, clock, recoveryCodes: recovery });
    const verification = createVerificationCodes({ db, clock, random: cryptoRandom, hashKey: Buffer.alloc(32), ttlMs: 600_000, maxAttempts: 5 });
    await store.enableSms(userId, '+31612345678', recovery.generate());
    const code = await verification.issue(userId, 'confirm', '+31612345678');
    await store.disable(userId);
    expect(await store.status(userId)).to.deep.equal({ enabled: false });
    expect(await recovery.countRemaining(userId)).to.equal(0);
    expect(await verification.verify(userId, 'confirm', code, '+31612345678')).to.equal('missing');
    const user = await twoFactorRow(db, userId);
    expect([user.two_factor_phone, user.two_factor_enabled_at]).to.deep.equal([null, null]);
  });

  it('tells whether two-step was on when turning it off: of two calls at once, one', async () => {
    const store = createTwoFactorStore({ db, clock, recoveryCodes: recovery });
    expect(await store.disable(userId), 'off already').to.equal(false);
    for (let round = 0; round < 5; round += 1) {
      await store.enableSms(userId, '+31612345678', recovery.generate());
      const results = await Promise.all([store.disable(userId), store.disable(userId)]);
      expect(results.filter(Boolean), `round ${round}`).to.have.length(1);
    }
  });

  it('renews recovery codes only while two-step is on, and two renewals at once leave one set of 10', async () => {
    const store = createTwoFactorStore({ db, clock, recoveryCodes: recovery });
    let error: unknown;
    await store.replaceRecoveryCodes(userId, recovery.generate()).catch((e) => (error = e));
    expect(error, 'two-step is off').to.be.instanceOf(TwoFactorOffError);
    expect(await recovery.countRemaining(userId)).to.equal(0);

    await store.enableSms(userId, '+31612345678', recovery.generate());
    for (let round = 0; round < 5; round += 1) {
      const sets = [recovery.generate(), recovery.generate()];
      await Promise.all(sets.map((codes) => store.replaceRecoveryCodes(userId, codes)));
      expect(await recovery.countRemaining(userId), `round ${round}`).to.equal(10);
      // Exactly one of the two sets works: the one that was stored last.
      const working = await Promise.all(sets.map((codes) => recovery.consume(userId, codes[0]!)));
      expect(working.filter(Boolean), `round ${round}`).to.have.length(1);
    }
  });

  it('changes the number only while SMS is the method: off, or the app, is refused and nothing changes', async () => {
    const store = createTwoFactorStore({ db, clock, recoveryCodes: recovery });
    const refused = async (work: Promise<void>) => work.then(() => undefined, (e: unknown) => e);
    expect(await refused(store.changePhone(userId, '+31687654321')), 'two-step off').to.be.instanceOf(TwoFactorOffError);
    expect(await store.status(userId)).to.deep.equal({ enabled: false });

    await store.enableTotp(userId, 'sealed-secret', recovery.generate());
    expect(await refused(store.changePhone(userId, '+31687654321')), 'the app').to.be.instanceOf(TwoFactorOffError);
    expect(await store.status(userId)).to.include({ method: 'totp', phone: null });

    await store.switchToSms(userId, '+31612345678');
    await store.changePhone(userId, '+31687654321');
    expect(await store.status(userId)).to.include({ method: 'sms', phone: '+31687654321' });
  });
});
