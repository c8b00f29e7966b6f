import { expect } from 'chai';
import type supertest from 'supertest';
import { csrfTokenOf, doubleClick, submitForm } from '../../support/forms';
import { TestRuntime } from '../../support/runtime';
import { appCode, keyFromPage, patientWithApp, STEP_MS, wrongAppCode } from '../../support/totp';
import { enterRecoveryCode, enterSignInCode, lastCode, passwordStep, patientWithSms, SmsWorld, startSmsWorld } from '../../support/two-factor';
import { twoFactorRow } from '../../support/two-factor-row';

const BASE = '/account/twee-stappen';
const QR_LABEL = 'QR-code om je Karify account aan je authenticatie-app toe te voegen';

const eventTypes = async (rt: TestRuntime, userId: number) => (await rt.services.audit.listForUser(userId)).map((e) => e.type);
const messageKinds = async (rt: TestRuntime, userId: number) => (await rt.services.messages.listForUser(userId)).map((m) => m.kind);

describe('managing two-step: switching method (J6)', () => {
  let rt: TestRuntime;
  afterEach(() => rt?.close());

  describe('switching method (J6)', () => {
    let world: SmsWorld;
    beforeEach(async () => {
      world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1' });
      rt = world.rt;
    });
    afterEach(() => world.vonage.stop());

    const wait = () => new Promise((r) => setTimeout(r, 1100)); // past the SMS cooldown

    async function signedInWithSms(patient: { email: string; password: string }): Promise<supertest.Agent> {
      await wait();
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      expect((await enterSignInCode(agent, lastCode(world.vonage))).headers.location).to.equal('/werkblad');
      return agent;
    }

    async function signedInWithApp(patient: { email: string; password: string; secret: string }): Promise<supertest.Agent> {
      rt.clock.advance(STEP_MS); // a code not used yet
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      expect((await enterSignInCode(agent, appCode(patient.secret, rt.clock.now()))).headers.location).to.equal('/werkblad');
      return agent;
    }

    async function confirmWith(agent: supertest.Agent, returnTo: string, password: string, code: string) {
      const page = `/account/bevestigen?terug=${encodeURIComponent(returnTo)}`;
      const res = await submitForm(agent, page, { terug: returnTo, password, code }, '/account/bevestigen');
      expect(res.headers.location, res.text).to.equal(returnTo);
    }

    it('from SMS to the app: SMS keeps working until the app is verified; recovery codes stay', async () => {
      const patient = await patientWithSms(rt);
      const other = await signedInWithSms(patient);
      const agent = await signedInWithSms(patient);
      const start = `${BASE}/overstappen/app`;
      expect((await agent.get(BASE)).text).to.include(`href="${start}">Overstappen op een authenticatie-app`);
      expect((await agent.get(start)).headers.location).to.equal(`/account/bevestigen?terug=${encodeURIComponent(start)}`);
      await wait();
      await submitForm(agent, `/account/bevestigen?terug=${encodeURIComponent(start)}`, { terug: start }, '/account/bevestigen/code');
      await confirmWith(agent, start, patient.password, lastCode(world.vonage));

      const intro = await agent.get(start);
      expect(intro.text).to.include('Je krijgt je codes via SMS tot je de app hebt gekoppeld');
      expect((await submitForm(agent, start, {})).headers.location).to.equal(`${start}/koppelen`);
      const pair = await agent.get(`${start}/koppelen`);
      expect(pair.text).to.include(`alt="${QR_LABEL}"`).and.include('FreeOTP');
      expect(pair.text, 'the help (J7)').to.match(/<h2 id="help-title">Is het niet gelukt\?<\/h2>[\s\S]*href="\/hulp\/vragenformulier"/);
      const secret = keyFromPage(pair.text);

      // Not verified yet: SMS is still the method, for this and every new sign-in.
      expect((await twoFactorRow(rt.db, patient.id)).two_factor_method).to.equal('sms');
      await signedInWithSms(patient);

      const wrong = await submitForm(agent, `${start}/koppelen`, { code: wrongAppCode(secret, rt.clock.now()) });
      expect(wrong.status).to.equal(400);
      expect(wrong.text).to.include('Deze code klopt niet');
      expect((await twoFactorRow(rt.db, patient.id)).two_factor_method).to.equal('sms');

      const recoveryBefore = await rt.db('recovery_codes').where({ user_id: patient.id }).orderBy('id');
      const code = appCode(secret, rt.clock.now());
      const done = await submitForm(agent, `${start}/koppelen`, { code });
      expect(done.headers.location).to.equal(`${BASE}`);
      const status = await agent.get(done.headers.location!);
      expect(status.text).to.include('Je gebruikt nu een andere methode').and.match(/<dd>Authenticatie-app<\/dd>/);
      expect(status.text).to.include('10 van de 10');

      const row = await twoFactorRow(rt.db, patient.id);
      expect([row.two_factor_method, row.two_factor_phone]).to.deep.equal(['totp', null]);
      expect(await rt.db('recovery_codes').where({ user_id: patient.id }).orderBy('id')).to.deep.equal(recoveryBefore);
      expect((await other.get('/werkblad')).headers.location, 'other sessions end').to.equal('/inloggen');
      expect((await agent.get('/werkblad')).status).to.equal(200);
      expect((await rt.services.audit.listForUser(patient.id))[0]).to.deep.include({ type: 'method_switched', details: { method: 'totp' } });
      const messages = await rt.services.messages.listForUser(patient.id);
      expect(messages[0]).to.deep.include({ kind: 'method_switched', params: { method: 'totp' } });
      expect((await agent.get('/berichten')).text).to.include('Je krijgt de code nu via een authenticatie-app.');
      expect((await agent.get('/account/beveiliging')).text).to.include('Methode voor inloggen in twee stappen gewijzigd in authenticatie-app');

      // From now on: the app, no SMS; the code of the switch itself does not work twice.
      const sent = world.vonage.messages.length;
      const next = rt.agent();
      await passwordStep(next, patient.email, patient.password);
      expect(world.vonage.messages).to.have.length(sent);
      expect((await enterSignInCode(next, code)).text).to.include('Deze code is al gebruikt');
      expect((await enterRecoveryCode(next, patient.recoveryCodes[0]!)).status, 'an old recovery code still works').to.equal(302);
    });

    it('switches to the app once when its code is sent twice at once (a double click): one change, one notice', async () => {
      const patient = await patientWithSms(rt);
      const agent = await signedInWithSms(patient);
      const start = `${BASE}/overstappen/app`;
      await wait();
      await submitForm(agent, `/account/bevestigen?terug=${encodeURIComponent(start)}`, { terug: start }, '/account/bevestigen/code');
      await confirmWith(agent, start, patient.password, lastCode(world.vonage));
      await submitForm(agent, start, {});
      const secret = keyFromPage((await agent.get(`${start}/koppelen`)).text);

      await doubleClick(agent, `${start}/koppelen`, { code: appCode(secret, rt.clock.now()) }, { first: `${BASE}`, second: [BASE, start] });
      expect((await eventTypes(rt, patient.id)).filter((type) => type === 'method_switched')).to.have.length(1);
      expect((await messageKinds(rt, patient.id)).filter((kind) => kind === 'method_switched')).to.have.length(1);
      expect((await twoFactorRow(rt.db, patient.id)).two_factor_method).to.equal('totp');
    });

    it('from the app to SMS: the app keeps working until the number is verified; recovery codes stay', async () => {
      const patient = await patientWithApp(rt);
      const other = await signedInWithApp(patient);
      const agent = await signedInWithApp(patient);
      const start = `${BASE}/overstappen/sms`;
      expect((await agent.get(BASE)).text).to.include(`href="${start}">Overstappen op SMS`);
      rt.clock.advance(STEP_MS);
      await confirmWith(agent, start, patient.password, appCode(patient.secret, rt.clock.now()));

      const form = await agent.get(start);
      expect(form.text).to.include('Overstappen op SMS').and.include('Je authenticatie-app blijft werken tot je de code hebt ingevuld.');
      expect(form.text, 'the risk of SMS, as in the wizard').to.include('Let op: een SMS is minder veilig dan een app.');
      const submitted = await submitForm(agent, start, { country: 'NL', phone: '06 87654321' });
      expect(submitted.headers.location).to.equal(`${start}/verificatie`);
      expect(world.vonage.messages.at(-1)!.to).to.equal('31687654321');
      const smsCode = lastCode(world.vonage);
      expect((await agent.get(`${start}/verificatie`)).text).to.include('+31 6 ••••••21');

      // Not verified yet: the app is still the method.
      expect((await twoFactorRow(rt.db, patient.id)).two_factor_method).to.equal('totp');
      await signedInWithApp(patient);

      const recoveryBefore = await rt.db('recovery_codes').where({ user_id: patient.id }).orderBy('id');
      const done = await submitForm(agent, `${start}/verificatie`, { code: smsCode });
      expect(done.headers.location).to.equal(`${BASE}`);
      const status = await agent.get(done.headers.location!);
      expect(status.text).to.match(/<dd>Verificatiecode via SMS<\/dd>/).and.include('+31 6 ••••••21');

      const row = await twoFactorRow(rt.db, patient.id);
      expect([row.two_factor_method, row.two_factor_phone, row.totp_secret_encrypted, row.totp_last_step])
        .to.deep.equal(['sms', '+31687654321', null, null]);
      expect(await rt.db('recovery_codes').where({ user_id: patient.id }).orderBy('id')).to.deep.equal(recoveryBefore);
      expect((await other.get('/werkblad')).headers.location, 'other sessions end').to.equal('/inloggen');
      expect(await eventTypes(rt, patient.id)).to.include('method_switched');
      expect((await rt.services.messages.listForUser(patient.id))[0]).to.deep.include({ kind: 'method_switched', params: { method: 'sms' } });
      expect((await agent.get('/berichten')).text).to.include('Je krijgt de code nu via een SMS.');

      await wait();
      const sent = world.vonage.messages.length;
      const next = rt.agent();
      await passwordStep(next, patient.email, patient.password);
      expect(world.vonage.messages).to.have.length(sent + 1);
      rt.clock.advance(STEP_MS);
      expect((await enterSignInCode(next, appCode(patient.secret, rt.clock.now()))).status, 'the app no longer works').to.equal(400);
      expect((await enterRecoveryCode(next, patient.recoveryCodes[0]!)).status, 'an old recovery code still works').to.equal(302);
    });

    it('keeps the number typed for SMS when the confirmation ran out before "Stuur code", and shows it after confirming', async () => {
      const patient = await patientWithApp(rt);
      const agent = await signedInWithApp(patient);
      const start = `${BASE}/overstappen/sms`;
      rt.clock.advance(STEP_MS);
      await confirmWith(agent, start, patient.password, appCode(patient.secret, rt.clock.now()));
      const form = await agent.get(start);
      rt.clock.advanceMinutes(11);
      const sent = await agent.post(start).type('form').send({ _csrf: csrfTokenOf(form.text), country: 'NL', phone: '06 87654321' });
      expect(sent.headers.location).to.equal(`/account/bevestigen?terug=${encodeURIComponent(start)}`);
      expect(world.vonage.messages, 'no SMS before the confirmation').to.have.length(0);
      rt.clock.advance(STEP_MS);
      await confirmWith(agent, start, patient.password, appCode(patient.secret, rt.clock.now()));
      expect((await agent.get(start)).text).to.include('value="06 87654321"');
    });

    it('offers each switch only to the users of the other method', async () => {
      const smsPatient = await patientWithSms(rt);
      const smsAgent = await signedInWithSms(smsPatient);
      await confirmWith(smsAgent, `${BASE}/uitzetten`, smsPatient.password, smsPatient.recoveryCodes[0]!);
      for (const path of [`${BASE}/overstappen/sms`, `${BASE}/overstappen/sms/verificatie`]) {
        expect((await smsAgent.get(path)).headers.location, path).to.equal(BASE);
      }

      const appPatient = await patientWithApp(rt);
      const appAgent = await signedInWithApp(appPatient);
      await confirmWith(appAgent, `${BASE}/uitzetten`, appPatient.password, appPatient.recoveryCodes[0]!);
      for (const path of [`${BASE}/overstappen/app`, `${BASE}/overstappen/app/koppelen`, `${BASE}/telefoonnummer-wijzigen`]) {
        expect((await appAgent.get(path)).headers.location, path).to.equal(BASE);
      }
      const token = csrfTokenOf((await appAgent.get(BASE)).text);
      const post = await appAgent.post(`${BASE}/telefoonnummer-wijzigen`).type('form').send({ _csrf: token, country: 'NL', phone: '0687654321' });
      expect(post.headers.location).to.equal(BASE);
      expect((await twoFactorRow(rt.db, appPatient.id)).two_factor_phone).to.equal(null);
    });
  });
});
