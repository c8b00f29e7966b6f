import { expect } from 'chai';
import type { Knex } from 'knex';
import type supertest from 'supertest';
import { signIn } from '../../support/forms';
import { startRedisServer } from '../../support/redis-server';
import { startTestRuntime, TestRuntime } from '../../support/runtime';
import { patientWithApp } from '../../support/totp';
import { signedInPatient } from '../../support/two-factor';

const LIVE = '/healthz';
const READY = '/readyz';

/** A plain-text answer of the health checks: exactly `text`, and no session cookie. */
function expectAnswer(res: supertest.Response, status: number, text: 'ok' | 'unavailable'): void {
  expect(res.status, res.text.slice(0, 200)).to.equal(status);
  expect(res.headers['content-type']).to.match(/^text\/plain/);
  expect(res.text).to.equal(text);
  expect(res.headers['set-cookie'], 'no session cookie').to.equal(undefined);
}

async function sessionCount(rt: TestRuntime): Promise<number> {
  const row = await rt.db('sessions').count({ n: '*' }).first();
  return Number(row?.n);
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('health checks for load balancers', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  it('answers "ok" when alive and when ready, as plain text', async () => {
    expectAnswer(await rt.agent().get(LIVE), 200, 'ok');
    expectAnswer(await rt.agent().get(READY), 200, 'ok');
  });

  it('needs no session: answers alike without one, with an unknown one and with an expired one, and starts none', async () => {
    const { agent } = await signedInPatient(rt, { fresh: false });
    const before = await sessionCount(rt);
    rt.clock.advanceMinutes(31); // past the idle timeout of the signed-in session
    for (const path of [LIVE, READY]) {
      expectAnswer(await rt.agent().get(path), 200, 'ok');
      expectAnswer(await rt.agent().get(path).set('Cookie', 'karify.sid=s%3Anobody.signature'), 200, 'ok');
      expectAnswer(await agent.get(path), 200, 'ok');
    }
    expect(await sessionCount(rt), 'no session stored, none ended').to.equal(before);
    expect((await agent.get('/werkblad')).headers.location, 'the expired session is ended by a page').to.equal('/inloggen');
  });

  it('answers a half-signed-in patient too, instead of sending them to the second step', async () => {
    const patient = await patientWithApp(rt);
    const agent = rt.agent();
    expect((await signIn(agent, patient.email, patient.password)).headers.location).to.equal('/inloggen/code');
    expect((await agent.get('/werkblad')).headers.location, 'the half session is confined').to.equal('/inloggen/code');
    expectAnswer(await agent.get(LIVE), 200, 'ok');
    expectAnswer(await agent.get(READY), 200, 'ok');
  });

  it('answers 503 "unavailable" when ready is asked of a closed database, and stays alive without the session store', async () => {
    const { agent } = await signedInPatient(rt, { fresh: false });
    await rt.db.destroy();
    expect((await agent.get('/werkblad')).status, 'a page that reads the session').to.equal(503);
    expectAnswer(await agent.get(READY), 503, 'unavailable');
    expectAnswer(await agent.get(LIVE), 200, 'ok');
  });

  it('answers 503 "unavailable" when the database does not answer within two seconds, and "ok" again once it does', async () => {
    // Every connection of the pool held in an open transaction: the check's query has to wait.
    const held: Knex.Transaction[] = [];
    const { max } = rt.db.client.config.pool as { max: number };
    try {
      for (let i = 0; i < max; i += 1) held.push(await rt.db.transaction());
      const started = Date.now();
      expectAnswer(await rt.agent().get(READY), 503, 'unavailable');
      expect(Date.now() - started, 'gives up after its timeout').to.be.within(1900, 5000);
      expectAnswer(await rt.agent().get(LIVE), 200, 'ok');
    } finally {
      await Promise.all(held.map((trx) => trx.rollback()));
    }
    expectAnswer(await rt.agent().get(READY), 200, 'ok');
  });
});

describe('health checks with Redis (REDIS_URL)', function () {
  this.timeout(60_000);

  it('answers 503 "unavailable" while Redis is down, stays alive, and is ready again when Redis is back', async () => {
    const redis = await startRedisServer();
    let rt: TestRuntime | undefined;
    try {
      rt = await startTestRuntime({ REDIS_URL: redis.url });
      const { agent } = await signedInPatient(rt, { fresh: false });
      expectAnswer(await agent.get(READY), 200, 'ok');
      await redis.down();
      expect((await agent.get('/werkblad')).status, 'sessions are in Redis').to.equal(503);
      expectAnswer(await agent.get(READY), 503, 'unavailable');
      expectAnswer(await agent.get(LIVE), 200, 'ok');
      await redis.up();
      const app = rt;
      await eventually(async () => (await app.agent().get(READY)).status === 200);
      expectAnswer(await rt.agent().get(READY), 200, 'ok');
    } finally {
      await rt?.close();
      await redis.stop();
    }
  });
});
