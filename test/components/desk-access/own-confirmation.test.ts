import { expect } from 'chai';
import type supertest from 'supertest';
import { createStaffMember, DESK, deskToken, eachTestWithStaffSignedIn, identityOf, signInAtDesk, type TestStaffMember } from '../../support/desk';
import { submitForm } from '../../support/forms';
import type { TestRuntime } from '../../support/runtime';
import { patientWithSms } from '../../support/two-factor';

const PATIENTS = `${DESK}/patienten`;
const REASON = 'Telefoon en herstelcodes kwijt; paspoort gecontroleerd aan de balie';
const ASKED = '<legend>Bevestig dat jij het bent</legend>';

describe('desk: the staff member\'s own password and app code before letting someone into an account', () => {
  let rt: TestRuntime;
  let member: TestStaffMember;
  let desk: supertest.Agent;
  eachTestWithStaffSignedIn((signedIn) => ({ rt, member, desk } = signedIn), { name: 'Anna Jansen' });

  const patientState = async (id: number) => ({ twoFactor: await rt.services.twoFactor.status(id), user: await rt.services.users.findById(id) });
  const staffEvents = async (type: string) => (await rt.services.staffAudit.list({ limit: 500 })).filter((e) => e.type === type).length;

  it('asks for them before turning off a patient\'s two-step or giving a temporary password, not before disabling, enabling or signing out everywhere', async () => {
    const patient = await patientWithSms(rt);
    for (const action of ['twee-stappen-uitzetten', 'tijdelijk-wachtwoord']) {
      const page = (await desk.get(`${PATIENTS}/${patient.id}/${action}`)).text;
      expect(page, action).to.include(ASKED)
        .and.include('<p class="hint" id="own-confirmation-hint">Hiermee kan iemand anders weer in een account. Vul daarom je eigen wachtwoord en een code uit je app in. Daarna vragen we dit 10 minuten niet opnieuw.</p>')
        .and.include('name="currentPassword" type="password"').and.include('name="code"');
    }
    for (const action of ['uitschakelen', 'overal-uitloggen']) expect((await desk.get(`${PATIENTS}/${patient.id}/${action}`)).text, action).not.to.include('currentPassword');
    await rt.services.users.setDisabled(patient.id, true);
    expect((await desk.get(`${PATIENTS}/${patient.id}/inschakelen`)).text).to.include('name="reason"').and.not.include('currentPassword');
  });

  it('turns off two-step only with a right password and code, keeping the reason and the box on every refusal; then asks no more for ten minutes', async () => {
    const patient = await patientWithSms(rt);
    const path = `${PATIENTS}/${patient.id}/twee-stappen-uitzetten`;
    const form = { identityChecked: 'ja', reason: REASON };
    const before = await patientState(patient.id);

    const none = await submitForm(desk, path, form);
    expect(none.status).to.equal(400);
    expect(none.text).to.include('<li><a href="#currentPassword">Vul je huidige wachtwoord in.</a></li>').and.include('<li><a href="#code">Vul de verificatiecode in.</a></li>');
    const wrongPassword = await submitForm(desk, path, { ...form, ...identityOf(rt, member), currentPassword: 'niet-mijn-wachtwoord-1' });
    expect(wrongPassword.status).to.equal(400);
    expect(wrongPassword.text).to.include('<li><a href="#currentPassword">Je huidige wachtwoord klopt niet.</a></li>').and.not.include('niet-mijn-wachtwoord-1');
    const wrongCode = await submitForm(desk, path, { ...form, ...identityOf(rt, member), code: '000000' });
    expect(wrongCode.text).to.include('<li><a href="#code">Deze code klopt niet.');
    for (const refused of [none, wrongPassword, wrongCode]) {
      expect(refused.text).to.include(`value="${REASON}"`).and.match(/id="identityChecked" name="identityChecked" value="ja" checked/).and.include(ASKED);
    }
    expect(await staffEvents('confirmation_failed'), 'the wrong password in the Logboek').to.equal(1);
    expect(await patientState(patient.id), 'nothing changed').to.deep.equal(before);

    const done = await submitForm(desk, path, { ...form, ...identityOf(rt, member) });
    expect(done.headers.location).to.equal(`${PATIENTS}/${patient.id}`);
    expect((await rt.services.twoFactor.status(patient.id)).enabled).to.equal(false);

    const other = await rt.createPatient();
    const give = `${PATIENTS}/${other.id}/tijdelijk-wachtwoord`;
    expect((await desk.get(give)).text, 'confirmed a moment ago').to.include('name="reason"').and.not.include(ASKED);
    rt.clock.advance(rt.config.twoFactor.freshConfirmationMinutes * 60_000 + 1000);
    expect((await desk.get(give)).text, 'asked again after ten minutes').to.include(ASKED);
    expect((await submitForm(desk, give, form)).status, 'and required').to.equal(400);
    expect((await submitForm(desk, give, { ...form, ...identityOf(rt, member) })).headers.location).to.equal(`${give}/gegeven`);
  });

  it('checks the password and code only once the rest of the form is right, so the code still works when the reason was missing', async () => {
    const patient = await rt.createPatient();
    const path = `${PATIENTS}/${patient.id}/tijdelijk-wachtwoord`;
    const identity = identityOf(rt, member);
    const noReason = await submitForm(desk, path, { identityChecked: 'ja', reason: '', ...identity });
    expect(noReason.status).to.equal(400);
    expect(noReason.text).to.include('<li><a href="#reason">Vul de reden in.</a></li>').and.include(ASKED).and.not.include('#currentPassword');
    const given = await submitForm(desk, path, { identityChecked: 'ja', reason: REASON, ...identity });
    expect(given.headers.location, 'the same app code, not used up by the refused form').to.equal(`${path}/gegeven`);
  });

  it('checks at most the throttle\'s free failures of 30 wrong passwords sent at once on the form; the rest wait, the right one too', async () => {
    const patient = await patientWithSms(rt);
    const path = `${PATIENTS}/${patient.id}/twee-stappen-uitzetten`;
    const token = await deskToken(desk, path);
    const before = await staffEvents('confirmation_failed');
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      desk.post(path).type('form').send({ _csrf: token, identityChecked: 'ja', reason: REASON, currentPassword: `fout-wachtwoord-${i}`, code: '123456' })));
    const { freeFailuresPerAccount } = rt.config.signInThrottle;
    expect((await staffEvents('confirmation_failed')) - before, 'passwords checked').to.be.at.least(1).and.at.most(freeFailuresPerAccount);
    const waiting = results.filter((r) => r.status === 429);
    expect(waiting.length).to.be.at.least(30 - freeFailuresPerAccount);
    expect(waiting[0]!.text).to.match(/<a href="#currentPassword">Je hebt te vaak een verkeerd wachtwoord ingevuld\. Probeer het om \d\d:\d\d opnieuw\./);
    expect((await submitForm(desk, path, { identityChecked: 'ja', reason: REASON, ...identityOf(rt, member) })).status, 'the right password waits too').to.equal(429);
    expect((await rt.services.twoFactor.status(patient.id)).enabled).to.equal(true);
  });

  it('asks an admin the same before turning off a colleague\'s app or giving them a one-time password, not before disabling them', async () => {
    const admin = await createStaffMember(rt, { role: 'admin', email: 'beheer@kliniek.nl' });
    const adminDesk = await signInAtDesk(rt, admin);
    const colleague = await createStaffMember(rt, { name: 'Cas Collega' });
    const page = `${DESK}/medewerkers/${colleague.id}`;
    expect((await adminDesk.get(`${page}/uitschakelen`)).text).to.include('name="reason"').and.not.include(ASKED);
    for (const action of ['app-uitzetten', 'eenmalig-wachtwoord']) {
      expect((await adminDesk.get(`${page}/${action}`)).text, action).to.include(ASKED);
      const refused = await submitForm(adminDesk, `${page}/${action}`, { reason: 'Vergeten' });
      expect(refused.status, action).to.equal(400);
      expect(refused.text, action).to.include('<li><a href="#currentPassword">Vul je huidige wachtwoord in.</a></li>').and.include('value="Vergeten"');
    }
    expect((await rt.services.staff.findById(colleague.id))!.twoFactorMethod, 'the app stays').to.equal('totp');
    const reset = await submitForm(adminDesk, `${page}/app-uitzetten`, { reason: 'Telefoon kwijt', ...identityOf(rt, admin) });
    expect(reset.headers.location).to.equal(page);
    expect((await rt.services.staff.findById(colleague.id))!.twoFactorMethod).to.equal(null);
  });
});
