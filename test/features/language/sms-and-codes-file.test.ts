import { expect } from 'chai';
import { submitForm } from '../../support/forms';
import {
  chooseSms, confirmWithSms, enterCode, enterPhone, lastCode, passwordStep, pastSmsCooldown, patientWithSms, SETUP, signedInPatient, signedInWithSms, SmsWorld, startSmsWorld,
} from '../../support/two-factor';

const SMS_TEXT = {
  nl: /^\d{6} is je Karify verificatiecode\. Deel deze code met niemand/,
  en: /^\d{6} is your Karify verification code\. Do not share this code with anyone/,
};
const FILE_NAME = { nl: 'karify-herstelcodes.txt', en: 'karify-recovery-codes.txt' };
const FILE_HEADER = { nl: 'Herstelcodes voor je Karify account', en: 'Recovery codes for your Karify account' };

describe('the SMS and the recovery-code file in the language of the page', () => {
  let world: SmsWorld;
  beforeEach(async () => {
    world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1' });
  });
  afterEach(() => world?.close());

  /**
   * The newest SMS is in `language`, within one SMS (160 characters), and brings the code, last
   * on the origin-bound line of the site it is for (tests: localhost).
   */
  function expectNewestSms(language: keyof typeof SMS_TEXT, count: number, host = 'localhost') {
    expect(world.vonage.messages, 'SMS sent').to.have.length(count);
    const { text } = world.vonage.messages.at(-1)!;
    expect(text).to.match(SMS_TEXT[language]);
    expect(text.length, 'one SMS').to.be.at.most(160);
    const code = lastCode(world.vonage);
    expect(text.startsWith(code)).to.equal(true);
    expect(text.split('\n').slice(-2), 'a line of its own, after an empty one').to.deep.equal(['', `@${host} #${code}`]);
  }

  it('ends the SMS with the site patients use (PUBLIC_URL), where phones offer the code for autofill', async () => {
    await world.close();
    world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1', PUBLIC_URL: 'https://mijn.kliniek.example.nl' });
    const patient = await patientWithSms(world.rt);
    await passwordStep(world.rt.agent(), patient.email, patient.password);
    expectNewestSms('nl', 1, 'mijn.kliniek.example.nl');
  });

  it('sends the sign-in code in Dutch by default, in English once chosen, and a new code in the language it is asked in', async () => {
    const { rt } = world;
    const dutch = await patientWithSms(rt);
    await passwordStep(rt.agent(), dutch.email, dutch.password);
    expectNewestSms('nl', 1);

    const english = await patientWithSms(rt, '+31612345679');
    const agent = rt.agent();
    await agent.get('/taal/en?terug=/inloggen');
    await passwordStep(agent, english.email, english.password);
    expectNewestSms('en', 2);
    await pastSmsCooldown();
    expect((await submitForm(agent, '/inloggen/code', {}, '/inloggen/code/nieuwe-code')).headers.location).to.equal('/inloggen/code');
    expectNewestSms('en', 3);

    await agent.get('/taal/nl?terug=/inloggen/code');
    await pastSmsCooldown();
    await submitForm(agent, '/inloggen/code', {}, '/inloggen/code/nieuwe-code');
    expectNewestSms('nl', 4);
  });

  it('sends the confirmation\'s code and the new number\'s code in English once chosen', async () => {
    const patient = await patientWithSms(world.rt);
    const agent = await signedInWithSms(world, patient);
    await agent.get('/taal/en?terug=/werkblad');
    const change = '/account/twee-stappen/telefoonnummer-wijzigen';
    expect((await confirmWithSms(world, agent, change, patient.password)).headers.location).to.equal(change);
    expectNewestSms('en', 2);
    await pastSmsCooldown();
    const sent = await submitForm(agent, change, { country: 'NL', phone: '06 12345670' });
    expect(sent.headers.location).to.equal(`${change}/verificatie`);
    expectNewestSms('en', 3);
    expect(world.vonage.messages.at(-1)!.to).to.equal('31612345670');
  });

  for (const language of ['nl', 'en'] as const) {
    it(`sends the setup code and names the recovery-code file in the page language: ${language}`, async () => {
      const { patient, agent } = await signedInPatient(world.rt);
      if (language === 'en') await agent.get('/taal/en?terug=/werkblad');
      await chooseSms(agent);
      expect((await enterPhone(agent, '06 12345678')).headers.location).to.equal(`${SETUP}/verificatie`);
      expectNewestSms(language, 1);
      await pastSmsCooldown();
      expect((await submitForm(agent, `${SETUP}/verificatie`, {}, `${SETUP}/verificatie/nieuwe-code`)).headers.location).to.equal(`${SETUP}/verificatie`);
      expectNewestSms(language, 2);

      expect((await enterCode(agent, lastCode(world.vonage))).headers.location).to.equal(`${SETUP}/herstelcodes`);
      const page = await agent.get(`${SETUP}/herstelcodes`);
      expect(page.text).to.include(`<html lang="${language}">`);
      expect(page.text).to.include(`href="${SETUP}/herstelcodes/download" download="${FILE_NAME[language]}"`);
      const file = await agent.get(`${SETUP}/herstelcodes/download`);
      expect(file.headers['content-disposition']).to.equal(`attachment; filename=${FILE_NAME[language]}`);
      expect(file.text).to.include(`${FILE_HEADER[language]} (${patient.email})`);
      expect((await agent.get(`${SETUP}/herstelcodes/afdrukken`)).text).to.include(`<h1>${FILE_HEADER[language]}</h1>`);
    });
  }
});
