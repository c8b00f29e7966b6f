import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { retryTimes } from '../../src/http/retry-after';
import { signIn, submitForm } from '../support/forms';
import { startTestRuntime, type TestRuntime } from '../support/runtime';
import { patientWithApp, wrongAppCode } from '../support/totp';
import { chooseSms, enterPhone, enterSignInCode, lockSecondStep, passwordStep, signedInPatient, startSmsWorld, type SmsWorld } from '../support/two-factor';

const NOW = Date.UTC(2026, 10, 25, 13, 0, 0);

/**
 * An answer with `status` whose page names the times `named` (ms after NOW) to try again at, and
 * the waits `waits` (ms) without a time; `ownHeader`: the answer sets its own Retry-After.
 */
function answer(status: number, named: number[], { waits = [], ownHeader }: { waits?: number[]; ownHeader?: string } = {}) {
  const app = express();
  app.get('/', (_req, res) => {
    const { formatRetryTime, retryIn } = retryTimes(res, (ms) => `at ${ms - NOW}`, () => NOW);
    waits.forEach(retryIn);
    if (ownHeader) res.set('Retry-After', ownHeader);
    res.status(status).send(named.map((ms) => formatRetryTime(NOW + ms)).join(', '));
  });
  return request(app).get('/');
}

describe('http: a refused answer (429, 503) says in Retry-After when to try again, as its page does', () => {
  describe('the formatter', () => {
    it('formats the time, and a 429 says the seconds until it, rounded up', async () => {
      const res = await answer(429, [90_500]);
      expect(res.text).to.equal('at 90500');
      expect(res.headers['retry-after']).to.equal('91');
    });

    it('says the latest of the times the page names, so it is never sooner than the page', async () => {
      expect((await answer(429, [60_000, 900_000, 30_000])).headers['retry-after']).to.equal('900');
    });

    it('says at least one second for a time already past', async () => {
      expect((await answer(429, [-5_000])).headers['retry-after']).to.equal('1');
    });

    it('adds nothing to other answers, nor to a 429 that names no time', async () => {
      expect((await answer(200, [60_000])).headers).not.to.have.property('retry-after');
      expect((await answer(400, [60_000])).headers).not.to.have.property('retry-after');
      expect((await answer(429, [])).headers).not.to.have.property('retry-after');
      expect((await answer(503, [])).headers).not.to.have.property('retry-after');
      expect((await answer(200, [], { waits: [60_000] })).headers).not.to.have.property('retry-after');
    });

    it('a 503 (could not be done now) says the wait its page names, "in a minute" as well as a time', async () => {
      expect((await answer(503, [], { waits: [60_000] })).headers['retry-after']).to.equal('60');
      expect((await answer(503, [120_000], { waits: [60_000] })).headers['retry-after']).to.equal('120');
      expect((await answer(429, [30_000], { waits: [60_000] })).headers['retry-after']).to.equal('60');
    });

    it('leaves a 503 that set its own Retry-After as it is (the error pages\' 30 seconds)', async () => {
      expect((await answer(503, [], { waits: [60_000], ownHeader: '30' })).headers['retry-after']).to.equal('30');
    });
  });

  // The test clock stands still at 13:00:00 UTC; every limit's time is rounded up to the minute the page names.
  describe('through the app', () => {
    let rt: TestRuntime;
    afterEach(() => rt?.close());

    it('the sign-in throttle: the minute the page names', async () => {
      rt = await startTestRuntime({ SIGNIN_FREE_FAILURES_PER_ACCOUNT: '1', SIGNIN_LOCK_BASE_SECONDS: '90' });
      const patient = await rt.createPatient();
      const agent = rt.agent();
      const wrong = await signIn(agent, patient.email, 'wrong-password-x');
      expect(wrong.status).to.equal(400);
      expect(wrong.headers).not.to.have.property('retry-after');
      const locked = await signIn(agent, patient.email, patient.password);
      expect(locked.status).to.equal(429);
      expect(locked.text).to.include('Probeer het om 14:02 opnieuw.');
      expect(locked.headers['retry-after']).to.equal('120');
    });

    it('the second step\'s lock: on the tenth wrong code, not on the wrong codes before it nor on the lock\'s page', async () => {
      rt = await startTestRuntime();
      const patient = await patientWithApp(rt);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      const wrong = wrongAppCode(patient.secret, rt.clock.now());
      for (let i = 1; i <= 9; i += 1) expect((await enterSignInCode(agent, wrong)).headers).not.to.have.property('retry-after');
      const tenth = await enterSignInCode(agent, wrong);
      expect(tenth.status).to.equal(429);
      expect(tenth.headers['retry-after']).to.equal('900');
      const page = await agent.get('/inloggen/code');
      expect(page.status).to.equal(200);
      expect(page.text).to.include('14:15');
      expect(page.headers).not.to.have.property('retry-after');
    });

    it('a form sent to a second step locked before (a code that is no code, so none was checked): the lock\'s page says it', async () => {
      rt = await startTestRuntime();
      const patient = await patientWithApp(rt);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      await lockSecondStep(rt, patient.id);
      rt.clock.advanceMinutes(5);
      const refused = await enterSignInCode(agent, '12');
      expect(refused.status).to.equal(429);
      expect(refused.text).to.include('<h1>Inloggen is tijdelijk geblokkeerd</h1>').and.include('14:15');
      expect(refused.headers['retry-after']).to.equal('600');
    });

    it('the Vragenformulier\'s limit per connection', async () => {
      rt = await startTestRuntime();
      for (let i = 0; i < 5; i += 1) await submitForm(rt.agent(), '/hulp/vragenformulier', { name: `Bezoeker ${i}`, email: `b${i}@example.nl`, question: 'Vraag' });
      const refused = await submitForm(rt.agent(), '/hulp/vragenformulier', { name: 'Anna', email: 'anna@example.nl', question: 'Vraag' });
      expect(refused.status).to.equal(429);
      expect(refused.text).to.include('om 15:00');
      expect(refused.headers['retry-after']).to.equal('3600');
    });

    describe('SMS', () => {
      let world: SmsWorld;
      afterEach(() => world?.close());

      it('another number within the 30 seconds between SMS', async () => {
        world = await startSmsWorld();
        const { agent } = await signedInPatient(world.rt);
        await chooseSms(agent);
        expect((await enterPhone(agent, '06 12345678')).headers).not.to.have.property('retry-after');
        const other = await enterPhone(agent, '06 12345679');
        expect(other.status).to.equal(429);
        expect(other.text).to.include('om 14:01');
        expect(other.headers['retry-after']).to.equal('60');
      });

      // Vonage's status 1 (throttled) is for now, "probeer het over een minuut"; 4 (bad credentials) is a problem on our side, with no time to name.
      const refusals: [string, string, string | undefined][] = [
        ['1', 'Probeer het over een minuut opnieuw.', '60'],
        ['4', 'storing bij ons', undefined],
      ];
      for (const [status, text, retryAfter] of refusals) {
        it(`an SMS the provider refused with status ${status}: a 503 whose Retry-After says the wait its page names (${retryAfter ?? 'none'})`, async () => {
          world = await startSmsWorld();
          const { agent } = await signedInPatient(world.rt);
          await chooseSms(agent);
          world.vonage.failNext(status);
          const refused = await enterPhone(agent, '06 12345678');
          expect(refused.status).to.equal(503);
          expect(refused.text).to.include(text);
          expect(refused.headers['retry-after']).to.equal(retryAfter);
        });
      }
    });
  });
});
