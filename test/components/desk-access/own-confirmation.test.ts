import { expect } from 'chai';
import supertest from 'supertest';
import { createStaffMember, DESK, deskToken, eachTestWithStaffSignedIn, identityOf, signInAtDesk, type TestStaffMember } from '../../support/desk';
import { cookieSet, csrfTokenOf, submitForm } from '../../support/forms';
import type { TestRuntime } from '../../support/runtime';
import { patientWithSms } from '../../support/two-factor';

const PATIENTS = `${DESK}/patienten`;
const STAFF = `${DESK}/medewerkers`;
const REASON = 'Telefoon en herstelcodes kwijt; paspoort gecontroleerd aan de balie';
const ASKED = '<legend>Bevestig dat jij het bent</legend>';
/** What a browser sends from a form that shows the two fields, left empty. */
const EMPTY = { currentPassword: '', code: '' };

describe('desk: the staff member\'s own password and app code before letting someone in or giving rights', () => {
  let rt: TestRuntime;
  let member: TestStaffMember;
  let desk: supertest.Agent;
  eachTestWithStaffSignedIn((signedIn) => ({ rt, member, desk } = signedIn), { name: 'Anna Jansen' });

  const patientState = async (id: number) => ({ twoFactor: await rt.services.twoFactor.status(id), user: await rt.services.users.findById(id) });
  const staffEvents = async (type: string) => (await rt.services.staffAudit.list({ limit: 500 })).filter((e) => e.type === type).length;
  const asAdmin = async () => {
    const admin = await createStaffMember(rt, { role: 'admin', email: 'beheer@kliniek.nl' });
    return { admin, adminDesk: await signInAtDesk(rt, admin) };
  };

  it('asks for them before turning off a patient\'s two-step or giving a temporary password, not before disabling, enabling or signing out everywhere', async () => {
    const patient = await patientWithSms(rt);
    for (const action of ['twee-stappen-uitzetten', 'tijdelijk-wachtwoord']) {
      const page = (await desk.get(`${PATIENTS}/${patient.id}/${action}`)).text;
      expect(page, action).to.include(ASKED)
        .and.include('<p class="hint" id="own-confirmation-hint">Hiermee geef je iemand toegang of meer rechten. Vul daarom je eigen wachtwoord en een code uit je app in. Daarna vragen we hier 10 minuten niet meer om.</p>')
        .and.include('name="currentPassword" type="password"').and.include('name="code"');
    }
    for (const action of ['uitschakelen', 'overal-uitloggen']) expect((await desk.get(`${PATIENTS}/${patient.id}/${action}`)).text, action).not.to.include('currentPassword');
    await rt.services.users.setDisabled(patient.id, true);
    expect((await desk.get(`${PATIENTS}/${patient.id}/inschakelen`)).text).to.include('name="reason"').and.not.include('currentPassword');
    const english = await desk.get(`${PATIENTS}/${patient.id}/twee-stappen-uitzetten`).set('Cookie', 'karify.lang=en');
    expect(english.text).to.include('<legend>Confirm that it is you</legend>')
      .and.include('This gives someone access or more rights, so enter your own password and a code from your app. We will not ask for them again for 10 minutes.');
  });

  it('turns off two-step only with a right password and code, keeping the reason and the box on every refusal; then asks no more for ten minutes', async () => {
    const patient = await patientWithSms(rt);
    const path = `${PATIENTS}/${patient.id}/twee-stappen-uitzetten`;
    const form = { identityChecked: 'ja', reason: REASON };
    const before = await patientState(patient.id);

    const none = await submitForm(desk, path, { ...form, ...EMPTY });
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
    const shownFresh = await desk.get(give);
    expect(shownFresh.text, 'confirmed a moment ago').to.include('name="reason"').and.not.include(ASKED);
    rt.clock.advance(rt.config.twoFactor.freshConfirmationMinutes * 60_000 + 1000);
    // The form shown while the confirmation held, sent after it ran out: said so, not "fill in" fields never shown.
    const late = await desk.post(give).type('form').send({ _csrf: csrfTokenOf(shownFresh.text), ...form });
    expect(late.status).to.equal(400);
    expect(late.text).to.include('<li><a href="#currentPassword">Het is te lang geleden dat je bevestigde dat jij het bent. Vul je eigen wachtwoord en een code uit je app in.</a></li>')
      .and.include(ASKED).and.include(`value="${REASON}"`);
    expect((await submitForm(desk, give, { ...form, ...identityOf(rt, member) })).headers.location).to.equal(`${give}/gegeven`);
  });

  it('gives the desk session a new id and CSRF token when confirmed: the old cookie and the old page\'s form no longer work', async () => {
    const [patient, other] = [await patientWithSms(rt), await patientWithSms(rt)];
    const page = await desk.get(`${PATIENTS}/${other.id}/twee-stappen-uitzetten`);
    const oldCookie = String(desk.jar.getCookie('karify.balie', { domain: '127.0.0.1', path: '/', secure: false, script: false })?.toValueString());
    const done = await submitForm(desk, `${PATIENTS}/${patient.id}/twee-stappen-uitzetten`, { identityChecked: 'ja', reason: REASON, ...identityOf(rt, member) });
    expect(cookieSet(done), 'a new desk session').to.match(/^karify\.balie=/).and.not.equal(oldCookie);
    expect((await supertest(rt.app).get(PATIENTS).set('Cookie', oldCookie)).headers.location, 'the old id is signed out').to.equal(DESK);
    const stale = await desk.post(`${PATIENTS}/${other.id}/twee-stappen-uitzetten`).type('form').send({ _csrf: csrfTokenOf(page.text), identityChecked: 'ja', reason: REASON });
    expect(stale.status, 'the old token').to.equal(403);
    expect((await rt.services.twoFactor.status(other.id)).enabled).to.equal(true);
  });

  it('checks the password and code only once the rest of the form is right, so the code still works when the reason was missing', async () => {
    const patient = await rt.createPatient();
    const path = `${PATIENTS}/${patient.id}/tijdelijk-wachtwoord`;
    const nothing = await submitForm(desk, path, { reason: '', ...EMPTY });
    expect([...nothing.text.matchAll(/<li><a href="#(\w+)">/g)].map((m) => m[1]), 'every error in the summary, in the page\'s order')
      .to.deep.equal(['identityChecked', 'reason', 'currentPassword', 'code']);
    const identity = identityOf(rt, member);
    const noReason = await submitForm(desk, path, { identityChecked: 'ja', reason: '', ...identity });
    expect(noReason.status).to.equal(400);
    expect(noReason.text).to.include('<li><a href="#reason">Vul de reden in.</a></li>').and.include(ASKED).and.not.include('#currentPassword');
    const given = await submitForm(desk, path, { identityChecked: 'ja', reason: REASON, ...identity });
    expect(given.headers.location, 'the same app code, not used up by the refused form').to.equal(`${path}/gegeven`);
  });

  it('checks nothing when there is nothing to do (a colleague was first) or the account is the staff member\'s own', async () => {
    const patient = await rt.createPatient(); // two-step off already
    const identity = identityOf(rt, member);
    const nothing = await submitForm(desk, PATIENTS, { identityChecked: 'ja', reason: REASON, ...identity }, `${PATIENTS}/${patient.id}/twee-stappen-uitzetten`);
    expect(nothing.headers.location).to.equal(`${PATIENTS}/${patient.id}`);
    expect((await desk.get(nothing.headers.location!)).text).to.include('Er is niets veranderd');
    const own = await patientWithSms(rt);
    await rt.db('users').where({ id: own.id }).update({ email: member.email });
    const refused = await submitForm(desk, PATIENTS, { identityChecked: 'ja', reason: REASON, ...identity }, `${PATIENTS}/${own.id}/twee-stappen-uitzetten`);
    expect(refused.status).to.equal(403);
    const other = await patientWithSms(rt);
    expect((await desk.get(`${PATIENTS}/${other.id}/twee-stappen-uitzetten`)).text, 'still not confirmed').to.include(ASKED);
    const done = await submitForm(desk, `${PATIENTS}/${other.id}/twee-stappen-uitzetten`, { identityChecked: 'ja', reason: REASON, ...identity });
    expect(done.headers.location, 'the code was not used up').to.equal(`${PATIENTS}/${other.id}`);
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

  it('asks an admin the same before adding a staff member, giving admin rights, enabling, turning off an app or giving a one-time password; not before disabling or taking admin rights', async () => {
    const { admin, adminDesk } = await asAdmin();
    const colleague = await createStaffMember(rt, { name: 'Cas Collega' });
    const page = `${STAFF}/${colleague.id}`;
    expect((await adminDesk.get(`${page}/uitschakelen`)).text).to.include('name="reason"').and.not.include(ASKED);
    for (const [path, form] of [
      [`${STAFF}/nieuw`, { name: 'Eva Evers', email: 'eva@kliniek.nl', role: 'admin' }],
      [`${page}/rol`, { role: 'admin', reason: 'Teamleider' }],
      [`${page}/app-uitzetten`, { reason: 'Vergeten' }],
      [`${page}/eenmalig-wachtwoord`, { reason: 'Vergeten' }],
    ] as const) {
      const shownOn = path.endsWith('/rol') ? page : path;
      expect((await adminDesk.get(shownOn)).text, path).to.include(ASKED);
      const refused = await submitForm(adminDesk, shownOn, { ...form, ...EMPTY }, path);
      expect(refused.status, path).to.equal(400);
      expect(refused.text, path).to.include('<li><a href="#currentPassword">Vul je huidige wachtwoord in.</a></li>');
    }
    expect(await rt.services.staff.findById(colleague.id), 'nothing changed').to.deep.include({ role: 'desk', twoFactorMethod: 'totp' });
    expect(await rt.services.staff.findByEmail('eva@kliniek.nl'), 'nobody added').to.equal(undefined);
    const kept = await submitForm(adminDesk, page, { role: 'desk', reason: 'Blijft balie', ...EMPTY }, `${page}/rol`);
    expect(kept.headers.location, 'the role as it was: no rights given, nothing asked').to.equal(page);

    await submitForm(adminDesk, `${page}/uitschakelen`, { reason: 'Met verlof' });
    expect((await adminDesk.get(`${page}/inschakelen`)).text, 'enabling lets them back in').to.include(ASKED);
    expect((await submitForm(adminDesk, `${page}/inschakelen`, { reason: 'Terug', ...EMPTY })).status).to.equal(400);
    expect((await submitForm(adminDesk, `${page}/inschakelen`, { reason: 'Terug', ...identityOf(rt, admin) })).headers.location).to.equal(page);
    expect((await rt.services.staff.findById(colleague.id))!.disabled).to.equal(false);
    const promoted = await submitForm(adminDesk, page, { role: 'admin', reason: 'Teamleider' }, `${page}/rol`);
    expect(promoted.headers.location, 'confirmed a moment ago').to.equal(page);

    const other = await signInAtDesk(rt, admin); // a new session: not confirmed
    expect((await other.get(page)).text, 'taking admin rights asks nothing').not.to.include(ASKED);
    const demoted = await submitForm(other, page, { role: 'desk', reason: 'Geen teamleider meer' }, `${page}/rol`);
    expect(demoted.headers.location).to.equal(page);
    expect((await rt.services.staff.findById(colleague.id))!.role).to.equal('desk');
  });

  it('answers 429 on each admin form while the admin\'s password is throttled, the right one too', async () => {
    const { admin, adminDesk } = await asAdmin();
    const colleague = await createStaffMember(rt, { name: 'Cas Collega' });
    const page = `${STAFF}/${colleague.id}`;
    const token = await deskToken(adminDesk, `${STAFF}/nieuw`);
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      adminDesk.post(`${STAFF}/nieuw`).type('form').send({ _csrf: token, name: 'Eva Evers', email: 'eva@kliniek.nl', role: 'desk', currentPassword: `fout-wachtwoord-${i}`, code: '123456' })));
    expect(burst.filter((r) => r.status === 429).length).to.be.at.least(20 - rt.config.signInThrottle.freeFailuresPerAccount);
    for (const [path, form] of [
      [`${STAFF}/nieuw`, { name: 'Eva Evers', email: 'eva@kliniek.nl', role: 'desk' }],
      [`${page}/rol`, { role: 'admin', reason: 'Teamleider' }],
      [`${page}/app-uitzetten`, { reason: 'Telefoon kwijt' }],
    ] as const) {
      const res = await submitForm(adminDesk, path.endsWith('/rol') ? page : path, { ...form, ...identityOf(rt, admin) }, path);
      expect(res.status, path).to.equal(429);
      expect(res.text, path).to.include('Je hebt te vaak een verkeerd wachtwoord ingevuld.');
      expect(res.headers['retry-after'], path).to.match(/^[1-9]\d*$/);
    }
    expect(await rt.services.staff.findById(colleague.id), 'nothing changed').to.deep.include({ role: 'desk', twoFactorMethod: 'totp' });
  });
});
