import { expect } from 'chai';
import { authenticatorFor, registerPasskey } from '../support/passkeys';
import { startTestRuntime, TestRuntime } from '../support/runtime';
import { adminTestDatabase, AdminTestDatabase, succeeds } from './admin-cli';

const REASON = 'Lost phone; passport checked at the desk by Anna';

describe('admin command line: two-step reset and overview (J8)', function () {
  this.timeout(60_000); // each test starts the real command (about a second each)
  let database: AdminTestDatabase;
  let rt: TestRuntime;

  beforeEach(async () => {
    database = await adminTestDatabase();
    rt = await startTestRuntime(database.runtimeEnv); // the same database the command uses
  });
  afterEach(() => rt.close());

  const admin = (args: string[]) => database.admin(args);

  async function patientWithSms(email: string) {
    const patient = await rt.createPatient({ email });
    await rt.services.twoFactor.enableSms(patient.id, '+31612345678', rt.services.recoveryCodes.generate());
    return patient;
  }

  const resetEvents = async (userId: number) =>
    (await rt.services.audit.listForUser(userId)).filter((event) => event.type === 'two_factor_reset_by_clinic');
  const resetMessages = (userId: number) => rt.db('messages').where({ user_id: userId, kind: 'two_factor_reset_by_clinic' });

  it('resets two-step: off, recovery codes gone, signed out everywhere, recorded with the reason and announced', async () => {
    const patient = await patientWithSms('cas@example.nl');
    const generationBefore = (await rt.services.users.findById(patient.id))!.sessionGeneration;

    const result = await succeeds(admin(['reset-two-factor', '--email', 'CAS@example.nl', '--reason', REASON]));
    expect(result.stdout).to.include('Turned off two-step sign-in for cas@example.nl');
    expect(result.stdout).to.include('SMS (+31 6 ••••••78)');
    expect(result.stdout).to.include('10 recovery codes');
    expect(result.stdout).to.match(/next sign-in/);
    expect(result.stdout).not.to.include('612345678');

    expect(await rt.services.twoFactor.status(patient.id)).to.deep.equal({ enabled: false });
    expect(await rt.services.recoveryCodes.countRemaining(patient.id)).to.equal(0);
    expect((await rt.services.users.findById(patient.id))!.sessionGeneration).to.equal(generationBefore + 1);
    const events = await resetEvents(patient.id);
    expect(events.map((event) => event.details)).to.deep.equal([{ reason: REASON, by: 'admin-cli' }]);
    expect(await resetMessages(patient.id)).to.have.length(1);
    const logboek = (await rt.services.staffAudit.list({ limit: 10 })).map((e) => [e.type, e.staff, e.patient?.id, e.details]);
    expect(logboek, 'in the desk\'s Logboek, as a command on the server').to.deep.equal([['patient_two_factor_reset', null, patient.id, { reason: REASON }]]);
  });

  it('needs a reason of 1 to 500 characters without control characters, and changes nothing without one', async () => {
    const patient = await patientWithSms('cas@example.nl');
    const reset = (...reason: string[]) => admin(['reset-two-factor', '--email', 'cas@example.nl', ...reason]);
    const [missing, empty, control, tooLong] = await Promise.all([
      reset(),
      reset('--reason', '   '),
      reset('--reason', 'ID checked\u001b[2J'),
      reset('--reason', 'x'.repeat(501)),
    ]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.include('Missing option --reason.');
    expect(empty.code).to.equal(2);
    expect(empty.stderr).to.include('The reason is empty.');
    expect(control.code).to.equal(2);
    expect(control.stderr).to.include('The reason contains control characters');
    expect(tooLong.code).to.equal(2);
    expect(tooLong.stderr).to.include('The reason is longer than 500 characters.');

    expect((await rt.services.twoFactor.status(patient.id)).enabled).to.equal(true);
    expect(await rt.services.recoveryCodes.countRemaining(patient.id)).to.equal(10);
    expect(await resetEvents(patient.id)).to.have.length(0);
  });

  it('says nothing changed (0) for a patient who has no two-step, and refuses with 1 when there is no such patient', async () => {
    const patient = await rt.createPatient({ email: 'cas@example.nl' });
    const [without, nobody] = await Promise.all([
      admin(['reset-two-factor', '--email', 'cas@example.nl', '--reason', REASON]),
      admin(['reset-two-factor', '--email', 'nobody@example.nl', '--reason', REASON]),
    ]);
    expect(without.code, without.stderr).to.equal(0);
    expect(without.stdout).to.include('cas@example.nl does not have two-step sign-in turned on; nothing changed.');
    expect(nobody.code).to.equal(1);
    expect(nobody.stderr).to.include('No patient has the e-mail address nobody@example.nl.');
    expect(await resetEvents(patient.id)).to.have.length(0);
    expect(await resetMessages(patient.id)).to.have.length(0);
    expect((await rt.services.users.findById(patient.id))!.sessionGeneration).to.equal(patient.sessionGeneration);
  });

  it('removes the passkeys too, in the same reset', async () => {
    const patient = await rt.createPatient({ email: 'cas@example.nl' });
    await rt.services.twoFactor.enablePasskey(patient.id, await rt.services.recoveryCodes.hashAll(rt.services.recoveryCodes.generate()));
    await registerPasskey(rt, patient, authenticatorFor(rt), 'iPhone');
    await registerPasskey(rt, patient, authenticatorFor(rt), 'Laptop');
    const result = await succeeds(admin(['reset-two-factor', '--email', 'cas@example.nl', '--reason', REASON]));
    expect(result.stdout).to.include('(was 2 passkeys; 10 recovery codes left, now removed, and the passkeys too).');
    expect(await rt.services.passkeys.countForUser(patient.id)).to.equal(0);
    expect(await rt.services.twoFactor.status(patient.id)).to.deep.equal({ enabled: false });
  });

  it('shows each patient\'s two-step in list-users, with the phone number masked', async () => {
    const withPasskey = await patientWithSms('sms@example.nl');
    await registerPasskey(rt, withPasskey, authenticatorFor(rt));
    const passkeyOnly = await rt.createPatient({ email: 'passkey@example.nl' });
    await rt.services.twoFactor.enablePasskey(passkeyOnly.id, []);
    await registerPasskey(rt, passkeyOnly, authenticatorFor(rt));
    await rt.createPatient({ email: 'none@example.nl' });
    const result = await succeeds(admin(['list-users']));
    const row = (email: string) => result.stdout.split('\n').find((line) => line.includes(email));
    expect(result.stdout.split('\n')[0]).to.match(/\bTwo-step\s+Codes left\b/);
    expect(row('sms@example.nl')).to.match(/\benabled\s+SMS \(\+31 6 ••••••78\) \+ 1 passkey\s+10\s+own\s+\d{4}-\d{2}-\d{2}$/);
    expect(row('passkey@example.nl')).to.match(/\benabled\s+1 passkey\s+0\s+own\s+\d{4}-\d{2}-\d{2}$/);
    expect(row('none@example.nl')).to.match(/\benabled\s+off\s+-\s+own\s+\d{4}-\d{2}-\d{2}$/);
    expect(result.stdout).not.to.include('612345678');
  });
});
