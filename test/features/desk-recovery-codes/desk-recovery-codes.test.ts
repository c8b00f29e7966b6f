import { expect } from 'chai';
import supertest from 'supertest';
import { createStaffMember, DESK, deskPasswordStep, deskToken, eachTestWithStaffSignedIn, identityOf, signInAtDesk, type TestStaffMember } from '../../support/desk';
import { doubleClick, submitForm } from '../../support/forms';
import { staffLogRows } from '../../../src/components/staff-log/rows';
import { createTranslators } from '../../../src/i18n';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { recoveryCodesIn } from '../../support/two-factor';

const PAGE = `${DESK}/herstelcodes`;
const CODES = `${PAGE}/nieuw`;

describe('desk: a staff member renews their own recovery codes', () => {
  let rt: TestRuntime;
  let member: TestStaffMember;
  let desk: supertest.Agent;
  eachTestWithStaffSignedIn((signedIn) => ({ rt, member, desk } = signedIn), { name: 'Anna Jansen' });

  /** The form with the password and a code from the app, each right unless given. */
  const renew = (fields: { currentPassword?: string; code?: string } = {}, agent = desk) => submitForm(agent, PAGE, { ...identityOf(rt, member), ...fields });
  const codesIn = (html: string) => recoveryCodesIn(html).map((code) => code.replace(' ', ''));
  const remaining = () => rt.services.staffRecoveryCodes.countRemaining(member.id);

  it('is in the staff member\'s own menu and says how many codes are left', async () => {
    expect((await desk.get(`${DESK}/patienten`)).text).to.include(`<a href="${PAGE}">Herstelcodes</a>`);
    await rt.services.staffRecoveryCodes.consume(member.id, member.recoveryCodes[0]!);
    const page = await desk.get(PAGE);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<h1>Herstelcodes</h1>').and.include('Je hebt nog 9 herstelcodes.').and.include('autocomplete="current-password"').and.include('autocomplete="one-time-code"');
    expect((await rt.agent().get(PAGE)).headers.location, 'signed in only').to.equal(DESK);
    const half = rt.agent();
    await deskPasswordStep(half, member);
    expect((await half.get(PAGE)).headers.location, 'not in the half session').to.equal(`${DESK}/code`);
  });

  it('says so when no code is left, not "nog 0"', async () => {
    for (const code of member.recoveryCodes) await rt.services.staffRecoveryCodes.consume(member.id, code);
    expect(await remaining()).to.equal(0);
    expect((await desk.get(PAGE)).text).to.include('<p>Je hebt geen herstelcodes meer.</p>').and.not.include('nog 0');
  });

  it('makes new codes once when the form is sent twice at once (a double click), and shows the ones that work', async () => {
    await doubleClick(desk, PAGE, identityOf(rt, member), { first: CODES, second: [CODES] });

    const renewals = (await rt.services.staffAudit.list({ limit: 50 })).filter((e) => e.type === 'recovery_codes_renewed');
    expect(renewals, 'one line in the Logboek').to.have.length(1);
    const codes = codesIn((await desk.get(CODES)).text);
    expect(codes).to.have.length(10);
    for (const code of codes.slice(0, 3)) expect(await rt.services.staffRecoveryCodes.consume(member.id, code), `shown code ${code}`).to.equal(true);
  });

  it('makes ten new codes after the password and a code from the app: shown once, printable and downloadable; the old ones stop working; in the Logboek', async () => {
    const res = await renew();
    expect(res.headers.location).to.equal(CODES);
    const shown = await desk.get(CODES);
    expect(shown.text).to.include('<h1>Je nieuwe herstelcodes</h1>');
    const codes = codesIn(shown.text);
    expect(codes).to.have.length(10);
    expect(codes.every((code) => /^\d{10}$/.test(code))).to.equal(true);
    expect(await remaining()).to.equal(10);
    expect(await rt.services.staffRecoveryCodes.consume(member.id, member.recoveryCodes[1]!), 'an old code').to.equal(false);

    const print = await desk.get(`${CODES}/afdrukken`);
    expect(print.status).to.equal(200);
    expect(codesIn(print.text)).to.deep.equal(codes);
    const file = await desk.get(`${CODES}/download`);
    expect(file.headers['content-disposition']).to.equal('attachment; filename=karify-balie-herstelcodes.txt');
    expect(file.text).to.include(`Herstelcodes voor je Karify Balie account (${member.email})`);
    expect(print.text).to.include('<h1>Herstelcodes voor je Karify Balie account</h1>');

    const [event] = await rt.services.staffAudit.list({ limit: 1 });
    expect(event).to.deep.include({ type: 'recovery_codes_renewed' });
    expect(event!.staff!.id).to.equal(member.id);
    expect((await desk.get(`${DESK}/logboek`)).status, 'a desk member has no Logboek').to.equal(403);

    const saved = await submitForm(desk, CODES, {});
    expect(saved.headers.location).to.equal(`${PAGE}`);
    expect((await desk.get(saved.headers.location!)).text).to.include('Je hebt nieuwe herstelcodes. Je oude herstelcodes werken niet meer.');
    expect((await desk.get(CODES)).headers.location, 'shown once').to.equal(PAGE);
    expect((await desk.get(`${CODES}/download`)).headers.location).to.equal(PAGE);

    // A new code signs in at the desk's second step.
    const next = rt.agent();
    await deskPasswordStep(next, member);
    const signedIn = await submitForm(next, `${DESK}/herstelcode`, { recoveryCode: codes[0]! });
    expect(signedIn.headers.location).to.match(new RegExp(`^${DESK}/`));
    expect(await remaining()).to.equal(9);
  });

  it('says what is wrong next to the field and in the summary, and changes nothing', async () => {
    const cases = [
      [{ currentPassword: '' }, 'currentPassword', 'Vul je huidige wachtwoord in.'],
      [{ currentPassword: 'helemaal-niet-goed-42' }, 'currentPassword', 'Je huidige wachtwoord klopt niet.'],
      [{ code: '' }, 'code', 'Vul de verificatiecode in.'],
      [{ code: '000000' }, 'code', 'Deze code klopt niet. Vul de code in die de app nu laat zien.'],
    ] as const;
    for (const [fields, field, message] of cases) {
      const res = await renew(fields);
      expect(res.status, message).to.equal(400);
      expect(res.text, message).to.include(`<li><a href="#${field}">`).and.include(message).and.include('Je hebt nog 10 herstelcodes.');
      expect(res.text, 'no password in the page').not.to.include(member.password);
      if ('currentPassword' in fields && fields.currentPassword) expect(res.text).not.to.include(fields.currentPassword);
    }
    // The password alone, as before, is no longer enough: an open desk session and a password someone saw are not both steps.
    expect((await submitForm(desk, PAGE, { currentPassword: member.password })).status).to.equal(400);
    const failures = (await rt.services.staffAudit.list({ limit: 50 })).filter((e) => e.type === 'second_step_failed');
    expect(failures, 'the wrong code counts towards the lock of the second step').to.have.length(1);
    expect(await rt.services.staffRecoveryCodes.consume(member.id, member.recoveryCodes[0]!), 'the old codes still work').to.equal(true);
    expect((await desk.get(CODES)).headers.location).to.equal(PAGE);
  });

  it('checks at most the throttle\'s free failures of 30 wrong passwords sent at once; the rest wait', async () => {
    const token = await deskToken(desk, PAGE);
    const failed = async () => (await rt.services.staffAudit.list({ limit: 500 })).filter((e) => e.type === 'confirmation_failed').length;
    const before = await failed();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => desk.post(PAGE).type('form').send({ _csrf: token, currentPassword: `fout-wachtwoord-${i}`, code: '123456' })));
    expect((await failed()) - before).to.be.at.least(1).and.at.most(rt.config.signInThrottle.freeFailuresPerAccount);
    expect((await rt.services.staffAudit.list({ limit: 500 })).filter((e) => e.type === 'sign_in_failed'), 'no failed sign-in').to.have.length(0);
    expect(results.filter((r) => r.status === 429).length).to.be.at.least(30 - rt.config.signInThrottle.freeFailuresPerAccount);
    expect((await renew()).status, 'the right password waits too').to.equal(429);
    expect(await remaining()).to.equal(10);
  });

  it('checks at most the second step\'s 10 tries of 30 wrong codes sent at once with the right password, then locks it', async () => {
    // A throttle that lets every right password through, so that the codes meet only their own limit.
    const own = await startTestRuntime({ SIGNIN_FREE_FAILURES_PER_ACCOUNT: '1000', SIGNIN_FREE_FAILURES_PER_IP: '1000' });
    try {
      const staffMember = await createStaffMember(own);
      const agent = await signInAtDesk(own, staffMember);
      const token = await deskToken(agent, PAGE);
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => agent.post(PAGE).type('form').send({ _csrf: token, currentPassword: staffMember.password, code: String(100000 + i) })),
      );
      const failures = (await own.services.staffAudit.list({ limit: 500 })).filter((e) => e.type === 'second_step_failed');
      expect(failures.length, 'codes compared').to.be.within(1, own.config.twoFactor.maxConsecutiveFailures);
      const locked = results.filter((r) => r.status === 429);
      expect(locked.length).to.be.at.least(30 - own.config.twoFactor.maxConsecutiveFailures);
      expect(locked[0]!.text).to.match(/<a href="#code">Je hebt te vaak een verkeerde code ingevuld\. Je kunt het om \d\d:\d\d opnieuw proberen\./);
      expect(await own.services.staffSecondFactor.lockedUntil(staffMember.id), 'the second step is locked').not.to.equal(null);
      expect(await own.services.staffRecoveryCodes.countRemaining(staffMember.id)).to.equal(10);
    } finally {
      await own.close();
    }
  });

  it('takes a recovery code instead of the app code, for a staff member without their phone; the code is then used', async () => {
    const wrong = await renew({ code: '12345 67890' });
    expect(wrong.status).to.equal(400);
    expect(wrong.text).to.include('<li><a href="#code">');
    const res = await renew({ code: member.recoveryCodes[2]! });
    expect(res.headers.location).to.equal(CODES);
    const codes = codesIn((await desk.get(CODES)).text);
    expect(codes).to.have.length(10);
    expect(await rt.services.staffRecoveryCodes.consume(member.id, member.recoveryCodes[2]!), 'the old code').to.equal(false);
    const events = (await rt.services.staffAudit.list({ limit: 20 })).map((e) => e.type);
    expect(events).to.include.members(['recovery_code_used', 'recovery_codes_renewed', 'second_step_failed']);
    // As the Logboek says them: a code to confirm a change, not a sign-in.
    const t = createTranslators().nl;
    const said = staffLogRows(await rt.services.staffAudit.list({ limit: 20 }), { t, formatDate: String, formatTime: String }).map((row) => row.what);
    expect(said).to.include.members(['Herstelcode gebruikt om een wijziging te bevestigen', 'Verkeerde code bij het bevestigen van een wijziging']);
    expect(said).not.to.include.members(['Ingelogd met een herstelcode']);
  });

  it('ends the member\'s other desk sessions, as every change to how they sign in; renewed again after signing in there, the first codes stop working', async () => {
    const other = await signInAtDesk(rt, member, rt.agent());
    await renew();
    const first = codesIn((await desk.get(CODES)).text);
    expect(first).to.have.length(10);
    expect((await other.get(`${DESK}/patienten`)).headers.location, 'the other session ended').to.equal(DESK);
    expect((await desk.get(`${DESK}/patienten`)).status, 'this one goes on').to.equal(200);
    const again = await signInAtDesk(rt, member, rt.agent());
    await renew({}, again);
    const second = codesIn((await again.get(CODES)).text);
    expect(second).not.to.deep.equal(first);
    expect(await rt.services.staffRecoveryCodes.consume(member.id, first[0]!)).to.equal(false);
    expect(await rt.services.staffRecoveryCodes.consume(member.id, second[0]!)).to.equal(true);
  });
});
