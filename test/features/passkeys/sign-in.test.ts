import { expect } from 'chai';
import { csrfTokenOf } from '../../support/forms';
import { askOptions, authenticatorFor, eventTypes, passkeySignIn, patientWithPasskey, TWO_STEP } from '../../support/passkeys';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { expectSignedOut } from '../../support/two-factor';

const sessionCookie = (res: { headers: Record<string, unknown> }) =>
  ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith('karify.sid='))?.split(';')[0];

/** "Inloggen met een toegangssleutel": both steps at once, under the second step's limits (issue 15). */
describe('passkeys: signing in from the sign-in page', () => {
  let rt: TestRuntime;
  let world: Awaited<ReturnType<typeof patientWithPasskey>>;
  beforeEach(async () => {
    // TRUST_PROXY: a test speaks from several networks (X-Forwarded-For).
    rt = await startTestRuntime({ SECOND_STEP_MAX_FAILURES: '10', SIGNIN_FREE_FAILURES_PER_IP: '5', TRUST_PROXY: 'true' });
    world = await patientWithPasskey(rt);
  });
  afterEach(() => rt.close());

  it('offers nothing without JavaScript: the button is made by the script from an empty, hidden box', async () => {
    const page = await rt.agent().get('/inloggen');
    expect(page.text).to.match(/<div class="passkey" hidden data-passkey-options="\/inloggen\/toegangssleutel\/opties" data-passkey-label="Inloggen met een toegangssleutel" data-passkey-error="[^"]+" data-passkey-action="\/inloggen\/toegangssleutel" data-passkey-autofill><\/div>/);
    expect(page.text).not.to.match(/<button[^>]*>Inloggen met een toegangssleutel/);
  });

  it('lets the script offer the passkeys among the e-mail field\'s suggestions, but not again right after one was refused', async () => {
    const page = await rt.agent().get('/inloggen');
    expect(page.text).to.match(/<input id="email" name="email" type="email" value="" autocomplete="username webauthn"/);
    expect(page.text).to.include('data-passkey-autofill');
    const refused = await passkeySignIn(rt.agent(), world.authenticator, { origin: 'https://karify-inloggen.example' });
    expect(refused.status).to.equal(400);
    expect(refused.text, 'the button stays').to.include('data-passkey-options="/inloggen/toegangssleutel/opties"');
    expect(refused.text, 'a passkey picked from the suggestions is not sent again and again').not.to.include('data-passkey-autofill');
    const desk = await rt.agent().get('/balie');
    expect(desk.text, 'staff sign in with the password first').to.match(/<input id="email" name="email" type="email" value="" autocomplete="username"/);
  });

  it('signs the patient in fully with a new session id, recorded with the passkey; no password asked', async () => {
    const agent = rt.agent();
    const before = sessionCookie(await agent.get('/inloggen'));
    const res = await passkeySignIn(agent, world.authenticator);
    expect(res.status, res.text.slice(0, 300)).to.equal(302);
    expect(res.headers.location).to.equal('/werkblad');
    expect(sessionCookie(res), 'a new session id').to.be.a('string').and.not.equal(before);
    expect((await agent.get('/werkblad')).status).to.equal(200);
    const events = await rt.services.audit.listForUser(world.patient.id);
    expect(events.slice(0, 2).map((e) => [e.type, e.details])).to.deep.equal([
      ['sign_in', { method: 'passkey', without: 'password' }],
      ['passkey_used', { purpose: 'sign_in', passkey: 'iPhone van Cas' }],
    ]);
    const [passkey] = await rt.services.passkeys.listForUser(world.patient.id);
    expect(passkey).to.include({ counter: 1, lastUsedAt: rt.clock.now() });
    expect((await agent.get(TWO_STEP)).text).to.include('Laatst gebruikt op 25 november 2026');
    const activity = (await agent.get('/account/beveiliging')).text.replaceAll('&#39;', "'");
    expect(activity, 'told apart from password and passkey').to.include('Ingelogd met alleen een toegangssleutel, zonder wachtwoord').and.include("Toegangssleutel 'iPhone van Cas' gebruikt om in te loggen");
  });

  it('has the same timeouts as any sign-in', async () => {
    const agent = rt.agent();
    await passkeySignIn(agent, world.authenticator);
    rt.clock.advanceMinutes(31);
    expect((await agent.get('/werkblad')).headers.location).to.equal('/inloggen');
    expect((await agent.get('/inloggen')).text).to.include('Je sessie is verlopen. Log opnieuw in.');
  });

  it('refuses a passkey answer made for another origin or without user verification; not a failure of the patient\'s second step', async () => {
    for (const overrides of [{ origin: 'https://karify-inloggen.example' }, { userVerified: false }, { rpId: 'example.com' }]) {
      const agent = rt.agent();
      const res = await passkeySignIn(agent, world.authenticator, overrides);
      expect(res.status, JSON.stringify(overrides)).to.equal(400);
      expect(res.text).to.include('<p class="warning" role="alert">Je toegangssleutel is niet geaccepteerd.');
      expect(res.text, 'the title says it failed, as on any page with an error').to.include('<title>Fout: Inloggen – Karify</title>');
      await expectSignedOut(agent);
    }
    expect(await eventTypes(rt, world.patient.id), 'anyone may know a passkey\'s id: nothing in the patient\'s activity').not.to.include('second_step_failed');
    expect((await rt.agent().get('/inloggen')).status).to.equal(200);
  });

  it('uses a challenge once: the same answer again, in this session or another, signs nobody in', async () => {
    const agent = rt.agent();
    const first = await passkeySignIn(agent, world.authenticator);
    expect(first.headers.location).to.equal('/werkblad');
    const again = await agent.post('/inloggen/toegangssleutel').type('form').send({ _csrf: first.token, credential: JSON.stringify(first.credential) });
    expect(again.headers.location, 'the same browser sending it again (a double click): where the first led, no second sign-in').to.equal('/werkblad');
    const signIns = (await rt.services.audit.listForUser(world.patient.id)).filter((e) => e.type === 'sign_in' && e.details?.method === 'passkey');
    expect(signIns).to.have.length(1);

    // Another browser replays the captured answer after asking options of its own.
    const thief = rt.agent();
    const token = csrfTokenOf((await thief.get('/inloggen')).text);
    await askOptions(thief, '/inloggen/toegangssleutel/opties', token);
    const replayed = await thief.post('/inloggen/toegangssleutel').type('form').send({ _csrf: token, credential: JSON.stringify(first.credential) });
    expect(replayed.status).to.equal(400);
    await expectSignedOut(thief);
  });

  it('takes a challenge only from the session it was given to, for 5 minutes', async () => {
    const agent = rt.agent();
    const token = csrfTokenOf((await agent.get('/inloggen')).text);
    const options = await askOptions(agent, '/inloggen/toegangssleutel/opties', token);
    expect(options.body).to.include({ rpId: 'localhost', userVerification: 'required', timeout: 300000 });
    expect(options.body.allowCredentials ?? [], 'discoverable: the patient picks').to.deep.equal([]);
    const answer = JSON.stringify(world.authenticator.get(options.body));

    const other = rt.agent();
    const otherToken = csrfTokenOf((await other.get('/inloggen')).text);
    const elsewhere = await other.post('/inloggen/toegangssleutel').type('form').send({ _csrf: otherToken, credential: answer });
    expect(elsewhere.status).to.equal(400);
    expect(elsewhere.text, 'another session\'s challenge: nothing took too long').to.include('Het gebruik van je toegangssleutel is niet gelukt. Probeer het opnieuw.').and.not.include('Dat duurde te lang.');

    rt.clock.advance(5 * 60_000 + 1000);
    const late = await agent.post('/inloggen/toegangssleutel').type('form').send({ _csrf: token, credential: answer });
    expect(late.status).to.equal(400);
    expect(late.text).to.include('Dat duurde te lang. Probeer het opnieuw.');
    await expectSignedOut(agent);
    expect(await eventTypes(rt, world.patient.id), 'nothing was compared').not.to.include('second_step_failed');
  });

  it('keeps the last three challenges: a passkey picked in the first of two sign-in tabs still signs in, one older than three does not', async () => {
    const agent = rt.agent();
    const token = csrfTokenOf((await agent.get('/inloggen')).text);
    const firstTab = (await askOptions(agent, '/inloggen/toegangssleutel/opties', token)).body;
    await askOptions(agent, '/inloggen/toegangssleutel/opties', token); // the second tab
    const signedIn = await agent.post('/inloggen/toegangssleutel').type('form').send({ _csrf: token, credential: JSON.stringify(world.authenticator.get(firstTab)) });
    expect(signedIn.headers.location).to.equal('/werkblad');

    const other = rt.agent();
    const otherToken = csrfTokenOf((await other.get('/inloggen')).text);
    const oldest = (await askOptions(other, '/inloggen/toegangssleutel/opties', otherToken)).body;
    for (let tab = 0; tab < 3; tab += 1) await askOptions(other, '/inloggen/toegangssleutel/opties', otherToken);
    const refused = await other.post('/inloggen/toegangssleutel').type('form').send({ _csrf: otherToken, credential: JSON.stringify(world.authenticator.get(oldest)) });
    expect(refused.status).to.equal(400);
    expect(refused.text, 'pushed out by newer ones: nothing took too long').to.include('Het gebruik van je toegangssleutel is niet gelukt. Probeer het opnieuw.').and.not.include('Dat duurde te lang.');
  });

  it('signs in once for 50 requests with the same answer at the same moment (a double click): all go where the first led', async () => {
    const agent = rt.agent();
    const token = csrfTokenOf((await agent.get('/inloggen')).text);
    const options = await askOptions(agent, '/inloggen/toegangssleutel/opties', token);
    const body = { _csrf: token, credential: JSON.stringify(world.authenticator.get(options.body)) };
    const results = await Promise.all(Array.from({ length: 50 }, () => agent.post('/inloggen/toegangssleutel').type('form').send(body)));
    expect(results.map((r) => r.headers.location)).to.deep.equal(Array(50).fill('/werkblad'));
    const events = await rt.services.audit.listForUser(world.patient.id);
    expect(events.filter((e) => e.type === 'sign_in' && e.details?.method === 'passkey')).to.have.length(1);
    expect(events.filter((e) => e.type === 'second_step_failed'), 'no repeat checked as a replay').to.have.length(0);
  });

  it('refuses a passkey nobody has, and a disabled patient\'s, without saying which', async () => {
    const stranger = authenticatorFor(rt);
    stranger.create({ ...(await rt.services.passkeyCeremonies.registrationOptions(world.patient)).options }); // never registered
    const unknown = await passkeySignIn(rt.agent(), stranger);
    expect(unknown.status).to.equal(400);
    expect(unknown.text).to.include('Deze toegangssleutel hoort bij geen enkel account, of werkt niet meer.');
    await rt.services.users.setDisabled(world.patient.id, true);
    const disabled = await passkeySignIn(rt.agent(), world.authenticator);
    expect(disabled.status).to.equal(400);
    expect(disabled.text).to.include('Deze toegangssleutel hoort bij geen enkel account, of werkt niet meer.');
  });

  it('counts failures against the network they come from, not the account: 50 bad answers naming the patient\'s passkey lock nobody out', async () => {
    // Fifty browsers of one network, each with a challenge of its own, answer at once with the
    // patient's passkey id and a signature for the wrong origin (anyone may know the id).
    const attacker = { 'X-Forwarded-For': '198.51.100.7' };
    const browsers = await Promise.all(Array.from({ length: 50 }, async () => {
      const agent = rt.agent();
      const token = csrfTokenOf((await agent.get('/inloggen').set(attacker)).text);
      const options = await askOptions(agent, '/inloggen/toegangssleutel/opties', token).set(attacker);
      return { agent, body: { _csrf: token, credential: JSON.stringify(world.authenticator.get(options.body, { origin: 'https://nep.example' })) } };
    }));
    const results = await Promise.all(browsers.map(({ agent, body }) => agent.post('/inloggen/toegangssleutel').set(attacker).type('form').send(body)));
    const checked = results.filter((r) => r.status === 400);
    expect(checked.length, 'signatures checked: the network\'s free failures and one past its lock').to.be.within(1, 6);
    expect(results.filter((r) => r.status === 429).length).to.equal(50 - checked.length);
    expect(results.find((r) => r.status === 429)!.text).to.match(/Te veel pogingen\. Probeer het om \d\d:\d\d opnieuw\./);
    expect(results.find((r) => r.status === 429)!.headers['retry-after']).to.match(/^[1-9]\d*$/);

    const events = await eventTypes(rt, world.patient.id);
    expect(events, 'not the patient\'s failures').not.to.include('second_step_failed').and.not.to.include('second_step_locked');
    expect(await rt.services.secondFactor.lockedUntil(world.patient.id)).to.equal(null);
    const patient = rt.agent();
    const token = csrfTokenOf((await patient.get('/inloggen').set({ 'X-Forwarded-For': '203.0.113.9' })).text);
    const options = await askOptions(patient, '/inloggen/toegangssleutel/opties', token).set({ 'X-Forwarded-For': '203.0.113.9' });
    const signedIn = await patient.post('/inloggen/toegangssleutel').set({ 'X-Forwarded-For': '203.0.113.9' }).type('form')
      .send({ _csrf: token, credential: JSON.stringify(world.authenticator.get(options.body)) });
    expect(signedIn.headers.location, 'the patient, from their own network, at once').to.equal('/werkblad');
  });

  it('does not sign in while the second step is locked by wrong codes after the password', async () => {
    for (let i = 0; i < 10; i += 1) await rt.services.secondFactor.check(world.patient.id, 'sign_in', { kind: 'recovery', code: '0000000000' }, { ip: '203.0.113.9', userAgent: 'test' });
    // More tries than the network's free failures (5): a lock checks no signature, so none counts.
    for (let i = 0; i < 7; i += 1) {
      const locked = await passkeySignIn(rt.agent(), world.authenticator);
      expect(locked.status).to.equal(429);
      expect(locked.text, `try ${i + 1}`).to.match(/Je hebt te vaak een verkeerde code ingevuld. Je kunt het om \d\d:\d\d opnieuw proberen./);
    }
    rt.clock.advanceMinutes(16);
    expect((await passkeySignIn(rt.agent(), world.authenticator)).headers.location).to.equal('/werkblad');
  });

  it('needs the CSRF token for the options and for the answer', async () => {
    const agent = rt.agent();
    await agent.get('/inloggen');
    expect((await agent.post('/inloggen/toegangssleutel/opties').send()).status).to.equal(403);
    expect((await agent.post('/inloggen/toegangssleutel').type('form').send({ credential: '{}' })).status).to.equal(403);
  });

  it('answers nonsense in the answer field with the usual message, never an error page', async () => {
    const agent = rt.agent();
    const token = csrfTokenOf((await agent.get('/inloggen')).text);
    for (const credential of ['', 'x', '{}', '[1]', JSON.stringify({ id: 'a', rawId: 'a', type: 'public-key', response: { clientDataJSON: '!' } }), 'y'.repeat(9000)]) {
      await askOptions(agent, '/inloggen/toegangssleutel/opties', token);
      const res = await agent.post('/inloggen/toegangssleutel').type('form').send({ _csrf: token, credential });
      expect(res.status, credential.slice(0, 20)).to.equal(400);
      expect(res.text).to.include('Het gebruik van je toegangssleutel is niet gelukt');
    }
  });
});
