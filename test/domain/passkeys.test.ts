import { expect } from 'chai';
import { createPasskeyCeremonies, type PasskeyCeremonies } from '../../src/domain/passkey-ceremonies';
import { createPasskeyStore, DuplicatePasskeyError, type PasskeyStore } from '../../src/domain/passkeys';
import { cryptoRandom } from '../../src/domain/random';
import { createUserStore } from '../../src/domain/users';
import type { Database } from '../../src/infra/database';
import { TestClock } from '../support/clock';
import { closeTestDatabase, openTestDatabase } from '../support/test-database';
import { SoftAuthenticator } from '../support/webauthn-authenticator';

const ORIGIN = 'http://localhost:3000';
const RP = { rpId: 'localhost', origin: ORIGIN, rpName: 'Karify' };

/** The passkey store and the WebAuthn ceremonies, with real attestations and assertions (node:crypto). */
describe('passkeys: store and ceremonies', () => {
  let db: Database;
  let clock: TestClock;
  let store: PasskeyStore;
  let ceremonies: PasskeyCeremonies;
  let anna: { id: number; email: string; name: string };
  let bert: { id: number; email: string; name: string };

  beforeEach(async () => {
    db = await openTestDatabase();
    clock = new TestClock();
    store = createPasskeyStore(db, clock);
    ceremonies = createPasskeyCeremonies({ store, rp: RP, random: cryptoRandom, clock });
    const users = createUserStore(db, clock);
    anna = await users.create({ email: 'anna@example.nl', name: 'Anna', passwordHash: 'x' });
    bert = await users.create({ email: 'bert@example.nl', name: 'Bert', passwordHash: 'x' });
  });
  afterEach(() => closeTestDatabase(db));

  /** Registers a passkey for `user` on `authenticator` and stores it. */
  async function register(user: typeof anna, authenticator: SoftAuthenticator, name = 'iPhone') {
    const { options, userHandle } = await ceremonies.registrationOptions(user);
    const checked = await ceremonies.verifyRegistration(authenticator.create(options), options.challenge, userHandle);
    if (!checked.ok) throw new Error(`registration refused: ${checked.refusal}`);
    return store.add(user.id, name, checked.value);
  }

  async function assertion(authenticator: SoftAuthenticator, overrides = {}) {
    const options = await ceremonies.authenticationOptions();
    return { response: authenticator.get(options, overrides), challenge: options.challenge };
  }

  describe('registration', () => {
    it('asks for a discoverable passkey with user verification, and excludes the ones the patient has', async () => {
      const first = await ceremonies.registrationOptions(anna);
      expect(first.options.authenticatorSelection).to.include({ residentKey: 'required', userVerification: 'required' });
      expect(first.options.rp).to.deep.equal({ name: 'Karify', id: 'localhost' });
      expect(first.options.timeout).to.equal(5 * 60_000);
      expect(first.options.excludeCredentials).to.deep.equal([]);
      expect(first.options.user.id, 'the handle is random, not the id or e-mail').to.equal(first.userHandle).and.not.include('anna');
      const passkey = await register(anna, new SoftAuthenticator({ origin: ORIGIN }));
      const second = await ceremonies.registrationOptions(anna);
      expect(second.userHandle, 'one handle per patient').to.equal(passkey.userHandle);
      expect(second.options.excludeCredentials!.map((c) => c.id)).to.deep.equal([passkey.credentialId]);
      expect((await ceremonies.registrationOptions(bert)).userHandle).not.to.equal(passkey.userHandle);
    });

    it('stores the credential, its public key, counter, transports and backup flags', async () => {
      const passkey = await register(anna, new SoftAuthenticator({ origin: ORIGIN, backupEligible: true }), 'iPhone van Anna');
      expect(passkey).to.include({ userId: anna.id, name: 'iPhone van Anna', counter: 0, backupEligible: true, backedUp: true, lastUsedAt: null });
      expect(passkey.transports).to.deep.equal(['internal']);
      expect(passkey.publicKey).to.match(/^[A-Za-z0-9_-]{40,}$/);
      expect(passkey.createdAt).to.equal(clock.now());
    });

    it('refuses another origin, another RP id, no user verification, another challenge, and a challenge used before', async () => {
      const tries: Array<[string, object, string]> = [
        ['origin', { origin: 'https://karify-inloggen.example' }, 'wrong_origin'],
        ['rp id', { rpId: 'example.com' }, 'wrong_rp_id'],
        ['user verification', { userVerified: false }, 'no_user_verification'],
        ['challenge', { challenge: 'c29tZXRoaW5nLWVsc2U' }, 'invalid'],
      ];
      for (const [what, overrides, refusal] of tries) {
        const { options, userHandle } = await ceremonies.registrationOptions(anna);
        const checked = await ceremonies.verifyRegistration(new SoftAuthenticator({ origin: ORIGIN }).create(options, overrides), options.challenge, userHandle);
        expect(checked, what).to.deep.equal({ ok: false, refusal });
      }
      const { options, userHandle } = await ceremonies.registrationOptions(anna);
      const response = new SoftAuthenticator({ origin: ORIGIN }).create(options);
      expect((await ceremonies.verifyRegistration(response, options.challenge, userHandle)).ok).to.equal(true);
      expect(await ceremonies.verifyRegistration(response, options.challenge, userHandle)).to.deep.equal({ ok: false, refusal: 'replayed' });
      expect(await store.countForUser(anna.id)).to.equal(0);
    });

    it('keeps a credential with one patient', async () => {
      const authenticator = new SoftAuthenticator({ origin: ORIGIN });
      const { options, userHandle } = await ceremonies.registrationOptions(anna);
      const checked = await ceremonies.verifyRegistration(authenticator.create(options), options.challenge, userHandle);
      if (!checked.ok) throw new Error('refused');
      await store.add(anna.id, 'one', checked.value);
      let error: unknown;
      await store.add(bert.id, 'same', checked.value).catch((err: unknown) => (error = err));
      expect(error).to.be.instanceOf(DuplicatePasskeyError);
      expect(await store.countForUser(bert.id)).to.equal(0);
    });
  });

  describe('assertions', () => {
    it('accepts the patient\'s passkey once per challenge, and hands back the new counter', async () => {
      const authenticator = new SoftAuthenticator({ origin: ORIGIN });
      const passkey = await register(anna, authenticator);
      const { response, challenge } = await assertion(authenticator);
      const checked = await ceremonies.verifyAssertion(anna.id, response, challenge);
      expect(checked.ok).to.equal(true);
      if (checked.ok) expect(checked.value).to.deep.include({ counter: 1, backedUp: false }).and.have.nested.property('passkey.id', passkey.id);
      expect(await ceremonies.verifyAssertion(anna.id, response, challenge), 'replayed').to.deep.equal({ ok: false, refusal: 'replayed' });
    });

    it('refuses another origin, another RP id, no user verification, another patient and a lower counter', async () => {
      const authenticator = new SoftAuthenticator({ origin: ORIGIN });
      const passkey = await register(anna, authenticator);
      const tries: Array<[string, number, object, string]> = [
        ['origin', anna.id, { origin: 'https://karify-inloggen.example' }, 'wrong_origin'],
        ['rp id', anna.id, { rpId: 'example.com' }, 'wrong_rp_id'],
        ['user verification', anna.id, { userVerified: false }, 'no_user_verification'],
        ['other patient', bert.id, {}, 'unknown_credential'],
        ['unknown credential', anna.id, { credentialId: 'bm90LWEtY3JlZGVudGlhbA' }, 'unknown_credential'],
      ];
      for (const [what, userId, overrides, refusal] of tries) {
        const { response, challenge } = await assertion(authenticator, overrides);
        expect(await ceremonies.verifyAssertion(userId, response, challenge), what).to.deep.equal({ ok: false, refusal });
      }
      await store.claimCounter(passkey.id, 10);
      const { response, challenge } = await assertion(authenticator, { counter: 10 });
      expect(await ceremonies.verifyAssertion(anna.id, response, challenge), 'counter not above the stored one').to.deep.equal({ ok: false, refusal: 'counter' });
    });

    it('refuses an answer whose user handle is not the one kept with the passkey', async () => {
      const authenticator = new SoftAuthenticator({ origin: ORIGIN });
      await register(anna, authenticator);
      await register(bert, new SoftAuthenticator({ origin: ORIGIN }));
      const bertsHandle = (await store.listForUser(bert.id))[0]!.userHandle;
      const { response, challenge } = await assertion(authenticator);
      const answer = { ...response, response: { ...response.response, userHandle: bertsHandle } };
      expect(await ceremonies.verifyAssertion(anna.id, answer, challenge)).to.deep.equal({ ok: false, refusal: 'unknown_credential' });
    });

    it('records a use: when and the backup state', async () => {
      const passkey = await register(anna, new SoftAuthenticator({ origin: ORIGIN }));
      clock.advanceMinutes(3);
      await store.recordUse(passkey.id, true);
      expect(await store.findForUser(anna.id, passkey.id)).to.deep.include({ backedUp: true, lastUsedAt: clock.now() });
    });

    it('moves the counter up only, for one of the uses that bring the same counter at once', async () => {
      const passkey = await register(anna, new SoftAuthenticator({ origin: ORIGIN }));
      const claims = await Promise.all(Array.from({ length: 8 }, () => store.claimCounter(passkey.id, 7)));
      expect(claims.filter(Boolean), 'one of eight at once').to.have.length(1);
      expect(await store.claimCounter(passkey.id, 5), 'a lower counter').to.equal(false);
      expect(await store.findForUser(anna.id, passkey.id)).to.deep.include({ counter: 7 });
    });

    it('accepts one of two signatures with the same counter checked at once (a cloned authenticator)', async () => {
      const authenticator = new SoftAuthenticator({ origin: ORIGIN });
      await register(anna, authenticator);
      const answers = await Promise.all([assertion(authenticator, { counter: 4 }), assertion(authenticator, { counter: 4 })]);
      const checked = await Promise.all(answers.map(({ response, challenge }) => ceremonies.verifyAssertion(anna.id, response, challenge)));
      expect(checked.map((c) => (c.ok ? 'ok' : c.refusal)).sort()).to.deep.equal(['counter', 'ok']);
    });

    it('lets a database that fails while the counter is claimed fail as an outage, not as a wrong passkey', async () => {
      const authenticator = new SoftAuthenticator({ origin: ORIGIN });
      await register(anna, authenticator);
      const busy = Object.assign(new Error('SQLITE_BUSY: database is locked'), { code: 'SQLITE_BUSY' });
      const failing = createPasskeyCeremonies({ store: { ...store, claimCounter: () => Promise.reject(busy) }, rp: RP, random: cryptoRandom, clock });
      const { response, challenge } = await assertion(authenticator);
      await failing.verifyAssertion(anna.id, response, challenge).then(
        (checked) => expect.fail(`answered ${JSON.stringify(checked)}`),
        (err: Error) => expect(err).to.equal(busy),
      );
    });

    it('accepts authenticators without a counter (always 0), as synced passkeys are', async () => {
      const authenticator = new SoftAuthenticator({ origin: ORIGIN, counts: false });
      await register(anna, authenticator);
      for (let i = 0; i < 2; i += 1) {
        const { response, challenge } = await assertion(authenticator);
        expect((await ceremonies.verifyAssertion(anna.id, response, challenge)).ok).to.equal(true);
      }
    });
  });

  describe('challenges', () => {
    it('are claimed once, however many requests bring the same one at the same time', async () => {
      const results = await Promise.all(Array.from({ length: 60 }, () => store.claimChallenge('c2FtZS1jaGFsbGVuZ2U', clock.now() + 300_000)));
      expect(results.filter(Boolean)).to.have.length(1);
    });

    it('are forgotten once they have expired, so the table stays small', async () => {
      await store.claimChallenge('b2xk', clock.now() + 300_000);
      clock.advanceMinutes(6);
      await store.claimChallenge('bmV3', clock.now() + 300_000);
      expect(await db('passkey_challenges').pluck('challenge')).to.deep.equal(['bmV3']);
    });
  });
});
