import { expect } from 'chai';
import type supertest from 'supertest';
import { signIn, submitForm } from '../../support/forms';
import { startTestRuntime, TestRuntime } from '../../support/runtime';
import { appCode, patientWithApp, STEP_MS, wrongAppCode } from '../../support/totp';
import { enterSignInCode, passwordStep, signedInPatient } from '../../support/two-factor';
import { tableRows } from '../../support/tables';

const TARGET = '/account/twee-stappen/herstelcodes/nieuw';
const PAGE = `/account/bevestigen?terug=${encodeURIComponent(TARGET)}`;
const WRONG = 'not-my-password-1';

const confirm = (agent: supertest.Agent, fields: Record<string, string>) => submitForm(agent, PAGE, { terug: TARGET, ...fields }, '/account/bevestigen');
/** What the code field and the password field hold on the page again. */
const valueOf = (html: string, field: string) => new RegExp(`<input id="${field}" name="${field}" type="\\w+"(?: value="([^"]*)")?`).exec(html)?.[1];
/** The descriptions on the security activity page, newest first. */
const activity = async (agent: supertest.Agent) =>
  tableRows((await agent.get('/account/beveiliging')).text).map((cells) => cells[1]!);

describe('fresh confirmation: a wrong password or code', () => {
  let rt: TestRuntime;
  afterEach(() => rt?.close());

  describe('in the security activity', () => {
    beforeEach(async () => {
      rt = await startTestRuntime({ SIGNIN_FREE_FAILURES_PER_ACCOUNT: '2' });
    });
    const eventsOf = async (userId: number) => (await rt.services.audit.listForUser(userId)).map((e) => ({ type: e.type, details: e.details }));

    it('records a wrong password as a failed confirmation, not as a failed sign-in (the patient is signed in)', async () => {
      const { patient, agent } = await signedInPatient(rt, { fresh: false });
      const res = await confirm(agent, { password: WRONG });
      expect(res.status).to.equal(400);
      expect(res.text).to.include('Dit wachtwoord klopt niet');
      expect((await eventsOf(patient.id))[0]).to.deep.equal({ type: 'confirmation_failed', details: { reason: 'password' } });
      expect((await eventsOf(patient.id)).map((e) => e.type)).not.to.include('sign_in_failed');
      const described = await activity(agent);
      expect(described[0]).to.equal('Bevestigen mislukt (verkeerd wachtwoord)');
      expect(described).not.to.include('Inloggen mislukt (verkeerd wachtwoord)');
      await agent.get('/taal/en?terug=/account/beveiliging');
      expect((await activity(agent))[0]).to.equal('Confirmation failed (wrong password)');
      // The sign-in page's wrong password is still a failed sign-in.
      expect((await signIn(rt.agent(), patient.email, WRONG)).status).to.equal(400);
      expect((await eventsOf(patient.id))[0]).to.deep.equal({ type: 'sign_in_failed', details: { reason: 'password' } });
    });

    it('counts its wrong passwords under the account\'s sign-in throttle, as before: the confirmation and the sign-in lock together', async () => {
      const { patient, agent } = await signedInPatient(rt, { fresh: false });
      for (let i = 0; i < 2; i += 1) expect((await confirm(agent, { password: WRONG })).text).to.include('Dit wachtwoord klopt niet');
      const locked = await confirm(agent, { password: patient.password });
      expect(locked.status).to.equal(429);
      expect(locked.text).to.match(/Te veel pogingen\. Probeer het om \d\d:\d\d opnieuw\./);
      expect(locked.headers['retry-after']).to.match(/^[1-9]\d*$/);
      expect((await signIn(rt.agent(), patient.email, patient.password)).status, 'the sign-in is locked too').to.equal(429);
      expect((await eventsOf(patient.id)).filter((e) => e.type === 'confirmation_failed'), 'a refused check records nothing').to.have.length(2);
    });

    it('records a wrong code as a wrong code at the confirmation, not at signing in', async () => {
      const patient = await patientWithApp(rt);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      await enterSignInCode(agent, appCode(patient.secret, rt.clock.now()));
      expect((await confirm(agent, { password: patient.password, code: wrongAppCode(patient.secret, rt.clock.now()) })).status).to.equal(400);
      expect((await eventsOf(patient.id))[0]).to.deep.include({ type: 'second_step_failed' }).and.nested.include({ 'details.purpose': 'confirm' });
      expect((await eventsOf(patient.id)).map((e) => e.type)).not.to.include('sign_in_failed');
      expect((await activity(agent))[0]).to.equal('Verkeerde code bij het bevestigen dat jij het bent');
    });

    it('answers the wrong code that locks the second step with a 429 and when it ends', async () => {
      const patient = await patientWithApp(rt);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      await enterSignInCode(agent, appCode(patient.secret, rt.clock.now()));
      const wrong = wrongAppCode(patient.secret, rt.clock.now());
      for (let i = 1; i <= 9; i += 1) expect((await confirm(agent, { password: patient.password, code: wrong })).status).to.equal(400);
      const tenth = await confirm(agent, { password: patient.password, code: wrong });
      expect(tenth.status).to.equal(429);
      expect(tenth.text).to.include('14:15');
      expect(tenth.headers['retry-after']).to.equal('900');
    });
  });

  describe('the code typed', () => {
    let patient: Awaited<ReturnType<typeof patientWithApp>>;
    let agent: supertest.Agent;
    let signInCode: string;
    beforeEach(async () => {
      rt = await startTestRuntime();
      patient = await patientWithApp(rt);
      agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      signInCode = appCode(patient.secret, rt.clock.now());
      await enterSignInCode(agent, signInCode);
    });

    it('is not written into the page when only the password was wrong (it still works: a secret), and the page says it was not used', async () => {
      rt.clock.advance(STEP_MS); // a code the sign-in did not use
      const code = appCode(patient.secret, rt.clock.now());
      const wrongPassword = await confirm(agent, { password: WRONG, code });
      expect(wrongPassword.status).to.equal(400);
      expect(valueOf(wrongPassword.text, 'code')).to.equal('');
      expect(wrongPassword.text).not.to.include(code);
      expect(wrongPassword.text).to.include('<p class="notice" role="status">Je code is nog niet gebruikt. Vul de code opnieuw in.</p>');
      expect(valueOf(wrongPassword.text, 'password'), 'the password is not shown again').to.equal(undefined);
      const noPassword = await confirm(agent, { password: '', code: ` ${code} ` });
      expect(valueOf(noPassword.text, 'code'), 'no password given').to.equal('');
      expect(noPassword.text).to.include('Je code is nog niet gebruikt');
      expect((await confirm(agent, { password: patient.password, code })).headers.location, 'the code was not used').to.equal(TARGET);
    });

    it('is not kept when the code itself was refused or used, nor when it is a recovery code', async () => {
      const wrongCode = await confirm(agent, { password: patient.password, code: wrongAppCode(patient.secret, rt.clock.now()) });
      expect(wrongCode.text).to.include('aria-invalid="true"');
      expect(valueOf(wrongCode.text, 'code')).to.equal('');
      expect(wrongCode.text, 'a refused code was checked: no "not used" notice').not.to.include('nog niet gebruikt');
      const unreadable = await confirm(agent, { password: WRONG, code: '12345' });
      expect(valueOf(unreadable.text, 'code')).to.equal('');
      const recovery = await confirm(agent, { password: WRONG, code: patient.recoveryCodes[0]! });
      expect(valueOf(recovery.text, 'code')).to.equal('');
      expect(recovery.text).not.to.include(patient.recoveryCodes[0]!);
      const used = await confirm(agent, { password: patient.password, code: signInCode });
      expect(used.text).to.include('Deze code is al gebruikt');
      expect(valueOf(used.text, 'code')).to.equal('');
    });
  });
});
