import { expect } from 'chai';
import { csrfTokenOf, signIn } from '../../support/forms';
import { chooseApp, keyFromPage } from '../../support/totp';
import { chooseSms, confirmPassword, enterPhone, SETUP, signedInPatient, SmsWorld, startSmsWorld } from '../../support/two-factor';

/** Past the idle timeout (SPEC §4: 30 minutes). */
const IDLE_TIMEOUT_PASSED = 31;

describe('two-step setup: a timeout in the middle of the wizard (SPEC §4 sessions)', () => {
  let world: SmsWorld;
  beforeEach(async () => {
    world = await startSmsWorld();
  });
  afterEach(() => world.close());

  it('keeps the chosen number: signed in again and confirmed, the patient is back at Verificatie for it, the number as typed', async () => {
    const { rt } = world;
    const { patient, agent } = await signedInPatient(rt);
    await chooseSms(agent);
    await enterPhone(agent, '06 1234 5678');
    rt.clock.advanceMinutes(IDLE_TIMEOUT_PASSED);
    expect((await agent.get(`${SETUP}/verificatie`)).headers.location).to.equal('/inloggen');

    expect((await signIn(agent, patient.email, patient.password)).headers.location).to.equal(`${SETUP}/verificatie`);
    await confirmPassword(agent, patient.password, `${SETUP}/verificatie`);
    const verify = await agent.get(`${SETUP}/verificatie`);
    expect(verify.status).to.equal(200);
    expect(verify.text).to.include('3. Vul verificatiecode in').and.include('+31 6 ••••••78');
    const phonePage = await agent.get(`${SETUP}/telefoonnummer`);
    expect(phonePage.text, '"Telefoonnummer wijzigen" shows it as typed').to.include('value="06 1234 5678"');
  });

  it('keeps the app being paired: the same key, so the entry already in the app still works (no second one)', async () => {
    const { rt } = world;
    const { patient, agent } = await signedInPatient(rt);
    await chooseApp(agent);
    const key = keyFromPage((await agent.get(`${SETUP}/koppelen`)).text);
    rt.clock.advanceMinutes(IDLE_TIMEOUT_PASSED);
    await agent.get('/werkblad'); // the timeout met on another page: the wizard is kept all the same

    expect((await signIn(agent, patient.email, patient.password)).headers.location).to.equal('/werkblad');
    await confirmPassword(agent, patient.password);
    expect((await agent.get(SETUP)).headers.location).to.equal(`${SETUP}/koppelen`);
    expect(keyFromPage((await agent.get(`${SETUP}/koppelen`)).text)).to.equal(key);
  });

  it('gives none of it to another account signing in on that browser, and keeps nothing after signing out', async () => {
    const { rt } = world;
    const { agent } = await signedInPatient(rt);
    await chooseSms(agent);
    await enterPhone(agent, '06 1234 5678');
    rt.clock.advanceMinutes(IDLE_TIMEOUT_PASSED);
    await agent.get(`${SETUP}/verificatie`);

    const next = await rt.createPatient();
    expect((await signIn(agent, next.email, next.password)).headers.location).to.equal('/werkblad');
    await confirmPassword(agent, next.password);
    expect((await agent.get(SETUP)).headers.location, 'the next patient starts at the start').to.equal(`${SETUP}/methode`);

    await chooseSms(agent);
    await enterPhone(agent, '06 8765 4321');
    const token = csrfTokenOf((await agent.get('/account')).text);
    rt.clock.advanceMinutes(IDLE_TIMEOUT_PASSED);
    await agent.post('/uitloggen').type('form').send({ _csrf: token }); // "Uitloggen" is what meets the timeout
    expect((await signIn(agent, next.email, next.password)).headers.location).to.equal('/werkblad');
    await confirmPassword(agent, next.password);
    expect((await agent.get(SETUP)).headers.location, 'not after signing out').to.equal(`${SETUP}/methode`);
  });
});
