import { expect } from 'chai';
import type supertest from 'supertest';
import { submitForm } from '../../support/forms';
import { lastCode, passwordStep, pastSmsCooldown, patientWithSms, signedInPatient, SmsWorld, startSmsWorld } from '../../support/two-factor';

/** Follows the footer's language link of `path` and shows the page again, in `language`. */
async function inLanguage(agent: supertest.Agent, language: string, path: string) {
  const choose = await agent.get(`/taal/${language}?terug=${encodeURIComponent(path)}`);
  expect(choose.headers.location).to.equal(path);
  return agent.get(path);
}

describe('what a page says once, and the language link', () => {
  let world: SmsWorld;
  beforeEach(async () => {
    world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1' });
  });
  afterEach(() => world.close());

  it('says a change again in the other language, but not on a refresh or when the patient comes back to the page', async () => {
    const { agent } = await signedInPatient(world.rt);
    const path = '/account/wachtwoord';
    const fields = { newPassword: 'blauwe-tulp-fietst-7', repeatPassword: 'blauwe-tulp-fietst-7' };
    expect((await submitForm(agent, path, fields)).headers.location).to.equal(path);
    expect((await agent.get(path)).text).to.include('Je wachtwoord is gewijzigd.');

    expect((await inLanguage(agent, 'en', path)).text).to.include('Your password has been changed.');
    expect((await agent.get(path)).text, 'a refresh').not.to.include('Your password has been changed.');
    expect((await inLanguage(agent, 'nl', path)).text, 'back in Dutch after the refresh').not.to.include('Je wachtwoord is gewijzigd.');
  });

  it('forgets a notice once another page was shown, also for the language link', async () => {
    const { agent } = await signedInPatient(world.rt);
    const path = '/account/wachtwoord';
    const fields = { newPassword: 'blauwe-tulp-fietst-7', repeatPassword: 'blauwe-tulp-fietst-7' };
    await submitForm(agent, path, fields);
    expect((await agent.get(path)).text).to.include('Je wachtwoord is gewijzigd.');
    expect((await agent.get('/werkblad')).status).to.equal(200);
    expect((await inLanguage(agent, 'en', path)).text).not.to.include('Your password has been changed.');
  });

  it('shows the question form again when the patient comes back to it after the thanks', async () => {
    const { agent } = await signedInPatient(world.rt);
    const path = '/hulp/vragenformulier';
    const sent = await submitForm(agent, path, { name: 'Anna', email: 'anna@example.nl', question: 'Hoe werkt de app?' });
    expect(sent.headers.location).to.equal(path);
    expect((await agent.get(path)).text).to.include('Bedankt, we hebben je vraag ontvangen.');
    expect((await inLanguage(agent, 'en', path)).text).to.include('Thank you, we have received your question.');
    const again = await agent.get(path);
    expect(again.text).not.to.include('Thank you');
    expect(again.text).to.include('<textarea id="question"');
  });

  it('says "a new code was sent" again in the other language, not on a refresh', async () => {
    const patient = await patientWithSms(world.rt);
    const agent = world.rt.agent();
    await passwordStep(agent, patient.email, patient.password);
    await pastSmsCooldown();
    expect((await submitForm(agent, '/inloggen/code', {}, '/inloggen/code/nieuwe-code')).headers.location).to.equal('/inloggen/code');
    expect(world.vonage.messages).to.have.length(2);
    expect((await agent.get('/inloggen/code')).text).to.include('We hebben een nieuwe code gestuurd.');
    expect((await inLanguage(agent, 'en', '/inloggen/code')).text).to.include('We have sent a new code.');
    expect((await agent.get('/inloggen/code')).text, 'a refresh').not.to.include('We have sent a new code.');
    expect(lastCode(world.vonage)).to.match(/^\d{6}$/);
  });

  it('does not say again in the other language that a wait is on once it is over', async () => {
    const patient = await patientWithSms(world.rt);
    const agent = world.rt.agent();
    await passwordStep(agent, patient.email, patient.password);
    await submitForm(agent, '/inloggen/code', {}, '/inloggen/code/nieuwe-code');
    const wait = /role="status">We (hebben geen nieuwe code gestuurd.* Je kunt om \d\d:\d\d een nieuwe code aanvragen|have not sent a new code.* You can ask for a new code at \d\d:\d\d)/;
    expect((await agent.get('/inloggen/code')).text).to.match(wait);
    expect((await inLanguage(agent, 'en', '/inloggen/code')).text, 'still waiting').to.match(wait);

    world.rt.clock.advanceMinutes(2);
    expect((await inLanguage(agent, 'nl', '/inloggen/code')).text, 'the wait is over').not.to.match(wait);
  });
});
