import { expect } from 'chai';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Database } from '../../src/infra/database';
import { createLogger } from '../../src/infra/logger';
import { createLimiterFactory, type Limiter } from '../../src/infra/rate-limits';
import { connectRedis, type RedisClient } from '../../src/infra/redis';
import { startRedisServer, type TestRedisServer } from '../support/redis-server';
import { closeTestDatabase, openTestDatabase, TEST_DATABASE } from '../support/test-database';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How many of `n` parallel consumes of one place each the limiter let through. */
async function burst(limiter: Limiter, key: string, n: number): Promise<number> {
  const results = await Promise.allSettled(Array.from({ length: n }, () => limiter.consume(key, 1)));
  for (const result of results) {
    if (result.status === 'rejected' && !(result.reason instanceof RateLimiterRes)) throw result.reason;
  }
  return results.filter((result) => result.status === 'fulfilled').length;
}

for (const store of [TEST_DATABASE, 'redis'] as const) {
  describe(`rate-limit counters on ${store}: giving places back`, function () {
    this.timeout(20_000);
    let db: Database;
    let redisServer: TestRedisServer | undefined;
    let redis: RedisClient | undefined;
    let limiter: Limiter;

    before(async () => {
      if (store !== 'redis') return;
      redisServer = await startRedisServer();
      redis = await connectRedis(redisServer.url, createLogger('silent'));
    });
    after(async () => {
      await redis?.quit();
      await redisServer?.stop();
    });
    beforeEach(async () => {
      db = await openTestDatabase();
      await redis?.flushAll();
      limiter = await createLimiterFactory({ db, redis })({ keyPrefix: 'give_back_test', points: 2, duration: 1 });
    });
    afterEach(() => closeTestDatabase(db));

    it('gives no extra places in the next window for places of a burst given back after its window ended', async () => {
      expect(await burst(limiter, 'attacker', 7), 'the first window lets 2 of 7 through').to.equal(2);
      await sleep(1_100); // the window ends; the refused places come back only now
      await Promise.all(Array.from({ length: 5 }, () => limiter.giveBack('attacker', 1)));
      expect(await burst(limiter, 'attacker', 10), 'the next window lets 2 through, as any').to.equal(2);
    });

    it('lowers a running window only down to zero, in parallel give-backs', async () => {
      await limiter.consume('patient', 1);
      await Promise.all(Array.from({ length: 4 }, () => limiter.giveBack('patient', 1)));
      expect((await limiter.get('patient'))?.consumedPoints).to.equal(0);
      expect(await burst(limiter, 'patient', 6)).to.equal(2);
    });

    it('opens no window for a key that has none', async () => {
      await limiter.giveBack('nobody', 3);
      expect(await limiter.get('nobody')).to.equal(null);
      expect(await burst(limiter, 'nobody', 5)).to.equal(2);
    });
  });
}
