import { expect } from 'chai';
import supertest from 'supertest';
import { createStaffMember, DESK, deskPasswordStep, signInAtDesk } from '../../support/desk';
import { cookieSet, csrfTokenOf, doubleClick, lateRepeats, sessionFormOf, signIn, submitForm } from '../../support/forms';
import { PRODUCTION_ENV, startTestRuntime, TestRuntime } from '../../support/runtime';
import { appCode, STEP_MS, wrongAppCode } from '../../support/totp';

const setCookies = (res: supertest.Response): string[] => ([] as string[]).concat(res.headers['set-cookie'] ?? []);

describe('desk sign-in ("Balie")', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime({ SECOND_STEP_MAX_FAILURES: '3', SIGNIN_FREE_FAILURES_PER_ACCOUNT: '3', SIGNIN_LOCK_BASE_SECONDS: '60' });
  });
  afterEach(() => rt.close());

  const staffEvents = async (staffId: number) =>
    (await rt.services.staffAudit.list({ limit: 100 })).filter((e) => e.staff?.id === staffId).map((e) => e.type);

  it('shows the Balie page: e-mail address and password, in Dutch', async () => {
    const res = await rt.agent().get(DESK);
    expect(res.status).to.equal(200);
    expect(res.text).to.include('<title>Inloggen – Balie – Karify</title>');
    expect(res.text).to.include('<h1>Inloggen</h1>');
    expect(res.text, 'a link that says where it leads').to.include('Ben je patiënt? <a href="/inloggen">Inloggen als patiënt</a>');
    expect(res.text).to.match(/<label for="email">E-mailadres<\/label>/);
    expect(res.text).to.match(/<label for="password">Wachtwoord<\/label>/);
    expect(res.text).to.include('<html lang="nl">');
  });

  it('signs a staff member in with the password and the code from the app, in a session of its own on /balie', async () => {
    const member = await createStaffMember(rt);
    const agent = rt.agent();
    const password = await deskPasswordStep(agent, member);
    expect(password.headers.location).to.equal(`${DESK}/code`);
    expect((await agent.get(`${DESK}/patienten`)).headers.location, 'half: only the second step').to.equal(`${DESK}/code`);
    const code = await agent.get(`${DESK}/code`);
    expect(code.text).to.include('Vul de code uit je app in').and.include('Gebruik een herstelcode');

    const done = await submitForm(agent, `${DESK}/code`, { code: appCode(member.secret, rt.clock.now()) });
    expect(done.headers.location).to.equal(`${DESK}/patienten`);
    const cookie = setCookies(done).find((c) => c.startsWith('karify.balie='));
    expect(cookie, 'the desk session cookie').to.be.a('string');
    expect(cookie!.split(';').map((a) => a.trim().toLowerCase())).to.include.members(['path=/', 'httponly', 'samesite=lax']);
    expect(setCookies(done).some((c) => c.startsWith('karify.sid=')), 'no patient cookie').to.equal(false);

    const page = await agent.get(`${DESK}/patienten`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include(`<p class="user-name">${member.name} (balie)</p>`);
    expect(await staffEvents(member.id)).to.deep.equal(['sign_in']);
    expect((await agent.get(DESK)).headers.location, 'signed in: the Balie page leads on').to.equal(`${DESK}/patienten`);
  });

  it('gives the same answer for an unknown address and a wrong password (also of a disabled account), and records the failures', async () => {
    const member = await createStaffMember(rt);
    const disabled = await createStaffMember(rt);
    await rt.services.staff.setDisabled(disabled.id, true);
    for (const attempt of [
      { email: 'niemand@kliniek.nl', password: 'iets-anders-nog' },
      { email: member.email, password: 'iets-anders-nog' },
      { email: disabled.email, password: 'iets-anders-nog' },
    ]) {
      const res = await deskPasswordStep(rt.agent(), attempt);
      expect(res.status, attempt.email).to.equal(400);
      expect(res.text).to.include('Het e-mailadres of wachtwoord klopt niet.');
    }
    const right = await deskPasswordStep(rt.agent(), disabled);
    expect(right.status, 'the right password of a disabled account').to.equal(403);
    expect(right.text).to.include('Je account is uitgeschakeld, daarom kun je niet inloggen. Vraag een beheerder om het weer in te schakelen.');
    expect(await staffEvents(member.id)).to.deep.equal(['sign_in_failed']);
    expect(await staffEvents(disabled.id)).to.deep.equal(['sign_in_failed', 'sign_in_failed']);
  });

  it('shows clear messages for empty fields and keeps the e-mail address', async () => {
    const res = await submitForm(rt.agent(), DESK, { email: 'anna@kliniek.nl', password: '' });
    expect(res.status).to.equal(400);
    expect(res.text).to.include('<li><a href="#password">Vul je wachtwoord in.</a></li>');
    expect(res.text).to.match(/<input id="email" name="email" type="email" value="anna@kliniek.nl"/);
  });

  it('shows the Balie page again for a form left open for longer than its session lasts: the address kept, nobody signed in, then it works', async () => {
    const member = await createStaffMember(rt);
    const token = csrfTokenOf((await rt.agent().get(DESK)).text);
    const agent = rt.agent(); // the session and its cookie ran out while the page stood open
    const late = await agent.post(DESK).type('form').send({ _csrf: token, email: member.email, password: member.password });
    expect(late.status).to.equal(403);
    expect(late.text).to.include('<title>Fout: Inloggen – Balie – Karify</title>');
    expect(late.text).to.include('<li><a href="#password">Het formulier was verlopen, daarom ben je niet ingelogd. Vul je wachtwoord opnieuw in.</a></li>');
    expect(late.text).to.match(/<input id="email" name="email" type="email" value="[^"]+"/).and.not.include(member.password);
    expect(await staffEvents(member.id), 'no password checked').to.deep.equal([]);
    const again = await agent.post(DESK).type('form').send({ _csrf: csrfTokenOf(late.text), email: member.email, password: member.password });
    expect(again.headers.location).to.equal(`${DESK}/code`);
  });

  it('says so when the browser keeps no cookies: the Balie page again, the address kept, nobody signed in', async () => {
    const member = await createStaffMember(rt);
    const form = { ...sessionFormOf((await rt.agent().get(DESK)).text), email: member.email, password: member.password };
    const refused = await rt.agent().post(DESK).type('form').send(form);
    expect(refused.status).to.equal(403);
    expect(refused.text).to.include('<li><a href="#password">Je browser bewaart geen cookies van deze site, daarom ben je niet ingelogd. Zet cookies aan voor deze site en vul je wachtwoord opnieuw in.</a></li>');
    expect(refused.text).to.match(/<input id="email" name="email" type="email" value="[^"]+"/).and.not.include(member.password);
    expect(await staffEvents(member.id), 'no password checked').to.deep.equal([]);
  });

  it('throttles wrong passwords like the patients\' sign-in, but counted apart from it', async () => {
    const member = await createStaffMember(rt, { email: 'cas@example.nl' });
    const patient = await rt.createPatient({ email: 'cas@example.nl' });
    const results = [];
    for (let i = 0; i < 4; i += 1) results.push((await deskPasswordStep(rt.agent(), { email: member.email, password: `fout-${i}-wachtwoord` })).status);
    expect(results).to.deep.equal([400, 400, 400, 429]);
    const locked = await deskPasswordStep(rt.agent(), member);
    expect(locked.status, 'even the right password while locked').to.equal(429);
    expect(locked.text).to.match(/Te veel pogingen. Probeer het om \d\d:\d\d opnieuw./);
    expect(locked.headers['retry-after']).to.match(/^[1-9]\d*$/);
    expect((await signIn(rt.agent(), patient.email, patient.password)).headers.location, 'the patient with the same address is not locked').to.equal('/werkblad');
  });

  it('refuses a wrong and a reused app code, and locks the second step after the patients\' number of failures', async () => {
    const member = await createStaffMember(rt);
    const agent = rt.agent();
    await deskPasswordStep(agent, member);
    const now = rt.clock.now();
    const wrong = await submitForm(agent, `${DESK}/code`, { code: wrongAppCode(member.secret, now) });
    expect(wrong.status).to.equal(400);
    expect(wrong.text).to.include('class="error-summary"');
    expect(await staffEvents(member.id)).to.deep.equal(['second_step_failed']);

    await signInAtDesk(rt, member); // another browser uses this step's code
    const replay = await submitForm(agent, `${DESK}/code`, { code: appCode(member.secret, rt.clock.now()) });
    expect(replay.status).to.equal(400);
    expect((await staffEvents(member.id))[0]).to.equal('totp_replay_refused');

    // The other browser's success ended the run: the replay was the first failure of a new one.
    for (let i = 0; i < 2; i += 1) await submitForm(agent, `${DESK}/code`, { code: wrongAppCode(member.secret, rt.clock.now()) });
    rt.clock.advance(STEP_MS);
    const locked = await submitForm(agent, `${DESK}/code`, { code: appCode(member.secret, rt.clock.now()) });
    expect(locked.status, 'locked: even the right code').to.equal(429);
    expect(locked.headers['retry-after'], 'the lock\'s 15 minutes, from a moment before').to.match(/^(8[7-9]\d|900)$/);
    const noCode = await submitForm(agent, `${DESK}/code`, { code: '12' }); // checked by nothing but the lock's page
    expect(noCode.status).to.equal(429);
    expect(noCode.headers['retry-after']).to.equal(locked.headers['retry-after']);
    expect(locked.text).to.include('<h1>Inloggen is tijdelijk geblokkeerd</h1>')
      .and.match(/Je hebt te vaak een verkeerde code ingevuld. Daarom kun je tot \d\d:\d\d niet inloggen./);
    expect(locked.text, 'no form that cannot work').not.to.include('name="code"');
    expect(await staffEvents(member.id)).to.include('second_step_locked');

    // Signing in again while locked: the second step's pages say so instead of offering a form.
    const again = rt.agent();
    expect((await deskPasswordStep(again, member)).headers.location).to.equal(`${DESK}/code`);
    for (const page of [`${DESK}/code`, `${DESK}/herstelcode`]) {
      const shown = await again.get(page);
      expect(shown.status, page).to.equal(200);
      expect(shown.text, page).to.include('Inloggen is tijdelijk geblokkeerd').and.not.include('name="code"').and.not.include('name="recoveryCode"');
    }
    rt.clock.advanceMinutes(16);
    const later = rt.agent();
    await deskPasswordStep(later, member);
    expect((await later.get(`${DESK}/code`)).text, 'after the lock').to.include('name="code"');
    // The patients' lock table knows nothing of it: staff have their own.
    expect(await rt.db('second_step_lockouts').select('*')).to.deep.equal([]);
  });

  it('signs in with a recovery code, once', async () => {
    const member = await createStaffMember(rt);
    const agent = rt.agent();
    await deskPasswordStep(agent, member);
    // Not "one-time-code", which invites a phone to fill in a code from an SMS (as the patients' field).
    expect((await agent.get(`${DESK}/herstelcode`)).text).to.match(/name="recoveryCode"[^>]*autocomplete="off"/);
    const res = await submitForm(agent, `${DESK}/herstelcode`, { recoveryCode: member.recoveryCodes[0]! });
    expect(res.headers.location).to.equal(`${DESK}/herstelcode-gebruikt`);
    expect(await rt.services.staffRecoveryCodes.countRemaining(member.id)).to.equal(9);
    const again = rt.agent();
    await deskPasswordStep(again, member);
    const reused = await submitForm(again, `${DESK}/herstelcode`, { recoveryCode: member.recoveryCodes[0]! });
    expect(reused.status).to.equal(400);
    expect(await rt.services.recoveryCodes.countRemaining(member.id), 'the patients\' codes are another table').to.equal(0);
  });

  it('says after a recovery code how many are left, and urges new ones when 3 or fewer are left, as the patients\' page does', async () => {
    const member = await createStaffMember(rt);
    const USED = `${DESK}/herstelcode-gebruikt`;
    const signInWith = async (recoveryCode: string) => {
      const agent = rt.agent();
      await deskPasswordStep(agent, member);
      expect((await submitForm(agent, `${DESK}/herstelcode`, { recoveryCode })).headers.location).to.equal(USED);
      return agent;
    };
    const urging = (text: string) => /<p class="warning">([^<]*)<\/p>\n<p><a class="button" href="\/balie\/herstelcodes">Nieuwe herstelcodes maken<\/a><\/p>/.exec(text)?.[1];

    const agent = await signInWith(member.recoveryCodes[0]!);
    const page = await agent.get(USED);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<h1>Je hebt een herstelcode gebruikt</h1>').and.include('Je hebt nog 9 herstelcodes over.').and.include(`<a href="${DESK}/patienten">Verder naar Patiënten</a>`);
    expect(urging(page.text), 'not with 9 left').to.equal(undefined);
    expect((await agent.get(USED)).text, 'a refresh').to.include('Je hebt nog 9 herstelcodes over.');
    expect((await agent.get(`${DESK}/patienten`)).status).to.equal(200);
    expect((await agent.get(USED)).headers.location, 'once the staff member went on, or from a bookmark').to.equal(`${DESK}/patienten`);

    for (const code of member.recoveryCodes.slice(1, 7)) await rt.services.staffRecoveryCodes.consume(member.id, code);
    const few = (await (await signInWith(member.recoveryCodes[7]!)).get(USED)).text;
    expect(urging(few)).to.equal('Je hebt nog maar 2 herstelcodes. Maak nieuwe herstelcodes, zodat je altijd kunt inloggen.');
    expect(few, 'the count said once').not.to.include('herstelcodes over');
    await rt.services.staffRecoveryCodes.consume(member.id, member.recoveryCodes[8]!);
    const none = await signInWith(member.recoveryCodes[9]!);
    expect(urging((await none.get(USED)).text)).to.equal('Je hebt geen herstelcodes meer. Maak nieuwe herstelcodes, zodat je altijd kunt inloggen.');
    await none.get(`/taal/en?terug=${encodeURIComponent(USED)}`);
    expect((await none.get(USED)).text, 'in English').to.include('<h1>You have used a recovery code</h1>').and.include('You have no recovery codes left.');
  });

  it('says how many recovery codes are left also when the recovery code is sent twice at once (a double click)', async () => {
    const member = await createStaffMember(rt);
    const agent = rt.agent();
    await deskPasswordStep(agent, member);
    const USED = `${DESK}/herstelcode-gebruikt`;
    await doubleClick(agent, `${DESK}/herstelcode`, { recoveryCode: member.recoveryCodes[0]! }, { first: USED, second: [USED, DESK] });
    expect((await agent.get(USED)).text).to.include('Je hebt nog 9 herstelcodes over.');
  });

  it('never shows a recovery code again, not even an unused one refused while the second step is locked', async () => {
    const member = await createStaffMember(rt);
    const agent = rt.agent();
    await deskPasswordStep(agent, member);
    await rt.db('staff_second_step_lockouts').insert({ staff_id: member.id, failures: 0, locked_until: rt.clock.now() + 15 * 60_000 });
    const code = member.recoveryCodes[0]!;
    const locked = await submitForm(agent, `${DESK}/herstelcode`, { recoveryCode: code });
    expect(locked.status).to.equal(429);
    expect(locked.text).not.to.include(code).and.not.include(`${code.slice(0, 5)} ${code.slice(5)}`);
    expect(await rt.services.staffRecoveryCodes.countRemaining(member.id), 'still unused').to.equal(10);
  });

  it('signs in once when the app code is sent twice at once (a double click), and records no replay', async () => {
    const member = await createStaffMember(rt);
    const agent = rt.agent();
    await deskPasswordStep(agent, member);
    await doubleClick(agent, `${DESK}/code`, { code: appCode(member.secret, rt.clock.now()) }, { first: `${DESK}/patienten`, second: [`${DESK}/patienten`, DESK] });
    expect((await staffEvents(member.id)).filter((type) => type === 'totp_replay_refused' || type === 'second_step_failed')).to.deep.equal([]);
    expect((await agent.get(`${DESK}/patienten`)).status).to.equal(200);
  });

  it('sends a double click on the password step on to the code page: once at once, and late with the old session\'s cookie or the new one', async () => {
    const member = await createStaffMember(rt);
    const agent = rt.agent();
    const fields = { email: member.email, password: member.password };
    await doubleClick(agent, DESK, fields, { first: `${DESK}/code`, second: [`${DESK}/code`] });
    expect((await agent.get(`${DESK}/code`)).status).to.equal(200);

    const { newCookie, withNew, withOld } = await lateRepeats(rt.app, DESK, fields);
    expect(`${withNew.status} ${withNew.headers.location}`, 'with the new cookie').to.equal(`302 ${DESK}/code`);
    expect(`${withOld.status} ${withOld.headers.location}`, 'with the old cookie').to.equal(`302 ${DESK}/code`);
    expect(cookieSet(withOld), 'the new session\'s cookie').to.equal(newCookie);
  });

  it('answers "Uitloggen" sent again after the session ended (a double click) with the signed-out page', async () => {
    const member = await createStaffMember(rt);
    const agent = await signInAtDesk(rt, member);
    const page = await agent.get(`${DESK}/patienten`);
    const cookie = String((page as unknown as { req: { getHeader(name: string): unknown } }).req.getHeader('cookie'));
    const signOut = () => supertest(rt.app).post(`${DESK}/uitloggen`).set('Cookie', cookie).type('form').send({ _csrf: csrfTokenOf(page.text) });

    const answers = [await signOut(), await signOut()];

    expect(answers.map((res) => `${res.status} ${res.headers.location}`)).to.deep.equal([`302 ${DESK}`, `302 ${DESK}`]);
    for (const answer of answers) {
      const cookies = ([] as string[]).concat(answer.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
      expect((await supertest(rt.app).get(DESK).set('Cookie', cookies)).text).to.include('Je bent uitgelogd.');
    }
  });

  it('stops halfway: the half session ends', async () => {
    const member = await createStaffMember(rt);
    const agent = rt.agent();
    await deskPasswordStep(agent, member);
    const token = csrfTokenOf((await agent.get(`${DESK}/code`)).text);
    // Pressed twice: the second comes after the first ended the session, and leads there too.
    for (const press of ['first', 'second']) {
      const res = await agent.post(`${DESK}/annuleren`).type('form').send({ _csrf: token });
      expect(`${res.status} ${res.headers.location}`, press).to.equal(`302 ${DESK}`);
    }
    expect((await agent.get(`${DESK}/code`)).headers.location).to.equal(DESK);
  });

  it('ends a session after 15 idle minutes, and signs out', async () => {
    const member = await createStaffMember(rt);
    const agent = await signInAtDesk(rt, member);
    rt.clock.advanceMinutes(14);
    expect((await agent.get(`${DESK}/patienten`)).status).to.equal(200);
    rt.clock.advanceMinutes(16);
    expect((await agent.get(`${DESK}/patienten`)).headers.location).to.equal(DESK);
    expect((await agent.get(DESK)).text).to.include('Je sessie is verlopen. Log opnieuw in.');
    expect((await agent.get(DESK)).text, 'said once').not.to.include('Je sessie is verlopen');
    expect((await rt.agent().get(`${DESK}?sessie=verlopen`)).text, 'not by a link').not.to.include('Je sessie is verlopen');

    const again = await signInAtDesk(rt, member);
    const out = await submitForm(again, `${DESK}/patienten`, {}, `${DESK}/uitloggen`);
    expect(out.headers.location).to.equal(DESK);
    expect((await again.get(DESK)).text).to.include('Je bent uitgelogd.');
    expect((await again.get(`${DESK}/patienten`)).headers.location).to.equal(DESK);
    expect((await staffEvents(member.id))[0]).to.equal('sign_out');
  });

  it('ends the sessions of a staff member who is disabled', async () => {
    const member = await createStaffMember(rt);
    const agent = await signInAtDesk(rt, member);
    await rt.services.staff.setDisabled(member.id, true);
    expect((await agent.get(`${DESK}/patienten`)).headers.location).to.equal(DESK);
    expect((await agent.get(DESK)).text).to.include('Je bent uitgelogd. Dat gebeurt bijvoorbeeld als je wachtwoord is gewijzigd, of als een beheerder je heeft uitgelogd. Log opnieuw in.');
  });

  it('ends a half session when the staff member\'s sessions are ended before the code: the right code does not sign in', async () => {
    const member = await createStaffMember(rt);
    const agent = rt.agent();
    expect((await deskPasswordStep(agent, member)).headers.location).to.equal(`${DESK}/code`);
    const token = csrfTokenOf((await agent.get(`${DESK}/code`)).text);
    await rt.services.staff.bumpSessionGeneration(member.id);
    rt.clock.advance(STEP_MS);
    const res = await agent.post(`${DESK}/code`).type('form').send({ _csrf: token, code: appCode(member.secret, rt.clock.now()) });
    expect(`${res.status} ${res.headers.location}`).to.equal(`302 ${DESK}`);
    expect((await agent.get(DESK)).text).to.include('Je bent uitgelogd. Dat gebeurt bijvoorbeeld als je wachtwoord is gewijzigd');
    expect((await agent.get(`${DESK}/patienten`)).headers.location).to.equal(DESK);
  });

  it('signs a staff member without the app in only to set it up', async () => {
    const member = await createStaffMember(rt, { withApp: false });
    const agent = rt.agent();
    expect((await deskPasswordStep(agent, member)).headers.location).to.equal(`${DESK}/patienten`);
    for (const page of [`${DESK}/patienten`, `${DESK}/vragen`, `${DESK}/patienten/1`]) {
      expect((await agent.get(page)).headers.location, page).to.equal(`${DESK}/eerste-keer/koppelen`);
    }
    expect((await agent.get(`${DESK}/eerste-keer/koppelen`)).status).to.equal(200);
  });

  it('uses a __Host- cookie (Secure, path /) in production behind a TLS proxy, as the patients\' does', async () => {
    const prod = await startTestRuntime(PRODUCTION_ENV);
    try {
      const res = await prod.agent().get(DESK).set('X-Forwarded-Proto', 'https');
      const cookie = setCookies(res).find((c) => c.startsWith('__Host-karify.balie='));
      expect(cookie, setCookies(res).join(' | ')).to.be.a('string');
      const attributes = cookie!.split(';').map((a) => a.trim().toLowerCase());
      expect(attributes).to.include.members(['path=/', 'secure', 'httponly', 'samesite=lax']);
      expect(attributes.some((a) => a.startsWith('domain=')), 'a __Host- cookie has no Domain').to.equal(false);
    } finally {
      await prod.close();
    }
  });
});
