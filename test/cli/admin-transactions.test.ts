import { expect } from 'chai';
import { CommandFailure } from '../../src/cli/args';
import type { CommandEnv } from '../../src/cli/command';
import { resetTwoFactor } from '../../src/cli/two-factor-commands';
import { createUser, disableUser, resetPassword } from '../../src/cli/user-commands';
import type { AccountStores } from '../../src/domain/account-stores';
import { createSecurityNotifier } from '../../src/domain/security-notifier';
import type { Services } from '../../src/services';
import { authenticatorFor, registerPasskey } from '../support/passkeys';
import { startTestRuntime, TestRuntime } from '../support/runtime';
import { TEST_DATABASE } from '../support/test-database';

/**
 * The admin commands run in this process, on the database under test (SQLite; PostgreSQL with
 * TEST_DATABASE=postgres), with their dependencies given by the test: a write that fails part-way
 * must leave the account exactly as it was (issue 7).
 */

class InjectedFailure extends Error {
  constructor() {
    super('injected failure');
  }
}

const fail = async (): Promise<never> => {
  throw new InjectedFailure();
};

/** The services, with every transaction's stores passed through `swap` (to put a failing one in). */
function withStoresSwapped(services: Services, swap: (stores: AccountStores) => AccountStores): Services {
  return { ...services, inTransaction: (work) => services.inTransaction((stores) => work(swap(stores))) };
}

const REASON = 'Lost phone; passport checked at the desk by Anna';
const PHONE = '+31612345678';
const PASSWORD = 'paarse-olifant-wandelt';

describe(`admin commands in one transaction on ${TEST_DATABASE} (issue 7)`, function () {
  this.timeout(30_000);
  let rt: TestRuntime;
  let output: string[];
  beforeEach(async () => {
    rt = await startTestRuntime();
    output = [];
  });
  afterEach(() => rt.close());

  const env = (services: Services = rt.services): CommandEnv => ({
    services: async () => services,
    timeZone: 'Europe/Amsterdam',
    siteOrigin: 'http://localhost:3000',
    twoFactorRequired: false,
    staffOneTimePasswordDays: 7,
    patientOneTimePasswordDays: 7,
    print: (text) => output.push(text),
    readNewPassword: async () => PASSWORD,
  });

  const failure = async (pending: Promise<unknown>): Promise<unknown> => {
    try {
      await pending;
    } catch (err) {
      return err;
    }
    throw new Error('expected the command to fail');
  };

  describe('reset-two-factor', () => {
    async function patientWithSms() {
      const patient = await rt.createPatient({ email: 'cas@example.nl' });
      await rt.services.twoFactor.enableSms(patient.id, PHONE, rt.services.recoveryCodes.generate());
      await rt.services.verificationCodes.issue(patient.id, 'sign_in', PHONE); // a code on its way
      await registerPasskey(rt, patient, authenticatorFor(rt)); // and a passkey besides
      return (await rt.services.users.findById(patient.id))!;
    }

    /** Everything the reset changes, to compare before and after. */
    async function accountState(userId: number) {
      const { services } = rt;
      return {
        twoFactor: await services.twoFactor.status(userId),
        recoveryCodes: await services.recoveryCodes.countRemaining(userId),
        pendingSmsCode: (await services.verificationCodes.liveCode(userId, 'sign_in'))?.phone ?? null,
        passkeys: await services.passkeys.countForUser(userId),
        sessionGeneration: (await services.users.findById(userId))!.sessionGeneration,
        events: (await services.audit.listForUser(userId)).map((event) => event.type),
        messages: (await services.messages.listForUser(userId)).map((message) => message.kind),
        mails: (await services.mailOutbox.list({ limit: 50 })).filter((mail) => mail.userId === userId).map((mail) => mail.kind),
      };
    }

    const reset = (services?: Services) => resetTwoFactor.run({ email: 'cas@example.nl', reason: REASON }, env(services));

    const failingWrites: Array<[string, (stores: AccountStores) => AccountStores]> = [
      ['signing them out everywhere', (s) => ({ ...s, users: { ...s.users, bumpSessionGeneration: fail } })],
      ['the activity log record', (s) => ({ ...s, notifier: createSecurityNotifier({ audit: { ...s.audit, record: fail }, messages: s.messages, alerts: s.alerts }) })],
      ['the message in Berichten', (s) => ({ ...s, notifier: createSecurityNotifier({ audit: s.audit, messages: { ...s.messages, post: fail }, alerts: s.alerts }) })],
      ['the e-mail alert (the last write)', (s) => ({ ...s, notifier: createSecurityNotifier({ audit: s.audit, messages: s.messages, alerts: { ...s.alerts, queue: fail } }) })],
    ];

    for (const [write, swap] of failingWrites) {
      it(`changes nothing when ${write} fails`, async () => {
        const patient = await patientWithSms();
        const before = await accountState(patient.id);
        expect(before.twoFactor.enabled).to.equal(true);

        expect(await failure(reset(withStoresSwapped(rt.services, swap)))).to.be.instanceOf(InjectedFailure);

        expect(await accountState(patient.id)).to.deep.equal(before);
        expect(output, 'no success message').to.deep.equal([]);
      });
    }

    it('does all of it when nothing fails', async () => {
      const patient = await patientWithSms();
      const before = await accountState(patient.id);
      await reset();
      expect(await accountState(patient.id)).to.deep.equal({
        twoFactor: { enabled: false },
        recoveryCodes: 0,
        pendingSmsCode: null,
        passkeys: 0,
        sessionGeneration: before.sessionGeneration + 1,
        events: ['two_factor_reset_by_clinic', ...before.events],
        messages: ['two_factor_reset_by_clinic', ...before.messages],
        mails: ['two_factor_reset_by_clinic', ...before.mails],
      });
      expect(output.join('\n')).to.include('Turned off two-step sign-in for cas@example.nl');
    });

    it('resets once when two desk employees reset the same patient at the same moment', async () => {
      const patient = await patientWithSms();
      const before = await accountState(patient.id);
      await Promise.all([reset(), reset()]); // the second finds nothing to do: not a failure

      expect(output.filter((text) => text.startsWith('Turned off two-step sign-in for cas@example.nl'))).to.have.length(1);
      expect(output.filter((text) => text === 'cas@example.nl does not have two-step sign-in turned on; nothing changed.')).to.have.length(1);
      const after = await accountState(patient.id);
      expect(after.sessionGeneration).to.equal(before.sessionGeneration + 1);
      expect(after.events.filter((type) => type === 'two_factor_reset_by_clinic')).to.have.length(1);
      expect(after.messages.filter((kind) => kind === 'two_factor_reset_by_clinic')).to.have.length(1);
    });
  });

  describe('create-user and disable-user', () => {
    const failingAudit = (s: AccountStores): AccountStores => ({ ...s, audit: { ...s.audit, record: fail } });

    it('creates no patient when recording the creation fails', async () => {
      const services = withStoresSwapped(rt.services, failingAudit);
      expect(await failure(createUser.run({ email: 'bea@example.nl', name: 'Bea Test' }, env(services)))).to.be.instanceOf(InjectedFailure);
      expect(await rt.services.users.findByEmail('bea@example.nl')).to.equal(undefined);

      await createUser.run({ email: 'bea@example.nl', name: 'Bea Test' }, env());
      const user = await rt.services.users.findByEmail('bea@example.nl');
      expect((await rt.services.audit.listForUser(user!.id)).map((e) => e.type)).to.deep.equal(['account_created']);
    });

    it('leaves the patient enabled when recording the change fails', async () => {
      const patient = await rt.createPatient({ email: 'cas@example.nl' });
      const services = withStoresSwapped(rt.services, (s) => ({ ...s, notifier: { ...s.notifier, notify: fail } }));
      expect(await failure(disableUser.run({ email: 'cas@example.nl', reason: 'Op verzoek' }, env(services)))).to.be.instanceOf(InjectedFailure);
      expect((await rt.services.users.findById(patient.id))!.disabled).to.equal(false);
      expect(await rt.services.audit.listForUser(patient.id)).to.deep.equal([]);
    });

    it('leaves the patient enabled, with no record, when the Logboek line cannot be written', async () => {
      const patient = await rt.createPatient({ email: 'cas@example.nl' });
      const services = withStoresSwapped(rt.services, (s) => ({ ...s, staffAudit: { ...s.staffAudit, record: fail } }));
      expect(await failure(disableUser.run({ email: 'cas@example.nl', reason: 'Op verzoek' }, env(services)))).to.be.instanceOf(InjectedFailure);
      expect((await rt.services.users.findById(patient.id))!.disabled).to.equal(false);
      expect(await rt.services.audit.listForUser(patient.id)).to.deep.equal([]);
      expect(await rt.services.messages.listForUser(patient.id)).to.deep.equal([]);
    });
  });

  describe('reset-password', () => {
    it('changes nothing, and says so, when the patient is disabled while their password is being hashed', async () => {
      const patient = await rt.createPatient({ email: 'cas@example.nl' });
      const { hasher } = rt.services;
      const disabledMeanwhile = async (password: string) => {
        const hash = await hasher.hash(password);
        await rt.services.users.setDisabled(patient.id, true); // a desk employee, between the check and the write
        return hash;
      };
      const services = { ...rt.services, hasher: { ...hasher, hash: disabledMeanwhile } };
      const refused = await failure(resetPassword.run({ email: 'cas@example.nl', reason: REASON }, env(services)));
      expect(refused).to.be.instanceOf(CommandFailure);
      expect((refused as Error).message).to.include('cas@example.nl is disabled');
      expect(output, 'no word of a temporary password').to.deep.equal([]);
      const after = (await rt.services.users.findById(patient.id))!;
      expect(after).to.deep.include({ oneTimePasswordUntil: null, passwordHash: patient.passwordHash });
      expect((await rt.services.audit.listForUser(patient.id)).map((e) => e.type)).to.not.include('password_reset_by_clinic');
    });
  });
});
