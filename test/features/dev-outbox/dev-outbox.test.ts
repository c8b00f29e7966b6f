import { expect } from 'chai';
import { startTestRuntime } from '../../support/runtime';
import { chooseSms, enterPhone, signedInPatient } from '../../support/two-factor';

describe('development: the SMS outbox', () => {
  it('shows SMS messages on the outbox page in development', async () => {
    const rt = await startTestRuntime({ SMS_PROVIDER: 'outbox' });
    try {
      const { agent } = await signedInPatient(rt);
      await chooseSms(agent);
      expect((await enterPhone(agent, '0612345678')).status).to.equal(303);
      const outbox = await agent.get('/ontwikkeling/sms');
      expect(outbox.text).to.match(/\d{6} is je Karify verificatiecode/);
    } finally {
      await rt.close();
    }
  });
});
