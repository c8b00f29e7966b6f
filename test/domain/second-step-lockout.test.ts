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

  it('leaves a lock set meanwhile by requests racing a success in force: it was announced', async () => {
    const l = lockout();
    await l.reserve(userId); // a right code takes its place first
    const until = await lockNow(l); // wrong ones racing it fill the run and lock
    expect(await l.claimLockNotice(userId)).to.equal(until);
    await l.succeeded(userId); // then the right code's success lands
    expect(await l.lockedUntil(userId), 'the announced lock holds').to.equal(until);
    expect(await l.claimLockNotice(userId), 'and is not announced twice').to.equal(null);
  });
});
