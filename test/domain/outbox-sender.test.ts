import { expect } from 'chai';
import { createOutboxSender } from '../../src/domain/sms/outbox-sender';
import { smsFailureCategory, type SmsFailureReason } from '../../src/domain/sms/sms-sender';
import type { Database } from '../../src/infra/database';
import { closeTestDatabase, openTestDatabase } from '../support/test-database';
import { TestClock } from '../support/clock';

describe('SMS outbox sender', () => {
  let db: Database;
  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(() => closeTestDatabase(db));

  it('stores messages instead of sending them and lists the newest first', async () => {
    const clock = new TestClock();
    const outbox = createOutboxSender(db, clock);
    expect(await outbox.send({ to: '+31612345678', text: 'eerste' })).to.deep.include({ ok: true });
    clock.advance(1000);
    await outbox.send({ to: '+32470123456', text: 'tweede' });
    const list = await outbox.list();
    expect(list.map(({ to, text, createdAt }) => ({ to, text, createdAt }))).to.deep.equal([
      { to: '+32470123456', text: 'tweede', createdAt: clock.now() },
      { to: '+31612345678', text: 'eerste', createdAt: clock.now() - 1000 },
    ]);
    expect(await outbox.list(1)).to.have.length(1);
  });
});

describe('smsFailureCategory', () => {
  it('sorts each failure by what the patient can do about it', () => {
    const expected: Record<SmsFailureReason, string> = {
      throttled: 'retry_later', provider_error: 'retry_later', timeout: 'retry_later', unreachable: 'retry_later', unknown: 'retry_later', earlier_sms_failed: 'retry_later',
      number_barred: 'check_number', destination_not_allowed: 'check_number', number_deactivated: 'check_number',
      invalid_request: 'service_problem', bad_credentials: 'service_problem', invalid_message: 'service_problem',
      quota_exceeded: 'service_problem', invalid_sender: 'service_problem', account_restricted: 'service_problem',
    };
    for (const [reason, category] of Object.entries(expected)) {
      expect(smsFailureCategory(reason as SmsFailureReason), reason).to.equal(category);
    }
  });
});
