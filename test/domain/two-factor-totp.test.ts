import crypto from 'node:crypto';
import { expect } from 'chai';
import { cryptoRandom } from '../../src/domain/random';
import { createRecoveryCodes, type RecoveryCodes } from '../../src/domain/recovery-codes';
import { createSecondStepLockout } from '../../src/domain/second-step-lockout';
import { createSecretBox, type SecretBox } from '../../src/domain/secret-box';
import { createTwoFactorStore, TwoFactorOffError, type TwoFactorStore } from '../../src/domain/two-factor';
import type { Database } from '../../src/infra/database';
import { TestClock } from '../support/clock';
import { closeTestDatabase, openTestDatabase } from '../support/test-database';
import { twoFactorRow } from '../support/two-factor-row';

const SECRET = 'AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT';

describe('two-factor store with the authenticator app', () => {
  let db: Database;
  let clock: TestClock;
  let recovery: RecoveryCodes;
  let store: TwoFactorStore;
  let box: SecretBox;
  let userId: number;

  beforeEach(async () => {
    db = await openTestDatabase();
    clock = new TestClock();
    recovery = createRecoveryCodes({
      db, clock, random: cryptoRandom,
      hashCode: async (code) => `h:${code}`,
      verifyCode: async (hash, code) => hash === `h:${code}`,
    });
    const lockout = createSecondStepLockout({ db, clock, settings: { maxConsecutiveFailures: 3, lockMinutes: 15 } });
    store = createTwoFactorStore({ db, clock, recoveryCodes: recovery, lockout });
    box = createSecretBox(crypto.randomBytes(32));
    const [row] = await db('users').insert({ email: 'a@example.nl', name: 'A', password_hash: 'x', created_at: 0, updated_at: 0 }).returning('id');
    userId = (row as { id: number }).id;
  });
  afterEach(() => closeTestDatabase(db));

  const user = () => twoFactorRow(db, userId);

  it('turns the app on with the encrypted secret, its recovery codes and the verified step', async () => {
    const codes = recovery.generate();
    await store.enableTotp(userId, box.seal(SECRET), codes, 1234);
    expect(await store.status(userId)).to.deep.equal({ enabled: true, method: 'totp', phone: null, enabledAt: clock.now(), recoveryCodesLeft: 10 });
    const row = await user();
    expect(row.totp_secret_encrypted).to.match(/^v1\./).and.not.include(SECRET);
    expect(box.open(row.totp_secret_encrypted)).to.equal(SECRET);
    expect(Number(row.totp_last_step)).to.equal(1234);
  });

  it('switches between SMS and the app, keeping the recovery codes and clearing the other method', async () => {
    const codes = recovery.generate();
    await store.enableSms(userId, '+31612345678', codes);
    const before = await db('recovery_codes').where({ user_id: userId }).orderBy('id');
    await store.switchToTotp(userId, box.seal(SECRET), 77);
    let row = await user();
    expect([row.two_factor_method, row.two_factor_phone, Number(row.totp_last_step)]).to.deep.equal(['totp', null, 77]);
    await store.switchToSms(userId, '+31687654321');
    row = await user();
    expect([row.two_factor_method, row.two_factor_phone, row.totp_secret_encrypted, row.totp_last_step]).to.deep.equal(['sms', '+31687654321', null, null]);
    expect(await db('recovery_codes').where({ user_id: userId }).orderBy('id')).to.deep.equal(before);
    expect(await recovery.consume(userId, codes[0]!)).to.equal(true);
  });

  it('does not switch a user whose two-step is off', async () => {
    let error: unknown;
    await store.switchToTotp(userId, box.seal(SECRET)).catch((e) => (error = e));
    expect(error).to.be.instanceOf(TwoFactorOffError);
    expect((await user()).two_factor_method).to.equal(null);
  });

  it('claims each time step once, only forward, and only once under concurrent use', async () => {
    await store.enableTotp(userId, box.seal(SECRET), []);
    expect(await store.claimTotpStep(userId, 10)).to.equal(true);
    expect(await store.claimTotpStep(userId, 10)).to.equal(false);
    expect(await store.claimTotpStep(userId, 9)).to.equal(false);
    expect(await store.claimTotpStep(userId, 11)).to.equal(true);
    const results = await Promise.all([12, 12, 12, 12].map((s) => store.claimTotpStep(userId, s)));
    expect(results.filter(Boolean)).to.have.length(1);
  });

  it('clears the secret when two-step is turned off', async () => {
    await store.enableTotp(userId, box.seal(SECRET), recovery.generate(), 5);
    await store.disable(userId);
    const row = await user();
    expect([row.two_factor_method, row.totp_secret_encrypted, row.totp_last_step]).to.deep.equal([null, null, null]);
    expect(await store.encryptedTotpSecret(userId)).to.equal(null);
  });
});
