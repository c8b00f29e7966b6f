import { AsyncLocalStorage } from 'node:async_hooks';
import { expect } from 'chai';
import type { SmsConfig } from '../../src/config';
import { upToWholeMinute } from '../../src/domain/clock';
import { cryptoRandom } from '../../src/domain/random';
import { createSmsCodeService, type SmsCodeService, type SmsLimitScope, type SmsSendOutcome, type SmsSendRequest } from '../../src/domain/sms-codes';
import type { SmsMessage, SmsResult, SmsSender } from '../../src/domain/sms/sms-sender';
import { createVerificationCodes, type CodePurpose, type VerificationCodes } from '../../src/domain/verification-codes';
import type { Database } from '../../src/infra/database';
import { createLogger } from '../../src/infra/logger';
import { createLimiterFactory, type LimiterFactory } from '../../src/infra/rate-limits';
import { connectRedis, type RedisClient } from '../../src/infra/redis';
import { TestClock } from '../support/clock';
import { startRedisServer, type TestRedisServer } from '../support/redis-server';
import { closeTestDatabase, openTestDatabase, TEST_DATABASE } from '../support/test-database';

/** Records what it "sends"; queued results make the next sends fail. `calls`: every SMS it was handed, failed or not. */
class FakeSender implements SmsSender {
  sent: SmsMessage[] = [];
  failures: SmsResult[] = [];
  calls = 0;
  /** While set, every SMS waits for it: the provider has not answered yet. */
  answer: Promise<void> | undefined;
  async send(message: SmsMessage): Promise<SmsResult> {
    this.calls += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await this.answer;
    const failure = this.failures.shift();
    if (failure?.ok === false && failure.reason === 'timeout') this.sent.push(message); // it went out, the answer did not come
    if (failure) return failure;
    this.sent.push(message);
    return { ok: true, messageId: `m${this.sent.length}` };
  }
  codeOf(index: number): string {
    return /(\d{6})/.exec(this.sent[index]!.text)![1]!;
  }
}

const SETTINGS: SmsConfig = {
  provider: 'outbox',
  vonage: { apiKey: '', apiSecret: '', from: 'Karify', restHost: 'http://127.0.0.1:9', timeoutMs: 1000 },
  allowedCountries: ['NL', 'BE'],
  codeTtlMinutes: 10,
  maxCodeAttempts: 5,
  resendCooldownSeconds: 30,
  maxPerAccountPerHour: 100,
  maxPerNumberPerDay: 100,
  maxPerIpPerHour: 100,
  maxPerIpPerDay: 100,
  globalDailyCap: 100,
};

const PHONE = '+31612345678';
/** Enough accounts for a burst in which every request is another patient's. */
const USERS = 24;

/**
 * The SMS counters live in Redis when REDIS_URL is set, else in the SQL database under test
 * (SQLite, or PostgreSQL with TEST_DATABASE=postgres): every test runs on both.
 */
const RATE_LIMIT_STORES = [TEST_DATABASE, 'redis'] as const;

for (const store of RATE_LIMIT_STORES) {
  describe(`SMS code service, counters on ${store}`, () => {
    let redisServer: TestRedisServer | undefined;
    let redis: RedisClient | undefined;
    let db: Database;
    let clock: TestClock;
    let sender: FakeSender;
    let codes: VerificationCodes;
    const users: number[] = [];

    before(async function () {
      if (store !== 'redis') return;
      this.timeout(30_000);
      redisServer = await startRedisServer();
      redis = await connectRedis(redisServer.url, createLogger('silent'));
    });
    after(async () => {
      if (redis?.isOpen) await redis.quit();
      await redisServer?.stop();
    });

    /** `limiters`: to change what the service's counters are made with (see the burst of the account cap). */
    async function service(overrides: Partial<SmsConfig> = {}, limiters: (base: LimiterFactory) => LimiterFactory = (base) => base, smsSender: SmsSender = sender): Promise<SmsCodeService> {
      return createSmsCodeService({
        codes, sender: smsSender, clock, limiters: limiters(createLimiterFactory({ db, redis })),
        settings: { ...SETTINGS, ...overrides },
        composeText: (code, language) => (language === 'en' ? `Your Karify verification code is ${code}` : `Je Karify verificatiecode is ${code}`),
      });
    }

    /** Until `refused` requests of the first patient's setup met the cooldown (a refused request counts there too). */
    async function refusedByCooldown(refused: number): Promise<void> {
      const cooldown = await createLimiterFactory({ db, redis })({ keyPrefix: 'sms_cooldown', points: 1, duration: SETTINGS.resendCooldownSeconds });
      while (((await cooldown.get(`${users[0]}:setup`))?.consumedPoints ?? 0) < 1 + refused) await new Promise((resolve) => setTimeout(resolve, 5));
    }

    /** No counts at all, as on a fresh store. */
    const resetLimits = async () => {
      if (redis) await redis.flushAll();
      else await db('rate_limits').delete();
    };

    beforeEach(async () => {
      db = await openTestDatabase();
      await redis?.flushAll();
      clock = new TestClock();
      sender = new FakeSender();
      codes = createVerificationCodes({ db, clock, random: cryptoRandom, hashKey: Buffer.alloc(32, 1), ttlMs: 600_000, maxAttempts: 5 });
      const rows = await db('users')
        .insert(Array.from({ length: USERS }, (_, i) => ({ email: `p${i}@example.nl`, name: 'P', password_hash: 'x', created_at: 0, updated_at: 0 })))
        .returning('id');
      users.length = 0;
      users.push(...rows.map((row) => (row as { id: number }).id));
    });
    afterEach(() => closeTestDatabase(db));

    it('sends a code that then verifies, and tells when a new one may be asked', async () => {
      const sms = await service();
      const [user] = users as [number];
      expect(await sms.nextAllowedAt(user, 'setup')).to.equal(null);
      const outcome = await sms.send({ userId: user, purpose: 'setup', phone: PHONE, ip: '203.0.113.5' });
      // 30 s from 13:00:00 is told as 13:01: the patient sees minutes, and 13:00 would be too early.
      expect(outcome).to.deep.equal({ status: 'sent', nextAllowedAt: clock.now() + 60_000 });
      expect(sender.sent[0]!.to).to.equal(PHONE);
      expect(await sms.nextAllowedAt(user, 'setup')).to.equal(clock.now() + 60_000);
      expect((await codes.liveCode(user, 'setup'))?.phone ?? null).to.equal(PHONE);
      expect(await codes.verify(user, 'setup', sender.codeOf(0), PHONE)).to.equal('ok');
    });

    it('writes the SMS in the language of the request, Dutch when it names none', async () => {
      const sms = await service();
      await sms.send({ userId: users[0]!, purpose: 'setup', phone: PHONE, ip: '203.0.113.5', language: 'en' });
      await sms.send({ userId: users[1]!, purpose: 'setup', phone: PHONE, ip: '203.0.113.5' });
      expect(sender.sent.map((m) => m.text)).to.deep.equal([`Your Karify verification code is ${sender.codeOf(0)}`, `Je Karify verificatiecode is ${sender.codeOf(1)}`]);
    });

    it('sends nothing to a stored number whose country is no longer allowed, and counts nothing', async () => {
      const sms = await service({ allowedCountries: ['NL'] });
      const belgian = { userId: users[0]!, purpose: 'sign_in' as const, phone: '+32470123456', ip: '203.0.113.5' };
      expect(await sms.send(belgian)).to.deep.equal({ status: 'failed', reason: 'destination_not_allowed' });
      expect(sender.calls).to.equal(0);
      expect(await sms.nextAllowedAt(users[0]!, 'sign_in'), 'no cooldown started').to.equal(null);
      expect((await sms.send({ ...belgian, phone: PHONE })).status, 'a Dutch number at once').to.equal('sent');
    });

    it('refuses a second SMS within the 30 s cooldown', async () => {
      const sms = await service();
      const request = { userId: users[0]!, purpose: 'setup' as const, phone: PHONE, ip: '203.0.113.5' };
      await sms.send(request);
      const second = await sms.send(request);
      expect(second.status).to.equal('cooldown');
      expect(second.status === 'cooldown' && second.nextAllowedAt).to.equal(clock.now() + 60_000);
      expect(sender.sent).to.have.length(1);
    });

    it('tells a typo corrected within the cooldown (another number) from a double click (the same one)', async () => {
      const sms = await service();
      const request = { userId: users[0]!, purpose: 'setup' as const, phone: PHONE, ip: '203.0.113.5' };
      await sms.send(request);
      expect(await sms.send(request)).to.include({ status: 'cooldown', earlierCode: 'this_number' });
      expect(await sms.send({ ...request, phone: '+31612345679' })).to.include({ status: 'cooldown', earlierCode: 'other_number' });
    });

    it('says the cooldown\'s code is gone once it was used, for this number and another', async () => {
      const sms = await service({ vonage: { ...SETTINGS.vonage, timeoutMs: 300 } });
      const request = { userId: users[0]!, purpose: 'phone_change' as const, phone: PHONE, ip: '203.0.113.5' };
      await sms.send(request);
      expect(await codes.verify(users[0]!, 'phone_change', sender.codeOf(0), PHONE)).to.equal('ok');
      // Within the provider's timeout (and the time to store a code) it waits for a code that may still come.
      expect(await sms.send({ ...request, phone: '+31612345679' })).to.include({ status: 'cooldown', earlierCode: 'gone' });
      expect(await sms.send(request)).to.include({ status: 'cooldown', earlierCode: 'gone' });
      expect(sender.sent, 'no SMS within the 30 s').to.have.length(1);
    });

    it('shares an SMS still on its way to this number (a double click), not the code of an older one to another number', async () => {
      const sms = await service();
      const request = { userId: users[0]!, purpose: 'setup' as const, phone: PHONE, ip: '203.0.113.5' };
      await codes.issue(users[0]!, 'setup', '+31612345679'); // a code from a minute ago
      clock.advance(60_000);
      const [first, second] = await Promise.all([sms.send(request), sms.send(request)]);
      expect([first, second].map((o) => o.status === 'sent' && (o.shared ?? false)).sort()).to.deep.equal([false, true]);
      expect(sender.sent).to.have.length(1);
    });

    /**
     * A request the cooldown refuses waits for the SMS on its way: for the send itself when its own
     * instance makes it, else by looking in the store (another instance's send, no sticky sessions).
     */
    for (const instance of ['this instance', 'another instance'] as const) {
      describe(`while the SMS that began the cooldown is on its way (the provider has not answered), sent by ${instance}`, () => {
        const OTHER_PHONE = '+31612345679';
        let answer: () => void;
        /** The instance each request reached, by request number, and the instance whose send reached the provider. */
        let reached: SmsCodeService[];
        let sentBy: SmsCodeService | undefined;
        /** The requests that looked in the store for the SMS on its way, and had its answer. */
        let looked: Set<number>;
        const requestNumber = new AsyncLocalStorage<number>();
        beforeEach(() => {
          sender.answer = new Promise<void>((resolve) => { answer = resolve; });
          [reached, sentBy, looked] = [[], undefined, new Set()];
          const store = codes;
          codes = {
            ...store,
            // Counted once the store answered: a look still waiting for a connection could see the
            // code stored after it was asked, and rightly take it for an SMS sent before it came.
            liveCode: async (...args) => {
              const number = requestNumber.getStore();
              const live = await store.liveCode(...args);
              if (number !== undefined) looked.add(number);
              return live;
            },
          };
        });
        afterEach(() => answer());

        const waitForCall = async () => {
          while (sender.calls === 0) await new Promise((resolve) => setTimeout(resolve, 2));
        };

        /**
         * Lets the SMS on its way be sent once `refused` requests met its cooldown and wait for it.
         * A request on another instance than the sending one waits by looking in the store: one that
         * looked first after the code was stored would rightly take it for an SMS sent before it came.
         */
        async function answerWhenRefused(refused: number): Promise<void> {
          await refusedByCooldown(refused);
          while (reached.some((instance, number) => instance !== sentBy && !looked.has(number))) {
            await new Promise((resolve) => setTimeout(resolve, 2));
          }
          answer();
        }

        /** An instance whose requests are numbered, to know which looked in the store, and whether it sent. */
        async function numberedInstance(overrides: Partial<SmsConfig>): Promise<SmsCodeService> {
          const numbered: SmsCodeService = { ...(await service(overrides, undefined, { send: (message) => { sentBy = numbered; return sender.send(message); } })) };
          const { send } = numbered;
          numbered.send = (request) => requestNumber.run(reached.push(numbered) - 1, () => send(request));
          return numbered;
        }

        /**
         * The instance that sends first, and the one the later requests reach. The provider's timeout
         * is ample unless a test sets it: a request that sees the code only after it (a busy machine)
         * is rightly told "wait until", not "sent".
         */
        async function instances(overrides: Partial<SmsConfig> = {}): Promise<[SmsCodeService, SmsCodeService]> {
          const settings = { vonage: { ...SETTINGS.vonage, timeoutMs: 10_000 }, ...overrides };
          const first = await numberedInstance(settings);
          return [first, instance === 'this instance' ? first : await numberedInstance(settings)];
        }

        it('waits for it: a number corrected meanwhile is told no code went there, a double click (the same number) that it was sent', async () => {
          const [sms, later] = await instances();
          const request = { userId: users[0]!, purpose: 'setup' as const, phone: PHONE, ip: '203.0.113.5' };
          const first = sms.send(request);
          await waitForCall();
          const corrected = later.send({ ...request, phone: OTHER_PHONE });
          const again = later.send(request);
          await answerWhenRefused(2);
          expect(await corrected).to.include({ status: 'cooldown', earlierCode: 'other_number' });
          expect(await again).to.include({ status: 'sent', shared: true });
          expect(await first).not.to.have.property('shared');
          expect((await first).status).to.equal('sent');
          expect(sender.sent.map((m) => m.to)).to.deep.equal([PHONE]);
        });

        it('does not share an SMS whose provider did not answer in time (it may not come): a double click is told when a new one may be asked', async () => {
          const [sms, later] = await instances({ vonage: { ...SETTINGS.vonage, timeoutMs: 300 } });
          const request = { userId: users[0]!, purpose: 'setup' as const, phone: PHONE, ip: '203.0.113.5' };
          sender.failures.push({ ok: false, reason: 'timeout' });
          const first = sms.send(request);
          await waitForCall();
          const again = later.send(request);
          setTimeout(answer, 400);
          expect(await first).to.include({ status: 'unsure' });
          expect(await again).to.include({ status: 'cooldown', earlierCode: 'this_number' });
        });

        it('says the SMS failed when the one it waited for failed: nothing went out, and it makes no try of its own', async () => {
          const [sms, later] = await instances();
          const request = { userId: users[0]!, purpose: 'setup' as const, phone: PHONE, ip: '203.0.113.5' };
          sender.failures.push({ ok: false, reason: 'throttled' });
          const first = sms.send(request);
          await waitForCall();
          const corrected = later.send({ ...request, phone: OTHER_PHONE });
          await answerWhenRefused(1);
          expect(await first).to.deep.equal({ status: 'failed', reason: 'throttled' });
          expect(await corrected).to.deep.equal({ status: 'failed', reason: 'earlier_sms_failed' });
          expect(sender.calls).to.equal(1);
          expect(await sms.nextAllowedAt(users[0]!, 'setup'), 'nothing counted: a new try may go at once').to.equal(null);
          expect((await later.send({ ...request, phone: OTHER_PHONE })).status).to.equal('sent');
        });

        it('makes one try for a burst of 20 that meets a failing provider, and tells all 20 it failed', async () => {
          const [sms, later] = await instances();
          sender.failures.push(...Array.from({ length: 20 }, (): SmsResult => ({ ok: false, reason: 'number_barred' })));
          const request = { userId: users[0]!, purpose: 'setup' as const, phone: PHONE, ip: '203.0.113.5' };
          const first = sms.send(request);
          await waitForCall();
          const sends = Array.from({ length: 19 }, () => later.send(request));
          await answerWhenRefused(19);
          expect(await first).to.deep.equal({ status: 'failed', reason: 'number_barred' });
          const outcomes = await Promise.all(sends);
          expect(sender.calls, 'SMS handed to the provider').to.equal(1);
          // The instance that sent it knows why it failed (here: check the number); another one only that it did.
          const told = instance === 'this instance' ? { status: 'failed', reason: 'number_barred', shared: true } : { status: 'failed', reason: 'earlier_sms_failed' };
          outcomes.forEach((outcome, i) => expect(outcome, `request ${i + 2}`).to.deep.equal(told));
        });

        it('sends one itself when the cooldown runs out before the SMS it waited for came (a cooldown shorter than the provider\'s timeout)', async () => {
          const [sms, later] = await instances({ resendCooldownSeconds: 1, vonage: { ...SETTINGS.vonage, timeoutMs: 3000 } });
          const request = { userId: users[0]!, purpose: 'setup' as const, phone: PHONE, ip: '203.0.113.5' };
          const first = sms.send(request);
          await waitForCall();
          const second = later.send(request);
          // Bounded, and saying what the second request answered if it made no SMS of its own.
          let answeredEarly: SmsSendOutcome | undefined;
          void second.then((outcome) => (answeredEarly = outcome));
          for (const deadline = Date.now() + 10_000; sender.calls < 2 && !answeredEarly && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 20));
          expect(sender.calls, `a second SMS; the second request answered ${JSON.stringify(answeredEarly)}`).to.equal(2);
          answer();
          expect((await Promise.all([first, second])).map((o) => o.status)).to.deep.equal(['sent', 'sent']);
          expect(sender.sent, 'a second SMS, as a request after the cooldown gets').to.have.length(2);
        });

        it('tells each of 20 parallel requests, half of them for another number, whether the one SMS went to theirs', async () => {
          const [sms, later] = await instances();
          const phones = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? PHONE : OTHER_PHONE));
          const sends = phones.map((phone, i) => (i % 4 < 2 ? sms : later).send({ userId: users[0]!, purpose: 'setup', phone, ip: '203.0.113.5' }));
          await waitForCall();
          await answerWhenRefused(19);
          const outcomes = await Promise.all(sends);
          expect(sender.sent).to.have.length(1);
          const sentTo = sender.sent[0]!.to;
          outcomes.forEach((outcome, i) => {
            const expected = phones[i] === sentTo ? { status: 'sent' } : { status: 'cooldown', earlierCode: 'other_number' };
            expect(outcome, `request ${i} for ${phones[i]}`).to.include(expected);
          });
          expect(outcomes.filter((o) => o.status === 'sent' && !o.shared), 'the one that sent it').to.have.length(1);
        });
      });
    }

    it('waits for its own instance\'s SMS on its way without looking in the store every 50 ms', async () => {
      let looks = 0;
      const store = codes;
      codes = { ...store, liveCode: (...args) => { looks += 1; return store.liveCode(...args); } };
      const sms = await service();
      let answer!: () => void;
      sender.answer = new Promise<void>((resolve) => { answer = resolve; });
      const sends = Array.from({ length: 20 }, () => sms.send({ userId: users[0]!, purpose: 'setup', phone: PHONE, ip: '203.0.113.5' }));
      await refusedByCooldown(19);
      answer();
      const outcomes = await Promise.all(sends);
      expect(outcomes.filter((o) => o.status === 'sent' && o.shared), 'the double clicks, told it was sent').to.have.length(19);
      expect(looks, 'codes looked up while waiting').to.equal(0);
    });

    it('waits for its own instance\'s SMS too when the store tells that send it holds the cooldown after it refused the others', async () => {
      let looks = 0;
      const store = codes;
      codes = { ...store, liveCode: (...args) => { looks += 1; return store.liveCode(...args); } };
      let othersRefused: Promise<void> = Promise.resolve();
      const lateAnswerToTheTaker = (base: LimiterFactory): LimiterFactory => async (options) => {
        const limiter = await base(options);
        if (options.keyPrefix !== 'sms_cooldown') return limiter;
        const consume = limiter.consume.bind(limiter);
        limiter.consume = async (...args) => { const taken = await consume(...args); await othersRefused; return taken; };
        return limiter;
      };
      const sms = await service({}, lateAnswerToTheTaker);
      othersRefused = refusedByCooldown(19).then(() => new Promise((resolve) => setTimeout(resolve, 100)));
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => sms.send({ userId: users[0]!, purpose: 'setup', phone: PHONE, ip: '203.0.113.5' })));
      expect(outcomes.filter((o) => o.status === 'sent' && o.shared), 'the double clicks, told it was sent').to.have.length(19);
      expect(looks, 'codes looked up while waiting').to.equal(0);
    });

    it('does not wait for its own instance\'s SMS once another instance took the next cooldown (a cooldown shorter than the provider\'s timeout)', async () => {
      const settings = { resendCooldownSeconds: 1, vonage: { ...SETTINGS.vonage, timeoutMs: 5000 } };
      const sms = await service(settings);
      const otherInstance = await service(settings, undefined, new FakeSender());
      let answer!: () => void;
      sender.answer = new Promise<void>((resolve) => { answer = resolve; });
      const request = { userId: users[0]!, purpose: 'setup' as const, phone: PHONE, ip: '203.0.113.5' };
      const slow = sms.send(request); // its provider has not answered when its cooldown ends
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await otherInstance.send({ ...request, phone: '+31612345679' })).status).to.equal('sent');
      const atLast = setTimeout(() => answer(), 3000); // were it to wait for the slow one
      const again = await sms.send({ ...request, phone: '+31612345679' });
      clearTimeout(atLast);
      answer();
      await slow;
      expect(again, 'the other instance\'s SMS just went to this number').to.include({ status: 'cooldown', earlierCode: 'this_number' });
      expect(sender.calls, 'no second SMS from this instance').to.equal(1);
    });

    it('waits for its own instance\'s send no longer than the provider\'s timeout and a second, even when that send hangs after it', async () => {
      let saved!: () => void;
      const store = codes;
      codes = { ...store, save: async (...args) => { await new Promise<void>((resolve) => { saved = resolve; }); return store.save(...args); } };
      const sms = await service({ vonage: { ...SETTINGS.vonage, timeoutMs: 300 } });
      const request = { userId: users[0]!, purpose: 'setup' as const, phone: PHONE, ip: '203.0.113.5' };
      const hanging = sms.send(request); // the database does not answer when its code is stored
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = performance.now();
      const again = await sms.send(request);
      expect(performance.now() - started, 'ms waited').to.be.below(3000);
      expect(again, 'its code was never stored').to.include({ status: 'cooldown', earlierCode: 'gone' });
      saved();
      await hanging;
    });

    it('lets a corrected number send when the SMS it waited for was refused by a later cap (no SMS went out)', async () => {
      let numberChecked: Promise<void> = Promise.resolve();
      let atNumberCap = () => {};
      const slowNumberCap = (base: LimiterFactory): LimiterFactory => async (options) => {
        const limiter = await base(options);
        if (options.keyPrefix !== 'sms_number') return limiter;
        const consume = limiter.consume.bind(limiter);
        limiter.consume = async (...args) => { atNumberCap(); await numberChecked; return consume(...args); };
        return limiter;
      };
      const sms = await service({ maxPerNumberPerDay: 1 }, slowNumberCap);
      expect((await sms.send({ userId: users[1]!, purpose: 'setup', phone: PHONE, ip: '203.0.113.5' })).status).to.equal('sent');
      let check!: () => void;
      numberChecked = new Promise<void>((resolve) => { check = resolve; });
      const firstHoldsCooldown = new Promise<void>((resolve) => { atNumberCap = resolve; });
      const first = sms.send({ userId: users[0]!, purpose: 'setup', phone: PHONE, ip: '203.0.113.5' });
      // The cooldown is taken before the caps: the corrected number comes once the first holds it
      // (two sends at once reach the store in either order, on PostgreSQL's several connections).
      await firstHoldsCooldown;
      const corrected = sms.send({ userId: users[0]!, purpose: 'setup', phone: '+31612345679', ip: '203.0.113.5' });
      setTimeout(check, 100);
      expect(await first).to.include({ status: 'limited', scope: 'number' });
      expect(await corrected).to.include({ status: 'sent' });
      expect(sender.sent.map((m) => m.to)).to.deep.equal([PHONE, '+31612345679']);
    });

    it('sends exactly one SMS for concurrent requests', async () => {
      const sms = await service();
      const request = { userId: users[0]!, purpose: 'sign_in' as const, phone: PHONE, ip: '203.0.113.5' };
      const outcomes = await Promise.all([1, 2, 3, 4].map(() => sms.send(request)));
      expect(sender.sent).to.have.length(1);
      // The others met it on its way to the same number (a double click): they say it was sent, as it was.
      expect(outcomes.filter((o) => o.status === 'sent' && !o.shared)).to.have.length(1);
      expect(outcomes.filter((o) => o.status === 'sent' && o.shared)).to.have.length(3);
    });

    it('caps SMS per account', async () => {
      const sms = await service({ maxPerAccountPerHour: 2 });
      const send = (purpose: 'setup' | 'sign_in' | 'confirm') => sms.send({ userId: users[0]!, purpose, phone: PHONE, ip: '203.0.113.5' });
      expect((await send('setup')).status).to.equal('sent');
      expect((await send('sign_in')).status).to.equal('sent');
      const refused = await send('confirm');
      expect(refused).to.include({ status: 'limited', scope: 'account' });
      expect(refused.status === 'limited' && refused.retryAt, 'when the hour is over').to.be.within(clock.now() + 3590_000, clock.now() + 3600_000);
      expect(sender.sent).to.have.length(2);
    });

    it('caps SMS per number, per IP and overall', async () => {
      const cases = [
        { overrides: { maxPerNumberPerDay: 2 }, scope: 'number', phone: () => PHONE, ip: (i: number) => `203.0.113.${i}` },
        { overrides: { maxPerIpPerHour: 2 }, scope: 'ip', phone: (i: number) => `+3161234567${i}`, ip: () => '203.0.113.5' },
        { overrides: { maxPerIpPerDay: 2 }, scope: 'ip', phone: (i: number) => `+3161234567${i}`, ip: () => '203.0.113.5' },
        { overrides: { globalDailyCap: 2 }, scope: 'global', phone: (i: number) => `+3161234567${i}`, ip: (i: number) => `203.0.113.${i}` },
      ];
      for (const { overrides, scope, phone, ip } of cases) {
        const sms = await service(overrides);
        await resetLimits(); // a fresh start for each case
        const send = (i: number) => sms.send({ userId: users[i]!, purpose: 'setup', phone: phone(i), ip: ip(i) });
        expect((await send(0)).status, scope).to.equal('sent');
        expect(await sms.capInForce({ userId: users[2]!, phone: phone(2), ip: ip(2) }), `${scope}: one left`).to.equal(null);
        expect((await send(1)).status, scope).to.equal('sent');
        const refused = await send(2);
        expect(refused, scope).to.include({ status: 'limited', scope });
        // What a code page says meanwhile: when this cap lets an SMS through, without counting a try.
        const { status: _, ...cap } = refused as Extract<SmsSendOutcome, { status: 'limited' }>;
        expect(await sms.capInForce({ userId: users[2]!, phone: phone(2), ip: ip(2) }), scope).to.deep.equal(cap);
        expect(await sms.capInForce({ userId: users[2]!, phone: phone(2), ip: ip(2) }), `${scope}: asked again`).to.deep.equal(cap);
      }
    });

    it('counts an IPv6 client by its /64 under both caps per IP: a third address of the same network is refused', async () => {
      const network = ['2001:db8:7:42::1', '2001:db8:7:42::2', '2001:db8:7:42::3'];
      for (const [cap, overrides] of [['day', { maxPerIpPerDay: 2 }], ['hour', { maxPerIpPerHour: 2 }]] as const) {
        const sms = await service(overrides);
        await resetLimits(); // a fresh start for each cap
        const send = (i: number) => sms.send({ userId: users[i]!, purpose: 'setup', phone: `+3161234567${i}`, ip: network[i]! });
        expect((await send(0)).status, cap).to.equal('sent');
        expect((await send(1)).status, cap).to.equal('sent');
        expect(await send(2), `${cap}: another address in the same /64`).to.include({ status: 'limited', scope: 'ip' });
        expect(await sms.send({ userId: users[3]!, purpose: 'setup', phone: '+31612345673', ip: '2001:db8:7:43::1' }), `${cap}: the next /64`).to.include({ status: 'sent' });
      }
    });

    it('names the cap that lets an SMS through last, when several are full', async () => {
      const sms = await service({ maxPerAccountPerHour: 1, maxPerIpPerDay: 1 });
      const request = { userId: users[0]!, purpose: 'setup' as const, phone: PHONE, ip: '203.0.113.5' };
      expect((await sms.send(request)).status).to.equal('sent');
      const cap = await sms.capInForce(request);
      expect(cap).to.include({ scope: 'ip' });
      expect(cap!.retryAt, 'the day\'s end, not the hour\'s').to.equal(upToWholeMinute(clock.now() + 24 * 3600_000));
      expect(await sms.capInForce({ ...request, ip: '198.51.100.7' })).to.deep.equal({ scope: 'account', retryAt: upToWholeMinute(clock.now() + 3600_000) });
    });

    it('names the day\'s end when both caps per IP are full, not the hour\'s, when a new SMS can go', async () => {
      const sms = await service({ maxPerIpPerHour: 1, maxPerIpPerDay: 1 });
      const send = (i: number) => sms.send({ userId: users[i]!, purpose: 'setup', phone: `+3161234567${i}`, ip: '203.0.113.5' });
      expect((await send(0)).status).to.equal('sent');
      const refused = await send(1);
      expect(refused).to.include({ status: 'limited', scope: 'ip' });
      expect(refused.status === 'limited' && refused.retryAt, 'a day on').to.be.above(clock.now() + 23 * 3600_000);
    });

    it('does not count a failed SMS, so a new attempt can be made at once', async () => {
      const sms = await service({ maxPerAccountPerHour: 1, maxPerNumberPerDay: 1, maxPerIpPerHour: 1, maxPerIpPerDay: 1, globalDailyCap: 1 });
      const request = { userId: users[0]!, purpose: 'setup' as const, phone: PHONE, ip: '203.0.113.5' };
      sender.failures.push({ ok: false, reason: 'unreachable' });
      expect(await sms.send(request)).to.deep.equal({ status: 'failed', reason: 'unreachable' });
      expect(await sms.nextAllowedAt(users[0]!, 'setup')).to.equal(null);
      expect((await sms.send(request)).status).to.equal('sent');
    });

    it('keeps the code of an SMS whose sending timed out, and counts it: it may still arrive', async () => {
      const sms = await service({ maxPerAccountPerHour: 1 });
      const request = { userId: users[0]!, purpose: 'setup' as const, phone: PHONE, ip: '203.0.113.5' };
      sender.failures.push({ ok: false, reason: 'timeout' });
      const outcome = await sms.send(request);
      expect(outcome).to.include({ status: 'unsure' });
      const code = /\b(\d{6})\b/.exec(sender.sent.at(-1)!.text)![1]!;
      expect(await codes.verify(users[0]!, 'setup', code, PHONE)).to.equal('ok');
      expect(await sms.nextAllowedAt(users[0]!, 'setup')).to.be.a('number');
      // Another purpose has a cooldown of its own: the hourly cap of 1 holds it.
      expect(await sms.send({ ...request, purpose: 'confirm' })).to.include({ status: 'limited', scope: 'account' });
    });

    it('keeps the previous code valid when sending a new one fails', async () => {
      const sms = await service();
      const previous = await codes.issue(users[0]!, 'sign_in', PHONE);
      sender.failures.push({ ok: false, reason: 'number_barred' });
      const outcome = await sms.send({ userId: users[0]!, purpose: 'sign_in', phone: PHONE, ip: '203.0.113.5' });
      expect(outcome).to.deep.equal({ status: 'failed', reason: 'number_barred' });
      expect(await codes.verify(users[0]!, 'sign_in', previous, PHONE)).to.equal('ok');
    });

    /**
     * SPEC §4: every limit is reserved atomically before the SMS it guards, so a burst of parallel
     * requests gets no more SMS than the same requests one after the other. Each case fires 20
     * sends at once that share only the key of the limit under test (one account, one number…)
     * and differ in everything else, so that limit alone binds; a limit that were checked first
     * and counted afterwards would let every one of them through.
     */
    describe('a burst of 20 parallel sends', () => {
      const BURST = 20;
      const CAP = 2;
      const PURPOSES: CodePurpose[] = ['sign_in', 'confirm', 'setup', 'phone_change', 'switch_sms'];
      const purposeOf = (i: number) => PURPOSES[i % PURPOSES.length]!;
      const numberOf = (i: number) => `+3161234${String(i).padStart(4, '0')}`;
      const ipOf = (i: number) => `203.0.113.${i + 1}`;
      const SHARED_NUMBER = '+31687654321';
      const SHARED_IP = '198.51.100.7';

      interface BurstCase {
        /** The limit under test, where its scope alone does not name it. */
        name?: string;
        scope: SmsLimitScope | 'cooldown';
        /** How many SMS the limit lets through: its cap. */
        allowed: number;
        /** The limit's window: a refusal says when it lets a new SMS through. */
        windowSeconds: number;
        settings: Partial<SmsConfig>;
        /** The cooldown keeps one SMS per user and purpose: for the account cap it is widened, so all 20 reach that cap. */
        wideCooldown?: boolean;
        request(i: number): SmsSendRequest;
      }

      const CASES: BurstCase[] = [
        {
          scope: 'cooldown', allowed: 1, windowSeconds: SETTINGS.resendCooldownSeconds, settings: {},
          request: (i) => ({ userId: users[0]!, purpose: 'sign_in', phone: numberOf(i), ip: ipOf(i) }),
        },
        {
          scope: 'account', allowed: CAP, windowSeconds: 3600, settings: { maxPerAccountPerHour: CAP }, wideCooldown: true,
          request: (i) => ({ userId: users[0]!, purpose: purposeOf(i), phone: numberOf(i), ip: ipOf(i) }),
        },
        {
          scope: 'number', allowed: CAP, windowSeconds: 24 * 3600, settings: { maxPerNumberPerDay: CAP },
          request: (i) => ({ userId: users[i]!, purpose: purposeOf(i), phone: SHARED_NUMBER, ip: ipOf(i) }),
        },
        {
          // SMS_MAX_PER_IP_PER_HOUR: the per-IP window is an hour.
          name: 'hourly ip', scope: 'ip', allowed: CAP, windowSeconds: 3600, settings: { maxPerIpPerHour: CAP },
          request: (i) => ({ userId: users[i]!, purpose: purposeOf(i), phone: numberOf(i), ip: SHARED_IP }),
        },
        {
          // SMS_MAX_PER_IP_PER_DAY: what a steady trickle under the hourly cap still meets.
          name: 'daily ip', scope: 'ip', allowed: CAP, windowSeconds: 24 * 3600, settings: { maxPerIpPerDay: CAP },
          request: (i) => ({ userId: users[i]!, purpose: purposeOf(i), phone: numberOf(i), ip: SHARED_IP }),
        },
        {
          scope: 'global', allowed: CAP, windowSeconds: 24 * 3600, settings: { globalDailyCap: CAP },
          request: (i) => ({ userId: users[i]!, purpose: purposeOf(i), phone: numberOf(i), ip: ipOf(i) }),
        },
      ];

      const wideCooldown = (base: LimiterFactory): LimiterFactory => (options) =>
        base(options.keyPrefix === 'sms_cooldown' ? { ...options, points: BURST * 2 } : options);

      const serviceFor = (c: BurstCase) => service(c.settings, c.wideCooldown ? wideCooldown : undefined);
      const burst = (sms: SmsCodeService, c: BurstCase) => Promise.all(Array.from({ length: BURST }, (_, i) => sms.send(c.request(i))));
      const statuses = (outcomes: SmsSendOutcome[]) => JSON.stringify(outcomes.map((o) => (o.status === 'limited' ? `limited:${o.scope}` : o.status)));

      /** A refusal by the limit under test, saying when that limit lets a new SMS through (to the minute, rounded up). */
      function expectRefusedBy(c: BurstCase, outcome: SmsSendOutcome, label: string): void {
        const window = c.windowSeconds * 1000;
        if (c.scope === 'cooldown') {
          expect(outcome.status, label).to.equal('cooldown');
          expect(outcome.status === 'cooldown' && outcome.nextAllowedAt, label).to.be.within(upToWholeMinute(clock.now() + window - 5_000), upToWholeMinute(clock.now() + window));
        } else {
          expect(outcome, label).to.include({ status: 'limited', scope: c.scope });
          expect(outcome.status === 'limited' && outcome.retryAt, label).to.be.within(upToWholeMinute(clock.now() + window - 60_000), upToWholeMinute(clock.now() + window));
        }
      }

      for (const c of CASES) {
        it(`lets exactly ${c.allowed} of ${BURST} parallel sends through the ${c.name ?? c.scope} limit, and says so to the rest`, async () => {
          const sms = await serviceFor(c);
          const outcomes = await burst(sms, c);
          const sent = outcomes.flatMap((o, i) => (o.status === 'sent' ? [i] : []));
          expect(sent, statuses(outcomes)).to.have.length(c.allowed);
          expect(sender.calls, 'SMS handed to the sender').to.equal(c.allowed);
          expect(sender.sent.map((m) => m.to).sort(), 'the SMS of the sends told "sent"').to.deep.equal(sent.map((i) => c.request(i).phone).sort());
          outcomes.forEach((o, i) => {
            if (o.status !== 'sent') expectRefusedBy(c, o, `send #${i + 1}`);
          });
          // The reservations stay: one more, after the burst, is refused as well.
          expectRefusedBy(c, await sms.send(c.request(BURST)), 'a send after the burst');
          expect(sender.calls).to.equal(c.allowed);
        });

        it(`gives the ${c.name ?? c.scope} limit's points back when the provider fails: after a burst that failed, exactly ${c.allowed} of the next ${BURST} go out`, async () => {
          const sms = await serviceFor(c);
          sender.failures.push(...Array.from({ length: BURST }, (): SmsResult => ({ ok: false, reason: 'unreachable' })));
          const failed = await burst(sms, c);
          sender.failures.length = 0;
          const tried = failed.filter((o) => o.status === 'failed' && o.reason === 'unreachable');
          // The first ones reserve all there is; a point given back may let a later one try as well.
          expect(tried.length, statuses(failed)).to.be.at.least(c.allowed);
          expect(sender.calls, 'SMS handed to the sender').to.equal(tried.length);
          expect(sender.sent).to.have.length(0);
          failed.forEach((o, i) => {
            if (o.status !== 'failed') return expectRefusedBy(c, o, `send #${i + 1}`);
            // Sends the cooldown made wait for an SMS that failed are told so, without a try of their own.
            if (o.reason !== 'unreachable') expect([c.scope, o.reason], `send #${i + 1}`).to.deep.equal(['cooldown', 'earlier_sms_failed']);
          });

          sender.calls = 0;
          const outcomes = await burst(sms, c);
          expect(outcomes.filter((o) => o.status === 'sent'), statuses(outcomes)).to.have.length(c.allowed);
          expect(sender.calls, 'SMS handed to the sender').to.equal(c.allowed);
          expect(sender.sent).to.have.length(c.allowed);
        });
      }

      it('gives back what a send refused by a later limit had reserved in the earlier ones', async () => {
        // The counters are taken in order: cooldown, account, number, IP, overall. Twenty sends for
        // one account pass its (high) cap and meet the overall cap of 2 last.
        const request = (i: number): SmsSendRequest => ({ userId: users[0]!, purpose: purposeOf(i), phone: numberOf(i), ip: ipOf(i) });
        const first = await service({ maxPerAccountPerHour: 100, globalDailyCap: CAP }, wideCooldown);
        const outcomes = await Promise.all(Array.from({ length: BURST }, (_, i) => first.send(request(i))));
        expect(outcomes.filter((o) => o.status === 'sent'), statuses(outcomes)).to.have.length(CAP);
        expect(outcomes.filter((o) => o.status === 'limited' && o.scope === 'global'), statuses(outcomes)).to.have.length(BURST - CAP);

        // The same counters, read with an account cap of 4 and the overall cap out of the way: the
        // account has used 2 (the SMS sent), not 20, so 2 more go out.
        const second = await service({ maxPerAccountPerHour: 4, globalDailyCap: 100 }, wideCooldown);
        const again = await Promise.all(Array.from({ length: BURST }, (_, i) => second.send(request(BURST + i))));
        expect(again.filter((o) => o.status === 'sent'), statuses(again)).to.have.length(2);
        expect(again.filter((o) => o.status === 'limited' && o.scope === 'account'), statuses(again)).to.have.length(BURST - 2);
        expect(sender.sent).to.have.length(CAP + 2);
      });
    });
  });
}
