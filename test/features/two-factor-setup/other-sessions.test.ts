import { expect } from 'chai';
import { signIn, submitForm } from '../../support/forms';
import { SETUP, setupUntilRecoveryCodes, signedInPatient, SmsWorld, startSmsWorld } from '../../support/two-factor';

describe('two-step setup: turning it on ends the other sessions (J4, SPEC §4 sessions)', () => {
  let world: SmsWorld;
  beforeEach(async () => {
    world = await startSmsWorld();
  });
  afterEach(() => world.close());

  it('signs out the sessions that got in with the password alone, and keeps this one signed in', async () => {
    const { rt, vonage } = world;
    const { patient, agent } = await signedInPatient(rt);
    const other = rt.agent();
    expect((await signIn(other, patient.email, patient.password)).headers.location).to.equal('/werkblad');

    await setupUntilRecoveryCodes(agent, vonage);
    expect((await other.get('/werkblad')).status, 'before the codes are saved, two-step is not on yet').to.equal(200);
    expect((await submitForm(agent, `${SETUP}/herstelcodes`, {})).headers.location).to.equal(`${SETUP}/klaar`);

    expect((await other.get('/werkblad')).headers.location, 'the other session').to.equal('/inloggen');
    const done = await agent.get(`${SETUP}/klaar`);
    expect(done.text, 'this session, on the wizard\'s last page').to.include('Het is gelukt, je account is nu extra beveiligd!');
    expect((await agent.get('/werkblad')).status).to.equal(200);
  });
});
