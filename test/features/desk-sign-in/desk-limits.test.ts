import { expect } from 'chai';
import { countingHasher } from '../../support/counting-hasher';
import { createStaffMember, DESK } from '../../support/desk';
import { HttpClient, listen } from '../../support/http-client';
import { startRedisServer, type TestRedisServer } from '../../support/redis-server';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { TEST_DATABASE } from '../../support/test-database';
import { appCode, wrongAppCode } from '../../support/totp';

/**
 * The desk's limits hold against a burst of parallel requests, as the patients' do
 * (test/resilience/limits.test.ts): the password throttle lives in the rate-limit store (the SQL
 * database under test, and Redis), the second-step lock in the database.
 */
type Result = { status: number; location: string | null; text: string };

interface World {
  rt: TestRuntime;
  url: string;
  count: { verify: number };
  close(): Promise<void>;
}

async function startWorld(env: Record<string, string> = {}): Promise<World> {
  const { hasher, count } = countingHasher();
  const rt = await startTestRuntime({ TRUST_PROXY: 'true', ...env }, { hasher });
  const server = await listen(rt.app);
  return { rt, url: server.url, count, close: async () => { await server.close(); await rt.close(); } };
}

const browser = (ip = '198.51.100.1') => new HttpClient({ 'x-forwarded-for': ip });
const tokenIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

async function passwordBurst(world: World, attempts: Array<{ email: string; password: string; ip?: string }>): Promise<Result[]> {
  const prepared = await Promise.all(
    attempts.map(async (attempt) => {
      const client = browser(attempt.ip);
      return { client, attempt, token: tokenIn((await client.get(`${world.url}${DESK}`)).text) };
    }),
  );
  world.count.verify = 0;
  return Promise.all(prepared.map(({ client, attempt, token }) => client.post(`${world.url}${DESK}`, { _csrf: token, email: attempt.email, password: attempt.password })));
}

for (const store of [TEST_DATABASE, 'redis'] as const) {
  describe(`desk limits under a parallel burst: the password on ${store}`, function () {
    this.timeout(90_000);
    let redis: TestRedisServer | undefined;
    let world: World;
    before(async () => {
      if (store === 'redis') redis = await startRedisServer();
    });
    after(() => redis?.stop());
    beforeEach(async () => {
      world = await startWorld(redis ? { REDIS_URL: redis.url } : {});
    });
    afterEach(async () => {
      await world.rt.redis?.flushAll();
      await world.close();
    });

    it('verifies at most 5 of 50 parallel passwords for one staff account: the right one at #50 is refused', async () => {
      const member = await createStaffMember(world.rt);
      const attempts = Array.from({ length: 50 }, (_, i) => ({ email: member.email, password: i === 49 ? member.password : `fout-wachtwoord-${i}` }));
      const results = await passwordBurst(world, attempts);
      expect(world.count.verify, 'passwords verified').to.be.at.most(5);
      expect(results[49]!.status).to.equal(429);
      expect(results.filter((r) => r.location === `${DESK}/code`)).to.have.length(0);
      expect(results.find((r) => r.status === 429)!.text).to.match(/Te veel mislukte pogingen. Probeer het om \d\d:\d\d opnieuw./);
    });

    it('verifies at most 20 of 60 parallel passwords from one address, each for another account', async () => {
      const attempts = Array.from({ length: 60 }, (_, i) => ({ email: `iemand${i}@kliniek.nl`, password: 'fout-wachtwoord', ip: '198.51.100.77' }));
      const results = await passwordBurst(world, attempts);
      expect(world.count.verify).to.be.at.most(20);
      expect(results.filter((r) => r.status === 429).length).to.be.at.least(40);
    });
  });
}

describe(`desk limits under a parallel burst: the second step on ${TEST_DATABASE}`, function () {
  this.timeout(90_000);
  let world: World;
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(() => world.close());

  async function halfSession(member: { email: string; password: string }, form: string) {
    const client = browser();
    const signIn = await client.submit(`${world.url}${DESK}`, { email: member.email, password: member.password });
    expect(signIn.location).to.equal(`${DESK}/code`);
    return { client, token: tokenIn((await client.get(`${world.url}${form}`)).text) };
  }

  const failures = async (staffId: number) =>
    (await world.rt.services.staffAudit.list({ limit: 1000 })).filter((e) => e.staff?.id === staffId && e.type === 'second_step_failed').length;

  it('checks at most 10 of 60 parallel app codes in one half session: the right code at #56 does not sign in', async () => {
    const member = await createStaffMember(world.rt);
    const { client, token } = await halfSession(member, `${DESK}/code`);
    const now = world.rt.clock.now();
    const codes = Array.from({ length: 60 }, (_, i) => (i === 55 ? appCode(member.secret, now) : wrongAppCode(member.secret, now)));
    const results = await Promise.all(codes.map((code) => client.post(`${world.url}${DESK}/code`, { _csrf: token, code })));
    expect(results.filter((r) => r.location === `${DESK}/patienten`), 'signed in').to.have.length(0);
    expect(results[55]!.status).to.equal(429);
    expect(await failures(member.id), 'codes checked').to.be.at.most(10);
  });

  it('checks at most 10 of 30 parallel recovery codes: a valid one after 29 wrong ones is refused', async () => {
    const member = await createStaffMember(world.rt);
    const { client, token } = await halfSession(member, `${DESK}/herstelcode`);
    world.count.verify = 0;
    const codes = Array.from({ length: 30 }, (_, i) => (i === 29 ? member.recoveryCodes[0]! : String(3_000_000_000 + i)));
    const results = await Promise.all(codes.map((recoveryCode) => client.post(`${world.url}${DESK}/herstelcode`, { _csrf: token, recoveryCode })));
    expect(results.filter((r) => r.location === `${DESK}/patienten`)).to.have.length(0);
    expect(results[29]!.status).to.equal(429);
    expect(world.count.verify, 'argon2id verifications').to.be.at.most(10 * 10);
    expect(await world.rt.services.staffRecoveryCodes.countRemaining(member.id)).to.equal(10);
  });
});
