import { expect } from 'chai';
import { countingHasher } from '../support/counting-hasher';
import { startFakeVonage, type FakeVonage } from '../support/fake-vonage';
import { HttpClient, listen } from '../support/http-client';
import { startRedisServer, type TestRedisServer } from '../support/redis-server';
import { startTestRuntime, type TestRuntime } from '../support/runtime';
import { TEST_DATABASE } from '../support/test-database';
import { appCode, patientWithApp, wrongAppCode } from '../support/totp';
import { patientWithSms } from '../support/two-factor';
import { codeFor } from './support';
import { createStaffMember, DESK } from '../support/desk';

/**
 * Issue 12: every limit holds against a burst of parallel requests, as an attacker sends them,
 * with the right answer hidden late in the burst. The work each limit guards is counted where it
 * happens (argon2id verifications through the injected hasher; code checks in the activity log).
 * The limits of sign-in and the Vragenformulier live in the rate-limit store: the SQL database
 * under test, and Redis. The second-step limits live in the database.
 */
type Result = { status: number; location: string | null; text: string };
const statusCounts = (results: Result[]) =>
  results.reduce<Record<number, number>>((counts, r) => ({ ...counts, [r.status]: (counts[r.status] ?? 0) + 1 }), {});

interface World {
  rt: TestRuntime;
  url: string;
  count: { verify: number };
  vonage: FakeVonage;
  close(): Promise<void>;
}

async function startWorld(env: Record<string, string> = {}): Promise<World> {
  const vonage = await startFakeVonage();
  const { hasher, count } = countingHasher();
  const rt = await startTestRuntime(
    {
      SMS_PROVIDER: 'vonage', VONAGE_API_KEY: 'test-key', VONAGE_API_SECRET: 'test-secret', VONAGE_REST_HOST: vonage.url,
      TRUST_PROXY: 'true', // so a test can speak from many addresses (X-Forwarded-For)
      ...env,
    },
    { hasher },
  );
  const server = await listen(rt.app);
  return { rt, url: server.url, count, vonage, close: async () => { await server.close(); await rt.close(); await vonage.stop(); } };
}

const browser = (ip = '198.51.100.1') => new HttpClient({ 'x-forwarded-for': ip });

/** `form`: the patients' sign-in, or the desk's (/balie). */
async function passwordBurst(world: World, attempts: Array<{ email: string; password: string; ip?: string }>, form = '/inloggen'): Promise<Result[]> {
  // Each attacker has its form (and CSRF token) first; then everything goes at once.
  const prepared = await Promise.all(
    attempts.map(async (attempt) => {
      const client = browser(attempt.ip);
      const page = await client.get(`${world.url}${form}`);
      return { client, attempt, token: /name="_csrf" value="([^"]+)"/.exec(page.text)![1]! };
    }),
  );
  world.count.verify = 0;
  return Promise.all(
    prepared.map(({ client, attempt, token }) => client.post(`${world.url}${form}`, { _csrf: token, email: attempt.email, password: attempt.password })),
  );
}

const RATE_LIMIT_STORES = [TEST_DATABASE, 'redis'] as const;

for (const store of RATE_LIMIT_STORES) {
  describe(`limits under a parallel burst: sign-in and the Vragenformulier on ${store} (issue 12)`, function () {
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
      await world.rt.redis?.flushAll(); // each test starts with no counts, as on a fresh database
      await world.close();
    });

    // The right password comes after each burst, not in it: which requests of a parallel burst
    // are let in is up to the order they arrive in.
    it('verifies at most 5 of 40 parallel passwords for one account: the right one after them is refused', async () => {
      const patient = await world.rt.createPatient();
      const attempts = Array.from({ length: 40 }, (_, i) => ({ email: patient.email, password: `wrong-password-${i}` }));
      const results = await passwordBurst(world, attempts);
      expect(world.count.verify, 'passwords verified').to.be.at.most(5);
      const [late] = await passwordBurst(world, [{ email: patient.email, password: patient.password }]);
      expect(late!.status, 'the right password after the burst').to.equal(429);
      expect(results.filter((r) => r.location === '/werkblad')).to.have.length(0);
      expect(statusCounts(results)[429]).to.be.at.least(35);
      expect(results.find((r) => r.status === 429)!.text).to.match(/Te veel pogingen. Probeer het om \d\d:\d\d opnieuw/);
    });

    it('lets the right password in from a parallel burst of right ones without calling the others failed, and keeps no lock after it', async () => {
      const patient = await world.rt.createPatient();
      const attempts = Array.from({ length: 40 }, (_, i) => ({ email: patient.email, password: patient.password, ip: `192.0.2.${i + 1}` }));
      const results = await passwordBurst(world, attempts);
      expect(results.filter((r) => r.location === '/werkblad').length, JSON.stringify(statusCounts(results))).to.be.at.least(1);
      for (const refused of results.filter((r) => r.status === 429)) {
        expect(refused.text).to.match(/Te veel pogingen\. Probeer het om \d\d:\d\d opnieuw\./).and.not.to.include('mislukt');
      }
      const [after] = await passwordBurst(world, [{ email: patient.email, password: patient.password }]);
      expect(after!.location, 'a right password ended the run and freed its lock').to.equal('/werkblad');
    });

    it('verifies at most 5 of 200 parallel wrong passwords for one account, from 200 addresses', async () => {
      const patient = await world.rt.createPatient();
      const attempts = Array.from({ length: 200 }, (_, i) => ({ email: patient.email, password: `wrong-${i}`, ip: `203.0.${i >> 8}.${i & 255}` }));
      const results = await passwordBurst(world, attempts);
      expect(world.count.verify, 'passwords verified').to.be.at.most(5);
      expect(statusCounts(results)[429], JSON.stringify(statusCounts(results))).to.be.at.least(195);
    });

    it('verifies at most 20 of 60 parallel passwords from one address, each for another account', async () => {
      const attempts = Array.from({ length: 60 }, (_, i) => ({ email: `someone${i}@example.nl`, password: 'wrong-password', ip: '198.51.100.77' }));
      const results = await passwordBurst(world, attempts);
      expect(world.count.verify, 'passwords verified').to.be.at.most(20);
      expect(statusCounts(results)[429]).to.be.at.least(40);
    });

    it('counts an IPv6 /64 as one address: at most 20 of 60 parallel passwords from 60 addresses of one /64', async () => {
      const attempts = Array.from({ length: 60 }, (_, i) => ({ email: `ander${i}@example.nl`, password: 'wrong-password', ip: `2001:db8:7:42::${(i + 1).toString(16)}` }));
      const results = await passwordBurst(world, attempts);
      expect(world.count.verify, 'passwords verified').to.be.at.most(20);
      expect(statusCounts(results)[429]).to.be.at.least(40);
    });

    it('verifies at most 5 of 50 parallel passwords for one staff account at the desk: the right one after them is refused', async () => {
      const member = await createStaffMember(world.rt);
      const attempts = Array.from({ length: 50 }, (_, i) => ({ email: member.email, password: `fout-wachtwoord-${i}` }));
      const results = await passwordBurst(world, attempts, DESK);
      expect(world.count.verify, 'passwords verified').to.be.at.most(5);
      const [late] = await passwordBurst(world, [{ email: member.email, password: member.password }], DESK);
      expect(late!.status, 'the right password after the burst').to.equal(429);
      expect(results.filter((r) => r.location === `${DESK}/code`)).to.have.length(0);
      expect(results.find((r) => r.status === 429)!.text).to.match(/Te veel pogingen. Probeer het om \d\d:\d\d opnieuw./);
    });

    it('verifies at most 20 of 60 parallel passwords at the desk from one address, each for another account', async () => {
      const attempts = Array.from({ length: 60 }, (_, i) => ({ email: `iemand${i}@kliniek.nl`, password: 'fout-wachtwoord', ip: '198.51.100.78' }));
      const results = await passwordBurst(world, attempts, DESK);
      expect(world.count.verify).to.be.at.most(20);
      expect(statusCounts(results)[429]).to.be.at.least(40);
    });

    it('ends the run with the right password (sequentially), so the patient is not punished for typos', async () => {
      const patient = await world.rt.createPatient();
      await passwordBurst(world, [1, 2, 3, 4].map((i) => ({ email: patient.email, password: `typo-${i}` })));
      const [right] = await passwordBurst(world, [{ email: patient.email, password: patient.password }]);
      expect(right!.location).to.equal('/werkblad');
      const again = await passwordBurst(world, [1, 2, 3, 4].map((i) => ({ email: patient.email, password: `typo-${i}` })));
      expect(again.map((r) => r.status), 'four free tries again').to.deep.equal([400, 400, 400, 400]);
    });

    it('checks at most 10 of 30 parallel new passwords from one confirmed session: a place before the hashing', async () => {
      const patient = await world.rt.createPatient();
      const client = browser('198.51.100.120');
      expect((await client.submit(`${world.url}/inloggen`, { email: patient.email, password: patient.password })).location).to.equal('/werkblad');
      const confirm = `${world.url}/account/bevestigen?terug=${encodeURIComponent('/account/wachtwoord')}`;
      expect((await client.submit(confirm, { terug: '/account/wachtwoord', password: patient.password }, `${world.url}/account/bevestigen`)).location).to.equal('/account/wachtwoord');
      const token = /name="_csrf" value="([^"]+)"/.exec((await client.get(`${world.url}/account/wachtwoord`)).text)![1]!;
      world.count.verify = 0;
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => {
          const newPassword = `zomerse-regenboog-fietst-${i}`;
          return client.post(`${world.url}/account/wachtwoord`, { _csrf: token, newPassword, repeatPassword: newPassword });
        }),
      );
      expect(world.count.verify, 'new passwords checked against the current one').to.be.at.most(10);
      expect(results.filter((r) => r.location === '/account/wachtwoord').length, 'passwords changed').to.be.at.most(10);
      // The rest are refused by the limit, or (once a change moved the session on) sent to sign in again.
      const refused = results.filter((r) => r.status === 429);
      expect(refused.length).to.be.at.least(1);
      expect(refused[0]!.text).to.match(/Je hebt het afgelopen uur te vaak een nieuw wachtwoord geprobeerd\. Je kunt het om \d\d:\d\d opnieuw proberen\./);
    });

    it('stores at most 5 of 50 parallel questions from one address, and says so in Dutch without losing the text', async () => {
      const client = browser('198.51.100.99');
      const page = await client.get(`${world.url}/hulp/vragenformulier`);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => client.post(`${world.url}/hulp/vragenformulier`, { _csrf: token, name: 'Bot', email: 'bot@example.nl', question: `Vraag ${i}` })),
      );
      expect(await world.rt.services.helpQuestions.list(1000), 'questions stored').to.have.length(5);
      const refused = results.filter((r) => r.status === 429);
      expect(refused).to.have.length(45);
      // Nothing is wrong with the question: a notice, not an error at its field.
      expect(refused[0]!.text).to.include('<p class="warning" role="alert">We hebben je vraag niet verstuurd, want er zijn het afgelopen uur vanaf deze internetverbinding al veel vragen gestuurd').and.not.include('aria-invalid');
      expect(refused[0]!.text).to.match(/<textarea[^>]*>Vraag \d+<\/textarea>/);
      const other = browser('198.51.100.100');
      const second = await other.submit(`${world.url}/hulp/vragenformulier`, { name: 'Anna', email: 'anna@example.nl', question: 'Mag ik iets vragen?' });
      expect(second.location, 'another address may still ask').to.equal('/hulp/vragenformulier');
    });

    it('has a daily cap on questions for everyone together', async () => {
      await world.rt.redis?.flushAll();
      await world.close();
      world = await startWorld({ ...(redis ? { REDIS_URL: redis.url } : {}), HELP_QUESTIONS_PER_DAY: '3' });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => browser(`192.0.2.${i}`).submit(`${world.url}/hulp/vragenformulier`, { name: 'A', email: 'a@example.nl', question: `Vraag ${i}` })),
      );
      expect(await world.rt.services.helpQuestions.list(1000)).to.have.length(3);
      expect(results.filter((r) => r.status === 429)[0]!.text).to.include('er zijn de afgelopen 24 uur al heel veel vragen gestuurd');
    });
  });
}

describe(`limits under a parallel burst: the second step on ${TEST_DATABASE} (issue 12)`, function () {
  this.timeout(90_000);
  let world: World;
  beforeEach(async () => {
    world = await startWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1' });
  });
  afterEach(() => world.close());

  /** A half session (password accepted) with the code form's token; `signIn`: the patients' page or the desk's. */
  async function halfSession(email: string, password: string, form = '/inloggen/code', signInPage = '/inloggen') {
    const client = browser();
    const signIn = await client.submit(`${world.url}${signInPage}`, { email, password });
    expect(signIn.location).to.equal(signInPage === DESK ? `${DESK}/code` : '/inloggen/code');
    const page = await client.get(`${world.url}${form}`);
    return { client, token: /name="_csrf" value="([^"]+)"/.exec(page.text)![1]! };
  }

  const failures = async (userId: number) =>
    (await world.rt.services.audit.listForUser(userId, 1000)).filter((e) => e.type === 'second_step_failed').length;

  // The right code comes after each burst, not in it: which requests of a parallel burst are let
  // in is up to the order they arrive in.
  it('checks at most 10 of 60 parallel app codes in one half session: the right code after them does not sign in', async () => {
    const patient = await patientWithApp(world.rt);
    const { client, token } = await halfSession(patient.email, patient.password);
    const now = world.rt.clock.now();
    const codes = Array.from({ length: 60 }, (_, i) => wrongAppCode(patient.secret, now, i));
    const results = await Promise.all(codes.map((code) => client.post(`${world.url}/inloggen/code`, { _csrf: token, code })));
    expect(results.filter((r) => r.location === '/werkblad'), 'signed in').to.have.length(0);
    const late = await client.post(`${world.url}/inloggen/code`, { _csrf: token, code: appCode(patient.secret, now) });
    expect(late.status, 'the right code after the burst').to.equal(429);
    expect(await failures(patient.id), 'codes checked').to.be.at.most(10);
    expect((await client.get(`${world.url}/werkblad`)).location).to.equal('/inloggen/code');
  });

  const staffFailures = async (staffId: number) =>
    (await world.rt.services.staffAudit.list({ limit: 1000 })).filter((e) => e.staff?.id === staffId && e.type === 'second_step_failed').length;

  it('checks at most 10 of 60 parallel app codes in one half session at the desk: the right code after them does not sign in', async () => {
    const member = await createStaffMember(world.rt);
    const { client, token } = await halfSession(member.email, member.password, `${DESK}/code`, DESK);
    const now = world.rt.clock.now();
    const codes = Array.from({ length: 60 }, (_, i) => wrongAppCode(member.secret, now, i));
    const results = await Promise.all(codes.map((code) => client.post(`${world.url}${DESK}/code`, { _csrf: token, code })));
    expect(results.filter((r) => r.location === `${DESK}/patienten`), 'signed in').to.have.length(0);
    const late = await client.post(`${world.url}${DESK}/code`, { _csrf: token, code: appCode(member.secret, now) });
    expect(late.status, 'the right code after the burst').to.equal(429);
    expect(await staffFailures(member.id), 'codes checked').to.be.at.most(10);
  });

  it('checks at most 10 of 30 parallel recovery codes at the desk: a valid one after 29 wrong ones is refused', async () => {
    const member = await createStaffMember(world.rt);
    const { client, token } = await halfSession(member.email, member.password, `${DESK}/herstelcode`, DESK);
    world.count.verify = 0;
    const codes = Array.from({ length: 30 }, (_, i) => (i === 29 ? member.recoveryCodes[0]! : String(3_000_000_000 + i)));
    const results = await Promise.all(codes.map((recoveryCode) => client.post(`${world.url}${DESK}/herstelcode`, { _csrf: token, recoveryCode })));
    expect(results.filter((r) => r.location === `${DESK}/herstelcode-gebruikt`)).to.have.length(0);
    expect(results[29]!.status).to.equal(429);
    expect(world.count.verify, 'argon2id verifications').to.be.at.most(10 * 10);
    expect(await world.rt.services.staffRecoveryCodes.countRemaining(member.id)).to.equal(10);
  });

  it('checks at most 10 of 30 parallel recovery codes: a valid one after 29 wrong ones is refused, and argon2 runs at most 10 × 10 times', async () => {
    const patient = await patientWithSms(world.rt, '+31611000201');
    const { client, token } = await halfSession(patient.email, patient.password, '/inloggen/herstelcode');
    world.count.verify = 0;
    const codes = Array.from({ length: 30 }, (_, i) => (i === 29 ? patient.recoveryCodes[0]! : String(3_000_000_000 + i)));
    const results = await Promise.all(codes.map((recoveryCode) => client.post(`${world.url}/inloggen/herstelcode`, { _csrf: token, recoveryCode })));
    expect(results.filter((r) => r.location === '/inloggen/herstelcode-gebruikt')).to.have.length(0);
    expect(results[29]!.status).to.equal(429);
    expect(world.count.verify, 'argon2id verifications').to.be.at.most(10 * 10);
    expect(await world.rt.services.recoveryCodes.countRemaining(patient.id)).to.equal(10);
  });

  it('signs one of 20 parallel sessions in with the same recovery code; a lock the others set stays, as announced', async () => {
    const patient = await patientWithSms(world.rt, '+31611000202');
    const sessions = [];
    for (let i = 0; i < 20; i += 1) sessions.push(await halfSession(patient.email, patient.password, '/inloggen/herstelcode'));
    const results = await Promise.all(sessions.map(({ client, token }) => client.post(`${world.url}/inloggen/herstelcode`, { _csrf: token, recoveryCode: patient.recoveryCodes[0]! })));
    expect(results.filter((r) => r.location === '/inloggen/herstelcode-gebruikt'), 'signed in').to.have.length(1);
    const announced = (await world.rt.services.audit.listForUser(patient.id, 1000)).some((e) => e.type === 'second_step_locked');
    const lockedUntil = await world.rt.services.secondFactor.lockedUntil(patient.id);
    expect(lockedUntil !== null, `the lock announced (${announced}) is the lock in force (${lockedUntil})`).to.equal(announced);
  });

  /**
   * The tries taken from SMS codes, as the database answered them: each check of a code takes
   * one (an UPDATE … attempts + 1 … RETURNING) before it compares, and only a check that got
   * a row back compares at all. So these are the comparisons that happened, numbered.
   */
  function watchCodeTries(): { tries: number[]; stop(): void } {
    const tries: number[] = [];
    const listener = (response: unknown, query: { sql?: string }) => {
      if (!/^update\s+["`]?verification_codes\b/i.test(query.sql ?? '') || !/attempts/.test(query.sql ?? '') || !Array.isArray(response)) return;
      for (const row of response as Array<{ attempts?: unknown }>) tries.push(Number(row.attempts));
    };
    world.rt.db.on('query-response', listener);
    return { tries, stop: () => world.rt.db.removeListener('query-response', listener) };
  }

  it('compares exactly 5 of 20 parallel guesses of an SMS code, and the code is dead: the right code after them does not sign in', async () => {
    const phone = '+31611000202';
    const patient = await patientWithSms(world.rt, phone);
    const { client, token } = await halfSession(patient.email, patient.password);
    const right = codeFor(world.vonage, phone);
    // Different guesses: the same one sent again at once is handled once (see the double-click tests in races.test.ts).
    const wrong = Array.from({ length: 21 }, (_, i) => String(i).padStart(6, '0')).filter((code) => code !== right).slice(0, 20);
    const watch = watchCodeTries();
    const results = await Promise.all(wrong.map((code) => client.post(`${world.url}/inloggen/code`, { _csrf: token, code }))).finally(() => watch.stop());
    expect(results.filter((r) => r.location === '/werkblad'), 'signed in').to.have.length(0);
    const late = await client.post(`${world.url}/inloggen/code`, { _csrf: token, code: right });
    expect(late.location, 'the right code after the burst').not.to.equal('/werkblad');
    expect(await world.rt.db('verification_codes').where({ user_id: patient.id }).first(), 'the code is dead').to.equal(undefined);

    // Two limits meet here. The account's run of 10 second-step checks lets 10 of the 20 in;
    // the code's 5 tries let 5 of those compare. The code's limit is the one that binds.
    expect(watch.tries.sort((a, b) => a - b), 'the tries taken from the code, one per comparison').to.deep.equal([1, 2, 3, 4, 5]);
    // In the activity log: tries 1-4 answered 'wrong', the 5th used the code up ('exhausted').
    // The other checks let in compared nothing: they found the code used up ('exhausted' as well)
    // or gone (not recorded, their place given back), so the failures recorded are bounded by the
    // account's 10 only, and only the 'wrong' ones tell comparisons apart.
    const reasons = (await world.rt.services.audit.listForUser(patient.id, 1000))
      .filter((e) => e.type === 'second_step_failed')
      .map((e) => String(e.details?.reason));
    expect(reasons.filter((r) => r === 'wrong'), reasons.join(', ')).to.have.length(4);
    expect(reasons.filter((r) => r !== 'wrong' && r !== 'exhausted'), reasons.join(', ')).to.deep.equal([]);
    expect(reasons.length, "the account's run of 10").to.be.at.most(10);
  });

  it('lets one request in many parallel ones through with the right app code when it is among the first 10', async () => {
    const patient = await patientWithApp(world.rt);
    const { client, token } = await halfSession(patient.email, patient.password);
    const now = world.rt.clock.now();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => client.post(`${world.url}/inloggen/code`, { _csrf: token, code: i === 3 ? appCode(patient.secret, now) : wrongAppCode(patient.secret, now, i) })),
    );
    expect(results[3]!.location).to.equal('/werkblad');
  });
});
