import { expect } from 'chai';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp-server';
import { startTestRuntime } from '../../support/runtime';

const ORIGIN = { ip: '203.0.113.57', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1' };
let counter = 0;

/** The outbox outlives the process: a restart loses no mail and sends none twice (issue 16). */
describe('security alerts by e-mail: a restart mid-queue', function () {
  this.timeout(60_000);
  let smtp: TestSmtpServer;
  beforeEach(async () => {
    smtp = await startSmtpServer();
  });
  afterEach(() => smtp.stop());

  it('sends after a restart both the mail that was waiting and the one a dying process was sending, each once', async () => {
    counter += 1;
    const env = { TEST_DB_KEY: `mail_restart_${process.pid}_${counter}`, MAIL_PROVIDER: 'smtp', SMTP_URL: smtp.url, MAIL_POLL_SECONDS: '3600' };
    await smtp.down();
    const first = await startTestRuntime(env);
    const patient = await first.createPatient({ email: 'cas@example.nl' });
    for (const type of ['password_changed', 'recovery_codes_renewed'] as const) {
      await first.services.inTransaction(({ notifier }) => notifier.notify(patient.id, type, ORIGIN));
    }
    expect(await first.services.mailWorker.runOnce(), 'SMTP is down').to.deep.equal({ sent: 0, retried: 2, failed: 0 });
    first.clock.advanceMinutes(5);
    expect(await first.services.mailOutbox.claim(60_000), 'a send under way when the process dies').to.not.equal(null);
    await first.close();

    await smtp.up();
    const second = await startTestRuntime(env);
    try {
      second.clock.advanceMinutes(7); // past the back-off of the one and the lease of the other
      await second.services.mailWorker.runOnce();
      await second.services.mailWorker.runOnce();
      expect(smtp.messages.map((m) => m.subject).sort()).to.deep.equal(['Er zijn nieuwe herstelcodes gemaakt', 'Je wachtwoord is gewijzigd']);
      expect(smtp.messages[0]!.text).to.include('Browser: Safari op iPhone').and.include('IP-adres (ingekort): 203.0.113.0').and.not.include('203.0.113.57');
      expect((await second.services.mailOutbox.list({ limit: 10 })).map((m) => m.status)).to.deep.equal(['sent', 'sent']);
    } finally {
      await second.close();
    }
  });
});
