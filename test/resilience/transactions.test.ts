import { expect } from 'chai';
import type { SessionData, Store } from 'express-session';
import { systemClock } from '../../src/domain/clock';
import { cryptoRandom } from '../../src/domain/random';
import { createRecoveryCodes } from '../../src/domain/recovery-codes';
import { createSignInThrottle } from '../../src/domain/sign-in-throttle';
import { createSecondStepLockout } from '../../src/domain/second-step-lockout';
import { createTwoFactorStore, TwoFactorOffError } from '../../src/domain/two-factor';
import { createUserStore } from '../../src/domain/users';
import type { Database } from '../../src/infra/database';
import { createLimiterFactory } from '../../src/infra/rate-limits';
import { createSessionStore } from '../../src/infra/session-store';
import { closeTestDatabase, openTestDatabase, TEST_DATABASE } from '../support/test-database';

/**
 * GitHub issue 7: under load a run once failed with "SQLITE_ERROR: cannot start a transaction
 * within a transaction". The SQL rate limiters and the session store write on the same database
 * (on SQLite: the same single connection) as the domain's transactions. Here all three run at
 * once, many times over, on the database under test (SQLite; PostgreSQL with TEST_DATABASE=postgres).
 */

const ROUNDS = 60;

class Rollback extends Error {}

/** The messages of the failures that are not one of the expected outcomes. */
const unexpectedFailures = (results: PromiseSettledResult<unknown>[], expected: Array<new () => Error> = [Rollback]) =>
  results.flatMap((r) =>
    r.status === 'rejected' && !expected.some((type) => r.reason instanceof type) ? [String((r.reason as Error).message ?? r.reason)] : [],
  );

function storeSession(store: Store, sid: string, n: number): Promise<void> {
  const session = { cookie: { maxAge: 3_600_000, originalMaxAge: 3_600_000 }, n } as unknown as SessionData;
  return new Promise((resolve, reject) => store.set(sid, session, (err) => (err ? reject(err) : resolve())));
}

function loadSession(store: Store, sid: string): Promise<(SessionData & { n?: number }) | null | undefined> {
  return new Promise((resolve, reject) => store.get(sid, (err, session) => (err ? reject(err) : resolve(session))));
}

describe(`transactions next to rate limiters and sessions on ${TEST_DATABASE} (issue 7)`, function () {
  this.timeout(60_000);
  let db: Database;
  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(() => closeTestDatabase(db));

  it('keeps every transaction whole and every count exact while limiters and sessions write at the same time', async () => {
    const limiter = await createLimiterFactory({ db })({ keyPrefix: 'race', points: 1_000_000, duration: 3600 });
    const sessions = createSessionStore({ db });
    const keys = ['a', 'b', 'c'];

    const work: Promise<unknown>[] = [];
    const committed: string[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      work.push(limiter.consume(keys[i % keys.length]!, 1));
      work.push(storeSession(sessions, `sid-${i}`, i));
      // Two rows per transaction; every fourth transaction rolls back.
      const rollsBack = i % 4 === 0;
      if (!rollsBack) committed.push(`t${i}-1`, `t${i}-2`);
      work.push(
        db.transaction(async (trx) => {
          const row = (part: number) => ({ user_id: null, name: `t${i}-${part}`, email: 'race@example.nl', question: 'q', created_at: i });
          await trx('help_questions').insert(row(1));
          await trx('help_questions').insert(row(2));
          if (rollsBack) throw new Rollback();
        }),
      );
    }
    const results = await Promise.allSettled(work);

    expect(unexpectedFailures(results)).to.deep.equal([]);
    const names = (await db('help_questions').select('name')).map((r: { name: string }) => r.name);
    expect(names.sort(), 'exactly the rows of the committed transactions').to.deep.equal(committed.sort());
    for (const key of keys) {
      expect((await limiter.get(key))?.consumedPoints, `points consumed for ${key}`).to.equal(ROUNDS / keys.length);
    }
    const stored = await Promise.all(Array.from({ length: ROUNDS }, (_, i) => loadSession(sessions, `sid-${i}`)));
    expect(stored.map((s) => s?.n)).to.deep.equal(Array.from({ length: ROUNDS }, (_, i) => i));
    await sessions.close();
  });

  it('counts failed sign-ins while two-step is turned on and off for other patients at the same time', async () => {
    const clock = systemClock;
    const users = createUserStore(db, clock);
    // Cheap stand-ins for argon2: this test is about the database, not about hashing.
    const recoveryCodes = createRecoveryCodes({ db, clock, random: cryptoRandom, hashCode: async (c) => `h:${c}`, verifyCode: async (h, c) => h === `h:${c}` });
    const lockout = createSecondStepLockout({ db, clock, settings: { maxConsecutiveFailures: 10, lockMinutes: 15 } });
    const twoFactor = createTwoFactorStore({ db, clock, recoveryCodes, lockout });
    const throttle = await createSignInThrottle(createLimiterFactory({ db }), {
      freeFailuresPerAccount: 1_000,
      freeFailuresPerIp: 1_000,
      lockBaseSeconds: 60,
      lockMaxSeconds: 600,
    });
    const patients = await Promise.all(
      [1, 2, 3].map((n) => users.create({ email: `race${n}@example.nl`, name: `Race ${n}`, passwordHash: 'x' })),
    );

    const work: Promise<unknown>[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      const patient = patients[i % patients.length]!;
      work.push(throttle.reserve('someone@example.nl', '203.0.113.7').then((pass) => (pass.allowed ? pass.settle('failure') : undefined)));
      work.push(
        i % 2 === 0
          ? twoFactor.enableSms(patient.id, '+31612345678', recoveryCodes.generate())
          : twoFactor.disable(patient.id),
      );
      work.push(twoFactor.replaceRecoveryCodes(patient.id, recoveryCodes.generate()));
    }
    const results = await Promise.allSettled(work);

    // A renewal that comes after a turn-off finds two-step off and changes nothing.
    expect(unexpectedFailures(results, [TwoFactorOffError])).to.deep.equal([]);
    const limiter = await createLimiterFactory({ db })({ keyPrefix: 'signin_fail_account', points: 1_000_000, duration: 24 * 3600 });
    expect((await limiter.get('someone@example.nl'))?.consumedPoints).to.equal(ROUNDS);
    for (const patient of patients) {
      const { enabled } = await twoFactor.status(patient.id);
      const codes = await recoveryCodes.countRemaining(patient.id);
      expect(codes, `patient ${patient.id}: one whole set of codes with two-step on, none with it off`).to.equal(enabled ? 10 : 0);
    }
  });
});
