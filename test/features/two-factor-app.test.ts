import { expect } from 'chai';
import QRCode from 'qrcode';
import type supertest from 'supertest';
import { QR_OPTIONS, totpPairing } from '../../src/components/totp-pairing/pairing';
import { csrfTokenOf, signIn, submitForm } from '../support/forms';
import { startTestRuntime, TestRuntime } from '../support/runtime';
import {
  appCode, chooseApp, enableAppTwoFactor, keyFromPage, patientWithApp, STEP_MS, wrongAppCode,
} from '../support/totp';
import {
  enterRecoveryCode, enterSignInCode, lastCode, passwordStep, patientWithSms, SETUP, signedInPatient, SmsWorld, startSmsWorld,
} from '../support/two-factor';
import { twoFactorRow } from '../support/two-factor-row';

const BASE = '/account/twee-stappen';
const QR_LABEL = 'QR-code om je Karify account aan je authenticatie-app toe te voegen';

/** The path data of the dark modules of a QR SVG: equal paths, equal QR code. */
const qrModules = (svg: string) => /<path stroke="#000000" d="([^"]+)"/.exec(svg)?.[1];

const eventTypes = async (rt: TestRuntime, userId: number) => (await rt.services.audit.listForUser(userId)).map((e) => e.type);
const messageKinds = async (rt: TestRuntime, userId: number) => (await rt.services.messages.listForUser(userId)).map((m) => m.kind);

describe('two-step with an authenticator app (TOTP)', () => {
  let rt: TestRuntime;
  afterEach(() => rt?.close());

  describe('the wizard branch "Via een authenticatie-app"', () => {
    beforeEach(async () => {
      rt = await startTestRuntime();
    });

    it('turns the app on: Methode — Koppelen — Verificatie — Herstelcodes — Klaar', async () => {
      const { patient, agent } = await signedInPatient(rt);
      const method = await agent.get(`${SETUP}/methode`);
      expect(method.text).to.match(/<label for="method-app">Via een authenticatie-app<\/label>\s*<p class="hint" id="method-app-hint">Aanbevolen\./);
      expect(method.text).not.to.include('binnenkort');

      expect((await chooseApp(agent)).headers.location).to.equal(`${SETUP}/koppelen`);
      const pair = await agent.get(`${SETUP}/koppelen`);
      expect(pair.status).to.equal(200);
      expect(pair.text).to.include('2. Koppel je authenticatie-app').and.include('Authenticatie-app instellen');
      const labels = [...pair.text.matchAll(/<span class="progress-mark" aria-hidden="true">[^<]*<\/span> (\w+)/g)].map((m) => m[1]);
      expect(labels).to.deep.equal(['Methode', 'Koppelen', 'Verificatie', 'Herstelcodes']);
      expect(pair.text).to.match(/aria-current="step"><span class="progress-mark" aria-hidden="true">2<\/span> Koppelen/);
      expect(pair.text).to.include('Microsoft Authenticator').and.include('Google Authenticator').and.include('FreeOTP');
      expect(pair.text).to.include(patient.email);
      expect(pair.text).to.match(/<code class="totp-key">([A-Z2-7]{4} ){7}[A-Z2-7]{4}<\/code>/);
      const secret = keyFromPage(pair.text);

      // The QR code: inline SVG with an accessible name, holding the otpauth:// URI of this key and account.
      const svg = /<svg [^>]*>[\s\S]*?<\/svg>/.exec(pair.text)?.[0];
      expect(svg, 'inline SVG').to.be.a('string');
      expect(svg).to.match(new RegExp(`^<svg class="qr-code" role="img" aria-label="${QR_LABEL}"`));
      expect(svg).to.include(`<title>${QR_LABEL}</title>`);
      expect(pair.text).not.to.match(/<img|<script/);
      const uri = `otpauth://totp/Karify:${encodeURIComponent(patient.email)}?issuer=Karify&secret=${secret}&algorithm=SHA1&digits=6&period=30`;
      expect(qrModules(svg!)).to.be.a('string').and.equal(qrModules(await QRCode.toString(uri, QR_OPTIONS)));

      expect(keyFromPage((await agent.get(`${SETUP}/koppelen`)).text), 'a refresh shows the same key').to.equal(secret);
      expect((await submitForm(agent, `${SETUP}/koppelen`, {})).headers.location).to.equal(`${SETUP}/verificatie`);
      const verify = await agent.get(`${SETUP}/verificatie`);
      expect(verify.text).to.include('3. Vul verificatiecode in').and.include('Open je authenticatie-app');
      expect(verify.text).to.include('<label for="code">Verificatiecode</label>').and.include('Terug naar de QR-code');
      expect(verify.text).not.to.include('Stuur nieuwe code');
      expect(verify.text).not.to.include('masked-phone');

      const wrong = await submitForm(agent, `${SETUP}/verificatie`, { code: wrongAppCode(secret, rt.clock.now()) });
      expect(wrong.status).to.equal(400);
      expect(wrong.text).to.include('Deze code klopt niet');
      expect((await twoFactorRow(rt.db, patient.id)).two_factor_method).to.equal(null);

      const code = appCode(secret, rt.clock.now());
      const verified = await submitForm(agent, `${SETUP}/verificatie`, { code: `${code.slice(0, 3)} ${code.slice(3)}` });
      expect(verified.headers.location).to.equal(`${SETUP}/herstelcodes`);
      const recovery = await agent.get(`${SETUP}/herstelcodes`);
      const shown = [...recovery.text.matchAll(/<li><code>(\d{5} \d{5})<\/code><\/li>/g)].map((m) => m[1]!);
      expect(shown).to.have.length(10);
      expect((await twoFactorRow(rt.db, patient.id)).two_factor_method, 'on only after the codes were saved').to.equal(null);
      expect((await submitForm(agent, `${SETUP}/herstelcodes`, {})).headers.location).to.equal(`${SETUP}/klaar`);
      const done = await agent.get(`${SETUP}/klaar`);
      expect(done.text).to.include('Het is gelukt, je account is nu extra beveiligd!').and.include('authenticatie-app');

      const status = await agent.get(BASE);
      expect(status.text).to.include('<strong>ingeschakeld</strong>');
      expect(status.text).to.match(/<dt>Methode<\/dt><dd>Authenticatie-app<\/dd>/);
      expect(status.text).not.to.include('<dt>Telefoonnummer</dt>');
      expect(status.text).to.include('10 van de 10').and.include('Overstappen op SMS');
      expect(status.text).not.to.include('Telefoonnummer wijzigen');

      const row = await twoFactorRow(rt.db, patient.id);
      expect(row.two_factor_method).to.equal('totp');
      expect(row.two_factor_phone).to.equal(null);
      expect(Number(row.totp_last_step)).to.equal(Math.floor(rt.clock.now() / STEP_MS));
      expect((await rt.services.audit.listForUser(patient.id))[0]).to.deep.include({ type: 'two_factor_enabled', details: { method: 'totp' } });
      expect((await agent.get('/account/beveiliging')).text).to.include('Authenticatie in twee stappen ingeschakeld (met authenticatie-app)');
    });

    it('stores the secret only encrypted, and never in the session once it is on', async () => {
      const { patient, agent } = await signedInPatient(rt);
      const { secret } = await enableAppTwoFactor(agent, rt);
      const row = await twoFactorRow(rt.db, patient.id);
      expect(row.totp_secret_encrypted).to.match(/^v1\./);
      for (const form of [secret, secret.toLowerCase(), Buffer.from(secret).toString('base64')]) {
        expect(JSON.stringify(row)).not.to.include(form);
      }
      expect(rt.services.secretBox.open(row.totp_secret_encrypted)).to.equal(secret);
      const sessions = await rt.db('sessions').select('sess');
      expect(sessions).not.to.be.empty;
      expect(JSON.stringify(sessions)).not.to.include(secret);
    });

    it('keeps the app branch in order: out-of-order pages redirect, Back keeps the key, GET changes nothing', async () => {
      const { agent } = await signedInPatient(rt);
      expect((await agent.get(`${SETUP}/koppelen`)).headers.location).to.equal(`${SETUP}/methode`);
      expect((await submitForm(agent, `${SETUP}/methode`, {}, `${SETUP}/koppelen`)).headers.location).to.equal(`${SETUP}/methode`);
      await chooseApp(agent);
      const secret = keyFromPage((await agent.get(`${SETUP}/koppelen`)).text);
      for (const step of ['telefoonnummer', 'verificatie', 'herstelcodes', 'klaar']) {
        expect((await agent.get(`${SETUP}/${step}`)).headers.location, step).to.equal(`${SETUP}/koppelen`);
      }
      expect((await submitForm(agent, `${SETUP}/koppelen`, { code: '123456' }, `${SETUP}/verificatie`)).headers.location).to.equal(`${SETUP}/koppelen`);
      expect((await submitForm(agent, `${SETUP}/koppelen`, { country: 'NL', phone: '0612345678' }, `${SETUP}/telefoonnummer`)).headers.location)
        .to.equal(`${SETUP}/koppelen`);

      // Back to Methode and the app again: the key the patient may have scanned stays.
      expect((await agent.get(`${SETUP}/methode`)).text).to.match(/value="app" aria-describedby="method-app-hint" checked/);
      await chooseApp(agent);
      expect(keyFromPage((await agent.get(`${SETUP}/koppelen`)).text)).to.equal(secret);

      await submitForm(agent, `${SETUP}/koppelen`, {});
      expect((await agent.get(`${SETUP}/koppelen`)).status, 'back from Verificatie to the QR code').to.equal(200);
      expect((await submitForm(agent, `${SETUP}/verificatie`, {}, `${SETUP}/verificatie/nieuwe-code`)).headers.location).to.equal(`${SETUP}/verificatie`);
      await submitForm(agent, `${SETUP}/koppelen`, {});
      await submitForm(agent, `${SETUP}/verificatie`, { code: appCode(secret, rt.clock.now()) });
      for (const step of ['methode', 'koppelen', 'verificatie', 'klaar']) {
        expect((await agent.get(`${SETUP}/${step}`)).headers.location, step).to.equal(`${SETUP}/herstelcodes`);
      }
      const outbox = await rt.db('sms_outbox').count({ n: '*' }).first();
      expect(Number(outbox?.n)).to.equal(0);
    });

    it('can switch branches before verifying: the progress bar follows the method', async () => {
      const { agent } = await signedInPatient(rt);
      await chooseApp(agent);
      expect((await submitForm(agent, `${SETUP}/methode`, { method: 'sms' })).headers.location).to.equal(`${SETUP}/telefoonnummer`);
      const phone = await agent.get(`${SETUP}/telefoonnummer`);
      const labels = [...phone.text.matchAll(/<span class="progress-mark" aria-hidden="true">[^<]*<\/span> (\w+)/g)].map((m) => m[1]);
      expect(labels).to.deep.equal(['Methode', 'Telefoonnummer', 'Verificatie', 'Herstelcodes']);
      expect((await agent.get(`${SETUP}/koppelen`)).headers.location).to.equal(`${SETUP}/telefoonnummer`);
    });

  });

  describe('the QR code', () => {
    it('holds the otpauth:// URI: issuer Karify, the e-mail, SHA1, 6 digits, 30 seconds', async () => {
      const secret = 'AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT';
      const { uri, svg, key } = await totpPairing(secret, 'cas@example.nl', 'QR "code" <voor> & app');
      const parsed = new URL(uri);
      expect(parsed.protocol).to.equal('otpauth:');
      expect(parsed.host).to.equal('totp');
      expect(decodeURIComponent(parsed.pathname)).to.equal('/Karify:cas@example.nl');
      expect(Object.fromEntries(parsed.searchParams)).to.deep.equal({ issuer: 'Karify', secret, algorithm: 'SHA1', digits: '6', period: '30' });
      expect(qrModules(svg)).to.equal(qrModules(await QRCode.toString(uri, QR_OPTIONS)));
      expect(svg).to.match(/^<svg class="qr-code" role="img" aria-label="QR &quot;code&quot; &lt;voor&gt; &amp; app" xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg).to.include('<title>QR &quot;code&quot; &lt;voor&gt; &amp; app</title>');
      expect(svg.length).to.be.below(6000);
      expect(key).to.equal('AAAQ EAYE AUDA OCAJ BIFQ YDIO B4IB CEQT');
    });
  });

  describe('signing in with the app (J5)', () => {
    beforeEach(async () => {
      rt = await startTestRuntime();
    });

    async function halfSession(patient: { email: string; password: string }) {
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      return agent;
    }

    it('asks for the app code after the password: no number, nothing sent, then the workspace', async () => {
      const patient = await patientWithApp(rt);
      const agent = await halfSession(patient);
      const page = await agent.get('/inloggen/code');
      expect(page.status).to.equal(200);
      expect(page.text).to.include('Open je authenticatie-app').and.include('<label for="code">Verificatiecode</label>');
      expect(page.text).to.include('Verifiëren').and.include('Gebruik een herstelcode');
      expect(page.text).not.to.include('Stuur nieuwe code');
      expect(page.text).not.to.include('masked-phone');
      expect((await agent.get('/werkblad')).headers.location, 'still a half session').to.equal('/inloggen/code');

      expect((await submitForm(agent, '/inloggen/code', {}, '/inloggen/code/nieuwe-code')).headers.location).to.equal('/inloggen/code');
      expect(Number((await rt.db('sms_outbox').count({ n: '*' }).first())?.n)).to.equal(0);

      const done = await enterSignInCode(agent, appCode(patient.secret, rt.clock.now()));
      expect(done.headers.location).to.equal('/werkblad');
      expect((await agent.get('/werkblad')).status).to.equal(200);
      expect((await rt.services.audit.listForUser(patient.id))[0]).to.deep.include({ type: 'sign_in', details: { method: 'totp' } });
      expect((await agent.get('/account/beveiliging')).text).to.include('Ingelogd met authenticatie-app');
    });

    it('accepts the codes of the steps before and after now, and refuses codes two steps away', async () => {
      const patient = await patientWithApp(rt);
      const now = rt.clock.now();
      for (const delta of [-2, 2]) {
        const agent = await halfSession(patient);
        const res = await enterSignInCode(agent, appCode(patient.secret, now + delta * STEP_MS));
        expect(res.status, `step ${delta}`).to.equal(400);
        expect(res.text).to.include('Deze code klopt niet');
      }
      for (const delta of [-1, 0, 1]) {
        const agent = await halfSession(patient);
        expect((await enterSignInCode(agent, appCode(patient.secret, now + delta * STEP_MS))).headers.location, `step ${delta}`).to.equal('/werkblad');
      }
    });

    it('accepts a code once: a replay is refused, recorded and announced in Berichten', async () => {
      const patient = await patientWithApp(rt);
      const code = appCode(patient.secret, rt.clock.now());
      const first = await halfSession(patient);
      expect((await enterSignInCode(first, code)).headers.location).to.equal('/werkblad');

      const second = await halfSession(patient);
      const replay = await enterSignInCode(second, code);
      expect(replay.status).to.equal(400);
      expect(replay.text).to.include('Deze code is al gebruikt');
      expect(await eventTypes(rt, patient.id)).to.include('totp_replay_refused');
      expect(await messageKinds(rt, patient.id)).to.include('totp_replay_refused');
      const inbox = await first.get('/berichten');
      expect(inbox.text).to.include('We hebben een code geweigerd');
      expect((await first.get('/account/beveiliging')).text).to.include('Code uit de authenticatie-app geweigerd');

      rt.clock.advance(STEP_MS);
      expect((await enterSignInCode(second, appCode(patient.secret, rt.clock.now()))).headers.location).to.equal('/werkblad');
    });

    it('lets exactly one of two simultaneous sign-ins with the same code through', async () => {
      const patient = await patientWithApp(rt);
      const agents = [await halfSession(patient), await halfSession(patient)];
      const tokens = await Promise.all(agents.map(async (a) => csrfTokenOf((await a.get('/inloggen/code')).text)));
      const code = appCode(patient.secret, rt.clock.now());
      const results = await Promise.all(agents.map((a, i) => a.post('/inloggen/code').type('form').send({ _csrf: tokens[i], code })));
      expect(results.map((r) => r.headers.location ?? r.status).sort()).to.deep.equal([400, '/werkblad'].sort());
    });

    it('refuses a code the wizard just used to verify the pairing', async () => {
      const { patient, agent } = await signedInPatient(rt);
      const { secret } = await enableAppTwoFactor(agent, rt);
      const next = await halfSession(patient);
      expect((await enterSignInCode(next, appCode(secret, rt.clock.now()))).text).to.include('Deze code is al gebruikt');
    });

    it('applies the same lockout as for SMS: 10 wrong app codes lock the second step for 15 minutes', async () => {
      const patient = await patientWithApp(rt);
      const agent = await halfSession(patient);
      const wrong = wrongAppCode(patient.secret, rt.clock.now());
      for (let i = 1; i <= 9; i += 1) expect((await enterSignInCode(agent, wrong)).status).to.equal(400);
      const tenth = await enterSignInCode(agent, wrong);
      expect(tenth.status).to.equal(429);
      expect(tenth.text).to.match(/Je hebt te vaak een verkeerde code ingevuld. Je kunt om \d\d:\d\d opnieuw proberen/);
      expect((await enterSignInCode(agent, appCode(patient.secret, rt.clock.now()))).status).to.equal(429);
      expect((await enterRecoveryCode(agent, patient.recoveryCodes[0]!)).status).to.equal(429);
      expect(await messageKinds(rt, patient.id)).to.include('second_step_locked');

      rt.clock.advanceMinutes(15);
      rt.clock.advance(1000);
      const fresh = await halfSession(patient);
      expect((await enterSignInCode(fresh, appCode(patient.secret, rt.clock.now()))).headers.location).to.equal('/werkblad');
    });

    it('takes a recovery code instead of the app code', async () => {
      const patient = await patientWithApp(rt);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      expect((await enterRecoveryCode(agent, patient.recoveryCodes[2]!)).headers.location).to.equal('/inloggen/herstelcode-gebruikt');
      expect((await signIn(rt.agent(), patient.email, patient.password)).headers.location).to.equal('/inloggen/code');
    });
  });

  describe('fresh confirmation for app users', () => {
    beforeEach(async () => {
      rt = await startTestRuntime();
    });

    it('asks the app code instead of an SMS code, without a "Stuur code" button', async () => {
      const patient = await patientWithApp(rt);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      await enterSignInCode(agent, appCode(patient.secret, rt.clock.now()));
      const target = `${BASE}/herstelcodes/nieuw`;
      const page = `/account/bevestigen?terug=${encodeURIComponent(target)}`;
      const form = await agent.get(page);
      expect(form.text).to.include('Vul ook de code uit je authenticatie-app in.').and.include('De 6 cijfers uit je authenticatie-app.');
      expect(form.text).not.to.include('Stuur code');
      expect(form.text).not.to.include('/account/bevestigen/code');
      expect((await submitForm(agent, page, { terug: target }, '/account/bevestigen/code')).headers.location).to.match(/^\/account\/bevestigen\?terug=/);
      expect(Number((await rt.db('sms_outbox').count({ n: '*' }).first())?.n)).to.equal(0);

      const format = await submitForm(agent, page, { terug: target, password: patient.password, code: '123' }, '/account/bevestigen');
      expect(format.text).to.include('Vul de 6 cijfers uit je authenticatie-app in, of een herstelcode van 10 cijfers');
      const used = await submitForm(agent, page, { terug: target, password: patient.password, code: appCode(patient.secret, rt.clock.now()) }, '/account/bevestigen');
      expect(used.text).to.include('Deze code is al gebruikt');
      rt.clock.advance(STEP_MS);
      const ok = await submitForm(agent, page, { terug: target, password: patient.password, code: appCode(patient.secret, rt.clock.now()) }, '/account/bevestigen');
      expect(ok.headers.location).to.equal(target);
      expect((await agent.get(target)).status).to.equal(200);
    });
  });

  describe('across a restart of the server (same database)', () => {
    it('continues after a server restart with the same key', async () => {
      const env = { TEST_DB_KEY: `totp-restart-${process.pid}` };
      rt = await startTestRuntime(env);
      const { agent } = await signedInPatient(rt);
      await chooseApp(agent);
      const page = await agent.get(`${SETUP}/koppelen`);
      const secret = keyFromPage(page.text);
      const cookie = page.request.cookies;
      await rt.close();

      rt = await startTestRuntime(env);
      const restarted = rt.agent();
      const again = await restarted.get(`${SETUP}/koppelen`).set('Cookie', cookie);
      expect(again.status).to.equal(200);
      expect(keyFromPage(again.text)).to.equal(secret);
      const next = await restarted.post(`${SETUP}/koppelen`).set('Cookie', cookie).type('form').send({ _csrf: csrfTokenOf(again.text) });
      expect(next.headers.location).to.equal(`${SETUP}/verificatie`);
    });

    it('fails loudly when the secret was encrypted with another key, and signs nobody in', async () => {
      const env = { TEST_DB_KEY: `totp-key-${process.pid}`, TOTP_ENCRYPTION_KEY: 'first-key-'.padEnd(40, 'x') };
      rt = await startTestRuntime(env);
      const patient = await patientWithApp(rt);
      await rt.close();

      rt = await startTestRuntime({ ...env, TOTP_ENCRYPTION_KEY: 'other-key-'.padEnd(40, 'y') });
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      const res = await enterSignInCode(agent, appCode(patient.secret, rt.clock.now()));
      expect(res.status).to.equal(500);
      expect(res.text).to.include('Er ging iets mis');
      expect((await agent.get('/werkblad')).headers.location).to.equal('/inloggen/code');
      expect((await twoFactorRow(rt.db, patient.id)).totp_last_step).to.equal(null);
    });
  });

  describe('switching method (J6)', () => {
    let world: SmsWorld;
    beforeEach(async () => {
      world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1' });
      rt = world.rt;
    });
    afterEach(() => world.vonage.stop());

    const wait = () => new Promise((r) => setTimeout(r, 1100)); // past the SMS cooldown

    async function signedInWithSms(patient: { email: string; password: string }): Promise<supertest.Agent> {
      await wait();
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      expect((await enterSignInCode(agent, lastCode(world.vonage))).headers.location).to.equal('/werkblad');
      return agent;
    }

    async function signedInWithApp(patient: { email: string; password: string; secret: string }): Promise<supertest.Agent> {
      rt.clock.advance(STEP_MS); // a code not used yet
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      expect((await enterSignInCode(agent, appCode(patient.secret, rt.clock.now()))).headers.location).to.equal('/werkblad');
      return agent;
    }

    async function confirmWith(agent: supertest.Agent, returnTo: string, password: string, code: string) {
      const page = `/account/bevestigen?terug=${encodeURIComponent(returnTo)}`;
      const res = await submitForm(agent, page, { terug: returnTo, password, code }, '/account/bevestigen');
      expect(res.headers.location, res.text).to.equal(returnTo);
    }

    it('from SMS to the app: SMS keeps working until the app is verified; recovery codes stay', async () => {
      const patient = await patientWithSms(rt);
      const other = await signedInWithSms(patient);
      const agent = await signedInWithSms(patient);
      const start = `${BASE}/overstappen/app`;
      expect((await agent.get(BASE)).text).to.include(`href="${start}">Overstappen op een authenticatie-app`);
      expect((await agent.get(start)).headers.location).to.equal(`/account/bevestigen?terug=${encodeURIComponent(start)}`);
      await wait();
      await submitForm(agent, `/account/bevestigen?terug=${encodeURIComponent(start)}`, { terug: start }, '/account/bevestigen/code');
      await confirmWith(agent, start, patient.password, lastCode(world.vonage));

      const intro = await agent.get(start);
      expect(intro.text).to.include('Je krijgt je codes via SMS tot je de app hebt gekoppeld');
      expect((await submitForm(agent, start, {})).headers.location).to.equal(`${start}/koppelen`);
      const pair = await agent.get(`${start}/koppelen`);
      expect(pair.text).to.include(`aria-label="${QR_LABEL}"`).and.include('FreeOTP');
      const secret = keyFromPage(pair.text);

      // Not verified yet: SMS is still the method, for this and every new sign-in.
      expect((await twoFactorRow(rt.db, patient.id)).two_factor_method).to.equal('sms');
      await signedInWithSms(patient);

      const wrong = await submitForm(agent, `${start}/koppelen`, { code: wrongAppCode(secret, rt.clock.now()) });
      expect(wrong.status).to.equal(400);
      expect(wrong.text).to.include('Deze code klopt niet');
      expect((await twoFactorRow(rt.db, patient.id)).two_factor_method).to.equal('sms');

      const recoveryBefore = await rt.db('recovery_codes').where({ user_id: patient.id }).orderBy('id');
      const code = appCode(secret, rt.clock.now());
      const done = await submitForm(agent, `${start}/koppelen`, { code });
      expect(done.headers.location).to.equal(`${BASE}?gewijzigd=methode`);
      const status = await agent.get(done.headers.location!);
      expect(status.text).to.include('Je gebruikt nu een andere methode').and.match(/<dd>Authenticatie-app<\/dd>/);
      expect(status.text).to.include('10 van de 10');

      const row = await twoFactorRow(rt.db, patient.id);
      expect([row.two_factor_method, row.two_factor_phone]).to.deep.equal(['totp', null]);
      expect(await rt.db('recovery_codes').where({ user_id: patient.id }).orderBy('id')).to.deep.equal(recoveryBefore);
      expect((await other.get('/werkblad')).headers.location, 'other sessions end').to.equal('/inloggen');
      expect((await agent.get('/werkblad')).status).to.equal(200);
      expect((await rt.services.audit.listForUser(patient.id))[0]).to.deep.include({ type: 'method_switched', details: { method: 'totp' } });
      const messages = await rt.services.messages.listForUser(patient.id);
      expect(messages[0]).to.deep.include({ kind: 'method_switched', params: { method: 'totp' } });
      expect((await agent.get('/berichten')).text).to.include('Je krijgt de code nu via een authenticatie-app.');
      expect((await agent.get('/account/beveiliging')).text).to.include('Methode voor inloggen in twee stappen gewijzigd naar authenticatie-app');

      // From now on: the app, no SMS; the code of the switch itself does not work twice.
      const sent = world.vonage.messages.length;
      const next = rt.agent();
      await passwordStep(next, patient.email, patient.password);
      expect(world.vonage.messages).to.have.length(sent);
      expect((await enterSignInCode(next, code)).text).to.include('Deze code is al gebruikt');
      expect((await enterRecoveryCode(next, patient.recoveryCodes[0]!)).status, 'an old recovery code still works').to.equal(303);
    });

    it('from the app to SMS: the app keeps working until the number is verified; recovery codes stay', async () => {
      const patient = await patientWithApp(rt);
      const other = await signedInWithApp(patient);
      const agent = await signedInWithApp(patient);
      const start = `${BASE}/overstappen/sms`;
      expect((await agent.get(BASE)).text).to.include(`href="${start}">Overstappen op SMS`);
      rt.clock.advance(STEP_MS);
      await confirmWith(agent, start, patient.password, appCode(patient.secret, rt.clock.now()));

      const form = await agent.get(start);
      expect(form.text).to.include('Overstappen op SMS').and.include('Je authenticatie-app blijft werken tot je de code hebt ingevuld.');
      const submitted = await submitForm(agent, start, { country: 'NL', phone: '06 87654321' });
      expect(submitted.headers.location).to.equal(`${start}/verificatie`);
      expect(world.vonage.messages.at(-1)!.to).to.equal('31687654321');
      const smsCode = lastCode(world.vonage);
      expect((await agent.get(`${start}/verificatie`)).text).to.include('+31 6 ••••••21');

      // Not verified yet: the app is still the method.
      expect((await twoFactorRow(rt.db, patient.id)).two_factor_method).to.equal('totp');
      await signedInWithApp(patient);

      const recoveryBefore = await rt.db('recovery_codes').where({ user_id: patient.id }).orderBy('id');
      const done = await submitForm(agent, `${start}/verificatie`, { code: smsCode });
      expect(done.headers.location).to.equal(`${BASE}?gewijzigd=methode`);
      const status = await agent.get(done.headers.location!);
      expect(status.text).to.match(/<dd>Verificatiecode via SMS<\/dd>/).and.include('+31 6 ••••••21');

      const row = await twoFactorRow(rt.db, patient.id);
      expect([row.two_factor_method, row.two_factor_phone, row.totp_secret_encrypted, row.totp_last_step])
        .to.deep.equal(['sms', '+31687654321', null, null]);
      expect(await rt.db('recovery_codes').where({ user_id: patient.id }).orderBy('id')).to.deep.equal(recoveryBefore);
      expect((await other.get('/werkblad')).headers.location, 'other sessions end').to.equal('/inloggen');
      expect(await eventTypes(rt, patient.id)).to.include('method_switched');
      expect((await rt.services.messages.listForUser(patient.id))[0]).to.deep.include({ kind: 'method_switched', params: { method: 'sms' } });
      expect((await agent.get('/berichten')).text).to.include('Je krijgt de code nu via een SMS.');

      await wait();
      const sent = world.vonage.messages.length;
      const next = rt.agent();
      await passwordStep(next, patient.email, patient.password);
      expect(world.vonage.messages).to.have.length(sent + 1);
      rt.clock.advance(STEP_MS);
      expect((await enterSignInCode(next, appCode(patient.secret, rt.clock.now()))).status, 'the app no longer works').to.equal(400);
      expect((await enterRecoveryCode(next, patient.recoveryCodes[0]!)).status, 'an old recovery code still works').to.equal(303);
    });

    it('offers each switch only to the users of the other method', async () => {
      const smsPatient = await patientWithSms(rt);
      const smsAgent = await signedInWithSms(smsPatient);
      await confirmWith(smsAgent, `${BASE}/uitzetten`, smsPatient.password, smsPatient.recoveryCodes[0]!);
      for (const path of [`${BASE}/overstappen/sms`, `${BASE}/overstappen/sms/verificatie`]) {
        expect((await smsAgent.get(path)).headers.location, path).to.equal(BASE);
      }

      const appPatient = await patientWithApp(rt);
      const appAgent = await signedInWithApp(appPatient);
      await confirmWith(appAgent, `${BASE}/uitzetten`, appPatient.password, appPatient.recoveryCodes[0]!);
      for (const path of [`${BASE}/overstappen/app`, `${BASE}/overstappen/app/koppelen`, `${BASE}/telefoonnummer-wijzigen`]) {
        expect((await appAgent.get(path)).headers.location, path).to.equal(BASE);
      }
      const token = csrfTokenOf((await appAgent.get(BASE)).text);
      const post = await appAgent.post(`${BASE}/telefoonnummer-wijzigen`).type('form').send({ _csrf: token, country: 'NL', phone: '0687654321' });
      expect(post.headers.location).to.equal(BASE);
      expect((await twoFactorRow(rt.db, appPatient.id)).two_factor_phone).to.equal(null);
    });
  });
});
