import { expect } from 'chai';
import { patientWithPasskey } from '../../support/passkeys';
import { startTestRuntime, TestRuntime } from '../../support/runtime';
import { patientWithApp, wrongAppCode } from '../../support/totp';
import { enterSignInCode, lockSecondStep, passwordStep, patientWithSms } from '../../support/two-factor';

const AFTER = 'Daarna kun je opnieuw inloggen met je e-mailadres en wachtwoord.';
const NO_NEW_CODE = 'We sturen je tot die tijd geen nieuwe code.';

describe('sign-in, second step: the page of the lock says only what is true for the patient\'s method', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  /** The lock's page as a new half session of `patient` sees it. */
  async function lockedPage(patient: { id: number; email: string; password: string }) {
    await lockSecondStep(rt, patient.id);
    const agent = rt.agent();
    await passwordStep(agent, patient.email, patient.password);
    const page = await agent.get('/inloggen/code');
    expect(page.text).to.include('<title>Inloggen is tijdelijk geblokkeerd');
    return { agent, page };
  }

  it('tells an SMS patient that no new code is sent until the lock ends, in Dutch and in English', async () => {
    const { agent, page } = await lockedPage(await patientWithSms(rt));
    expect(page.text).to.include(`<p>${AFTER} ${NO_NEW_CODE}</p>`);
    await agent.get('/taal/en?terug=/inloggen/code');
    const english = await agent.get('/inloggen/code');
    expect(english.text).to.include('<p>After that you can sign in again with your email address and password. Until then we will not send you a new code.</p>');
  });

  it('does not speak of sending codes to a patient with the authenticator app, after the tenth wrong code and on the page shown again', async () => {
    const patient = await patientWithApp(rt);
    const agent = rt.agent();
    await passwordStep(agent, patient.email, patient.password);
    const wrong = wrongAppCode(patient.secret, rt.clock.now());
    for (let i = 1; i <= 9; i += 1) await enterSignInCode(agent, wrong);
    const tenth = await enterSignInCode(agent, wrong);
    expect(tenth.status).to.equal(429);
    for (const page of [tenth, await agent.get('/inloggen/code')]) {
      expect(page.text).to.include(`<p>${AFTER}</p>`);
      expect(page.text).not.to.include(NO_NEW_CODE);
    }
    await agent.get('/taal/en?terug=/inloggen/code');
    const english = await agent.get('/inloggen/code');
    expect(english.text).to.include('<p>After that you can sign in again with your email address and password.</p>');
    expect(english.text).not.to.include('send you a new code');
  });

  it('does not speak of sending codes to a patient whose second step is a passkey', async () => {
    const { patient } = await patientWithPasskey(rt);
    const { page } = await lockedPage(patient);
    expect(page.text).to.include(`<p>${AFTER}</p>`);
    expect(page.text).not.to.include(NO_NEW_CODE);
  });
});
