import { expect } from 'chai';
import type supertest from 'supertest';
import { createStaffMember, DESK, signInAtDesk } from '../support/desk';
import { cookieSet, csrfTokenOf, signIn, submitForm } from '../support/forms';
import { storedSessionFields } from '../support/page-access';
import { DEFAULT_TEST_PASSWORD, startTestRuntime, TestRuntime } from '../support/runtime';
import { appCode, patientWithApp, STEP_MS } from '../support/totp';
import { enterRecoveryCode, enterSignInCode, passwordStep } from '../support/two-factor';

/** The Werkblad sends to the sign-in page, which says the session expired. */
async function expectExpired(agent: supertest.Agent): Promise<void> {
  expect((await agent.get('/werkblad')).headers.location).to.equal('/inloggen');
  expect((await agent.get('/inloggen')).text).to.include('Je sessie is verlopen. Log opnieuw in.');
}

describe('session timeouts (SPEC §4: idle 30 min, absolute 12 h)', () => {
  let rt: TestRuntime;
  let agent: supertest.Agent;
  let signedInCookie: string;
  beforeEach(async () => {
    rt = await startTestRuntime();
    const patient = await rt.createPatient();
    agent = rt.agent();
    const res = await signIn(agent, patient.email, patient.password);
    expect(res.headers.location).to.equal('/werkblad');
    signedInCookie = cookieSet(res)!;
  });
  afterEach(() => rt.close());

  async function expectSignedIn(when: string): Promise<void> {
    const res = await agent.get('/werkblad');
    expect(res.status, `${when}: ${res.headers.location ?? ''}`).to.equal(200);
    expect(res.text).to.include('Klik op een opdracht of pakket om deze te openen.');
  }

  async function expectEnded(res: supertest.Response): Promise<void> {
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/inloggen');
    const newCookie = cookieSet(res);
    expect(newCookie, 'a new session id, for the notice only').to.match(/^karify\.sid=/).and.not.equal(signedInCookie);
    expect(await storedSessionFields(rt), 'the signed-in session is gone from the store').to.deep.equal([['pageNotice']]);
    const page = await agent.get(res.headers.location!);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Je sessie is verlopen. Log opnieuw in.');
    expect(page.text).to.include('<title>Inloggen – Karify</title>');
    expect((await agent.get('/inloggen')).text, 'said once').not.to.include('Je sessie is verlopen');
    const after = await agent.get('/werkblad');
    expect(after.headers.location, 'still signed out afterwards').to.equal('/inloggen');
  }

  it('keeps an idle session for 29 minutes', async () => {
    rt.clock.advanceMinutes(29);
    await expectSignedIn('after 29 idle minutes');
  });

  it('ends a session after 30 idle minutes and says so on the sign-in page', async () => {
    rt.clock.advanceMinutes(31);
    await expectEnded(await agent.get('/werkblad'));
  });

  it('leads back after signing in again to the page the timeout interrupted, once, that account only; a form to the page it was sent from', async () => {
    const first = { email: 'patient1@example.nl', password: DEFAULT_TEST_PASSWORD }; // signed in above
    rt.clock.advanceMinutes(31);
    expect((await agent.get('/account/beveiliging')).headers.location).to.equal('/inloggen');
    expect((await signIn(agent, first.email, first.password)).headers.location, 'back to the page').to.equal('/account/beveiliging');
    expect((await storedSessionFields(rt)).flat(), 'once').not.to.include('returnAfterSignIn');

    rt.clock.advanceMinutes(31);
    await agent.get('/berichten');
    const other = await rt.createPatient();
    expect((await signIn(agent, other.email, other.password)).headers.location, 'not someone else\'s page (a shared computer)').to.equal('/werkblad');

    rt.clock.advanceMinutes(31);
    const signOut = agent.post('/uitloggen').type('form').set('Host', 'karify.test').set('Referer', 'http://karify.test/berichten');
    expect((await signOut.send({})).headers.location).to.equal('/inloggen');
    expect((await signIn(agent, other.email, other.password)).headers.location, 'not after signing out').to.equal('/werkblad');

    rt.clock.advanceMinutes(31);
    const form = agent.post('/account/beveiliging/uitloggen-op-andere-apparaten').type('form').set('Host', 'karify.test');
    expect((await form.set('Referer', 'http://karify.test/account/beveiliging').send({})).headers.location).to.equal('/inloggen');
    expect((await signIn(agent, other.email, other.password)).headers.location, 'the form\'s page').to.equal('/account/beveiliging');
  });

  it('leads back through the second step too, but never to another site or the desk', async () => {
    const withApp = await patientWithApp(rt);
    const signInWithApp = async () => {
      await passwordStep(agent, withApp.email, withApp.password);
      rt.clock.advance(STEP_MS); // a code of a time step not used before
      return (await enterSignInCode(agent, appCode(withApp.secret, rt.clock.now()))).headers.location;
    };
    rt.clock.advanceMinutes(31);
    await agent.get('/werkblad'); // the patient signed in above times out
    expect(await signInWithApp()).to.equal('/werkblad');
    rt.clock.advanceMinutes(31);
    await agent.get('/account/twee-stappen');
    expect(await signInWithApp(), 'after the second step').to.equal('/account/twee-stappen');

    for (const referer of ['https://elders.example/account', 'http://karify.test/balie/patienten']) {
      rt.clock.advanceMinutes(31);
      await agent.post('/uitloggen').type('form').set('Host', 'karify.test').set('Referer', referer).send({});
      expect(await signInWithApp(), referer).to.equal('/werkblad');
    }
  });

  it('leads back after a recovery code too: "Herstelcode gebruikt" first, its continue link to the page the timeout interrupted', async () => {
    const withApp = await patientWithApp(rt);
    const signInWithRecoveryCode = async (nth: number) => {
      await passwordStep(agent, withApp.email, withApp.password);
      return (await enterRecoveryCode(agent, withApp.recoveryCodes[nth]!)).headers.location;
    };
    rt.clock.advanceMinutes(31);
    await agent.get('/werkblad');
    expect(await signInWithRecoveryCode(0)).to.equal('/inloggen/herstelcode-gebruikt');
    expect((await agent.get('/inloggen/herstelcode-gebruikt')).text).to.include('<a href="/werkblad">Verder naar Werkblad</a>');

    rt.clock.advanceMinutes(31);
    await agent.get('/account/twee-stappen');
    const used = await signInWithRecoveryCode(1);
    expect(used).to.equal('/inloggen/herstelcode-gebruikt?verder=%2Faccount%2Ftwee-stappen');
    const page = await agent.get(used!);
    expect(page.text).to.include('Je hebt nog 8 herstelcodes').and.include('<a href="/account/twee-stappen">Verder naar de pagina waar je was</a>');
    expect(page.text, 'its language link keeps it').to.include(`/taal/en?terug=${encodeURIComponent(used!)}`);
    const english = await agent.get(`/taal/en?terug=${encodeURIComponent(used!)}`);
    expect(english.headers.location).to.equal(used);
    expect((await agent.get(used!)).text, 'in the other language too').to.include('<a href="/account/twee-stappen">Continue to the page you were on</a>');
    expect((await agent.get('/inloggen/herstelcode-gebruikt?verder=https%3A%2F%2Felders.example%2F')).text, 'never another site')
      .to.include('<a href="/werkblad">Continue to Workspace</a>');
    await agent.get('/account');
    expect((await agent.get(used!)).headers.location, 'only right after the sign-in: a link does not show it').to.equal('/werkblad');
  });

  it('ends an idle session on any page, including a form post', async () => {
    rt.clock.advanceMinutes(45);
    await expectEnded(await agent.post('/uitloggen').type('form').send({}));
  });

  it('ends the session on a sign-in form sent after the timeout too, but shows that form again with its address, nobody signed in (as every form of ExpiredFormPages)', async () => {
    const patient = await rt.createPatient({ email: 'cas@example.nl' });
    const token = csrfTokenOf((await agent.get('/werkblad')).text);
    rt.clock.advanceMinutes(31);
    const late = await agent.post('/inloggen').type('form').send({ _csrf: token, email: patient.email, password: patient.password });
    expect(`${late.status} ${late.headers.location ?? ''}`).to.equal('403 ');
    expect(late.text).to.include('<title>Fout: Inloggen – Karify</title>').and.include('Het formulier was verlopen, daarom ben je niet ingelogd.');
    expect(late.text).to.include('value="cas@example.nl"').and.not.include(patient.password);
    expect(cookieSet(late), 'a new session id').to.match(/^karify\.sid=/).and.not.equal(signedInCookie);
    expect((await storedSessionFields(rt)).flat(), 'the signed-in session is gone, nobody signed in').not.to.include('passport').and.not.include('auth');
    expect((await agent.get('/werkblad')).headers.location).to.equal('/inloggen');
  });

  it('ends the session as before for another site\'s form sent after a timeout, even one whose page is shown again for this site\'s', async () => {
    const token = csrfTokenOf((await agent.get('/hulp/vragenformulier')).text);
    rt.clock.advanceMinutes(31);
    const forged = agent.post('/hulp/vragenformulier').set('Sec-Fetch-Site', 'cross-site').type('form');
    await expectEnded(await forged.send({ _csrf: token, name: 'Cas', email: 'boef@example.com', question: 'Bel mij op 0900 1234.' }));
    expect(await rt.services.helpQuestions.list()).to.deep.equal([]);
  });

  it('shows the Balie\'s sign-in form again after the desk\'s idle timeout, and the desk session ends', async () => {
    const member = await createStaffMember(rt);
    const desk = await signInAtDesk(rt, member);
    const token = csrfTokenOf((await desk.get(`${DESK}/patienten`)).text);
    rt.clock.advanceMinutes(16);
    const late = await desk.post(DESK).type('form').send({ _csrf: token, email: member.email, password: member.password });
    expect(`${late.status} ${late.headers.location ?? ''}`).to.equal('403 ');
    expect(late.text).to.include('<title>Fout: Inloggen – Balie – Karify</title>').and.include('Het formulier was verlopen, daarom ben je niet ingelogd.');
    expect((await desk.get(`${DESK}/patienten`)).headers.location, 'signed out of the desk').to.equal(DESK);
  });

  it('shows a desk note typed before the desk\'s idle timeout on the page to copy, instead of losing it; nothing is saved, and another site\'s form is not shown', async () => {
    const member = await createStaffMember(rt);
    await rt.services.helpQuestions.add({ userId: null, name: 'Bea', email: 'bea@example.nl', question: 'Geen SMS.', language: 'nl' }, '203.0.113.9');
    const [question] = await rt.services.questions.list({ limit: 1 });
    const path = `${DESK}/vragen/${question!.id}`;
    const desk = await signInAtDesk(rt, member);
    const token = csrfTokenOf((await desk.get(path)).text);
    rt.clock.advanceMinutes(16);
    const note = 'Gebeld <b>en</b> uitgelegd hoe een herstelcode werkt.';
    const forged = await desk.post(path).set('Sec-Fetch-Site', 'cross-site').type('form').send({ _csrf: token, note });
    expect(`${forged.status} ${forged.headers.location}`, 'another site\'s form').to.equal(`302 ${DESK}`);
    const desk2 = await signInAtDesk(rt, member);
    const token2 = csrfTokenOf((await desk2.get(path)).text);
    rt.clock.advanceMinutes(16);
    const late = await desk2.post(path).type('form').send({ _csrf: token2, note });
    expect(late.status).to.equal(403);
    expect(late.text).to.include('<h1>Je sessie is verlopen</h1>').and.include('<label for="kept-note">Notitie</label>');
    expect(late.text).to.include('readonly>Gebeld &lt;b&gt;en&lt;/b&gt; uitgelegd hoe een herstelcode werkt.</textarea>');
    expect(late.text).to.include(`<a class="button" href="${DESK}">Opnieuw inloggen</a>`);
    expect((await rt.services.questions.list({ limit: 1 }))[0]!.status, 'nothing saved').to.equal('open');
    expect((await desk2.get(`${DESK}/patienten`)).headers.location, 'signed out of the desk').to.equal(DESK);
  });

  it('shows a desk note typed on a page older than the live session (signed in again meanwhile) to copy, with a way back; nothing is saved', async () => {
    const member = await createStaffMember(rt);
    await rt.services.helpQuestions.add({ userId: null, name: 'Bea', email: 'bea@example.nl', question: 'Geen SMS.', language: 'nl' }, '203.0.113.9');
    const [question] = await rt.services.questions.list({ limit: 1 });
    const path = `${DESK}/vragen/${question!.id}`;
    const desk = await signInAtDesk(rt, member);
    const oldToken = csrfTokenOf((await desk.get(path)).text);
    await submitForm(desk, `${DESK}/patienten`, {}, `${DESK}/uitloggen`);
    rt.clock.advance(30_000);
    await signInAtDesk(rt, member, desk);
    const stale = await desk.post(path).type('form').send({ _csrf: oldToken, note: 'Gebeld en uitgelegd.' });
    expect(stale.status).to.equal(403);
    expect(stale.text).to.include('<h1>Deze pagina was verouderd</h1>').and.include('readonly>Gebeld en uitgelegd.</textarea>');
    expect(stale.text, 'no Referer: the desk\'s start').to.include(`<a class="button" href="${DESK}">Open de pagina opnieuw</a>`);
    expect((await rt.services.questions.list({ limit: 1 }))[0]!.status, 'nothing saved').to.equal('open');
    expect((await desk.get(`${DESK}/patienten`)).status, 'still signed in').to.equal(200);
  });

  it('does not show the "session expired" notice without a reason, also not when a link asks for it', async () => {
    const fresh = await rt.agent().get('/inloggen');
    expect(fresh.text).not.to.include('Je sessie is verlopen');
    for (const link of ['/inloggen?sessie=verlopen', '/inloggen?sessie=uitgelogd']) {
      const page = await rt.agent().get(link);
      expect(page.status, link).to.equal(200);
      expect(page.text, link).not.to.include('Je sessie is verlopen').and.not.include('Je bent uitgelogd');
    }
  });

  it('is kept alive by activity: a request every 20 minutes for 2 hours stays signed in', async () => {
    for (let minutes = 20; minutes <= 120; minutes += 20) {
      rt.clock.advanceMinutes(20);
      await expectSignedIn(`after ${minutes} minutes`);
    }
    rt.clock.advanceMinutes(25); // 25 idle minutes since the last request, 145 since signing in
    await expectSignedIn('25 minutes after the last request');
  });

  it('ends the session 12 hours after signing in, even with activity', async () => {
    let minutes = 0;
    while (minutes + 20 <= 12 * 60) {
      rt.clock.advanceMinutes(20);
      minutes += 20;
      await expectSignedIn(`after ${minutes} minutes of activity`);
    }
    expect(minutes).to.equal(12 * 60);
    rt.clock.advanceMinutes(1);
    await expectEnded(await agent.get('/werkblad'));
  });

  it('keeps the cookie an hour past the absolute timeout, so the browser brings it back to be told the session expired', async () => {
    const patient = await rt.createPatient();
    const res = await signIn(rt.agent(), patient.email, patient.password);
    const setCookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('karify.sid='))!;
    const expires = Date.parse(/expires=([^;]+)/i.exec(setCookie)![1]!);
    expect(expires - Date.now()).to.be.within(13 * 3600_000 - 60_000, 13 * 3600_000 + 1000);
  });

  it('honours SESSION_IDLE_MINUTES and SESSION_ABSOLUTE_HOURS', async () => {
    const custom = await startTestRuntime({ SESSION_IDLE_MINUTES: '5', SESSION_ABSOLUTE_HOURS: '1' });
    try {
      const patient = await custom.createPatient();
      const a = custom.agent();
      await signIn(a, patient.email, patient.password);
      custom.clock.advanceMinutes(4);
      expect((await a.get('/werkblad')).status).to.equal(200);
      custom.clock.advanceMinutes(6);
      await expectExpired(a);

      const b = custom.agent();
      await signIn(b, patient.email, patient.password);
      for (let i = 0; i < 15; i += 1) {
        custom.clock.advanceMinutes(4);
        expect((await b.get('/werkblad')).status, `after ${(i + 1) * 4} minutes`).to.equal(200);
      }
      custom.clock.advanceMinutes(4); // 64 minutes since signing in
      await expectExpired(b);
    } finally {
      await custom.close();
    }
  });
});
