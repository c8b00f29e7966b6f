import { expect } from 'chai';
import { signIn, submitForm } from '../../support/forms';
import { patientWithSms, SmsWorld, startSmsWorld, confirmWithSms, signedInWithSms } from '../../support/two-factor';

const BASE = '/account/twee-stappen';
const TURNED_OFF = 'Authenticatie in twee stappen is uitgeschakeld.';
const PHONE_CHANGED = 'Je telefoonnummer is gewijzigd.';

describe('the two-step status page', () => {
  let world: SmsWorld;
  beforeEach(async () => {
    world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1' });
  });
  afterEach(() => world.close());

  it('shows two-step on, with the method, the masked number and the management actions', async () => {
    const patient = await patientWithSms(world.rt);
    const page = await (await signedInWithSms(world, patient)).get(BASE);
    expect(page.text).to.include('<strong>ingeschakeld</strong>').and.include('Verificatiecode via SMS').and.include('+31 6 ••••••78');
    expect(page.text).to.include('Telefoonnummer wijzigen').and.include('Nieuwe herstelcodes maken').and.include('Authenticatie in twee stappen uitzetten');
  });

  it('urges new recovery codes when 3 or fewer are left, with the button that makes them', async () => {
    const patient = await patientWithSms(world.rt);
    const agent = await signedInWithSms(world, patient);
    const useCodes = async (count: number) => {
      for (const code of patient.recoveryCodes.splice(0, count)) expect(await world.rt.services.recoveryCodes.consume(patient.id, code)).to.equal(true);
    };
    const urging = /<p class="warning">([^<]*)<\/p>\n<p><a class="button" href="\/account\/twee-stappen\/herstelcodes\/nieuw">Nieuwe herstelcodes maken<\/a><\/p>/;
    await useCodes(6);
    const four = await agent.get(BASE);
    expect(four.text).to.include('4 van de 10').and.not.match(urging);

    await useCodes(1);
    const three = await agent.get(BASE);
    expect(three.text).to.include('3 van de 10');
    expect(urging.exec(three.text)?.[1]).to.equal('Je hebt nog maar 3 herstelcodes. Maak nieuwe herstelcodes, zodat je altijd kunt inloggen.');
    await useCodes(2);
    expect(urging.exec((await agent.get(BASE)).text)?.[1]).to.equal('Je hebt nog maar 1 herstelcode. Maak nieuwe herstelcodes, zodat je altijd kunt inloggen.');
    await useCodes(1);
    const none = await agent.get(BASE);
    expect(none.text).to.include('0 van de 10');
    expect(urging.exec(none.text)?.[1]).to.equal('Je hebt geen herstelcodes meer. Maak nieuwe herstelcodes, zodat je altijd kunt inloggen.');
    await agent.get(`/taal/en?terug=${encodeURIComponent(BASE)}`);
    expect((await agent.get(BASE)).text).to.include('You have no recovery codes left. Make new recovery codes, so that you can always sign in.');
  });

  it('shows two-step off with the way to set it up, and asks a visitor to sign in first', async () => {
    const patient = await world.rt.createPatient();
    const agent = world.rt.agent();
    expect((await agent.get(BASE)).headers.location).to.match(/^\/inloggen/);
    await signIn(agent, patient.email, patient.password);
    const page = await agent.get(BASE);
    expect(page.text).to.include('<strong>uitgeschakeld</strong>').and.include('href="/account/twee-stappen/instellen"');
    expect(page.text).not.to.include('Telefoonnummer wijzigen');
    // As in the manual: the explanation right under the button, before the passkeys' own section.
    const readMore = page.text.indexOf('Lees meer over authenticatie in twee stappen');
    expect(readMore).to.be.greaterThan(page.text.indexOf('Authenticatie in twee stappen instellen'));
    expect(readMore).to.be.lessThan(page.text.indexOf('<h2', page.text.indexOf('Authenticatie in twee stappen instellen')));
  });

  it('says once what changed, after the change itself, and never because the address says so', async () => {
    const patient = await patientWithSms(world.rt);
    const agent = await signedInWithSms(world, patient);
    for (const address of [`${BASE}?gewijzigd=uit`, `${BASE}?gewijzigd=telefoonnummer`, `${BASE}?gewijzigd=off`]) {
      const page = (await agent.get(address)).text;
      expect(page, address).not.to.include(TURNED_OFF).and.not.include(PHONE_CHANGED);
      expect(page, address).to.include('<strong>ingeschakeld</strong>');
    }

    await confirmWithSms(world, agent, `${BASE}/uitzetten`, patient.password);
    const off = await submitForm(agent, `${BASE}/uitzetten`, {});
    expect(off.headers.location).to.equal(BASE);
    expect((await agent.get(BASE)).text).to.include(TURNED_OFF);
    expect((await agent.get(BASE)).text, 'not again on a refresh').not.to.include(TURNED_OFF);
  });
});
