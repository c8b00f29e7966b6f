import { expect } from 'chai';
import supertest from 'supertest';
import { countingHasher } from '../../support/counting-hasher';
import { cookieSet, csrfTokenOf, doubleClick, lateRepeats, SENT_TWICE, sessionFormOf, signIn, submitForm } from '../../support/forms';
import { appWith, startTestRuntime, TestRuntime } from '../../support/runtime';
import { storedSessionFields } from '../../support/page-access';

describe('sign-in (J1)', () => {
  let rt: TestRuntime;
  let hashed: ReturnType<typeof countingHasher>['count'];
  beforeEach(async () => {
    const { hasher, count } = countingHasher();
    hashed = count;
    rt = await startTestRuntime({ SIGNIN_FREE_FAILURES_PER_ACCOUNT: '3', SIGNIN_LOCK_BASE_SECONDS: '1' }, { hasher });
  });
  afterEach(() => rt.close());

  it('shows the Inloggen page with its fields and button', async () => {
    const res = await rt.agent().get('/inloggen');
    expect(res.status).to.equal(200);
    expect(res.text).to.include('<title>Inloggen – Karify</title>');
    expect(res.text).to.match(/<label for="email">E-mailadres<\/label>/);
    expect(res.text).to.match(/<label for="password">Wachtwoord<\/label>/);
    expect(res.text).to.include('>Log in</button>');
    expect(res.text, 'the way back for a forgotten password').to.include('<p>Wachtwoord vergeten? Bel de helpdesk via 030 – 737 0323. Als de helpdesk heeft gecontroleerd wie je bent, krijg je een tijdelijk wachtwoord.</p>');
  });

  it('signs in with the right password and lands on the Werkblad', async () => {
    const patient = await rt.createPatient();
    const agent = rt.agent();
    const res = await signIn(agent, patient.email, patient.password);
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/werkblad');
    const workspace = await agent.get('/werkblad');
    expect(workspace.status).to.equal(200);
    expect(workspace.text).to.include('Klik op een opdracht of pakket om deze te openen.');
    const events = await rt.services.audit.listForUser(patient.id);
    expect(events.map((e) => e.type)).to.include('sign_in');
  });

  it('signs in once when "Log in" is pressed twice at once (a double click): one sign-in recorded', async () => {
    const patient = await rt.createPatient();
    const agent = rt.agent();

    await doubleClick(agent, '/inloggen', { email: patient.email, password: patient.password }, { first: '/werkblad', second: ['/werkblad'] });

    expect((await agent.get('/werkblad')).status).to.equal(200);
    const signIns = (await rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'sign_in');
    expect(signIns, 'one sign-in').to.have.length(1);
  });

  for (const [when, sendTwice] of Object.entries(SENT_TWICE)) {
    it(`counts a wrong password sent twice ${when} (a double click) once, and shows both the error`, async () => {
      const patient = await rt.createPatient();
      const agent = rt.agent();
      const token = csrfTokenOf((await agent.get('/inloggen')).text);

      const answers = await sendTwice(async () => agent.post('/inloggen').type('form').send({ _csrf: token, email: patient.email, password: 'verkeerd-wachtwoord-1' }));

      for (const res of answers) expect(`${res.status} ${res.text.includes('Het e-mailadres of wachtwoord klopt niet')}`).to.equal('400 true');
      const failures = (await rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'sign_in_failed');
      expect(failures, 'one wrong password').to.have.length(1);
    });
  }

  it('sends a late repeat of "Log in" on to where the first led, with the old session\'s cookie or the new one', async () => {
    const patient = await rt.createPatient();
    const { newCookie, withNew, withOld } = await lateRepeats(rt.app, '/inloggen', { email: patient.email, password: patient.password });

    expect(`${withNew.status} ${withNew.headers.location}`, 'with the new cookie').to.equal('302 /werkblad');
    expect(`${withOld.status} ${withOld.headers.location}`, 'with the old cookie').to.equal('302 /werkblad');
    expect(cookieSet(withOld), 'the new session\'s cookie').to.equal(newCookie);
  });

  it('sends the second of a double click on "Log in" that comes while the first is moving the session to where the first led, with the new session', async () => {
    const patient = await rt.createPatient();
    // The first request waits after it moved the session, where it records the sign-in, until released.
    let moved!: () => void;
    let release!: () => void;
    const movedYet = new Promise<void>((resolve) => (moved = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const { audit } = rt.services;
    const heldAudit = { ...audit, record: async (...args: Parameters<typeof audit.record>) => (moved(), await released, audit.record(...args)) };
    const app = appWith(rt, { services: { audit: heldAudit } });
    const page = await supertest(app).get('/inloggen');
    const post = () => supertest(app).post('/inloggen').set('Cookie', cookieSet(page)!).type('form')
      .send({ _csrf: csrfTokenOf(page.text), email: patient.email, password: patient.password }).then((res) => res);

    const first = post();
    await movedYet;
    const second = post(); // its session is gone: the first ended it
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    const answers = await Promise.all([first, second]);

    expect(answers.map((res) => `${res.status} ${res.headers.location}`)).to.deep.equal(['302 /werkblad', '302 /werkblad']);
    expect(cookieSet(answers[1]), 'the new session\'s cookie').to.equal(cookieSet(answers[0]));
    expect((await rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'sign_in'), 'one sign-in').to.have.length(1);
  });

  it('answers "Uitloggen" sent again after the session ended (a double click) with the signed-out page, not "session expired"', async () => {
    const patient = await rt.createPatient();
    const cookie = cookieSet(await signIn(rt.agent(), patient.email, patient.password))!;
    const token = csrfTokenOf((await supertest(rt.app).get('/werkblad').set('Cookie', cookie)).text);
    const signOut = () => supertest(rt.app).post('/uitloggen').set('Cookie', cookie).type('form').send({ _csrf: token });

    const answers = [await signOut(), await signOut()];

    expect(answers.map((res) => `${res.status} ${res.headers.location}`)).to.deep.equal(['302 /inloggen', '302 /inloggen']);
    for (const answer of answers) {
      const page = await supertest(rt.app).get('/inloggen').set('Cookie', cookieSet(answer)!);
      expect(page.text, 'each answer\'s session says it on the sign-in page').to.include('Je bent uitgelogd.');
    }
    expect((await supertest(rt.app).get('/werkblad').set('Cookie', cookie)).headers.location).to.equal('/inloggen');
  });

  it('accepts the e-mail address in any case and with spaces around it', async () => {
    const patient = await rt.createPatient({ email: 'Anna.de.Vries@Example.nl' });
    const res = await signIn(rt.agent(), '  ANNA.DE.VRIES@example.NL ', patient.password);
    expect(res.headers.location).to.equal('/werkblad');
  });

  it('gives the same answer for an unknown e-mail address and a wrong password', async () => {
    const patient = await rt.createPatient();
    const unknown = await signIn(rt.agent(), 'nobody@example.nl', 'whatever-password');
    const wrong = await signIn(rt.agent(), patient.email, 'whatever-password');
    expect(unknown.status).to.equal(400);
    expect(wrong.status).to.equal(400);
    const strip = (html: string, email: string) => html.replace(/value="[^"]*"/g, '').replace(email, '');
    expect(strip(unknown.text, 'nobody@example.nl')).to.equal(strip(wrong.text, patient.email));
    expect(wrong.text).to.include('Het e-mailadres of wachtwoord klopt niet');
  });

  it('tells a disabled account so only after its right password; a wrong one gets the same message as any', async () => {
    const patient = await rt.createPatient();
    await rt.services.users.setDisabled(patient.id, true);
    const wrong = await signIn(rt.agent(), patient.email, 'whatever-password');
    expect(wrong.status).to.equal(400);
    expect(wrong.text).to.include('Het e-mailadres of wachtwoord klopt niet').and.not.include('uitgeschakeld');
    const right = await signIn(rt.agent(), patient.email, patient.password);
    expect(right.status).to.equal(403);
    expect(right.text).to.include('Je account is uitgeschakeld, daarom kun je niet inloggen. Bel de helpdesk via 030 – 737 0323')
      .and.not.include('klopt niet');
    expect(right.text, 'in the error summary, linked to the field').to.include('<a href="#email">Je account is uitgeschakeld');
    const reasons = (await rt.services.audit.listForUser(patient.id)).map((e) => e.details?.reason);
    expect(reasons).to.deep.equal(['disabled', 'password']);
    expect((await rt.agent().get('/werkblad')).status, 'not signed in').to.equal(302);
  });

  it('spends an argon2 verification on unknown accounts too (no timing shortcut)', async () => {
    await signIn(rt.agent(), 'nobody@example.nl', 'whatever-password');
    expect(hashed.dummy).to.equal(1);
  });

  it('does the same database work for an unknown address as for a wrong password (the same time, SPEC J1)', async () => {
    const patient = await rt.createPatient();
    const statements: string[] = [];
    // The session stores' pruning of expired rows runs on its own timer, not for a request.
    const pruning = /^delete from [`"]?(sessions|moved_forms)[`"]? where .*expired/i;
    rt.db.on('query', (query: { sql: string }) => {
      if (!pruning.test(query.sql)) statements.push(query.sql);
    });
    const statementsOfFailure = async (email: string) => {
      const agent = rt.agent();
      const token = csrfTokenOf((await agent.get('/inloggen')).text);
      statements.length = 0;
      expect((await agent.post('/inloggen').type('form').send({ _csrf: token, email, password: 'whatever-password' })).status).to.equal(400);
      return [...statements];
    };
    const wrong = await statementsOfFailure(patient.email);
    expect(wrong.filter((sql) => sql.includes('security_events')), 'the failure recorded').to.have.length(1);
    expect(await statementsOfFailure('nobody@example.nl')).to.deep.equal(wrong);
  });

  it('follows the error contract: 400, summary linking to the field, message at the field, value kept, "Fout: " title', async () => {
    const res = await submitForm(rt.agent(), '/inloggen', { email: 'cas@example', password: '' });
    expect(res.status).to.equal(400);
    expect(res.text).to.include('<title>Fout: Inloggen – Karify</title>');
    expect(res.text).to.match(/class="error-summary"[\s\S]*href="#email">Vul een e-mailadres in zoals naam@voorbeeld.nl/);
    expect(res.text).to.match(/href="#password">Vul je wachtwoord in/);
    expect(res.text).to.match(/id="email-error"[^>]*><span class="visually-hidden">Fout:<\/span> Vul een e-mailadres in zoals naam@voorbeeld.nl/);
    expect(res.text).to.match(/id="email" name="email" type="email" value="cas@example"/);
    expect(res.text).to.match(/aria-describedby="email-error" aria-invalid="true"/);
  });

  describe('a sign-in page left open for longer than its session lasts', () => {
    /** The page's form, sent after its session ran out: gone from the store (an hour), or its cookie gone with it. */
    async function sendLate(how: 'store' | 'cookie', fields: Record<string, string>) {
      const agent = rt.agent();
      const token = csrfTokenOf((await agent.get('/inloggen')).text);
      if (how === 'store') await rt.db('sessions').delete();
      const sender = how === 'store' ? agent : rt.agent();
      return { agent: sender, res: await sender.post('/inloggen').type('form').send({ _csrf: token, ...fields }) };
    }

    for (const how of ['store', 'cookie'] as const) {
      it(`shows the page again (session gone from the ${how}): the address kept, the password asked again, then signs in`, async () => {
        const patient = await rt.createPatient();
        const { agent, res } = await sendLate(how, { email: patient.email, password: patient.password });
        expect(res.status).to.equal(403);
        expect(res.text).to.include('<title>Fout: Inloggen – Karify</title>');
        expect(res.text).to.match(/class="error-summary"[\s\S]*href="#password">Het formulier was verlopen, daarom ben je niet ingelogd\. Vul je wachtwoord opnieuw in\./);
        expect(res.text).to.match(/id="password-error"[^>]*><span class="visually-hidden">Fout:<\/span> Het formulier was verlopen/);
        expect(res.text).to.include(`value="${patient.email}"`).and.not.include(patient.password);
        expect(hashed.verify, 'no password was checked').to.equal(0);
        expect((await agent.get('/werkblad')).headers.location, 'nobody signed in').to.equal('/inloggen');

        const again = await agent.post('/inloggen').type('form').send({ _csrf: csrfTokenOf(res.text), email: patient.email, password: patient.password });
        expect(again.headers.location, 'the page it showed works').to.equal('/werkblad');
      });
    }

    it('says the browser keeps no cookies when the form comes back without any cookie soon after its page set one; an hour later, that the form expired', async () => {
      const patient = await rt.createPatient();
      const page = await rt.agent().get('/inloggen');
      expect(String(page.headers['set-cookie']), 'the page sets the session cookie').to.match(/^karify\.sid=/);
      const form = { ...sessionFormOf(page.text), email: patient.email, password: patient.password };
      const withoutCookies = () => rt.agent().post('/inloggen').type('form').send(form); // a new agent: no Cookie header
      const refused = await withoutCookies();
      expect(refused.status).to.equal(403);
      expect(refused.text).to.include('<li><a href="#password">Je browser bewaart geen cookies van deze site, daarom ben je niet ingelogd. Zet cookies aan voor deze site en vul je wachtwoord opnieuw in.</a></li>');
      expect(refused.text).to.include(`value="${patient.email}"`).and.not.include(patient.password);
      expect(hashed.verify, 'no password was checked').to.equal(0);
      const withACookie = await rt.agent().set('Cookie', 'karify.lang=nl').post('/inloggen').type('form').send(form);
      expect(withACookie.text, 'a cookie came back: the session ran out').to.include('Het formulier was verlopen').and.not.include('cookies');
      rt.clock.advance(60 * 60_000);
      expect((await withoutCookies()).text, 'an hour on, the cookie ran out: the form was open too long').to.include('Het formulier was verlopen').and.not.include('cookies');
    });

    it('in English when the patient chose English', async () => {
      const agent = rt.agent().set('cookie', 'karify.lang=en');
      const token = csrfTokenOf((await agent.get('/inloggen')).text);
      const res = await rt.agent().set('cookie', 'karify.lang=en').post('/inloggen').type('form').send({ _csrf: token, email: 'cas@example.nl', password: 'x' });
      expect(res.status).to.equal(403);
      expect(res.text).to.include('<html lang="en"').and.include('The form had expired, so you were not signed in. Enter your password again.');
    });
  });

  it('never puts the typed password back into the page', async () => {
    const res = await submitForm(rt.agent(), '/inloggen', { email: 'x', password: 'geheim-wachtwoord-123' });
    expect(res.status).to.equal(400);
    expect(res.text).not.to.include('geheim-wachtwoord-123');
  });

  it('regenerates the session id at sign-in and the old id stops working', async () => {
    const patient = await rt.createPatient();
    const agent = rt.agent();
    const sidOf = (res: { headers: Record<string, unknown> }) => /karify\.sid=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1];
    const first = await signIn(agent, patient.email, patient.password);
    const firstSid = sidOf(first);
    expect(firstSid).to.be.a('string');
    const workspace = await agent.get('/werkblad');
    // Typed otherwise: the very same form again within half a minute is taken for a double click.
    const again = await agent.post('/inloggen').type('form')
      .send({ _csrf: csrfTokenOf(workspace.text), email: patient.email.toUpperCase(), password: patient.password });
    expect(again.status).to.equal(302);
    const secondSid = sidOf(again);
    expect(secondSid).to.be.a('string').and.not.equal(firstSid);
    const stale = await rt.agent().get('/werkblad').set('Cookie', `karify.sid=${firstSid}`);
    expect(stale.headers.location).to.equal('/inloggen');
  });

  it('throttles an account after repeated failures, for unknown accounts too, and lifts the lock later', async function () {
    const patient = await rt.createPatient();
    const agent = rt.agent();
    for (let i = 0; i < 3; i += 1) {
      expect((await signIn(agent, patient.email, 'wrong-password-x')).status).to.equal(400);
    }
    const locked = await signIn(agent, patient.email, patient.password);
    expect(locked.status).to.equal(429);
    expect(locked.text).to.match(/Te veel pogingen. Probeer het om \d\d:\d\d opnieuw./);

    for (let i = 0; i < 3; i += 1) await signIn(agent, 'ghost@example.nl', 'wrong-password-x');
    const ghost = await signIn(agent, 'ghost@example.nl', 'wrong-password-x');
    expect(ghost.status).to.equal(429);
    const normalize = (html: string) => html.replace(/\d\d:\d\d/, '').replace(/value="[^"]*"/g, '');
    expect(normalize(ghost.text)).to.equal(normalize(locked.text));

    await new Promise((resolve) => setTimeout(resolve, 1100)); // the first lock lasts SIGNIN_LOCK_BASE_SECONDS
    const afterLock = await signIn(agent, patient.email, patient.password);
    expect(afterLock.status).to.equal(302);
  });

  it('doubles the lock with each further failure', async () => {
    const throttleKey = 'someone@example.nl';
    const agent = rt.agent();
    for (let i = 0; i < 3; i += 1) await signIn(agent, throttleKey, 'wrong-password-x');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await signIn(agent, throttleKey, 'wrong-password-x'); // 4th failure: 2 s lock
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await signIn(agent, throttleKey, 'wrong-password-x')).status).to.equal(429);
  });

  it('throttles per IP address across accounts', async () => {
    const ipRuntime = await startTestRuntime({ SIGNIN_FREE_FAILURES_PER_IP: '4', SIGNIN_LOCK_BASE_SECONDS: '60' });
    try {
      const patient = await ipRuntime.createPatient();
      const agent = ipRuntime.agent();
      for (let i = 0; i < 4; i += 1) await signIn(agent, `other${i}@example.nl`, 'wrong-password-x');
      expect((await signIn(agent, patient.email, patient.password)).status).to.equal(429);
    } finally {
      await ipRuntime.close();
    }
  });

  it('keeps counting a network\'s failures across a right password of another account (it gives back only its own place)', async () => {
    const ipRuntime = await startTestRuntime({ SIGNIN_FREE_FAILURES_PER_IP: '4', SIGNIN_LOCK_BASE_SECONDS: '60' });
    try {
      // An attacker with an account of their own, guessing other people's passwords from one network.
      const own = await ipRuntime.createPatient();
      for (let i = 0; i < 3; i += 1) {
        expect((await signIn(ipRuntime.agent(), `other${i}@example.nl`, 'wrong-password-x')).status, `guess ${i + 1}`).to.equal(400);
      }
      expect((await signIn(ipRuntime.agent(), own.email, own.password)).headers.location, 'their own account').to.equal('/werkblad');
      expect((await signIn(ipRuntime.agent(), 'other3@example.nl', 'wrong-password-x')).status, 'the 4th guess').to.equal(400);

      const next = await signIn(ipRuntime.agent(), 'other4@example.nl', 'wrong-password-x');
      expect(next.status, 'the network has used its free failures').to.equal(429);
      expect(next.text).to.match(/Te veel pogingen. Probeer het om \d\d:\d\d opnieuw./);
    } finally {
      await ipRuntime.close();
    }
  });

  it('signs out with a POST that destroys the session', async () => {
    const patient = await rt.createPatient();
    const agent = rt.agent();
    await signIn(agent, patient.email, patient.password);
    const page = await agent.get('/werkblad');
    const out = await agent.post('/uitloggen').type('form').send({ _csrf: csrfTokenOf(page.text) });
    expect(out.status).to.equal(302);
    expect(out.headers.location).to.equal('/inloggen');
    expect(await storedSessionFields(rt), 'the signed-in session is gone; a new one holds only what the sign-in page says').to.deep.equal([['pageNotice']]);
    expect((await agent.get('/inloggen')).text).to.include('Je bent uitgelogd.');
    expect((await agent.get('/inloggen')).text, 'said once').not.to.include('Je bent uitgelogd.');
    expect((await agent.get('/werkblad')).headers.location).to.equal('/inloggen');
  });

  it('has no GET route that signs out', async () => {
    const patient = await rt.createPatient();
    const agent = rt.agent();
    await signIn(agent, patient.email, patient.password);
    expect((await agent.get('/uitloggen')).status).to.equal(404);
    expect((await agent.get('/werkblad')).status).to.equal(200);
  });
});
