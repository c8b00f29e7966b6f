import { expect } from 'chai';
import type supertest from 'supertest';
import { csrfTokenOf, doubleClick, signIn, submitForm } from '../../support/forms';
import {
  addPasskey, askOptions, authenticatorFor, eventTypes, expectPasskeyFormForScriptOnly, mailedAlerts, messageKinds, PASSKEYS, passkeySignIn, patientWithPasskey,
  registerPasskey, TWO_STEP,
} from '../../support/passkeys';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { confirmPassword, expectSignedOut, lockSecondStep, recoveryCodesIn } from '../../support/two-factor';
import { twoFactorRow } from '../../support/two-factor-row';

/** "Toegangssleutel toevoegen", rename and remove, on the two-step page (issue 15). */
describe('passkeys: add, rename and remove', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  /** A patient without two-step, signed in and freshly confirmed for the add page. */
  async function signedIn() {
    const patient = await rt.createPatient();
    const agent = rt.agent();
    await signIn(agent, patient.email, patient.password);
    await confirmPassword(agent, patient.password, `${PASSKEYS}/toevoegen`);
    return { patient, agent };
  }

  const passkeysOf = (userId: number) => rt.services.passkeys.listForUser(userId);

  describe('the two-step page', () => {
    it('lists the passkeys; without JavaScript it offers no button but says what adding one needs', async () => {
      const { agent } = await signedIn();
      const page = await agent.get(TWO_STEP);
      expect(page.text).to.include('<h2>Toegangssleutels</h2>').and.include('Je hebt nog geen toegangssleutels.');
      expect(page.text).to.include('Om een toegangssleutel toe te voegen heb je een browser nodig die toegangssleutels kent, met JavaScript aan.');
      expect(page.text).to.match(/<div class="passkey" hidden data-passkey-href="\/account\/twee-stappen\/toegangssleutels\/toevoegen" data-passkey-label="Toegangssleutel toevoegen"><\/div>/);
      expect(page.text, 'the link is made by the script, never in the HTML').not.to.match(/<a [^>]*href="[^"]*toegangssleutels\/toevoegen"/);
      expect(page.text).to.match(/<script src="\/js\/simplewebauthn-browser\.umd\.min\.js\?v=[0-9a-f]{10}" defer><\/script>/);
      expect(page.text).to.match(/<script src="\/js\/passkeys\.js\?v=[0-9a-f]{10}" defer><\/script>/);
    });
  });

  describe('adding', () => {
    it('needs a fresh confirmation first, for the page and for the options', async () => {
      const patient = await rt.createPatient();
      const agent = rt.agent();
      await signIn(agent, patient.email, patient.password);
      const page = await agent.get(`${PASSKEYS}/toevoegen`);
      expect(page.headers.location).to.equal(`/account/bevestigen?terug=${encodeURIComponent(`${PASSKEYS}/toevoegen`)}`);
      const token = csrfTokenOf((await agent.get(TWO_STEP)).text);
      const options = await askOptions(agent, `${PASSKEYS}/toevoegen/opties`, token, { name: 'iPhone' });
      expect(options.status).to.equal(302);
      expect(options.headers.location).to.match(/^\/account\/bevestigen\?terug=/);
    });

    it('adds once when the new passkey is sent twice at once (a double click): both answers lead to the codes, which work', async () => {
      const { patient, agent } = await signedIn();
      const page = await agent.get(`${PASSKEYS}/toevoegen`);
      const token = csrfTokenOf(page.text);
      const options = await askOptions(agent, `${PASSKEYS}/toevoegen/opties`, token, { name: 'iPhone van Cas' });
      const credential = JSON.stringify(authenticatorFor(rt).create(options.body));
      const answers = await Promise.all([0, 1].map(() => agent.post(`${PASSKEYS}/toevoegen`).type('form').send({ _csrf: token, name: 'iPhone van Cas', credential })));
      expect(answers.map((res) => `${res.status} ${res.headers.location}`)).to.deep.equal([`302 ${PASSKEYS}/herstelcodes`, `302 ${PASSKEYS}/herstelcodes`]);
      expect(await passkeysOf(patient.id)).to.have.length(1);
      expect((await messageKinds(rt, patient.id)).filter((kind) => kind === 'passkey_added')).to.have.length(1);
      const codes = await agent.get(`${PASSKEYS}/herstelcodes`);
      expect(codes.status, 'still signed in, with the codes to save').to.equal(200);
      expect(recoveryCodesIn(codes.text)).to.have.length(10);
      expect(codes.text, 'the help (J7)').to.match(/<h2 id="help-title">Is het niet gelukt\?<\/h2>/);
    });

    it('turns two-step on for a patient without it: method passkey, recovery codes shown once, recorded and announced', async () => {
      const { patient, agent } = await signedIn();
      const res = await addPasskey(agent, authenticatorFor(rt), 'iPhone van Cas');
      expect(res.status, res.text.slice(0, 300)).to.equal(302);
      expect(res.headers.location).to.equal(`${PASSKEYS}/herstelcodes`);
      expect((await twoFactorRow(rt.db, patient.id)).two_factor_method).to.equal('passkey');
      expect(await rt.services.recoveryCodes.countRemaining(patient.id)).to.equal(10);
      const [passkey] = await passkeysOf(patient.id);
      expect(passkey).to.include({ name: 'iPhone van Cas', counter: 0, lastUsedAt: null });

      const codes = await agent.get(`${PASSKEYS}/herstelcodes`);
      expect(codes.text).to.include('Bewaar je herstelcodes').and.include('Print herstelcodes');
      expect(recoveryCodesIn(codes.text)).to.have.length(10);
      expect((await agent.get(`${PASSKEYS}/herstelcodes/afdrukken`)).status).to.equal(200);
      const file = await agent.get(`${PASSKEYS}/herstelcodes/download`);
      expect(file.headers['content-disposition']).to.include('karify-herstelcodes.txt');
      const saved = await submitForm(agent, `${PASSKEYS}/herstelcodes`, {});
      expect(saved.headers.location).to.equal(`${TWO_STEP}`);
      const status = await agent.get(saved.headers.location!);
      expect((await agent.get(`${PASSKEYS}/herstelcodes`)).headers.location, 'shown once').to.equal(TWO_STEP);

      expect(status.text).to.include('Je toegangssleutel is toegevoegd en authenticatie in twee stappen staat aan.');
      expect(status.text).to.include('<strong>ingeschakeld</strong>').and.include('<dd>Toegangssleutel</dd>').and.include('10 van de 10');
      expect(status.text).to.include('<p class="passkey-name">iPhone van Cas</p>').and.include('Toegevoegd op 25 november 2026').and.include('Nog niet gebruikt');
      expect(status.text, 'a passkey-only patient may add SMS or an app').to.include('Overstappen op SMS').and.include('Overstappen op een authenticatie-app');
      expect(await eventTypes(rt, patient.id)).to.deep.equal(['sign_in', 'two_factor_enabled', 'passkey_added']);
      const events = await rt.services.audit.listForUser(patient.id);
      expect(events.find((e) => e.type === 'two_factor_enabled')!.details).to.deep.equal({ method: 'passkey' });
      expect(events.find((e) => e.type === 'passkey_added')!.details).to.deep.equal({ passkey: 'iPhone van Cas' });
      expect(await messageKinds(rt, patient.id)).to.deep.equal(['two_factor_enabled', 'passkey_added']);
      const mailed = await mailedAlerts(rt, patient.id);
      expect(mailed.map((m) => m.kind), 'e-mailed too').to.deep.equal(['two_factor_enabled', 'passkey_added']);
      expect(mailed[0]!.text, 'a passkey signs in without password and code').to.include('Voortaan log je in met je toegangssleutel. Log je in met je wachtwoord? Dan gebruik je daarna ook je toegangssleutel of een herstelcode.')
        .and.not.include('met je wachtwoord en een toegangssleutel');
      expect(mailed[1]!.text).to.include("De toegangssleutel 'iPhone van Cas' is aan je Karify account toegevoegd.");
      const inbox = await agent.get('/berichten');
      expect(inbox.text, 'Berichten names the passkey too').to.include('Voortaan log je in met je toegangssleutel.').and.not.include('Voortaan vul je bij het inloggen ook een code in.');
      expect(inbox.text).to.include('Er is een toegangssleutel toegevoegd').and.include('de toegangssleutel &#39;iPhone van Cas&#39; aan je account toegevoegd. Daarmee kun je inloggen zonder wachtwoord en zonder code.');
      const activity = await agent.get('/account/beveiliging');
      expect(activity.text).to.include('Toegangssleutel &#39;iPhone van Cas&#39; toegevoegd').and.include('Authenticatie in twee stappen ingeschakeld (met toegangssleutel)');
    });

    it('no longer shows the codes a first passkey came with once they were replaced (new codes made before they were saved)', async () => {
      const { patient, agent } = await signedIn();
      await addPasskey(agent, authenticatorFor(rt));
      const codesPage = async (path: string) => recoveryCodesIn((await agent.get(path)).text);
      const first = await codesPage(`${PASSKEYS}/herstelcodes`);
      expect(first).to.have.length(10);
      expect((await submitForm(agent, `${TWO_STEP}/herstelcodes/nieuw`, {})).headers.location).to.equal(`${TWO_STEP}/herstelcodes`);
      expect(await rt.services.recoveryCodes.consume(patient.id, first[0]!)).to.equal(false);
      for (const suffix of ['', '/afdrukken', '/download']) {
        expect((await agent.get(`${PASSKEYS}/herstelcodes${suffix}`)).headers.location, `the replaced codes${suffix}`).to.equal(TWO_STEP);
      }
      const renewed = await codesPage(`${TWO_STEP}/herstelcodes`);
      expect(await rt.services.recoveryCodes.consume(patient.id, renewed[0]!), 'the codes that are shown work').to.equal(true);
    });

    it('keeps the method of a patient with SMS: the passkey is an extra way, no new codes', async () => {
      const patient = await rt.createPatient();
      await rt.services.twoFactor.enableSms(patient.id, '+31612345678', rt.services.recoveryCodes.generate());
      const agent = rt.agent();
      const authenticator = authenticatorFor(rt);
      await registerPasskey(rt, patient, authenticator, 'Laptop'); // a first one, to sign in and confirm with
      expect((await passkeySignIn(agent, authenticator)).headers.location).to.equal('/werkblad');
      const returnTo = `${PASSKEYS}/toevoegen`;
      const confirmPage = `/account/bevestigen?terug=${encodeURIComponent(returnTo)}`;
      const token = csrfTokenOf((await agent.get(confirmPage)).text);
      const options = await askOptions(agent, '/account/bevestigen/toegangssleutel/opties', token);
      const confirmed = await agent.post('/account/bevestigen').type('form')
        .send({ _csrf: token, terug: returnTo, password: patient.password, code: '', credential: JSON.stringify(authenticator.get(options.body)) });
      expect(confirmed.headers.location).to.equal(returnTo);

      const res = await addPasskey(agent, authenticatorFor(rt), 'Telefoon');
      expect(res.headers.location).to.equal(`${TWO_STEP}`);
      expect((await twoFactorRow(rt.db, patient.id)).two_factor_method).to.equal('sms');
      expect((await passkeysOf(patient.id)).map((p) => p.name)).to.deep.equal(['Laptop', 'Telefoon']);
      expect(await rt.services.recoveryCodes.countRemaining(patient.id)).to.equal(10);
      expect((await agent.get(res.headers.location!)).text).to.include('Je toegangssleutel is toegevoegd.').and.include('Verificatiecode via SMS');
    });

    it('ends the patient\'s other sessions', async () => {
      const { patient, agent } = await signedIn();
      const other = rt.agent();
      await signIn(other, patient.email, patient.password);
      await addPasskey(agent, authenticatorFor(rt));
      await expectSignedOut(other);
      expect((await agent.get('/werkblad')).status).to.equal(200);
    });

    it('checks the name before the browser makes a passkey, and at the form, keeping what was typed', async () => {
      const { agent } = await signedIn();
      const page = await agent.get(`${PASSKEYS}/toevoegen`);
      const token = csrfTokenOf(page.text);
      for (const [name, message] of [['  ', 'Geef je toegangssleutel een naam.'], ['x'.repeat(51), 'Gebruik voor de naam hoogstens 50 tekens.'], ['a\u0007b', 'Gebruik voor de naam alleen letters, cijfers, spaties en leestekens.']]) {
        const options = await askOptions(agent, `${PASSKEYS}/toevoegen/opties`, token, { name: name! });
        expect(options.status, name).to.equal(400);
        expect(options.body.message).to.equal(message);
      }
      const form = await agent.post(`${PASSKEYS}/toevoegen`).type('form').send({ _csrf: token, name: 'x'.repeat(51), credential: '' });
      expect(form.status).to.equal(400);
      expect(form.text).to.include('class="error-summary"').and.include('Gebruik voor de naam hoogstens 50 tekens.').and.include(`value="${'x'.repeat(51)}"`);
      expect(form.text, 'after an error the form is in the page (only a script could have sent it)').to.match(/<main[\s\S]*<form [^>]*data-passkey-register=[\s\S]*<\/main>/);
      expect(form.text).not.to.include('data-passkey-form');
      expectPasskeyFormForScriptOnly((await agent.get(`${PASSKEYS}/toevoegen`)).text);
    });

    it('says plainly when the browser made no passkey (a form sent without JavaScript)', async () => {
      const { patient, agent } = await signedIn();
      const res = await submitForm(agent, `${PASSKEYS}/toevoegen`, { name: 'Mijn laptop' });
      expect(res.status).to.equal(400);
      expect(res.text).to.include('Deze browser heeft geen toegangssleutel gemaakt.').and.include('value="Mijn laptop"');
      expect(await passkeysOf(patient.id)).to.deep.equal([]);
      expect((await twoFactorRow(rt.db, patient.id)).two_factor_method).to.equal(null);
    });

    it('refuses a passkey made for another origin, another RP id or without user verification; nothing changes', async () => {
      const { patient, agent } = await signedIn();
      for (const overrides of [{ origin: 'https://karify-inloggen.example' }, { rpId: 'example.com' }, { userVerified: false }]) {
        const res = await addPasskey(agent, authenticatorFor(rt), 'Nep', overrides);
        expect(res.status, JSON.stringify(overrides)).to.equal(400);
        expect(res.text).to.include('Deze toegangssleutel kunnen we niet gebruiken.');
      }
      expect(await passkeysOf(patient.id)).to.deep.equal([]);
      expect((await twoFactorRow(rt.db, patient.id)).two_factor_method).to.equal(null);
      expect(await eventTypes(rt, patient.id)).not.to.include('passkey_added');
    });

    it('uses a challenge once and for 5 minutes: a resent answer, a late one and a burst of 50 add one passkey at most', async () => {
      const { patient, agent } = await signedIn();
      const page = await agent.get(`${PASSKEYS}/toevoegen`);
      const token = csrfTokenOf(page.text);
      const authenticator = authenticatorFor(rt);

      const late = authenticator.create((await askOptions(agent, `${PASSKEYS}/toevoegen/opties`, token, { name: 'Laat' })).body);
      rt.clock.advance(5 * 60_000 + 1000);
      const tooLate = await agent.post(`${PASSKEYS}/toevoegen`).type('form').send({ _csrf: token, name: 'Laat', credential: JSON.stringify(late) });
      expect(tooLate.status).to.equal(400);
      expect(tooLate.text).to.include('Dat duurde te lang. Probeer het opnieuw.');

      const options = await askOptions(agent, `${PASSKEYS}/toevoegen/opties`, token, { name: 'Burst' });
      const body = { _csrf: token, name: 'Burst', credential: JSON.stringify(authenticator.create(options.body)) };
      const results = await Promise.all(Array.from({ length: 50 }, () => agent.post(`${PASSKEYS}/toevoegen`).type('form').send(body)));
      expect(await passkeysOf(patient.id), 'exactly one added').to.have.length(1);
      expect((await messageKinds(rt, patient.id)).filter((kind) => kind === 'passkey_added'), 'announced once').to.have.length(1);
      // Repeats of the same form are sent where the first led (the submission guard); a request
      // the guard did not hold finds the session ended by the first (a new generation: the sign-in
      // page), or gone (403), or no challenge left (400).
      const outcomes = results.map((r) => `${r.status} ${r.headers.location ?? ''}`);
      expect(outcomes.filter((o) => !/^(400|403) $|^302 \/inloggen$|^302 .*\/herstelcodes$/.test(o)), 'nothing else').to.deep.equal([]);
      expect(await passkeysOf(patient.id)).to.have.length(1);
      // Sent once more (which cookie the racing answers left this agent with varies): never a second
      // one (within the guard's 30 s it is sent where the first led, as a repeat).
      const again = await agent.post(`${PASSKEYS}/toevoegen`).type('form').send(body);
      expect(again.status).to.be.oneOf([302, 400, 403]);
      expect(await passkeysOf(patient.id)).to.have.length(1);
      expect((await messageKinds(rt, patient.id)).filter((kind) => kind === 'passkey_added')).to.have.length(1);
    });
    it('keeps at most 10 passkeys: two sessions taking the last place at once add one, then the page and the options say so', async () => {
      const { patient, agent } = await signedIn();
      const other = rt.agent();
      await signIn(other, patient.email, patient.password);
      await confirmPassword(other, patient.password, `${PASSKEYS}/toevoegen`);
      await rt.services.twoFactor.enablePasskey(patient.id, []); // so an add only adds
      for (let i = 1; i <= 9; i += 1) await registerPasskey(rt, patient, authenticatorFor(rt), `Sleutel ${i}`);
      // Both have their options (their own challenge) before either answers: only the count decides.
      const answers = await Promise.all([agent, other].map(async (session, i) => {
        const page = await session.get(`${PASSKEYS}/toevoegen`);
        const token = csrfTokenOf(page.text);
        const options = await askOptions(session, `${PASSKEYS}/toevoegen/opties`, token, { name: `Laatste ${i}` });
        expect(options.status, options.text).to.equal(200);
        return { session, form: { _csrf: token, name: `Laatste ${i}`, credential: JSON.stringify(authenticatorFor(rt).create(options.body)) } };
      }));
      const results = await Promise.all(answers.map(({ session, form }) => session.post(`${PASSKEYS}/toevoegen`).type('form').send(form)));
      expect(await passkeysOf(patient.id)).to.have.length(10);
      const added = (r: (typeof results)[number]) => r.status === 302 && r.headers.location === `${TWO_STEP}`;
      expect(results.filter(added)).to.have.length(1);
      // The other: refused with the reason, or (when it came after the whole add) signed out by it.
      const loser = results.find((r) => !added(r))!;
      if (loser.status === 400) expect(loser.text).to.include('Je hebt al 10 toegangssleutels, het hoogste aantal.');
      else expect([loser.status, loser.headers.location]).to.deep.equal([302, '/inloggen']);

      const winner = added(results[0]!) ? agent : other;
      const page = await winner.get(TWO_STEP);
      expect(page.text).to.include('Je hebt 10 toegangssleutels, het hoogste aantal. Wil je een nieuwe toevoegen? Verwijder er dan eerst een.');
      expect(page.text, 'no add link to make').not.to.include('data-passkey-href');
      const token = csrfTokenOf((await winner.get(`${PASSKEYS}/toevoegen`)).text);
      const options = await askOptions(winner, `${PASSKEYS}/toevoegen/opties`, token, { name: 'Elfde' });
      expect(options.status).to.equal(409);
      expect(options.body.message).to.equal('Je hebt al 10 toegangssleutels, het hoogste aantal. Verwijder er eerst een.');
    });
  });

  describe('renaming and removing', () => {
    type World = Awaited<ReturnType<typeof patientWithPasskey>>;
    let world: World;
    beforeEach(async () => {
      world = await patientWithPasskey(rt);
    });

    /** The rename or remove page's form, after a fresh confirmation with the passkey. */
    async function confirmWithPasskey(agent: supertest.Agent, returnTo: string) {
      const page = `/account/bevestigen?terug=${encodeURIComponent(returnTo)}`;
      const token = csrfTokenOf((await agent.get(page)).text);
      const options = await askOptions(agent, '/account/bevestigen/toegangssleutel/opties', token);
      const res = await agent.post('/account/bevestigen').type('form')
        .send({ _csrf: token, terug: returnTo, password: world.patient.password, code: '', credential: JSON.stringify(world.authenticator.get(options.body)) });
      expect(res.headers.location, res.text.slice(0, 300)).to.equal(returnTo);
    }

    it('answers a confirmation with the passkey while the second step is locked with 429 and when the lock ends', async () => {
      const { agent, patient } = world;
      rt.clock.advanceMinutes(11); // the confirmation of the setup has expired
      await lockSecondStep(rt, patient.id);
      const page = `/account/bevestigen?terug=${encodeURIComponent(TWO_STEP)}`;
      const token = csrfTokenOf((await agent.get(page)).text);
      const options = await askOptions(agent, '/account/bevestigen/toegangssleutel/opties', token);
      const res = await agent.post('/account/bevestigen').type('form')
        .send({ _csrf: token, terug: TWO_STEP, password: patient.password, code: '', credential: JSON.stringify(world.authenticator.get(options.body)) });
      expect(res.status).to.equal(429);
      expect(res.headers['retry-after']).to.equal('900');
      expect(res.text).to.include('Je hebt te vaak een verkeerde code ingevuld. Je kunt het om 14:26 opnieuw proberen.');
    });

    it('renames after a fresh confirmation, checks the name, records and announces it', async () => {
      const { agent, patient } = world;
      const [passkey] = await passkeysOf(patient.id);
      const path = `${PASSKEYS}/${passkey!.id}/naam`;
      rt.clock.advanceMinutes(11); // the confirmation of the setup has expired
      expect((await agent.get(path)).headers.location).to.equal(`/account/bevestigen?terug=${encodeURIComponent(path)}`);
      await confirmWithPasskey(agent, path);
      const form = await agent.get(path);
      expect(form.text).to.include('De toegangssleutel heet nu &#39;iPhone van Cas&#39;.').and.include('value="iPhone van Cas"');
      const empty = await submitForm(agent, path, { name: '' });
      expect(empty.status).to.equal(400);
      expect(empty.text).to.include('Geef je toegangssleutel een naam.');
      const res = await submitForm(agent, path, { name: '  Telefoon   van Cas ' });
      expect(res.headers.location).to.equal(`${TWO_STEP}`);
      expect((await passkeysOf(patient.id))[0]!.name).to.equal('Telefoon van Cas');
      const renamed = (await rt.services.audit.listForUser(patient.id)).find((e) => e.type === 'passkey_renamed');
      expect(renamed!.details).to.deep.equal({ passkey: 'Telefoon van Cas', previous: 'iPhone van Cas' });
      expect(await messageKinds(rt, patient.id)).to.include('passkey_renamed');
      expect((await mailedAlerts(rt, patient.id)).map((m) => m.kind), 'a new name opens no way in: not e-mailed').not.to.include('passkey_renamed');
    });

    it('renames once when the form is sent twice at once (a double click): one notice', async () => {
      const { agent, patient } = world;
      const [passkey] = await passkeysOf(patient.id);
      const path = `${PASSKEYS}/${passkey!.id}/naam`;
      const changed = `${TWO_STEP}`;

      await doubleClick(agent, path, { name: 'Telefoon van Cas' }, { first: changed, second: [changed] });

      expect((await passkeysOf(patient.id))[0]!.name).to.equal('Telefoon van Cas');
      expect((await messageKinds(rt, patient.id)).filter((kind) => kind === 'passkey_renamed'), 'one notice in Berichten').to.have.length(1);
    });

    it('removes once when the form is sent twice at once (a double click): one notice, still signed in', async () => {
      const { agent, patient } = world;
      const second = await registerPasskey(rt, patient, authenticatorFor(rt), 'Oude laptop');
      const removed = `${TWO_STEP}`;

      await doubleClick(agent, `${PASSKEYS}/${second.id}/verwijderen`, {}, { first: removed, second: [removed] });

      expect((await passkeysOf(patient.id)).map((p) => p.name)).to.deep.equal(['iPhone van Cas']);
      expect((await messageKinds(rt, patient.id)).filter((kind) => kind === 'passkey_removed'), 'one notice in Berichten').to.have.length(1);
      const page = await agent.get(removed);
      expect(page.status, 'the browser keeps a signed-in session whichever answer it shows').to.equal(200);
      expect(page.text).to.include('Je toegangssleutel is verwijderd.');
    });

    it('keeps the only passkey of a patient without another method, also when two removals race', async () => {
      const { agent, patient } = world;
      const [only] = await passkeysOf(patient.id);
      const path = `${PASSKEYS}/${only!.id}/verwijderen`;
      const page = await agent.get(path);
      expect(page.text).to.include('is je enige toegangssleutel').and.not.include('Verwijder toegangssleutel</button>');
      const res = await agent.post(path).type('form').send({ _csrf: csrfTokenOf(page.text) });
      expect(res.status).to.equal(409);
      expect(await passkeysOf(patient.id)).to.have.length(1);

      const second = await registerPasskey(rt, patient, authenticatorFor(rt), 'Tweede');
      const token = csrfTokenOf((await agent.get(path)).text);
      const results = await Promise.all([only!, second].map((p) => agent.post(`${PASSKEYS}/${p.id}/verwijderen`).type('form').send({ _csrf: token })));
      // One goes through. The other finds the last passkey (409) or, when it comes in after the
      // first has moved this session to a new id (other sessions end), no session to act in.
      const removedPage = `${TWO_STEP}`;
      const outcomes = results.map((r) => (r.status === 302 && r.headers.location === removedPage ? 'removed' : r.status === 409 ? 'last' : 'no session'));
      expect(outcomes.filter((o) => o === 'removed'), outcomes.join(', ')).to.have.length(1);
      expect(await passkeysOf(patient.id)).to.have.length(1);
      const removals = (await rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'passkey_removed');
      expect(removals).to.have.length(1);
    });

    it('removes a passkey after a fresh confirmation: recorded, announced, other sessions end', async () => {
      const { agent, patient } = world;
      const second = await registerPasskey(rt, patient, authenticatorFor(rt), 'Oude laptop');
      const other = rt.agent();
      expect((await passkeySignIn(other, world.authenticator)).headers.location).to.equal('/werkblad');
      const path = `${PASSKEYS}/${second.id}/verwijderen`;
      const page = await agent.get(path);
      expect(page.text).to.include('Wil je de toegangssleutel &#39;Oude laptop&#39; verwijderen?');
      const res = await agent.post(path).type('form').send({ _csrf: csrfTokenOf(page.text) });
      expect(res.headers.location).to.equal(`${TWO_STEP}`);
      expect((await passkeysOf(patient.id)).map((p) => p.name)).to.deep.equal(['iPhone van Cas']);
      expect((await rt.services.audit.listForUser(patient.id)).find((e) => e.type === 'passkey_removed')!.details).to.deep.equal({ passkey: 'Oude laptop' });
      expect(await messageKinds(rt, patient.id)).to.include('passkey_removed');
      const removal = (await mailedAlerts(rt, patient.id)).find((m) => m.kind === 'passkey_removed');
      expect(removal?.text).to.include("De toegangssleutel 'Oude laptop' is van je Karify account verwijderd.");
      await expectSignedOut(other);
      expect((await agent.get(res.headers.location!)).text).to.include('Je toegangssleutel is verwijderd.');
      const back = await agent.get(path);
      expect(`${back.status} ${back.headers.location}`, 'the back button: the overview, not "not found"').to.equal(`302 ${TWO_STEP}`);
      expect((await agent.get(TWO_STEP)).text).to.include('Die toegangssleutel is er niet (meer).');
    });

    it('shows another patient\'s passkey to nobody: its pages lead to the overview as a removed one\'s do, its forms answer 404, nothing changes', async () => {
      const stranger = await patientWithPasskey(rt, 'Van een ander');
      const [theirs] = await passkeysOf(stranger.patient.id);
      for (const path of [`${PASSKEYS}/${theirs!.id}/naam`, `${PASSKEYS}/${theirs!.id}/verwijderen`]) {
        const page = await world.agent.get(path);
        expect(`${page.status} ${page.headers.location}`, path).to.equal(`302 ${TWO_STEP}`);
        const overview = (await world.agent.get(TWO_STEP)).text;
        expect(overview).to.include('Die toegangssleutel is er niet (meer). Hieronder zie je je toegangssleutels.').and.not.include('Van een ander');
      }
      expect((await world.agent.get(`${PASSKEYS}/abc/naam`)).status).to.equal(404);
      const token = csrfTokenOf((await world.agent.get(TWO_STEP)).text);
      expect((await world.agent.post(`${PASSKEYS}/${theirs!.id}/verwijderen`).type('form').send({ _csrf: token })).status).to.equal(404);
      expect((await world.agent.post(`${PASSKEYS}/${theirs!.id}/naam`).type('form').send({ _csrf: token, name: 'Van mij' })).status).to.equal(404);
      expect((await passkeysOf(stranger.patient.id)).map((p) => p.name)).to.deep.equal(['Van een ander']);
    });
  });
});
