import { expect } from 'chai';
import type supertest from 'supertest';
import { csrfTokenOf, signIn, submitForm } from '../../support/forms';
import { askOptions, authenticatorFor, eventTypes, patientWithPasskey, registerPasskey } from '../../support/passkeys';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { expectSignedOut, patientWithSms } from '../../support/two-factor';

/** A passkey as the second step after the password, and the fresh confirmation with one (issue 15). */
describe('passkeys: the second step and the fresh confirmation', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  /** The password step; the agent ends on the code page in a half session. */
  async function passwordStep(agent: supertest.Agent, patient: { email: string; password: string }) {
    const res = await signIn(agent, patient.email, patient.password);
    expect(res.headers.location).to.equal('/inloggen/code');
    return agent.get('/inloggen/code');
  }

  /** The passkey button of the code page, as the script uses it. */
  async function passkeyStep(agent: supertest.Agent, page: supertest.Response) {
    expect(page.text, 'the code page offers the passkey').to.include('data-passkey-options="/inloggen/code/toegangssleutel/opties"');
    const token = csrfTokenOf(page.text);
    const options = await askOptions(agent, '/inloggen/code/toegangssleutel/opties', token);
    expect(options.status, options.text).to.equal(200);
    return { options: options.body, send: (answer: unknown) => agent.post('/inloggen/code/toegangssleutel').type('form').send({ _csrf: token, credential: JSON.stringify(answer) }) };
  }

  describe('a patient with SMS and a passkey', () => {
    it('may use the passkey instead of the code; only their own passkeys are offered', async () => {
      const patient = await patientWithSms(rt);
      const authenticator = authenticatorFor(rt);
      const passkey = await registerPasskey(rt, patient, authenticator);
      const agent = rt.agent();
      const page = await passwordStep(agent, patient);
      expect(page.text).to.include('Verificatiecode').and.include('data-passkey-options="/inloggen/code/toegangssleutel/opties"');
      const step = await passkeyStep(agent, page);
      expect(step.options.allowCredentials).to.deep.equal([{ id: passkey.credentialId, type: 'public-key', transports: ['internal'] }]);
      const res = await step.send(authenticator.get(step.options));
      expect(res.headers.location).to.equal('/werkblad');
      expect((await rt.services.audit.listForUser(patient.id))[0]).to.deep.include({ type: 'sign_in', details: { method: 'passkey' } });
      const activity = (await agent.get('/account/beveiliging')).text;
      expect(activity, 'after the password').to.include('Ingelogd met toegangssleutel').and.not.include('zonder wachtwoord');
    });

    it('signs in once when the answer is sent twice at once (a double click): both go to the Werkblad, nothing counted as a replay', async () => {
      const patient = await patientWithSms(rt);
      const authenticator = authenticatorFor(rt);
      await registerPasskey(rt, patient, authenticator);
      const agent = rt.agent();
      const step = await passkeyStep(agent, await passwordStep(agent, patient));
      const answer = authenticator.get(step.options);
      const [first, second] = await Promise.all([step.send(answer), step.send(answer)]);
      expect([first.headers.location, second.headers.location]).to.deep.equal(['/werkblad', '/werkblad']);
      const events = await eventTypes(rt, patient.id);
      expect(events.filter((type) => type === 'sign_in')).to.have.length(1);
      expect(events).not.to.include('second_step_failed');
    });

    it('refuses another patient\'s passkey at their second step, and counts it', async () => {
      const patient = await patientWithSms(rt);
      await registerPasskey(rt, patient, authenticatorFor(rt));
      const other = await rt.createPatient();
      const otherKey = authenticatorFor(rt);
      await registerPasskey(rt, other, otherKey);
      const agent = rt.agent();
      const step = await passkeyStep(agent, await passwordStep(agent, patient));
      const res = await step.send(otherKey.get({ ...step.options, allowCredentials: undefined }));
      expect(res.status).to.equal(400);
      expect(res.text).to.include('Je toegangssleutel is niet geaccepteerd.').and.include('Verificatiecode');
      expect(res.text, 'the title says it failed').to.include('<title>Fout: Vul je verificatiecode in – Karify</title>');
      expect((await agent.get('/werkblad')).headers.location).to.equal('/inloggen/code');
      const failed = (await rt.services.audit.listForUser(patient.id)).find((e) => e.type === 'second_step_failed');
      expect(failed!.details).to.include({ reason: 'wrong_passkey', refusal: 'unknown_credential' });
    });

    it('does not take a challenge given for the sign-in page', async () => {
      const patient = await patientWithSms(rt);
      const authenticator = authenticatorFor(rt);
      await registerPasskey(rt, patient, authenticator);
      const agent = rt.agent();
      const token = csrfTokenOf((await agent.get('/inloggen')).text);
      const signInOptions = (await askOptions(agent, '/inloggen/toegangssleutel/opties', token)).body;
      const page = await passwordStep(agent, patient);
      const halfToken = csrfTokenOf(page.text);
      const res = await agent.post('/inloggen/code/toegangssleutel').type('form').send({ _csrf: halfToken, credential: JSON.stringify(authenticator.get(signInOptions)) });
      expect(res.status).to.equal(400);
      expect(res.text, 'nothing took too long').to.include('Het gebruik van je toegangssleutel is niet gelukt. Probeer het opnieuw.').and.not.include('Dat duurde te lang.');
    });
  });

  describe('a patient whose only method is passkeys', () => {
    let world: Awaited<ReturnType<typeof patientWithPasskey>>;
    beforeEach(async () => {
      world = await patientWithPasskey(rt);
    });

    it('is asked for the passkey after the password, with no code sent, and is told about recovery codes', async () => {
      const outboxBefore = (await rt.services.outbox!.list()).length;
      const agent = rt.agent();
      const page = await passwordStep(agent, world.patient);
      expect(page.text).to.include('<h1>Gebruik je toegangssleutel</h1>').and.include('Je wachtwoord klopt. Gebruik nu je toegangssleutel.');
      expect(page.text).to.include('omdat JavaScript uit staat of omdat deze browser geen toegangssleutels kent? Gebruik dan een herstelcode.');
      expect(page.text).to.include('<a href="/inloggen/herstelcode">Gebruik een herstelcode</a>');
      expect(page.text, 'no code field').not.to.include('name="code"');
      expect((await rt.services.outbox!.list()).length, 'no SMS').to.equal(outboxBefore);
      const recovery = await agent.get('/inloggen/herstelcode');
      expect(recovery.text, 'the way back to the passkey: a link the script makes').to.include('data-passkey-href="/inloggen/code" data-passkey-label="Gebruik je toegangssleutel"')
        .and.not.include('Gebruik je toegangssleutel</a>');
      const step = await passkeyStep(agent, page);
      expect((await step.send(world.authenticator.get(step.options))).headers.location).to.equal('/werkblad');
    });

    it('can sign in with a recovery code, without JavaScript', async () => {
      const agent = rt.agent();
      await passwordStep(agent, world.patient);
      const res = await submitForm(agent, '/inloggen/herstelcode', { recoveryCode: world.recoveryCodes[0]! });
      expect(res.headers.location).to.equal('/inloggen/herstelcode-gebruikt');
      expect(await eventTypes(rt, world.patient.id)).to.include('recovery_code_used');
    });

    it('gets no code checked: a 6-digit code leads back to the page', async () => {
      const agent = rt.agent();
      await passwordStep(agent, world.patient);
      const res = await submitForm(agent, '/inloggen/code', { code: '123456' }, '/inloggen/code');
      expect(res.headers.location).to.equal('/inloggen/code');
      expect(await eventTypes(rt, world.patient.id)).not.to.include('second_step_failed');
    });

    it('confirms with the password and the passkey, or the password and a recovery code, but not a 6-digit code', async () => {
      const { agent, patient, authenticator } = world;
      rt.clock.advanceMinutes(11);
      const returnTo = '/account/twee-stappen/uitzetten';
      const page = `/account/bevestigen?terug=${encodeURIComponent(returnTo)}`;
      const form = await agent.get(page);
      expect(form.text).to.include('Gebruik daarna ook je toegangssleutel.').and.include('<label for="code">Herstelcode</label>');
      expect(form.text, 'a recovery code: nothing for a phone to fill in from an SMS').to.match(/<input id="code" name="code" type="text" value="" autocomplete="off"/);
      expect(form.text).to.include('data-passkey-options="/account/bevestigen/toegangssleutel/opties"').and.include('name="credential"');
      expect(form.text, 'no SMS to ask for').not.to.include('Stuur code naar');

      const sixDigits = await submitForm(agent, page, { terug: returnTo, password: patient.password, code: '123456' }, '/account/bevestigen');
      expect(sixDigits.status).to.equal(400);
      expect(sixDigits.text).to.include('Een herstelcode bestaat uit 10 cijfers.');
      const empty = await submitForm(agent, page, { terug: returnTo, password: patient.password, code: '' }, '/account/bevestigen');
      expect(empty.text).to.include('Gebruik je toegangssleutel, of vul een herstelcode in.');

      const token = csrfTokenOf(form.text);
      const wrongPassword = await agent.post('/account/bevestigen').type('form')
        .send({ _csrf: token, terug: returnTo, password: 'niet-mijn-wachtwoord', code: '', credential: JSON.stringify(authenticator.get((await askOptions(agent, '/account/bevestigen/toegangssleutel/opties', token)).body)) });
      expect(wrongPassword.status).to.equal(400);
      expect(wrongPassword.text).to.include('Dit wachtwoord klopt niet.');

      const options = await askOptions(agent, '/account/bevestigen/toegangssleutel/opties', token);
      const wrongOrigin = await agent.post('/account/bevestigen').type('form')
        .send({ _csrf: token, terug: returnTo, password: patient.password, code: '', credential: JSON.stringify(authenticator.get(options.body, { origin: 'https://nep.example' })) });
      expect(wrongOrigin.status).to.equal(400);
      expect(wrongOrigin.text).to.include('Je toegangssleutel is niet geaccepteerd.');
      expect((await agent.get(returnTo)).headers.location, 'not confirmed').to.match(/^\/account\/bevestigen/);

      const good = await askOptions(agent, '/account/bevestigen/toegangssleutel/opties', token);
      const confirmed = await agent.post('/account/bevestigen').type('form')
        .send({ _csrf: token, terug: returnTo, password: patient.password, code: '', credential: JSON.stringify(authenticator.get(good.body)) });
      expect(confirmed.headers.location).to.equal(returnTo);
      expect((await agent.get(returnTo)).status).to.equal(200);
      expect((await rt.services.audit.listForUser(patient.id))[0]).to.deep.include({ type: 'passkey_used', details: { purpose: 'confirm', passkey: 'iPhone van Cas' } });
      expect((await agent.get('/account/beveiliging')).text.replaceAll('&#39;', "'")).to.include("Toegangssleutel 'iPhone van Cas' gebruikt om een wijziging te bevestigen");

      rt.clock.advanceMinutes(11);
      const byCode = await submitForm(agent, page, { terug: returnTo, password: patient.password, code: world.recoveryCodes[1]! }, '/account/bevestigen');
      expect(byCode.headers.location).to.equal(returnTo);
    });

    it('loses the passkeys with two-step: turning it off removes them', async () => {
      const { agent, patient } = world;
      const page = await agent.get('/account/twee-stappen/uitzetten');
      expect(page.text).to.include('Je herstelcodes en je toegangssleutels werken daarna niet meer.');
      const res = await agent.post('/account/twee-stappen/uitzetten').type('form').send({ _csrf: csrfTokenOf(page.text) });
      expect(res.headers.location).to.equal('/account/twee-stappen');
      expect(await rt.services.passkeys.countForUser(patient.id)).to.equal(0);
      const signedOut = rt.agent();
      const token = csrfTokenOf((await signedOut.get('/inloggen')).text);
      const options = await askOptions(signedOut, '/inloggen/toegangssleutel/opties', token);
      const tried = await signedOut.post('/inloggen/toegangssleutel').type('form').send({ _csrf: token, credential: JSON.stringify(world.authenticator.get(options.body)) });
      expect(tried.status).to.equal(400);
      await expectSignedOut(signedOut);
    });
  });
});
