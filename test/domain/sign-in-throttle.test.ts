import { expect } from 'chai';
import { createSignInThrottle, type SignInThrottle } from '../../src/domain/sign-in-throttle';
import type { Database } from '../../src/infra/database';
import { createLimiterFactory } from '../../src/infra/rate-limits';
import { closeTestDatabase, openTestDatabase, TEST_DATABASE } from '../support/test-database';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`sign-in throttle (counters on ${TEST_DATABASE})`, () => {
  let db: Database;
  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(() => closeTestDatabase(db));

  /**
   * A check on `account` once its lock is free (waiting out the one it finds), settled as a wrong
   * password; then how long the lock it took keeps the next check out.
   */
  async function failAndMeasureLock(throttle: SignInThrottle, account: string): Promise<number> {
    for (;;) {
      const pass = await throttle.reserve(account, '203.0.113.7');
      if (!pass.allowed) {
        await sleep(pass.retryAfterMs + 10);
        continue;
      }
      await pass.settle('failure');
      const next = await throttle.reserve(account, '203.0.113.7');
      expect(next.allowed, 'the lock keeps the next check out').to.equal(false);
      return next.allowed ? 0 : next.retryAfterMs;
    }
  }

  it('doubles the lock with every further failure, but never past lockMaxSeconds', async () => {
    // Half seconds (exact in binary), so that the run reaches the maximum within a few seconds, with
    // room for a slow database between a failure and the check that measures its lock.
    const lockBaseSeconds = 0.5;
    const lockMaxSeconds = 1;
    const throttle = await createSignInThrottle(createLimiterFactory({ db }), {
      freeFailuresPerAccount: 2,
      freeFailuresPerIp: 1_000,
      lockBaseSeconds,
      lockMaxSeconds,
    });
    const pass = await throttle.reserve('someone@example.nl', '203.0.113.7');
    expect(pass.allowed, 'the first failure is free').to.equal(true);
    if (pass.allowed) await pass.settle('failure');

    // Failures 2 to 5 take locks of 0.5 s, 1 s, then 2 s and 4 s were they not capped.
    const locks: number[] = [];
    for (let failure = 2; failure <= 5; failure += 1) locks.push(await failAndMeasureLock(throttle, 'someone@example.nl'));

    for (const [i, ms] of locks.entries()) {
      expect(ms, `lock after failure ${i + 2}: at most lockMaxSeconds`).to.be.at.most(lockMaxSeconds * 1000);
    }
    // Each of the later locks is longer than the first: the doubling reached the maximum.
    for (const [i, ms] of locks.slice(1).entries()) {
      expect(ms, `lock after failure ${i + 3}: longer than lockBaseSeconds`).to.be.above(lockBaseSeconds * 1000);
    }
  });
});
