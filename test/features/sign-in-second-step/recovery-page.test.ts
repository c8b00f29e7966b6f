import { expect } from 'chai';
import { signIn, submitForm } from '../../support/forms';
import { patientWithPasskey } from '../../support/passkeys';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { patientWithApp } from '../../support/totp';

/** "Inloggen met een herstelcode": the way back to the code page, which a passkey-only patient can use only with JavaScript (SPEC J9). */
describe('sign-in, second step: the recovery-code page\'s way back', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  const FALLBACK = 'Kun je je toegangssleutel niet gebruiken, bijvoorbeeld omdat JavaScript uit staat of omdat deze browser geen toegangssleutels kent? Gebruik dan een herstelcode.';

  it('offers a passkey-only patient the passkey only through the script: without it, no link, and the page says a recovery code is the way', async () => {
    const { patient } = await patientWithPasskey(rt);
    const agent = rt.agent();
    expect((await signIn(agent, patient.email, patient.password)).headers.location).to.equal('/inloggen/code');
    const page = await agent.get('/inloggen/herstelcode');
    const wrong = await submitForm(agent, '/inloggen/herstelcode', { recoveryCode: '1234567890' });
    expect(wrong.status, 'a wrong code shows the page again').to.equal(400);
    for (const [what, html] of [['the page', page.text], ['after a wrong code', wrong.text]] as const) {
      expect(html, what).not.to.match(/<a [^>]*href="\/inloggen\/code"/);
      expect(html, what).to.include('<div class="passkey" hidden data-passkey-href="/inloggen/code" data-passkey-label="Gebruik je toegangssleutel"></div>');
      expect(html, what).to.include(`<p data-passkey-fallback>${FALLBACK}</p>`);
      expect(html, `${what}: no phone for a patient who signs in with a passkey`).not.to.include('telefoon');
      expect(html, `${what}: the script that makes the link`).to.match(/<script src="\/js\/passkeys\.js\?v=[0-9a-f]{10}" defer><\/script>/);
    }
  });

  it('keeps the plain link back to the code for a patient with the app (it works without JavaScript)', async () => {
    const patient = await patientWithApp(rt);
    const agent = rt.agent();
    await signIn(agent, patient.email, patient.password);
    const page = await agent.get('/inloggen/herstelcode');
    expect(page.text).to.include('<a href="/inloggen/code">Gebruik een verificatiecode</a>');
    expect(page.text).not.to.include('data-passkey-href').and.not.include(FALLBACK).and.not.include('/js/passkeys.js');
  });
});
