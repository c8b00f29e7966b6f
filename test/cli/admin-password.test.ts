import { expect } from 'chai';
import { describeMessage } from '../../src/features/inbox/controller';
import { createTranslators } from '../../src/i18n';
import { signIn } from '../support/forms';
import { startTestRuntime, TestRuntime } from '../support/runtime';
import { adminTestDatabase, AdminTestDatabase, runAdmin, succeeds } from './admin-cli';

const REASON = 'Wachtwoord vergeten; paspoort gezien aan de balie';
const TEMPORARY = 'tijdelijk-groen-kanaal-79';

describe('admin command line: a temporary password for a patient who forgot theirs (reset-password)', function () {
  this.timeout(60_000); // each test starts the real command (about a second each)
  let database: AdminTestDatabase;
  let rt: TestRuntime;

  beforeEach(async () => {
    database = await adminTestDatabase();
    rt = await startTestRuntime(database.runtimeEnv); // the same database the command uses
  });
  afterEach(() => rt.close());

  const reset = (args: string[], stdin = `${TEMPORARY}\n`) => database.admin(['reset-password', ...args], stdin);

  it('gives a temporary password: the old one stops working, the patient is signed out, told, and chooses their own at the next sign-in', async () => {
    const patient = await rt.createPatient({ email: 'cas@example.nl', name: 'Cas de Vries' });
    const before = (await rt.services.users.findById(patient.id))!;
    const session = rt.agent();
    expect((await signIn(session, patient.email, patient.password)).headers.location).to.equal('/werkblad');
    // The wrong guesses at the forgotten password lock the account...
    for (let i = 0; i < 6; i += 1) await signIn(rt.agent(), patient.email, `geraden-wachtwoord-${i}`);
    expect((await signIn(rt.agent(), patient.email, patient.password)).status, 'locked').to.equal(429);

    const result = await succeeds(reset(['--email', 'CAS@example.nl', '--reason', REASON]));
    expect(result.stdout).to.include('Gave cas@example.nl a temporary password: their old password no longer works, and they are signed out everywhere.')
      .and.include('They sign in at https://karify.example.nl/inloggen with it and choose their own password before anything else.')
      .and.match(/It works until \d{4}-\d\d-\d\d \d\d:\d\d (CET|CEST); after that, give them a new one\./)
      .and.not.include(TEMPORARY);

    const until = /It works until (\S+ \S+) \S+;/.exec(result.stdout)![1]!;
    expect((await succeeds(database.admin(['list-users']))).stdout, 'list-users says until when').to.match(new RegExp(`cas@example\\.nl .* temporary, until ${until} `));
    const after = (await rt.services.users.findById(patient.id))!;
    expect(after.sessionGeneration).to.equal(before.sessionGeneration + 1);
    expect(after.oneTimePasswordUntil! - Date.now(), 'seven days (PATIENT_ONE_TIME_PASSWORD_DAYS)').to.be.within(7 * 86_400_000 - 120_000, 7 * 86_400_000);
    expect((await session.get('/werkblad')).headers.location, 'signed out everywhere').to.equal('/inloggen');
    const events = (await rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'password_reset_by_clinic');
    expect(events.map((e) => e.details)).to.deep.equal([{ by: 'admin-cli', reason: REASON }]);
    const messages = await rt.services.messages.listForUser(patient.id);
    expect(messages.map((m) => [m.kind, m.params])).to.deep.equal([['password_reset_by_clinic', { by: 'admin-cli' }]]);
    const inDutch = { t: createTranslators().nl, formatDate: () => '5-12', formatTime: () => '12:00' };
    expect(describeMessage(messages[0]!, inDutch).body, 'the clinic, not its helpdesk: a command on the server did it').to.equal(
      'Op 5-12 om 12:00 heeft je zorgaanbieder je account een tijdelijk wachtwoord gegeven. Dat gebeurt als je je wachtwoord kwijt bent. Je oude wachtwoord werkt niet meer en je bent op alle apparaten uitgelogd.',
    );
    const mails = (await rt.services.mailOutbox.list({ limit: 10 })).filter((m) => m.userId === patient.id).map((m) => m.kind);
    expect(mails).to.deep.equal(['password_reset_by_clinic']);
    const logboek = (await rt.services.staffAudit.list({ limit: 10 })).map((e) => [e.type, e.staff, e.patient?.id, e.details]);
    expect(logboek, 'in the desk\'s Logboek, as a command on the server').to.deep.equal([['patient_password_reset', null, patient.id, { reason: REASON }]]);

    // ...which no longer lock it: the temporary password works at once, and leads to choosing one's own.
    expect((await signIn(rt.agent(), patient.email, patient.password)).status, 'the old password no longer works').to.equal(400);
    const agent = rt.agent();
    expect((await signIn(agent, patient.email, TEMPORARY)).headers.location).to.equal('/werkblad');
    expect((await agent.get('/werkblad')).headers.location).to.equal('/account/eigen-wachtwoord');
  });

  it('names the second step in what it prints for a patient with two-step on, and leaves it on', async () => {
    const patient = await rt.createPatient({ email: 'cas@example.nl' });
    await rt.services.twoFactor.enableSms(patient.id, '+31612345678', rt.services.recoveryCodes.generate());
    const result = await succeeds(reset(['--email', 'cas@example.nl', '--reason', REASON]));
    expect(result.stdout).to.include('with it and their second step, and choose their own password before anything else.');
    expect(await rt.services.twoFactor.status(patient.id)).to.deep.include({ enabled: true, method: 'sms' });
  });

  it('refuses without a reason, a password by the rules, or an enabled patient, and changes nothing', async () => {
    const patient = await rt.createPatient({ email: 'cas@example.nl', name: 'Cas de Vries' });
    const unchanged = async () => {
      const user = (await rt.services.users.findById(patient.id))!;
      expect(user).to.deep.include({ oneTimePasswordUntil: null, passwordHash: patient.passwordHash });
      expect(await rt.services.audit.listForUser(patient.id)).to.deep.equal([]);
    };
    const noReason = await reset(['--email', 'cas@example.nl']);
    expect(noReason.code).to.equal(2);
    expect(noReason.stderr).to.include('Missing option --reason.');
    const weak = await reset(['--email', 'cas@example.nl', '--reason', REASON], 'password1\n');
    expect(weak.code).to.equal(1);
    expect(weak.stderr).to.include('Password refused');
    const personal = await reset(['--email', 'cas@example.nl', '--reason', REASON], 'cas-de-vries-2026\n');
    expect(personal.code).to.equal(1);
    expect(personal.stderr).to.include("it contains part of the account's name or e-mail address.");
    const unknown = await reset(['--email', 'eva@example.nl', '--reason', REASON]);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.include('No patient has the e-mail address eva@example.nl.');
    await unchanged();

    await rt.services.users.setDisabled(patient.id, true);
    const disabled = await reset(['--email', 'cas@example.nl', '--reason', REASON]);
    expect(disabled.code).to.equal(1);
    expect(disabled.stderr).to.include('cas@example.nl is disabled and could not sign in with it; nothing changed. Enable them first (enable-user).');
    await unchanged();
    const asked = await reset(['--email', 'cas@example.nl', '--reason', REASON], '');
    expect(asked.stderr, 'a disabled patient is refused before a password is asked for').to.include('cas@example.nl is disabled').and.not.include('assword');
  });

  it('stores a temporary password of the desk\'s shape as the desk gives it, so the patient may type it in capitals too', async () => {
    const patient = await rt.createPatient({ email: 'cas@example.nl' });
    await succeeds(reset(['--email', 'cas@example.nl', '--reason', REASON], 'K7MQ-2X9D-HH4P-WQ3E-8NTZ\n'));
    for (const typed of ['K7MQ-2X9D-HH4P-WQ3E-8NTZ', 'k7mq 2x9d hh4p wq3e 8ntz']) {
      expect((await signIn(rt.agent(), patient.email, typed)).headers.location, typed).to.equal('/werkblad');
    }
  });

  it('makes the temporary password work for PATIENT_ONE_TIME_PASSWORD_DAYS', async () => {
    const patient = await rt.createPatient({ email: 'cas@example.nl' });
    await succeeds(runAdmin({ ...database.env, PATIENT_ONE_TIME_PASSWORD_DAYS: '3' }, ['reset-password', '--email', 'cas@example.nl', '--reason', REASON], `${TEMPORARY}\n`));
    const after = (await rt.services.users.findById(patient.id))!;
    expect(after.oneTimePasswordUntil! - Date.now()).to.be.within(3 * 86_400_000 - 120_000, 3 * 86_400_000);
  });
});
