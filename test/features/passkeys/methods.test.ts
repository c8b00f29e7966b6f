import { expect } from 'chai';
import { submitForm } from '../../support/forms';
import { passkeySignIn, patientWithPasskey, TWO_STEP } from '../../support/passkeys';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { twoFactorRow } from '../../support/two-factor-row';

/** A patient whose method is passkeys among the other methods: what they may change (issue 15). */
describe('passkeys as the two-step method', () => {
  let rt: TestRuntime;
  afterEach(() => rt.close());

  it('may add SMS (or an app) as the method and keeps the passkeys; has no number to change', async () => {
    rt = await startTestRuntime();
    const { agent, patient } = await patientWithPasskey(rt);
    expect((await agent.get(`${TWO_STEP}/telefoonnummer-wijzigen`)).headers.location).to.equal(TWO_STEP);
    expect((await agent.get(`${TWO_STEP}/overstappen/app`)).text).to.include('Je toegangssleutels blijven werken, ook als de app gekoppeld is.');
    // The pairing page says the same; codes by SMS are not this patient's to keep.
    const pair = await submitForm(agent, `${TWO_STEP}/overstappen/app`, {});
    const pairPage = await agent.get(pair.headers.location!);
    expect(pairPage.text).to.include('Je toegangssleutels blijven werken, ook als de app gekoppeld is.').and.not.include('Je krijgt je codes via SMS');
    const form = await agent.get(`${TWO_STEP}/overstappen/sms`);
    expect(form.text).to.include('Je toegangssleutels blijven werken, ook als je daarna codes via SMS krijgt.').and.not.include('authenticatie-app blijft werken');

    expect((await submitForm(agent, `${TWO_STEP}/overstappen/sms`, { country: 'NL', phone: '06 12345678' })).headers.location).to.equal(`${TWO_STEP}/overstappen/sms/verificatie`);
    const [sms] = await rt.services.outbox!.list(1);
    const code = /\b(\d{6})\b/.exec(sms!.text)![1]!;
    const done = await submitForm(agent, `${TWO_STEP}/overstappen/sms/verificatie`, { code });
    expect(done.headers.location).to.equal(`${TWO_STEP}`);
    expect((await twoFactorRow(rt.db, patient.id)).two_factor_method).to.equal('sms');
    expect(await rt.services.passkeys.countForUser(patient.id), 'the passkey is an extra way now').to.equal(1);
    const status = await agent.get(TWO_STEP);
    expect(status.text).to.include('Verificatiecode via SMS').and.include('<p class="passkey-name">iPhone van Cas</p>');
  });

  it('counts as two-step under REQUIRE_TWO_FACTOR: a patient with only a passkey is not sent to the setup', async () => {
    const before = await startTestRuntime({ TEST_DB_KEY: 'passkey-required' });
    const { authenticator } = await patientWithPasskey(before);
    await before.close();
    rt = await startTestRuntime({ REQUIRE_TWO_FACTOR: 'true', TEST_DB_KEY: 'passkey-required' });
    const agent = rt.agent();
    expect((await passkeySignIn(agent, authenticator)).headers.location).to.equal('/werkblad');
    expect((await agent.get('/werkblad')).status).to.equal(200);
    expect((await agent.get(TWO_STEP)).text).to.include('<dd>Toegangssleutel</dd>');
  });
});
