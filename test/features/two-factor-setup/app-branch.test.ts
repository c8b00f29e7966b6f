import { expect } from 'chai';
import QRCode from 'qrcode';
import { QR_OPTIONS, QR_PNG_OPTIONS, totpPairing } from '../../../src/components/totp-pairing/pairing';
import { STAFF_TOTP_ISSUER } from '../../../src/domain/totp';
import { createTranslators } from '../../../src/i18n';
import { csrfTokenOf, signIn, submitForm } from '../../support/forms';
import { startTestRuntime, TestRuntime } from '../../support/runtime';
import { appCode, chooseApp, enableAppTwoFactor, keyFromPage, patientWithApp, STEP_MS, wrongAppCode } from '../../support/totp';
import { enterSignInCode, passwordStep, recoveryCodesIn, SETUP, signedInPatient } from '../../support/two-factor';
import { twoFactorRow } from '../../support/two-factor-row';

const BASE = '/account/twee-stappen';
const QR_LABEL = 'QR-code om je Karify account aan je authenticatie-app toe te voegen';

/** The width and height a PNG data: URI's header gives (IHDR, after the 8-byte signature). */
const pngSize = (dataUri: string) => {
  const png = Buffer.from(dataUri.replace(/^data:image\/png;base64,/, ''), 'base64');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
};

describe('two-step setup: the authenticator app (J4)', () => {
  let rt: TestRuntime;
  afterEach(() => rt?.close());

  describe('the wizard branch "Via een authenticatie-app"', () => {
    beforeEach(async () => {
      rt = await startTestRuntime();
    });

    it('tells a lock set off in the wizard truthfully: codes wait; it does not say signing in does (Berichten, e-mail)', async () => {
      const { patient, agent } = await signedInPatient(rt);
      await chooseApp(agent);
      const secret = keyFromPage((await agent.get(`${SETUP}/koppelen`)).text);
      await submitForm(agent, `${SETUP}/koppelen`, {});
      const wrong = wrongAppCode(secret, rt.clock.now());
      for (let i = 1; i <= 10; i += 1) await submitForm(agent, `${SETUP}/verificatie`, { code: wrong });
      expect((await submitForm(agent, `${SETUP}/verificatie`, { code: appCode(secret, rt.clock.now()) })).status, 'locked').to.equal(429);

      const inbox = (await agent.get('/berichten')).text;
      expect(inbox).to.match(/te vaak een verkeerde code ingevuld bij het instellen van authenticatie in twee stappen\. Daarom kun je tot \d\d:\d\d geen code gebruiken\./);
      expect(inbox).not.to.include('niet inloggen');
      const mails = (await rt.db('mail_outbox').where({ user_id: patient.id }).pluck('text_body')).join('\n');
      expect(mails).to.match(/bij het instellen van authenticatie in twee stappen voor je Karify account\. Daarom kun je tot \d\d:\d\d CET geen code gebruiken\./).and.not.include('niemand inloggen');
      expect((await signIn(rt.agent(), patient.email, patient.password)).headers.location, 'the password still signs in').to.equal('/werkblad');
    });

    it('turns the app on: Methode — Koppelen — Verificatie — Herstelcodes — Klaar', async () => {
      const { patient, agent } = await signedInPatient(rt);
      const method = await agent.get(`${SETUP}/methode`);
      expect(method.text).to.match(/<label for="method">Via een authenticatie-app<\/label>\s*<p class="hint" id="method-app-hint">Aanbevolen\./);
      expect(method.text).not.to.include('binnenkort');

      expect((await chooseApp(agent)).headers.location).to.equal(`${SETUP}/koppelen`);
      const pair = await agent.get(`${SETUP}/koppelen`);
      expect(pair.status).to.equal(200);
      expect(pair.text).to.include('2. Koppel je authenticatie-app').and.include('Authenticatie-app instellen');
      const labels = [...pair.text.matchAll(/<span class="progress-mark" aria-hidden="true" data-mark="[^"]*"><\/span> (\w+)/g)].map((m) => m[1]);
      expect(labels).to.deep.equal(['Methode', 'Koppelen', 'Verificatie', 'Herstelcodes']);
      expect(pair.text).to.match(/aria-current="step"><span class="progress-mark" aria-hidden="true" data-mark="2"><\/span> Koppelen/);
      expect(pair.text).to.include('Microsoft Authenticator').and.include('Google Authenticator').and.include('FreeOTP');
      expect(pair.text).to.include(patient.email).and.include('De app laat nu bij Karify een code van 6 cijfers zien.');
      // "Verder" under its own heading, not under "Lukt scannen niet?" (the manual key), which it does not belong to.
      expect(pair.text).to.match(/<\/dl>\s*<p class="hint">[^<]*<\/p>\s*<h2>Heb je de app gekoppeld\?<\/h2>\s*<p>Klik daarna op Verder\./);
      expect(pair.text).to.match(/<code class="totp-key">([A-Z2-7]{4} ){7}[A-Z2-7]{4}<\/code>/);
      const secret = keyFromPage(pair.text);

      // The QR code, in the page (no image request, no script): an SVG in a <picture>'s source, and a
      // PNG in its <img> for the browsers that draw no SVG (NetSurf, Dillo), with a text alternative
      // and its own size; both hold the otpauth:// URI of this key and account.
      const picture = /<picture><source type="image\/svg\+xml" srcset="(data:image\/svg\+xml,[^"\s,]+)"><img class="qr-code" src="(data:image\/png;base64,[^"]+)" alt="([^"]*)" width="(\d+)" height="(\d+)"><\/picture>/.exec(pair.text);
      expect(picture, 'the QR code\'s picture').not.to.equal(null);
      const [, svg, png, alt, width, height] = picture!;
      expect(alt).to.equal(QR_LABEL);
      expect(pngSize(png!)).to.deep.equal([Number(width), Number(height)]);
      expect(pair.text).not.to.match(/<svg|<script/);
      const uri = `otpauth://totp/Karify:${encodeURIComponent(patient.email)}?issuer=Karify&secret=${secret}&algorithm=SHA1&digits=6&period=30`;
      expect(decodeURIComponent(svg!.slice('data:image/svg+xml,'.length))).to.equal(await QRCode.toString(uri, { ...QR_OPTIONS, type: 'svg' }));
      expect(png).to.equal(await QRCode.toDataURL(uri, QR_PNG_OPTIONS));

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
      const shown = recoveryCodesIn(recovery.text);
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
      const labels = [...phone.text.matchAll(/<span class="progress-mark" aria-hidden="true" data-mark="[^"]*"><\/span> (\w+)/g)].map((m) => m[1]);
      expect(labels).to.deep.equal(['Methode', 'Telefoonnummer', 'Verificatie', 'Herstelcodes']);
      expect((await agent.get(`${SETUP}/koppelen`)).headers.location).to.equal(`${SETUP}/telefoonnummer`);
    });

  });

  describe('the QR code', () => {
    it('names the desk\'s own issuer for staff, so a staff member who is also a patient tells the two apart', async () => {
      const nl = createTranslators().nl;
      const patient = await totpPairing('AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT', 'cas@example.nl', nl);
      const staff = await totpPairing('AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT', 'cas@example.nl', nl, STAFF_TOTP_ISSUER);
      expect(new URL(patient.uri).searchParams.get('issuer')).to.equal('Karify');
      expect(decodeURIComponent(new URL(staff.uri).pathname)).to.equal('/Karify Balie:cas@example.nl');
      expect(new URL(staff.uri).searchParams.get('issuer')).to.equal('Karify Balie');
      expect(patient.qr.label).to.equal(QR_LABEL);
      expect(staff.qr.label).to.equal('QR-code om je Karify Balie account aan je authenticatie-app toe te voegen');
    });

    it('holds the otpauth:// URI: issuer Karify, the e-mail, SHA1, 6 digits, 30 seconds', async () => {
      const secret = 'AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT';
      const { uri, qr, key } = await totpPairing(secret, 'cas@example.nl', () => 'QR-code');
      const parsed = new URL(uri);
      expect(parsed.protocol).to.equal('otpauth:');
      expect(parsed.host).to.equal('totp');
      expect(decodeURIComponent(parsed.pathname)).to.equal('/Karify:cas@example.nl');
      expect(Object.fromEntries(parsed.searchParams)).to.deep.equal({ issuer: 'Karify', secret, algorithm: 'SHA1', digits: '6', period: '30' });
      expect(qr.svg).to.equal(`data:image/svg+xml,${encodeURIComponent(await QRCode.toString(uri, { errorCorrectionLevel: 'M', margin: 4, type: 'svg' }))}`);
      expect(qr.png).to.equal(await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 4, type: 'image/png', scale: 4 }));
      expect(qr.size, 'four pixels a module, with a margin of four modules').to.equal((QRCode.create(uri, { errorCorrectionLevel: 'M' }).modules.size + 8) * 4);
      expect(pngSize(qr.png)).to.deep.equal([qr.size, qr.size]);
      expect(qr.svg.length + qr.png.length, 'a few KB in the page').to.be.below(10000);
      expect(key).to.equal('AAAQ EAYE AUDA OCAJ BIFQ YDIO B4IB CEQT');
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
});
