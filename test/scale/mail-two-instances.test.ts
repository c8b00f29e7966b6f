import { expect } from 'chai';
import { startPostgresServer, type TestPostgresServer } from '../support/postgres-server';
import { startTestRuntime, type TestRuntime } from '../support/runtime';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server';

const MAILS = 40;

/** Two app instances on one PostgreSQL database share the outbox: each mail goes out once (issue 16). */
describe('security alerts by e-mail from two instances on one PostgreSQL', function () {
  this.timeout(90_000);
  let pg: TestPostgresServer;
  let smtp: TestSmtpServer;
  let a: TestRuntime;
  let b: TestRuntime;

  before(async () => {
    [pg, smtp] = await Promise.all([startPostgresServer('karify_mail_scale'), startSmtpServer()]);
    const env = { DATABASE_URL: pg.url, MAIL_PROVIDER: 'smtp', SMTP_URL: smtp.url, MAIL_POLL_SECONDS: '1' };
    a = await startTestRuntime(env);
    b = await startTestRuntime(env);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await Promise.all([pg?.stop(), smtp?.stop()]);
  });

  it(`sends each of ${MAILS} alerts exactly once while both workers run at the same time`, async () => {
    const patients = await Promise.all([1, 2, 3, 4].map((n) => a.createPatient({ email: `p${n}@example.nl` })));
    await Promise.all(
      Array.from({ length: MAILS }, (_, i) =>
        (i % 2 ? a : b).services.inTransaction(({ notifier }) => notifier.notify(patients[i % 4]!.id, 'password_changed', { ip: `198.51.100.${i}` })),
      ),
    );
    // Both instances' background workers, and both asked directly, all at once.
    const results = await Promise.all([a, b, a, b].map((rt) => rt.services.mailWorker.runOnce()));
    await smtp.waitFor(MAILS);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a second round of polling finds nothing more

    expect(smtp.messages).to.have.length(MAILS);
    expect(new Set(smtp.messages.map((m) => m.messageId)).size, 'distinct Message-IDs').to.equal(MAILS);
    expect(results.reduce((sum, r) => sum + r.retried + r.failed, 0)).to.equal(0);
    const rows = await a.db('mail_outbox').select('status', 'attempts');
    expect(rows.every((row) => row.status === 'sent' && row.attempts === 1), JSON.stringify(rows)).to.equal(true);
  });
});
