import { expect } from 'chai';
import { succeeds, withAdminDatabase } from './admin-cli';

describe('admin command line: the security alert e-mails (issue 16)', function () {
  this.timeout(60_000); // each test starts the real command (about a second each)
  const world = withAdminDatabase();
  beforeEach(() => world.rt.services.mailWorker.stop()); // the test decides what happens to each mail

  const admin = (args: string[]) => world.database.admin(args);

  async function threeMails() {
    const { rt } = world;
    const patient = await rt.createPatient({ email: 'cas@example.nl' });
    for (const type of ['password_changed', 'recovery_codes_renewed', 'two_factor_disabled'] as const) {
      await rt.services.inTransaction(({ notifier }) => notifier.notify(patient.id, type, { ip: '203.0.113.9' }));
    }
    const { mailOutbox } = rt.services;
    const sent = (await mailOutbox.claim(60_000))!;
    await mailOutbox.markSent(sent);
    rt.clock.advanceMinutes(1);
    const failed = (await mailOutbox.claim(60_000))!;
    await mailOutbox.markFailed(failed, '550 5.1.1 Mailbox unavailable');
  }

  it('lists the latest mails with their status, and with --failed only those the clinic must look at', async () => {
    await threeMails();
    const all = await succeeds(admin(['list-mail']));
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^ID +Written +To +Alert +Status +Attempts +Outcome$/);
    // Newest first; the test clock starts at 14:00 in Amsterdam.
    expect(lines[2]).to.match(/^3 +2026-11-25 14:00 +cas@example\.nl +two_factor_disabled +pending +0$/);
    expect(lines[3]).to.match(/^2 +2026-11-25 14:00 +cas@example\.nl +recovery_codes_renewed +failed +1 +550 5\.1\.1 Mailbox unavailable$/);
    expect(lines[4]).to.match(/^1 +2026-11-25 14:00 +cas@example\.nl +password_changed +sent +1 +sent 2026-11-25 14:00$/);
    expect(all.stdout).to.include('1 waiting, 0 being sent, 1 sent, 1 failed.');
    expect(lines.at(-1), 'the zone of the times').to.equal('Dates and times in Europe/Amsterdam (TIME_ZONE).');
    expect(all.stdout, 'no mail text in the list').not.to.include('Beste');

    const failed = await succeeds(admin(['list-mail', '--failed']));
    expect(failed.stdout).to.include('recovery_codes_renewed').and.include('550 5.1.1 Mailbox unavailable');
    expect(failed.stdout).not.to.include('password_changed').and.not.include('two_factor_disabled');

    const one = await succeeds(admin(['list-mail', '--limit', '1']));
    expect(one.stdout).to.include('two_factor_disabled').and.not.include('password_changed');
  });

  it('says so when nothing failed, and refuses a value for --failed', async () => {
    const [none, wrong] = await Promise.all([admin(['list-mail', '--failed']), admin(['list-mail', '--failed=yes'])]);
    expect(none.code).to.equal(0);
    expect(none.stdout).to.include('No e-mail has failed. 0 waiting, 0 being sent, 0 sent, 0 failed.');
    expect(wrong.code).to.equal(2);
    expect(wrong.stderr).to.include('Option --failed takes no value.');
  });

  it('sends failed mails again on request, one by its ID or all, and says when there is none', async () => {
    await threeMails();
    const { mailOutbox } = world.rt.services;
    const status = async () => (await mailOutbox.list({ limit: 10 })).map((m) => [m.id, m.status, m.attempts]);
    const [wrongId, bad] = await Promise.all([admin(['retry-mail', '--id', '1']), admin(['retry-mail', '--id', 'twee'])]);
    expect([wrongId.code, wrongId.stderr.trim()]).to.deep.equal([1, 'No failed e-mail has the ID 1.']);
    expect(bad.code, 'a malformed --id is wrong usage').to.equal(2);
    expect(bad.stderr).to.include('--id must be the ID of a row as listed, not "twee".');
    expect(await status(), 'nothing changed').to.deep.equal([[3, 'pending', 0], [2, 'failed', 1], [1, 'sent', 1]]);

    const one = await succeeds(admin(['retry-mail', '--id', '2']));
    expect(one.stdout).to.include('1 e-mail is waiting to be sent again');
    expect(await status()).to.deep.equal([[3, 'pending', 0], [2, 'pending', 0], [1, 'sent', 1]]);
    const again = await admin(['retry-mail']);
    expect([again.code, again.stdout.trim()], 'nothing failed: not an error (a scheduled run exits 0)').to.deep.equal([0, 'No e-mail has failed; nothing to send again.']);

    await world.rt.db('mail_outbox').whereIn('id', [2, 3]).update({ status: 'failed', attempts: 20, last_error: '550 5.1.1 Mailbox unavailable' });
    const all = await succeeds(admin(['retry-mail']));
    expect(all.stdout).to.include('2 e-mails are waiting to be sent again');
    expect(await status()).to.deep.equal([[3, 'pending', 0], [2, 'pending', 0], [1, 'sent', 1]]);
  });

  it('names the command and its flag in help', async () => {
    const help = await succeeds(admin(['help']));
    expect(help.stdout).to.match(/list-mail \[--limit LIMIT\] \[--failed\] +Show the security alert e-mails/);
  });
});
