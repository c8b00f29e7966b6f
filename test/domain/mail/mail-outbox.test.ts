import { expect } from 'chai';
import { createMailOutbox, type MailOutbox } from '../../../src/domain/mail/mail-outbox';
import { cryptoRandom } from '../../../src/domain/random';
import { createUserStore } from '../../../src/domain/users';
import type { Database } from '../../../src/infra/database';
import { TestClock } from '../../support/clock';
import { closeTestDatabase, openTestDatabase, TEST_DATABASE } from '../../support/test-database';

const LEASE_MS = 60_000;

/** The outbox's claims on the database under test: a result is recorded only by the claim that holds the mail. */
describe(`mail outbox: claims and their results, on ${TEST_DATABASE}`, () => {
  let db: Database;
  let clock: TestClock;
  let outbox: MailOutbox;
  let userId: number;

  beforeEach(async () => {
    db = await openTestDatabase();
    clock = new TestClock();
    outbox = createMailOutbox({ db, clock, random: cryptoRandom });
    userId = (await createUserStore(db, clock).create({ email: 'anna@example.nl', name: 'Anna', passwordHash: 'x' })).id;
    await outbox.enqueue({ userId, kind: 'password_changed', to: 'anna@example.nl', language: 'nl', subject: 'Je wachtwoord is gewijzigd', text: 'Beste Anna,\n' });
  });
  afterEach(() => closeTestDatabase(db));

  const row = async () => (await db('mail_outbox').orderBy('id'))[0] as Record<string, unknown>;

  it('records no result of a claim whose lease ran out once another claim took the mail, and that claim\'s result', async () => {
    const first = await outbox.claim(LEASE_MS); // worker A, which then hangs past its lease
    expect(first).to.not.equal(null);
    expect(await outbox.claim(LEASE_MS), 'still leased to A').to.equal(null);
    clock.advance(LEASE_MS);
    const second = await outbox.claim(LEASE_MS); // worker B takes it over
    expect(second).to.include({ id: first!.id, status: 'sending', attempts: 2 });
    expect(second!.claimToken).to.not.equal(first!.claimToken);

    // A wakes up while B still holds the mail (status `sending`): none of its results may land.
    expect(await outbox.markSent(first!), 'A: sent').to.equal(false);
    expect(await outbox.markRetry(first!, clock.now() + 30_000, 'ETIMEDOUT'), 'A: retry').to.equal(false);
    expect(await outbox.markFailed(first!, '550 Mailbox unavailable'), 'A: failed').to.equal(false);
    const held = await row();
    expect(held, 'B\'s claim untouched').to.include({ status: 'sending', claim_token: second!.claimToken, last_error: null, attempts: 2 });
    expect(Number(held.claimed_until)).to.equal(second!.claimedUntil);
    expect(held.sent_at).to.equal(null);

    expect(await outbox.markSent(second!), 'B: sent').to.equal(true);
    const sent = await row();
    expect(sent).to.include({ status: 'sent', claim_token: null, claimed_until: null, attempts: 2 });
    expect(Number(sent.sent_at)).to.equal(clock.now());
    expect(await outbox.markRetry(first!, clock.now(), 'late'), 'A, after B settled').to.equal(false);
  });
});
