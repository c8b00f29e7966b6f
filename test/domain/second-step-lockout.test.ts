import { expect } from 'chai';
import { createSecondStepLockout } from '../../src/domain/second-step-lockout';
import type { Database } from '../../src/infra/database';
import { TestClock } from '../support/clock';
import { closeTestDatabase, openTestDatabase, TEST_DATABASE } from '../support/test-database';

describe(`the second step's lock, on ${TEST_DATABASE}`, () => {
  let db: Database;
  let clock: TestClock;
  let userId: number;
  beforeEach(async () => {
    db = await openTestDatabase();
    clock = new TestClock();
    const [row] = await db('users').insert({ email: 'p@example.nl', name: 'P', password_hash: 'x', created_at: 0, updated_at: 0 }).returning('id');
    userId = (row as { id: number }).id;
  });
  afterEach(() => closeTestDatabase(db));

  const lockout = () => createSecondStepLockout({ db, clock, settings: { maxConsecutiveFailures: 3, lockMinutes: 15 } });
  async function lockNow(l: ReturnType<typeof lockout>): Promise<number | null> {
    let until: number | null = null;
    for (let i = 0; i < 3; i += 1) {
      await l.reserve(userId);
      until = await l.failed(userId);
    }
    return until;
  }

  it('ends on the whole minute after the 15 minutes', async () => {
    clock.advance(50_000); // 13:00:50
    expect(await lockNow(lockout())).to.equal(Date.UTC(2026, 10, 25, 13, 16, 0));
  });

  it('announces a second lock that ends on the same minute as one a success ended', async () => {
    const l = lockout();
    clock.advance(10_000); // 13:00:10: a lock until 13:15:10 ends at 13:16, as one from 13:00:15 does
    const first = await lockNow(l);
    expect(await l.claimLockNotice(userId)).to.equal(first);
    expect(await l.claimLockNotice(userId), 'announced once').to.equal(null);
    await l.succeeded(userId); // a right code that had its place before the lock
    clock.advance(5_000);
    const second = await lockNow(l);
    expect(second, 'the same whole minute').to.equal(first);
    expect(await l.claimLockNotice(userId), 'the new lock is announced too').to.equal(second);
  });
});
