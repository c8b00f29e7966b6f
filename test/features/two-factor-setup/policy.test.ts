import { expect } from 'chai';
import { signIn } from '../../support/forms';
import { SmsWorld, startSmsWorld, confirmPassword } from '../../support/two-factor';

describe('two-step setup under the clinic policy REQUIRE_TWO_FACTOR', () => {
  let world: SmsWorld;
  afterEach(() => world?.close());

  describe('clinic policy REQUIRE_TWO_FACTOR', () => {
    it('sends a patient without two-step into the wizard before any other page', async () => {
      world = await startSmsWorld({ REQUIRE_TWO_FACTOR: 'true' });
      const { rt } = world;
      const patient = await rt.createPatient();
      const agent = rt.agent();
      await signIn(agent, patient.email, patient.password);
      for (const path of ['/werkblad', '/account', '/berichten', '/account/twee-stappen']) {
        expect((await agent.get(path)).headers.location, path).to.equal('/account/twee-stappen/instellen');
      }
      // Turning two-step on starts with the password, as every change to it does.
      expect((await agent.get('/account/twee-stappen/instellen/methode')).headers.location).to.match(/^\/account\/bevestigen\?terug=/);
      await confirmPassword(agent, patient.password, '/account/twee-stappen/instellen');
      expect((await agent.get('/account/twee-stappen/instellen/methode')).status).to.equal(200);
    });
  });
});
