import { expect } from 'chai';
import type supertest from 'supertest';
import { csrfTokenOf, submitForm } from '../support/forms';
import { chooseSms, enterCode, passwordStep, patientWithSms, SETUP, signedInPatient, SmsWorld, startSmsWorld } from '../support/two-factor';
import { codeFor, sleep, smsCountFor } from './support';

/**
 * GitHub issue 7: the same request arriving twice (or five times) at once, as double clicks,
 * impatient patients and retrying proxies make it arrive. Every race is run a few rounds, so a
 * window that is only sometimes open is still likely to be hit. Runs on the database under test
 * (SQLite; PostgreSQL with TEST_DATABASE=postgres), where the atomicity lives.
 */

const ROUNDS = 3;
const COOLDOWN_MS = 1100; // SMS_RESEND_COOLDOWN_SECONDS=1, on the limiters' wall clock

type Response = supertest.Response;
const describeStatuses = (results: Response[]) => results.map((r) => `${r.status}${r.headers.location ? ` → ${r.headers.location}` : ''}`).join(', ');

/** The form again with the Dutch error summary and this message in it. */
function expectFormError(res: Response, message: string, status = 400) {
  expect(res.status, `${res.status} ${res.headers.location ?? ''}`).to.equal(status);
  expect(res.text).to.include('<html lang="nl"').and.include('class="error-summary"').and.include(message);
}

describe('races (issue 7)', function () {
  this.timeout(60_000);
  let world: SmsWorld;
  beforeEach(async () => {
    world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1', SMS_MAX_PER_IP_PER_HOUR: '1000' });
  });
  afterEach(() => world.close());

  const signIns = async (userId: number) => (await world.rt.services.audit.listForUser(userId)).filter((e) => e.type === 'sign_in').length;

  it('lets exactly one of two half sessions through when both send the same recovery code at once', async () => {
    const { rt } = world;
    const patient = await patientWithSms(rt, '+31611000101');
    for (let round = 0; round < ROUNDS; round += 1) {
      const agents = [rt.agent(), rt.agent()];
      for (const agent of agents) await passwordStep(agent, patient.email, patient.password);
      const tokens = await Promise.all(agents.map(async (agent) => csrfTokenOf((await agent.get('/inloggen/herstelcode')).text)));
      const code = patient.recoveryCodes[round]!;

      const results = await Promise.all(agents.map((agent, i) => agent.post('/inloggen/herstelcode').type('form').send({ _csrf: tokens[i], recoveryCode: code })));

      const winners = results.filter((r) => r.status === 303 && r.headers.location === '/inloggen/herstelcode-gebruikt');
      expect(winners, `round ${round}: ${describeStatuses(results)}`).to.have.length(1);
      expectFormError(results.find((r) => r !== winners[0])!, 'Deze herstelcode klopt niet of is al gebruikt');
      const workspace = await Promise.all(agents.map(async (agent) => (await agent.get('/werkblad')).status));
      expect(workspace.filter((status) => status === 200), `round ${round}: signed in`).to.have.length(1);
      expect(await rt.services.recoveryCodes.countRemaining(patient.id), `round ${round}: codes left`).to.equal(9 - round);
      expect(await signIns(patient.id), `round ${round}: sign-ins recorded`).to.equal(round + 1);
    }
  });

  it('lets exactly one of two simultaneous posts of the same SMS code through (a double click in one session)', async () => {
    const { rt, vonage } = world;
    const phone = '+31611000102';
    const patient = await patientWithSms(rt, phone);
    for (let round = 0; round < ROUNDS; round += 1) {
      if (round > 0) await sleep(COOLDOWN_MS); // so this round's password step sends a fresh code
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      const token = csrfTokenOf((await agent.get('/inloggen/code')).text);
      const code = codeFor(vonage, phone);

      // One agent: the same session cookie and CSRF token on both requests.
      const results = await Promise.all([0, 1].map(() => agent.post('/inloggen/code').type('form').send({ _csrf: token, code })));

      const context = `round ${round}: ${describeStatuses(results)}`;
      expect(results.every((r) => r.status < 500), context).to.equal(true);
      const winners = results.filter((r) => r.status === 303 && r.headers.location === '/werkblad');
      expect(winners, context).to.have.length(1);
      const loser = results.find((r) => r !== winners[0])!;
      // The loser either found the code used (the form with a message), or found its half
      // session already ended by the winner's new session (back to the sign-in page).
      if (loser.status === 303) expect(loser.headers.location, context).to.match(/^\/inloggen(\?|$)/);
      else expectFormError(loser, 'Er is geen geldige code');
      expect(await signIns(patient.id), `${context}: sign-ins recorded`).to.equal(round + 1);
      expect((await agent.get('/werkblad')).status, `${context}: the browser ends signed in`).to.equal(200);
    }
  });

  it('sends exactly one SMS when "Stuur nieuwe code" is pressed 5 times at once', async () => {
    const { rt, vonage } = world;
    const phone = '+31611000103';
    const patient = await patientWithSms(rt, phone);
    const agent = rt.agent();
    await passwordStep(agent, patient.email, patient.password);
    const token = csrfTokenOf((await agent.get('/inloggen/code')).text);
    for (let round = 0; round < ROUNDS; round += 1) {
      await sleep(COOLDOWN_MS); // the cooldown of the previous SMS has passed: one new one may go
      const before = smsCountFor(vonage, phone);

      const results = await Promise.all(Array.from({ length: 5 }, () => agent.post('/inloggen/code/nieuwe-code').type('form').send({ _csrf: token })));

      const context = `round ${round}: ${describeStatuses(results)}`;
      expect(results.every((r) => r.status < 500), context).to.equal(true);
      expect(smsCountFor(vonage, phone) - before, `${context}: SMS sent`).to.equal(1);
    }
    // The one code that went out last is the live one.
    const res = await submitForm(agent, '/inloggen/code', { code: codeFor(vonage, phone) });
    expect(res.headers.location).to.equal('/werkblad');
  });

  it('sends exactly one SMS when "Bevestig telefoonnummer" is posted 5 times at once, and the wizard goes on with it', async () => {
    const { rt, vonage } = world;
    const { agent } = await signedInPatient(rt);
    expect((await chooseSms(agent)).headers.location).to.equal(`${SETUP}/telefoonnummer`);
    let phone = '';
    for (let round = 0; round < ROUNDS; round += 1) {
      if (round > 0) await sleep(COOLDOWN_MS); // "Telefoonnummer wijzigen" after the cooldown, another number
      phone = `+3161100011${round}`;
      const page = await agent.get(`${SETUP}/telefoonnummer`);
      expect(page.status, `round ${round}: the phone step`).to.equal(200);
      const token = csrfTokenOf(page.text);

      const results = await Promise.all(Array.from({ length: 5 }, () =>
        agent.post(`${SETUP}/telefoonnummer`).type('form').send({ _csrf: token, country: 'NL', phone: `0${phone.slice(3)}` })));

      const context = `round ${round}: ${describeStatuses(results)}`;
      expect(smsCountFor(vonage, phone), `${context}: SMS sent`).to.equal(1);
      const winners = results.filter((r) => r.status === 303 && r.headers.location === `${SETUP}/verificatie`);
      expect(winners, context).to.have.length(1);
      for (const loser of results.filter((r) => r !== winners[0])) expectFormError(loser, 'een nieuwe code aanvragen', 429);
      expect((await agent.get(SETUP)).headers.location, `${context}: the wizard is at`).to.equal(`${SETUP}/verificatie`);
    }
    expect((await enterCode(agent, codeFor(vonage, phone))).headers.location).to.equal(`${SETUP}/herstelcodes`);
  });
});
