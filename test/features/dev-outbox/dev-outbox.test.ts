import { expect } from 'chai';
import { submitForm } from '../../support/forms';
import { startTestRuntime } from '../../support/runtime';
import { chooseSms, enterPhone, pastSmsCooldown, signedInPatient } from '../../support/two-factor';

describe('development: the SMS outbox', () => {
  it('shows SMS messages on the outbox page in development, each marked with its language where it differs from the page\'s', async () => {
    const rt = await startTestRuntime({ SMS_PROVIDER: 'outbox', SMS_RESEND_COOLDOWN_SECONDS: '1' });
    try {
      const { agent } = await signedInPatient(rt);
      await chooseSms(agent);
      expect((await enterPhone(agent, '0612345678')).status).to.equal(302);
      const outbox = await agent.get('/ontwikkeling/sms');
      expect(outbox.text).to.match(/\d{6} is je Karify verificatiecode/);
      expect(outbox.text, 'a Dutch text on the Dutch page needs no lang').to.match(/class="text-lines" data-label="Bericht">\d{6} is je/);
      expect(outbox.text, 'its lines as the phone shows them').to.match(/ook niet met Karify\.\n\n@localhost #\d{6}<\/td>/);
      expect(outbox.text, 'today\'s: the time').to.match(/data-label="Tijd">\d\d:\d\d<\/td>/);

      await agent.get('/taal/en');
      await pastSmsCooldown();
      const verification = '/account/twee-stappen/instellen/verificatie';
      const resent = await submitForm(agent, verification, {}, `${verification}/nieuwe-code`);
      expect(resent.status).to.equal(302);
      const english = (await agent.get('/ontwikkeling/sms')).text;
      expect(english, 'the Dutch SMS marked as Dutch on the English page').to.match(/data-label="Message" lang="nl">\d{6} is je Karify verificatiecode/);
      expect(english, 'the English SMS unmarked').to.match(/data-label="Message">[^<]*\d{6}/);
      rt.clock.advanceMinutes(24 * 60);
      expect((await rt.agent().get('/ontwikkeling/sms')).text, 'yesterday\'s: the date too').to.match(/data-label="Tijd">\d+ [a-z]+ \d{4} om \d\d:\d\d<\/td>/);
    } finally {
      await rt.close();
    }
  });
});
