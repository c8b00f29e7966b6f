import { expect } from 'chai';
import supertest from 'supertest';
import { cookieSet, csrfTokenOf, doubleClick, lateRepeats, submitForm } from '../support/forms';
import { HttpClient, listen } from '../support/http-client';
import { mailedAlerts, messageKinds } from '../support/passkeys';
import { appCode, patientWithApp, STEP_MS, wrongAppCode } from '../support/totp';
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

      const winners = results.filter((r) => r.status === 302 && r.headers.location === '/inloggen/herstelcode-gebruikt');
      expect(winners, `round ${round}: ${describeStatuses(results)}`).to.have.length(1);
      expectFormError(results.find((r) => r !== winners[0])!, 'Deze herstelcode klopt niet of is al gebruikt');
      const workspace = await Promise.all(agents.map(async (agent) => (await agent.get('/werkblad')).status));
      expect(workspace.filter((status) => status === 200), `round ${round}: signed in`).to.have.length(1);
      expect(await rt.services.recoveryCodes.countRemaining(patient.id), `round ${round}: codes left`).to.equal(9 - round);
      expect(await signIns(patient.id), `round ${round}: sign-ins recorded`).to.equal(round + 1);
    }
  });

  const eventsOf = async (userId: number, type: string) => (await world.rt.services.audit.listForUser(userId)).filter((e) => e.type === type).length;

  /**
   * A double click on "Verifiëren": the same form twice at once on one session. One check signs
   * in; the other is sent where the first leads (or, arriving after the first had finished, meets
   * the new state), is never told "no valid code", and no failure or replay is recorded (which
   * would land in Berichten as a warning).
   */
  const SIGNED_IN = { first: '/werkblad', second: ['/werkblad', '/inloggen'] };

  it('signs in once when the same SMS code is sent twice at once (a double click in one session), and tells nothing untrue', async () => {
    const { rt, vonage } = world;
    const phone = '+31611000102';
    const patient = await patientWithSms(rt, phone);
    for (let round = 0; round < ROUNDS; round += 1) {
      if (round > 0) await sleep(COOLDOWN_MS); // so this round's password step sends a fresh code
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);

      const context = `round ${round}: ${(await doubleClick(agent, '/inloggen/code', { code: codeFor(vonage, phone) }, SIGNED_IN)).join(', ')}`;

      expect(await signIns(patient.id), `${context}: sign-ins recorded`).to.equal(round + 1);
      expect(await eventsOf(patient.id, 'second_step_failed'), `${context}: failures recorded`).to.equal(0);
      expect((await agent.get('/werkblad')).status, `${context}: the browser ends signed in`).to.equal(200);
    }
  });

  it('sends a late repeat of "Verifiëren" on to the Werkblad, whether it comes with the half session\'s cookie or already with the new one', async () => {
    const { rt, vonage } = world;
    const phone = '+31611000105';
    const patient = await patientWithSms(rt, phone);
    const halfCookie = cookieSet(await passwordStep(rt.agent(), patient.email, patient.password))!;

    const { first, newCookie, withNew, withOld } = await lateRepeats(rt.app, '/inloggen/code', { code: codeFor(vonage, phone) }, halfCookie);

    for (const [res, which] of [[first, 'first'], [withNew, 'with the new cookie'], [withOld, 'with the half session\'s cookie']] as const) {
      expect(`${res.status} ${res.headers.location}`, which).to.equal('302 /werkblad');
    }
    expect(cookieSet(withOld), 'the new session\'s cookie').to.equal(newCookie);
    expect((await supertest(rt.app).get('/werkblad').set('Cookie', newCookie)).status).to.equal(200);
    expect(await signIns(patient.id)).to.equal(1);
    expect(await eventsOf(patient.id, 'second_step_failed')).to.equal(0);
  });

  it('ends signed in after a double click on "Verifiëren" whichever of the two answers the browser keeps', async () => {
    const { rt, vonage } = world;
    const phone = '+31611000103';
    const patient = await patientWithSms(rt, phone);
    const server = await listen(rt.app);
    try {
      for (let round = 0; round < ROUNDS; round += 1) {
        if (round > 0) await sleep(COOLDOWN_MS);
        const browser = new HttpClient();
        await browser.submit(`${server.url}/inloggen`, { email: patient.email, password: patient.password });
        const token = csrfTokenOf((await browser.get(`${server.url}/inloggen/code`)).text);
        // The second click drops the first request: the browser keeps the cookies of one answer only.
        const tabs = [browser.copy(), browser.copy()];
        const answers = await Promise.all(tabs.map((tab) => tab.post(`${server.url}/inloggen/code`, { _csrf: token, code: codeFor(vonage, phone) })));
        const context = `round ${round}: ${answers.map((a) => `${a.status} ${a.location}`).join(', ')}`;
        for (const tab of tabs) expect((await tab.get(`${server.url}/werkblad`)).status, context).to.equal(200);
        expect(await signIns(patient.id), context).to.equal(round + 1);
      }
    } finally {
      await server.close();
    }
  });

  it('records no replayed app code when the same app code is sent twice at once in one session', async () => {
    const { rt } = world;
    const patient = await patientWithApp(rt);
    for (let round = 0; round < ROUNDS; round += 1) {
      rt.clock.advance(STEP_MS); // a new time step: the last one was used to sign in
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);

      const context = `round ${round}: ${(await doubleClick(agent, '/inloggen/code', { code: appCode(patient.secret, rt.clock.now()) }, SIGNED_IN)).join(', ')}`;

      expect(await signIns(patient.id), `${context}: sign-ins recorded`).to.equal(round + 1);
      expect(await eventsOf(patient.id, 'totp_replay_refused'), `${context}: replays recorded`).to.equal(0);
      expect(await eventsOf(patient.id, 'second_step_failed'), `${context}: failures recorded`).to.equal(0);
      expect((await agent.get('/werkblad')).status, `${context}: the browser ends signed in`).to.equal(200);
    }
  });

  it('uses one recovery code once when it is sent twice at once in one session, and records no failure', async () => {
    const { rt } = world;
    const patient = await patientWithSms(rt, '+31611000104');
    const agent = rt.agent();
    await passwordStep(agent, patient.email, patient.password);

    await doubleClick(agent, '/inloggen/herstelcode', { recoveryCode: patient.recoveryCodes[0]! }, { first: '/inloggen/herstelcode-gebruikt', second: SIGNED_IN.second });

    expect(await rt.services.recoveryCodes.countRemaining(patient.id)).to.equal(9);
    expect(await signIns(patient.id)).to.equal(1);
    expect(await eventsOf(patient.id, 'second_step_failed')).to.equal(0);
    expect((await agent.get('/werkblad')).status).to.equal(200);
  });

  it('checks a wrong code sent five times at once once, each answered with its error; typed again in the page shown again, it is checked again', async () => {
    const { rt } = world;
    const patient = await patientWithApp(rt);
    const agent = rt.agent();
    await passwordStep(agent, patient.email, patient.password);
    const code = wrongAppCode(patient.secret, rt.clock.now());
    const token = csrfTokenOf((await agent.get('/inloggen/code')).text);
    const send = () => agent.post('/inloggen/code').type('form').send({ _csrf: token, code });

    const results = await Promise.all(Array.from({ length: 5 }, send));

    // The first is checked; the others wait for it, and get its answer: one wrong code, not five.
    const context = describeStatuses(results);
    for (const res of results) expectFormError(res, 'Deze code klopt niet');
    expect(await eventsOf(patient.id, 'second_step_failed'), `${context}: failures recorded`).to.equal(1);
    expectFormError(await send(), 'Deze code klopt niet');
    expect(await eventsOf(patient.id, 'second_step_failed'), 'the same form a moment later: its answer again').to.equal(1);
    const shownAgain = csrfTokenOf((await agent.get('/inloggen/code')).text);
    expectFormError(await agent.post('/inloggen/code').type('form').send({ _csrf: shownAgain, code }), 'Deze code klopt niet');
    expect(await eventsOf(patient.id, 'second_step_failed'), 'failures recorded').to.equal(2);
  });

  it('confirms once when the confirmation with an app code is sent twice at once, and records no replay', async () => {
    const { rt } = world;
    const patient = await patientWithApp(rt);
    const agent = rt.agent();
    await passwordStep(agent, patient.email, patient.password);
    expect((await submitForm(agent, '/inloggen/code', { code: appCode(patient.secret, rt.clock.now()) })).headers.location).to.equal('/werkblad');
    rt.clock.advance(STEP_MS);
    const returnTo = '/account/twee-stappen/herstelcodes/nieuw';

    const fields = { terug: returnTo, password: patient.password, code: appCode(patient.secret, rt.clock.now()) };
    await doubleClick(agent, `/account/bevestigen?terug=${encodeURIComponent(returnTo)}`, fields, { first: returnTo, second: [returnTo] });

    expect(await eventsOf(patient.id, 'totp_replay_refused')).to.equal(0);
    expect(await eventsOf(patient.id, 'second_step_failed')).to.equal(0);
    expect((await agent.get(returnTo)).status, 'the confirmation is fresh').to.equal(200);
  });

  /** A signed-in patient in the wizard with SMS, the code sent to +316110001`last` waiting on Verificatie. */
  async function wizardAtVerification(last: string) {
    const { agent, patient } = await signedInPatient(world.rt);
    await chooseSms(agent);
    expect((await submitForm(agent, `${SETUP}/telefoonnummer`, { country: 'NL', phone: `06110001${last}` })).headers.location).to.equal(`${SETUP}/verificatie`);
    return { agent, patient, code: codeFor(world.vonage, `+316110001${last}`) };
  }

  it('verifies the wizard\'s code once when it is sent twice at once, and goes on to the recovery codes', async () => {
    const { agent, patient, code } = await wizardAtVerification('05');

    // The other is sent to the wizard's start, or (after the first) to the step it is at now.
    await doubleClick(agent, `${SETUP}/verificatie`, { code }, { first: `${SETUP}/herstelcodes`, second: [SETUP, `${SETUP}/herstelcodes`] });

    expect(await eventsOf(patient.id, 'second_step_failed')).to.equal(0);
    expect((await agent.get(SETUP)).headers.location).to.equal(`${SETUP}/herstelcodes`);
  });

  it('turns two-step on once when "Ik heb de codes bewaard" is sent twice at once: one notice, one activity line', async () => {
    const { rt } = world;
    const { agent, patient, code } = await wizardAtVerification('06');
    expect((await submitForm(agent, `${SETUP}/verificatie`, { code })).headers.location).to.equal(`${SETUP}/herstelcodes`);

    await doubleClick(agent, `${SETUP}/herstelcodes`, {}, { first: `${SETUP}/klaar`, second: [SETUP, `${SETUP}/klaar`] });

    expect(await eventsOf(patient.id, 'two_factor_enabled')).to.equal(1);
    expect(await messageKinds(rt, patient.id), 'Berichten').to.deep.equal(['two_factor_enabled']);
    expect((await mailedAlerts(rt, patient.id)).map((m) => m.kind), 'e-mail alerts').to.deep.equal(['two_factor_enabled']);
    expect((await agent.get(`${SETUP}/klaar`)).status).to.equal(200);
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
      if (round > 0) {
        await sleep(COOLDOWN_MS); // "Telefoonnummer wijzigen" after the cooldown, another number
        rt.clock.advance(COOLDOWN_MS); // the app's clock moves with the limiters' wall clock
      }
      phone = `+3161100011${round}`;
      const page = await agent.get(`${SETUP}/telefoonnummer`);
      expect(page.status, `round ${round}: the phone step`).to.equal(200);
      const token = csrfTokenOf(page.text);

      const results = await Promise.all(Array.from({ length: 5 }, () =>
        agent.post(`${SETUP}/telefoonnummer`).type('form').send({ _csrf: token, country: 'NL', phone: `0${phone.slice(3)}` })));

      const context = `round ${round}: ${describeStatuses(results)}`;
      expect(smsCountFor(vonage, phone), `${context}: SMS sent`).to.equal(1);
      // One SMS; the others, a moment after it, find the cooldown and go on to the code page too
      // (it says no new code was sent): whichever answer the browser shows, the wizard goes on.
      expect(results.map((r) => `${r.status} ${r.headers.location}`), context).to.deep.equal(Array(5).fill(`302 ${SETUP}/verificatie`));
      expect((await agent.get(SETUP)).headers.location, `${context}: the wizard is at`).to.equal(`${SETUP}/verificatie`);
    }
    expect((await enterCode(agent, codeFor(vonage, phone))).headers.location).to.equal(`${SETUP}/herstelcodes`);
  });
});
