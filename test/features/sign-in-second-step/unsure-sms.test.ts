import { expect } from 'chai';
import { submitForm } from '../../support/forms';
import { enterSignInCode, lastCode, passwordStep, pastSmsCooldown, patientWithSms, SmsWorld, startSmsWorld } from '../../support/two-factor';

describe('sign-in, second step: an SMS that may still come while a cap refuses the next one', () => {
  let world: SmsWorld;
  beforeEach(async () => {
    world = await startSmsWorld({ SMS_MAX_PER_ACCOUNT_PER_HOUR: '1' }); // the sign-in's own SMS fills it
  });
  afterEach(() => world?.close());

  it('says until when its code works and when a code can come again, and advises no "Stuur nieuwe code" that is not there', async () => {
    const { rt, vonage } = world;
    const patient = await patientWithSms(rt);
    const agent = rt.agent();
    vonage.delayNext(1000); // Vonage takes the SMS, but answers after the app stopped waiting (400 ms)
    await passwordStep(agent, patient.email, patient.password);
    const page = (await agent.get('/inloggen/code')).text;
    expect(page).to.match(/Het versturen van de SMS duurde langer dan normaal\. Misschien komt de SMS nog: de code daarin werkt tot \d\d:\d\d\./);
    expect(page, 'no advice to ask for a code the cap refuses').not.to.include('Vraag dan vanaf').and.not.include('value="Stuur nieuwe code"');
    expect(page).not.to.match(/<button[^>]*>Stuur nieuwe code</);
    expect(page).to.match(/om \d\d:\d\d weer een code aanvragen/).and.include('herstelcode');
    await new Promise((r) => setTimeout(r, 1100));
    expect(lastCode(vonage), 'the SMS did come').to.match(/^\d{6}$/);
  });

  it('opened again, still says the SMS may not have gone out, not that it was sent; a code sent after it is "gestuurd" again', async () => {
    await world.close();
    world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1' });
    const { rt, vonage } = world;
    const patient = await patientWithSms(rt);
    const agent = rt.agent();
    vonage.delayNext(1000);
    await passwordStep(agent, patient.email, patient.password);
    expect((await agent.get('/inloggen/code')).text).to.include('Misschien komt de SMS nog');
    const again = (await agent.get('/inloggen/code')).text;
    expect(again, 'the notice is said once').not.to.include('Vraag dan vanaf');
    expect(again).to.match(/duurde langer dan normaal\. Misschien komt de SMS nog\. De code is geldig tot \d\d:\d\d\./);
    expect(again).not.to.include('We hebben een 6-cijferige verificatiecode naar bovenstaand telefoonnummer gestuurd.');
    await pastSmsCooldown();
    await submitForm(agent, '/inloggen/code', {}, '/inloggen/code/nieuwe-code');
    await agent.get('/inloggen/code');
    const afterResend = (await agent.get('/inloggen/code')).text;
    expect(afterResend).to.include('We hebben een 6-cijferige verificatiecode naar bovenstaand telefoonnummer gestuurd.').and.not.include('duurde langer');
    expect((await enterSignInCode(agent, lastCode(vonage))).headers.location).to.equal('/werkblad');
  });

  it('asked again within the cooldown, says an SMS that may still come was sent, not that the patient got one', async () => {
    await world.close();
    world = await startSmsWorld();
    const { rt, vonage } = world;
    const patient = await patientWithSms(rt);
    const agent = rt.agent();
    vonage.delayNext(1000);
    await passwordStep(agent, patient.email, patient.password);
    await agent.get('/inloggen/code'); // the notice that it may still come, said once
    const refused = await submitForm(agent, '/inloggen/code', {}, '/inloggen/code/nieuwe-code');
    const page = (await agent.get(refused.headers.location ?? '/inloggen/code')).text;
    expect(page).to.match(/We hebben geen nieuwe code gestuurd, want we hebben je net al een SMS gestuurd, die misschien nog komt\. Je kunt om \d\d:\d\d een nieuwe code aanvragen/);
    expect(page).not.to.include('je hebt net al een code gekregen');
  });
});
