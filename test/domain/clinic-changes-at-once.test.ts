import { expect } from 'chai';
import { givePatientOneTimePassword, resetTwoFactor, setPatientDisabled } from '../../src/domain/clinic-actions';
import type { NewPasskey } from '../../src/domain/passkeys';
import { resetStaffTwoFactor } from '../../src/domain/staff-admin';
import { createStaffMember } from '../support/desk';
import { startTestRuntime, type TestRuntime } from '../support/runtime';
import { TEST_DATABASE } from '../support/test-database';

let keys = 0;
const newPasskey = (): NewPasskey => {
  keys += 1;
  return { credentialId: `credential-${keys}`, publicKey: 'public-key', counter: 0, transports: [], backupEligible: false, backedUp: false, userHandle: `handle-${keys}` };
};

/** A promise to wait on, and the function that lets it go on. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`a two-step reset while a passkey is being added, on ${TEST_DATABASE}`, () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  const reason = { staffId: null, origin: {}, reason: 'lost phone and codes' };

  it("removes the patient's passkey that was being added, and neither ends in a deadlock", async () => {
    const patient = await rt.createPatient();
    expect(await rt.services.twoFactor.enablePasskey(patient.id, ['hash']), 'a first passkey in one tab').to.equal(true);
    await rt.services.passkeys.add(patient.id, 'Laptop', newPasskey());

    // A second tab, whose page still said two-step was off, adds a passkey as the passkeys page does.
    const locked = gate();
    const held = gate();
    const secondTab = rt.services.inTransaction(async (stores) => {
      await stores.users.lockForChange(patient.id);
      locked.open();
      await held.wait;
      await stores.twoFactor.enablePasskey(patient.id, ['other hash']);
      await stores.passkeys.add(patient.id, 'Telefoon', newPasskey());
    });
    await locked.wait;
    const reset = rt.services.inTransaction((stores) => resetTwoFactor(stores, patient.id, reason));
    await pause(200); // for the reset to reach the account row and wait there
    held.open();

    const outcomes = await Promise.allSettled([secondTab, reset]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).to.deep.equal(['ok', 'ok']);
    expect((await rt.services.twoFactor.status(patient.id)).enabled, 'two-step').to.equal(false);
    expect(await rt.services.passkeys.countForUser(patient.id), 'passkeys left').to.equal(0);
  });

  it("removes a staff member's passkey that was being added", async () => {
    const member = await createStaffMember(rt);
    const locked = gate();
    const held = gate();
    const adding = rt.services.inTransaction(async (stores) => {
      await stores.staff.lockForChange(member.id);
      await stores.staffPasskeys.add(member.id, 'Laptop', newPasskey());
      locked.open();
      await held.wait;
    });
    await locked.wait;
    const reset = rt.services.inTransaction((stores) => resetStaffTwoFactor(stores, member.id, { staffId: null, origin: {} }));
    await pause(200); // for the reset to reach the account row and wait there
    held.open();

    const outcomes = await Promise.allSettled([adding, reset]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).to.deep.equal(['ok', 'ok']);
    expect(await rt.services.staffPasskeys.countForUser(member.id), 'passkeys left').to.equal(0);
  });
});

describe(`a temporary password while the patient is being disabled, on ${TEST_DATABASE}`, () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  it('gives none when the disabling commits first: a disabled patient could not sign in with it', async () => {
    const patient = await rt.createPatient();
    const by = { staffId: null, origin: {}, reason: 'forgot their password' };
    const locked = gate();
    const held = gate();
    const disabling = rt.services.inTransaction(async (stores) => {
      await setPatientDisabled(stores, patient.id, true, { ...by, reason: 'on request' });
      locked.open();
      await held.wait;
    });
    await locked.wait;
    const giving = rt.services.inTransaction((stores) => givePatientOneTimePassword(stores, patient.id, { hash: 'temporary hash', until: rt.clock.now() + 1 }, by));
    await pause(200); // for the giving to reach the account row and wait there
    held.open();

    const [, given] = await Promise.all([disabling, giving]);
    expect(given, 'given').to.equal(false);
    expect((await rt.services.users.findById(patient.id))!).to.deep.include({ disabled: true, oneTimePasswordUntil: null, passwordHash: patient.passwordHash });
  });
});
