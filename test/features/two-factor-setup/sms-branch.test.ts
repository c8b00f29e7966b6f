import { expect } from 'chai';
import { csrfTokenOf, expectDoubleClickAnswers, submitForm } from '../../support/forms';
import { chooseSms, enterCode, enterPhone, lastCode, lockSecondStep, recoveryCodesIn, SETUP, setupUntilRecoveryCodes, signedInPatient, SmsWorld, startSmsWorld, confirmPassword } from '../../support/two-factor';
import { twoFactorRow } from '../../support/two-factor-row';
import { RunningTestClock } from '../../support/clock';

describe('two-step setup: the SMS branch (J3, J4)', () => {
  let world: SmsWorld;
  afterEach(() => world?.close());

  describe('the whole wizard, as the manual shows it', () => {
    beforeEach(async () => {
      world = await startSmsWorld();
    });

    it('turns two-step on with a real Vonage call, step by step', async () => {
      const { rt, vonage } = world;
      const { patient, agent } = await signedInPatient(rt);

      const account = await agent.get('/account');
      expect(account.text).to.include('href="/account/twee-stappen"');
      const status = await agent.get('/account/twee-stappen');
      expect(status.text).to.include('Authenticatie in twee stappen is <strong>uitgeschakeld</strong> voor jouw Karify account.');
      expect(status.text).to.include('Authenticatie in twee stappen instellen');
      expect(status.text).to.include('Lees meer over authenticatie in twee stappen');
      expect((await agent.get('/hulp/twee-stappen')).text).to.include('iets wat je hebt');

      expect((await agent.get(SETUP)).headers.location).to.equal(`${SETUP}/methode`);
      const method = await agent.get(`${SETUP}/methode`);
      expect(method.text).to.include('Via een authenticatie-app').and.include('Via een SMS');
      expect(method.text).to.match(/aria-current="step"><span class="progress-mark" aria-hidden="true" data-mark="1"><\/span> Methode/);

      expect((await chooseSms(agent)).headers.location).to.equal(`${SETUP}/telefoonnummer`);
      const phonePage = await agent.get(`${SETUP}/telefoonnummer`);
      expect(phonePage.text).to.include('2. Vul je telefoonnummer in');
      expect(phonePage.text).to.include('We sturen een verificatiecode naar je mobiele telefoon via SMS wanneer je inlogt.');
      expect(phonePage.text).to.match(/<option value="NL" selected>Nederland \(\+31\)<\/option>/);
      const countries = [...phonePage.text.matchAll(/<option value="([A-Z]{2})"/g)].map((m) => m[1]);
      expect(countries, 'only the countries an SMS can go to (SMS_ALLOWED_COUNTRIES: NL, BE)').to.deep.equal(['NL', 'BE']);
      expect(phonePage.text).to.include('Bevestig telefoonnummer');
      expect(phonePage.text).to.match(/<span class="progress-mark" aria-hidden="true" data-mark="✓"><\/span> Methode <span class="progress-status">\(klaar\)/);

      expect((await enterPhone(agent, '06 1234 5678')).headers.location).to.equal(`${SETUP}/verificatie`);
      expect(vonage.messages).to.have.length(1);
      expect(vonage.messages[0]!.to).to.equal('31612345678');
      expect(vonage.messages[0]!.text).to.match(/^\d{6} is je Karify verificatiecode/);

      const verify = await agent.get(`${SETUP}/verificatie`);
      expect(verify.text).to.include('3. Vul verificatiecode in');
      expect(verify.text).to.include('+31 6 ••••••78');
      expect(verify.text).to.include('We hebben een 6-cijferige verificatiecode naar bovenstaand telefoonnummer gestuurd.');
      expect(verify.text).to.match(/autocomplete="one-time-code" inputmode="numeric"/);
      expect(verify.text).to.include('Verifiëren').and.include('Stuur nieuwe code').and.include('Telefoonnummer wijzigen');
      expect(verify.text).to.include('Is het niet gelukt?').and.include('<a href="tel:+31307370323">030&nbsp;–&nbsp;737&nbsp;0323</a>').and.include('/hulp/vragenformulier');

      const code = lastCode(vonage);
      const spaced = `${code.slice(0, 3)} ${code.slice(3)}`;
      expect((await enterCode(agent, spaced)).headers.location).to.equal(`${SETUP}/herstelcodes`);

      const recovery = await agent.get(`${SETUP}/herstelcodes`);
      expect(recovery.text).to.include('4. Nog één belangrijke stap: jouw herstelcodes');
      const shown = recoveryCodesIn(recovery.text);
      expect(shown).to.have.length(10);
      expect(new Set(shown).size).to.equal(10);
      expect(recovery.text).to.include('Let op: Je hebt geen toegang meer tot je account wanneer je toegang tot je apparaat én deze herstelcodes verliest.');
      // The three buttons of the manual, in its order; Kopieer leads to the read-only block of codes without JavaScript, which appear once.
      expect(recovery.text).to.match(/>Print herstelcodes<\/a><\/li>\n<li><a class="button button-secondary" href="#herstelcodes" data-copy-codes>Kopieer herstelcodes<\/a><\/li>\n<li><a [^>]*>Download herstelcodes<\/a>/);
      expect(recovery.text).to.include('<pre id="herstelcodes" class="recovery-codes" tabindex="-1">');
      for (const c of shown) expect(recovery.text.split(c), 'each code once').to.have.length(2);
      expect(recovery.text).to.match(/<script src="\/js\/copy-codes\.js\?v=[0-9a-f]{10}" defer><\/script>/);
      expect((await twoFactorRow(rt.db, patient.id)).two_factor_method).to.equal(null);
      expect(recovery.text.replaceAll('&#34;', '"'), 'says what is still true: nothing is on yet').to.include('Authenticatie in twee stappen staat pas aan als je op "Ik heb de codes bewaard" klikt. Tot dan werken deze codes ook niet.');
      expect(await rt.services.recoveryCodes.countRemaining(patient.id), 'no codes stored yet').to.equal(0);

      const download = await agent.get(`${SETUP}/herstelcodes/download`);
      expect(download.headers['content-disposition']).to.match(/^attachment; filename="?karify-herstelcodes\.txt"?$/);
      expect(download.headers['content-type']).to.match(/^text\/plain/);
      for (const c of shown) expect(download.text).to.include(c);
      const print = await agent.get(`${SETUP}/herstelcodes/afdrukken`);
      for (const c of shown) expect(print.text).to.include(c);

      expect((await submitForm(agent, `${SETUP}/herstelcodes`, {})).headers.location).to.equal(`${SETUP}/klaar`);
      const done = await agent.get(`${SETUP}/klaar`);
      expect(done.text).to.include('Authenticatie in twee stappen is ingeschakeld voor jouw account');
      expect(done.text).to.include('Het is gelukt, je account is nu extra beveiligd!');
      expect(done.text).to.match(/href="\/account\/twee-stappen">Sluiten/);
      expect(done.text, 'the help under "Klaar", as in the manual').to.match(/<h2 id="help-title">Is het niet gelukt\?<\/h2>/);
      expect(done.text).not.to.include(shown[0]!);

      const on = await agent.get('/account/twee-stappen');
      expect(on.text).to.include('<strong>ingeschakeld</strong>');
      expect(on.text).to.include('Verificatiecode via SMS').and.include('+31 6 ••••••78').and.include('10 van de 10');

      const row = await twoFactorRow(rt.db, patient.id);
      expect(row.two_factor_method).to.equal('sms');
      expect(row.two_factor_phone).to.equal('+31612345678');
      const stored = await rt.db('recovery_codes').where({ user_id: patient.id });
      expect(stored).to.have.length(10);
      for (const c of shown) {
        const digits = c.replace(' ', '');
        expect(JSON.stringify(stored)).not.to.include(digits);
      }
      const events = await rt.services.audit.listForUser(patient.id);
      expect(events.map((e) => e.type)).to.include('two_factor_enabled');

      // The codes were shown once: the wizard cannot be replayed.
      expect((await agent.get(`${SETUP}/herstelcodes`)).headers.location).to.equal('/account/twee-stappen');
      expect((await agent.get(`${SETUP}/herstelcodes/download`)).headers.location).to.equal('/account/twee-stappen');
    });

    it('says why "Ik heb de codes bewaard" asks for the password again after longer than the confirmation lasts (printing the codes), and then finishes', async () => {
      const { rt, vonage } = world;
      const { agent, patient } = await signedInPatient(rt);
      await chooseSms(agent);
      await enterPhone(agent, '06 12345678');
      expect((await enterCode(agent, lastCode(vonage))).headers.location).to.equal(`${SETUP}/herstelcodes`);
      const token = csrfTokenOf((await agent.get(`${SETUP}/herstelcodes`)).text);
      rt.clock.advanceMinutes(11);
      // It turns two-step on: not for a session whose confirmation ran out.
      const saved = await agent.post(`${SETUP}/herstelcodes`).type('form').send({ _csrf: token });
      expect(saved.headers.location).to.match(/^\/account\/bevestigen\?terug=/);
      expect((await twoFactorRow(rt.db, patient.id)).two_factor_method).to.equal(null);
      const confirmPage = await agent.get(saved.headers.location!);
      expect(confirmPage.text).to.include('Het is te lang geleden dat je bevestigde dat jij het bent. Bevestig het daarom opnieuw.');
      const confirmed = await submitForm(agent, saved.headers.location!, { terug: SETUP, password: patient.password }, '/account/bevestigen');
      expect((await agent.get(confirmed.headers.location!)).headers.location, 'back to the codes').to.equal(`${SETUP}/herstelcodes`);
      expect((await submitForm(agent, `${SETUP}/herstelcodes`, {})).headers.location).to.equal(`${SETUP}/klaar`);
    });

    it('leaves two-step off when the wizard is abandoned before the last step', async () => {
      const { rt, vonage } = world;
      const { patient, agent } = await signedInPatient(rt);
      await setupUntilRecoveryCodes(agent, vonage);
      const row = await twoFactorRow(rt.db, patient.id);
      expect(row.two_factor_method).to.equal(null);
      expect(await rt.db('recovery_codes').where({ user_id: patient.id })).to.have.length(0);
      expect((await agent.get('/account/twee-stappen')).text).to.include('<strong>uitgeschakeld</strong>');
    });

    it('redirects steps reached out of order to the current step', async () => {
      const { rt, vonage } = world;
      const { agent } = await signedInPatient(rt);
      for (const step of ['telefoonnummer', 'verificatie', 'herstelcodes', 'herstelcodes/download', 'klaar']) {
        expect((await agent.get(`${SETUP}/${step}`)).headers.location, step).to.equal(`${SETUP}/methode`);
      }
      expect((await submitForm(agent, `${SETUP}/methode`, { code: '123456' }, `${SETUP}/verificatie`)).headers.location).to.equal(`${SETUP}/methode`);
      expect((await submitForm(agent, `${SETUP}/methode`, {}, `${SETUP}/herstelcodes`)).headers.location).to.equal(`${SETUP}/methode`);
      await chooseSms(agent);
      expect((await agent.get(`${SETUP}/verificatie`)).headers.location).to.equal(`${SETUP}/telefoonnummer`);
      await setupUntilRecoveryCodesFromPhone();
      for (const step of ['methode', 'telefoonnummer', 'verificatie', 'klaar']) {
        expect((await agent.get(`${SETUP}/${step}`)).headers.location, step).to.equal(`${SETUP}/herstelcodes`);
      }

      async function setupUntilRecoveryCodesFromPhone() {
        await enterPhone(agent, '0612345678');
        await enterCode(agent, lastCode(vonage));
      }
    });

    it('lets the patient go back to change the number before verifying', async () => {
      const { rt, vonage } = world;
      const { agent } = await signedInPatient(rt);
      await chooseSms(agent);
      await enterPhone(agent, '06 12345678');
      const back = await agent.get(`${SETUP}/telefoonnummer`);
      expect(back.status).to.equal(200);
      expect(back.text).to.match(/name="phone" type="text" value="06 12345678" autocomplete="tel-national" inputmode="tel"/);
      expect((await agent.get(`${SETUP}/methode`)).status).to.equal(200);
      expect(vonage.messages).to.have.length(1); // GETs send nothing
    });

    it('never sends an SMS on a GET or a refresh', async () => {
      const { rt, vonage } = world;
      const { agent } = await signedInPatient(rt);
      await chooseSms(agent);
      await enterPhone(agent, '0612345678');
      for (let i = 0; i < 3; i += 1) expect((await agent.get(`${SETUP}/verificatie`)).status).to.equal(200);
      expect(vonage.messages).to.have.length(1);
    });

    it('refuses a wrong code and keeps the patient on the step', async () => {
      const { rt, vonage } = world;
      const { agent } = await signedInPatient(rt);
      await chooseSms(agent);
      await enterPhone(agent, '0612345678');
      const wrong = lastCode(vonage) === '000000' ? '111111' : '000000';
      const res = await enterCode(agent, wrong);
      expect(res.status).to.equal(400);
      expect(res.text).to.include('<title>Fout: Verificatie – Verificatiecode via SMS instellen – Karify</title>');
      expect(res.text).to.include('Deze code klopt niet');
      expect(res.text).to.match(/name="code" type="text" value="000000"|value="111111"/);
      const format = await enterCode(agent, '12ab');
      expect(format.text).to.include('De verificatiecode bestaat uit 6 cijfers');
      expect((await enterCode(agent, '')).text).to.include('Vul de verificatiecode in');
    });

    it('starts with a fresh confirmation of the password: a session left open cannot enrol a phone of its own', async () => {
      const { rt, vonage } = world;
      const { patient, agent } = await signedInPatient(rt, { fresh: false });
      const toConfirm = `/account/bevestigen?terug=${encodeURIComponent(SETUP)}`;
      for (const path of [SETUP, `${SETUP}/methode`, `${SETUP}/telefoonnummer`]) {
        expect((await agent.get(path)).headers.location, path).to.match(/^\/account\/bevestigen\?terug=/);
      }
      const page = await agent.get('/account/twee-stappen');
      const post = await agent.post(`${SETUP}/methode`).type('form').send({ _csrf: csrfTokenOf(page.text), method: 'sms' });
      expect(post.headers.location).to.equal(toConfirm);
      const wrong = await submitForm(agent, toConfirm, { terug: SETUP, password: 'not-the-password' }, '/account/bevestigen');
      expect(wrong.status).to.equal(400);
      await confirmPassword(agent, patient.password);
      expect((await chooseSms(agent)).headers.location).to.equal(`${SETUP}/telefoonnummer`);
      const form = await agent.get(`${SETUP}/telefoonnummer`);
      rt.clock.advanceMinutes(11); // the confirmation is 10 minutes old: asked again, and nothing is sent
      const late = await agent.post(`${SETUP}/telefoonnummer`).type('form').send({ _csrf: csrfTokenOf(form.text), country: 'NL', phone: '0612345678' });
      expect(late.headers.location).to.equal(toConfirm);
      expect(vonage.messages).to.have.length(0);
    });

    it('keeps the recovery codes only sealed in the session until they are saved', async () => {
      const { rt, vonage } = world;
      const { agent } = await signedInPatient(rt);
      const shown = (await setupUntilRecoveryCodes(agent, vonage)).map((code) => code.replace(' ', ''));
      expect(shown).to.have.length(10);
      const sessions = JSON.stringify(await rt.db('sessions').select('sess'));
      for (const code of shown) expect(sessions).not.to.include(code);
      expect(sessions).to.include('sealedRecoveryCodes');
    });

    it('checks the code of a double click once when the patient was on Verificatie for over a minute (a refresh of the idle timeout is no new form)', async () => {
      await world.close();
      world = await startSmsWorld({}, { clock: new RunningTestClock() }); // each copy sees its own moment
      const { rt, vonage } = world;
      const { agent, patient } = await signedInPatient(rt);
      await chooseSms(agent);
      await enterPhone(agent, '0612345678');
      const token = csrfTokenOf((await agent.get(`${SETUP}/verificatie`)).text);
      rt.clock.advance(61_000);
      const send = () => agent.post(`${SETUP}/verificatie`).type('form').send({ _csrf: token, code: lastCode(vonage) });
      const answers = (await Promise.all([send(), send()])).map((res) => `${res.status} ${res.headers.location}`);
      expectDoubleClickAnswers(answers, `${SETUP}/herstelcodes`, [SETUP]);
      expect((await agent.get(SETUP)).headers.location, 'the wizard went on').to.equal(`${SETUP}/herstelcodes`);
      const failures = (await rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'second_step_failed');
      expect(failures, 'the used code not checked again').to.have.length(0);
    });

    it('records a wrong code as a failed second step of the wizard', async () => {
      const { rt, vonage } = world;
      const { patient, agent } = await signedInPatient(rt);
      await chooseSms(agent);
      await enterPhone(agent, '0612345678');
      const wrong = lastCode(vonage) === '000000' ? '111111' : '000000';
      expect((await enterCode(agent, wrong)).status).to.equal(400);
      const failed = (await rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'second_step_failed');
      expect(failed.map((e) => e.details)).to.deep.equal([{ reason: 'wrong', purpose: 'setup', method: 'sms' }]);
      expect((await agent.get('/account/beveiliging')).text).to.include('Verkeerde verificatiecode bij het instellen van authenticatie in twee stappen');
    });

    it('refuses an expired code (10 minutes)', async () => {
      const { rt, vonage } = world;
      const { agent, patient } = await signedInPatient(rt);
      await chooseSms(agent);
      await enterPhone(agent, '0612345678');
      rt.clock.advanceMinutes(10);
      rt.clock.advance(1000);
      // The fresh confirmation has run out too: the wizard asks the password again and goes on where it was.
      expect((await agent.get(`${SETUP}/verificatie`)).headers.location).to.match(/^\/account\/bevestigen\?terug=/);
      await confirmPassword(agent, patient.password);
      const res = await enterCode(agent, lastCode(vonage));
      expect(res.status).to.equal(400);
      expect(res.text).to.include('Deze code is verlopen');
    });

    it('sends no SMS while the second step is locked: the number stays in its field with the time, the code page says so', async () => {
      const { rt, vonage } = world;
      const { agent, patient } = await signedInPatient(rt);
      await chooseSms(agent);
      await enterPhone(agent, '0612345678');
      await lockSecondStep(rt, patient.id);
      const locked = /We sturen nu geen SMS, want er is te vaak een verkeerde code ingevuld\. Je kunt om \d\d:\d\d opnieuw een code aanvragen\./;

      const resend = await submitForm(agent, `${SETUP}/verificatie`, {}, `${SETUP}/verificatie/nieuwe-code`);
      expect(resend.headers.location).to.equal(`${SETUP}/verificatie`);
      const codePage = (await agent.get(`${SETUP}/verificatie`)).text;
      expect(codePage).to.match(locked).and.not.include('We hebben een nieuwe code gestuurd');

      await new Promise((r) => setTimeout(r, 1100)); // past the cooldown of the first SMS
      const again = await enterPhone(agent, '0612345679');
      expect(again.status).to.equal(429);
      expect(again.text).to.match(locked).and.include('value="0612345679"');
      expect(vonage.messages, 'only the SMS from before the lock').to.have.length(1);
    });

    it('kills a code after 5 wrong tries', async () => {
      const { rt, vonage } = world;
      const { agent } = await signedInPatient(rt);
      await chooseSms(agent);
      await enterPhone(agent, '0612345678');
      const right = lastCode(vonage);
      const wrong = right === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i += 1) await enterCode(agent, wrong);
      const res = await enterCode(agent, right);
      expect(res.status).to.equal(400);
      expect(res.text).to.match(/Er is geen geldige code|te vaak een verkeerde code/);
    });

    it('shows when a new code may be asked, and sends no second SMS within 30 seconds', async () => {
      const { rt, vonage } = world;
      const { agent } = await signedInPatient(rt);
      await chooseSms(agent);
      await enterPhone(agent, '0612345678');
      const verify = await agent.get(`${SETUP}/verificatie`);
      expect(verify.text).to.match(/Je kunt om \d\d:\d\d een nieuwe code aanvragen./);
      const again = await submitForm(agent, `${SETUP}/verificatie`, {}, `${SETUP}/verificatie/nieuwe-code`);
      expect(again.headers.location).to.equal(`${SETUP}/verificatie`);
      // A notice on the code page, not an error on the code field the patient did not fill in.
      const page = await agent.get(again.headers.location!);
      expect(page.text).to.match(/<p class="warning" role="status">We hebben geen nieuwe code gestuurd, want je hebt net al een code gekregen\. Je kunt om \d\d:\d\d een nieuwe code aanvragen/);
      expect(page.text).not.to.include('aria-invalid').and.not.include('<title>Fout');
      expect(page.text.match(/een nieuwe code aanvragen/g), 'the notice says the time; no hint repeats it').to.have.length(1);
      expect(page.text, 'the button describes itself by no hint that is not there').not.to.include('aria-describedby');
      expect(vonage.messages).to.have.length(1);
      // Said once: a refresh does not repeat it, and the hint under the button is back.
      const refreshed = await agent.get(`${SETUP}/verificatie`);
      expect(refreshed.text).not.to.include('role="status">We hebben geen nieuwe code');
      expect(refreshed.text, 'the hint, read out with the button').to.match(/<button type="submit" class="link-button" aria-describedby="resend-when">Stuur nieuwe code<\/button>[\s\S]*<p class="hint" id="resend-when">Je kunt om \d\d:\d\d een nieuwe code aanvragen.<\/p>/);
    });

    it('offers a radio choice and says why when none or the app is chosen', async () => {
      const { agent } = await signedInPatient(world.rt);
      const none = await submitForm(agent, `${SETUP}/methode`, {});
      expect(none.status).to.equal(400);
      expect(none.text).to.include('Kies hoe je de verificatiecode wilt ontvangen');
      expect(none.text).to.include('href="#method"');
      // The summary's link leads to the first radio button (a fieldset cannot take the focus),
      // and every label still names its own radio button.
      expect(none.text.match(/id="method"/g), 'one element is #method').to.have.length(1);
      expect(none.text).to.match(/<input type="radio" id="method" name="method" value="app"/);
      const radios = [...none.text.matchAll(/<input type="radio" id="([^"]+)"/g)].map((m) => m[1]);
      const labels = [...none.text.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]);
      expect(radios).to.deep.equal(['method', 'method-sms']);
      expect(labels).to.deep.equal(radios);
      // Each radio button says the error when it takes the focus (not only the fieldset, which some screen readers skip).
      expect(none.text).to.include('id="method" name="method" value="app" aria-describedby="method-error method-app-hint" aria-invalid="true"')
        .and.include('id="method-sms" name="method" value="sms" aria-describedby="method-error method-sms-hint" aria-invalid="true"');
      const page = await agent.get(`${SETUP}/methode`);
      expect(page.text, 'no error, no error link').to.include('value="app" aria-describedby="method-app-hint">').and.not.include('aria-invalid');
    });
  });

  describe('a confirmation that runs out while the number is typed', () => {
    beforeEach(async () => {
      world = await startSmsWorld();
    });

    it('shows the number and the country again after confirming, and sends nothing before', async () => {
      const { rt, vonage } = world;
      const { agent, patient } = await signedInPatient(rt);
      await chooseSms(agent);
      const form = await agent.get(`${SETUP}/telefoonnummer`);
      rt.clock.advanceMinutes(10);
      rt.clock.advance(1000);
      const sent = await agent.post(`${SETUP}/telefoonnummer`).type('form').send({ _csrf: csrfTokenOf(form.text), country: 'BE', phone: '0470 12 34 56', password: 'not kept' });
      expect(sent.headers.location).to.match(/^\/account\/bevestigen\?terug=/);
      expect(vonage.messages, 'nothing sent').to.have.length(0);
      const stored = JSON.stringify(await rt.db('sessions').select('sess'));
      expect(stored).to.include('0470 12 34 56').and.not.include('not kept');
      await confirmPassword(agent, patient.password);
      const again = await agent.get(`${SETUP}/telefoonnummer`);
      expect(again.text).to.include('value="0470 12 34 56"').and.match(/<option value="BE" selected>/);
      expect((await agent.get(`${SETUP}/telefoonnummer`)).text, 'once').not.to.include('0470 12 34 56');
    });
  });

  describe('phone numbers', () => {
    beforeEach(async () => {
      world = await startSmsWorld();
    });

    const cases: [string, string, string | null, string?][] = [
      ['NL', '+31 6 12345678', '31612345678'],
      ['NL', '0031 6 1234 5678', '31612345678'],
      ['BE', '0470 12 34 56', '32470123456'],
      ['NL', '030 737 0323', 'Dit is geen mobiel nummer. Vul een mobiel nummer in, zoals 06 12345678.'],
      ['BE', '04701', 'Vul een geldig mobiel nummer in, zoals 0450 00 12 34.'],
      ['NL', '+49 151 23456789', 'Naar telefoonnummers in dit land kunnen we geen SMS sturen. Gebruik een mobiel nummer uit Nederland of België', 'phone'],
      ['DE', '0151 23456789', 'Naar telefoonnummers in dit land kunnen we geen SMS sturen. Gebruik een mobiel nummer uit Nederland of België', 'country'],
      ['NL', '0470 12 34 56', 'Dit is een mobiel nummer uit België. Kies België bij Land, of begin het nummer met +32.', 'phone'],
      ['NL', 'hallo', 'Vul een geldig mobiel nummer in, zoals 06 12345678.'],
      ['NL', '', 'Vul je mobiele telefoonnummer in'],
      ['XX', '0612345678', 'Kies een land uit de lijst'],
    ];
    for (const [country, input, expected, field] of cases) {
      it(`${country} "${input}" → ${expected}`, async () => {
        const { agent } = await signedInPatient(world.rt);
        await chooseSms(agent);
        const res = await enterPhone(agent, input, country);
        if (/^\d+$/.test(expected!)) {
          expect(res.status).to.equal(302);
          expect(world.vonage.messages.at(-1)!.to).to.equal(expected);
        } else {
          expect(res.status).to.equal(400);
          expect(res.text).to.include(expected!);
          // The summary leads to the field the message is about.
          if (field) expect(res.text).to.include(`<a href="#${field}">${expected}`);
          expect(world.vonage.messages).to.have.length(0);
        }
      });
    }
  });

  describe('the countries of Land', () => {
    it('lists only SMS_ALLOWED_COUNTRIES, the Netherlands first and chosen, the others by name', async () => {
      world = await startSmsWorld({ SMS_ALLOWED_COUNTRIES: 'FR,DE,NL' });
      const { agent } = await signedInPatient(world.rt);
      await chooseSms(agent);
      const page = await agent.get(`${SETUP}/telefoonnummer`);
      const options = [...page.text.matchAll(/<option value="([A-Z]{2})"( selected)?>([^<]+)<\/option>/g)].map((m) => `${m[1]}${m[2] ?? ''} ${m[3]}`);
      expect(options).to.deep.equal(['NL selected Nederland (+31)', 'DE Duitsland (+49)', 'FR Frankrijk (+33)']);
      expect((await enterPhone(agent, '0151 23456789', 'DE')).headers.location, 'a listed country works').to.equal(`${SETUP}/verificatie`);
    });

    it('gives an example number of each country of Land in the hint, and of the one country when there is one', async () => {
      world = await startSmsWorld();
      const { agent } = await signedInPatient(world.rt);
      await chooseSms(agent);
      const hint = (html: string) => /<p class="hint" id="phone-hint">([^<]*)<\/p>/.exec(html)?.[1];
      expect(hint((await agent.get(`${SETUP}/telefoonnummer`)).text)).to.equal('Een mobiel nummer, bijvoorbeeld 06 12345678 (Nederland) of 0450 00 12 34 (België)');
      await world.close();

      world = await startSmsWorld({ SMS_ALLOWED_COUNTRIES: 'NL' });
      const only = await signedInPatient(world.rt);
      await chooseSms(only.agent);
      expect(hint((await only.agent.get(`${SETUP}/telefoonnummer`)).text)).to.equal('Een mobiel nummer, bijvoorbeeld 06 12345678');
    });
  });

  describe('Vonage failures', () => {
    beforeEach(async () => {
      world = await startSmsWorld();
    });

    const statuses: [string, RegExp][] = [
      ['1', /Probeer het over een minuut opnieuw/],
      ['2', /storing bij ons/],
      ['3', /storing bij ons/],
      ['4', /storing bij ons/],
      ['5', /Probeer het over een minuut opnieuw/],
      ['6', /storing bij ons/],
      ['7', /geen SMS sturen naar dit nummer/],
      ['9', /storing bij ons/],
      ['15', /storing bij ons/],
      ['29', /storing bij ons/], // a trial account: no number would do
      ['33', /geen SMS sturen naar dit nummer/],
    ];
    for (const [status, message] of statuses) {
      it(`status ${status}: a clear message, the number kept, nothing counted as sent`, async () => {
        const { rt, vonage } = world;
        const { agent } = await signedInPatient(rt);
        await chooseSms(agent);
        vonage.failNext(status);
        const res = await enterPhone(agent, '06 12345678');
        expect(res.status).to.be.oneOf([400, 503]);
        expect(res.text).to.match(message);
        // Only "over een minuut" names a wait: the header says it too, and nothing where the page does not.
        expect(res.headers['retry-after']).to.equal(message.source.includes('minuut') ? '60' : undefined);
        expect(res.text).to.match(/name="phone" type="text" value="06 12345678" autocomplete="tel-national" inputmode="tel"/);
        expect((await agent.get(`${SETUP}/verificatie`)).headers.location).to.equal(`${SETUP}/telefoonnummer`);
        // Not counted: a new attempt goes out at once, without waiting for the cooldown.
        expect((await enterPhone(agent, '06 12345678')).headers.location).to.equal(`${SETUP}/verificatie`);
      });
    }

    it('a timeout: the SMS may still come, so the wizard goes on, says so, keeps its code and counts it', async () => {
      const { rt, vonage } = world;
      const { agent } = await signedInPatient(rt);
      await chooseSms(agent);
      vonage.delayNext(2000); // Vonage gets the SMS, but answers after the app stopped waiting
      const res = await enterPhone(agent, '06 12345678');
      expect(res.headers.location).to.equal(`${SETUP}/verificatie`);
      const page = await agent.get(`${SETUP}/verificatie`);
      expect(page.text).to.match(/Het versturen van de SMS duurde langer dan normaal\. Misschien komt de SMS nog: de code daarin werkt tot \d\d:\d\d\./);
      expect(page.text, 'not claimed as sent, nor as failed').not.to.match(/We hebben een 6-cijferige|versturen van de SMS is niet gelukt/);
      // Counted as sent: no second SMS at once.
      const again = await submitForm(agent, `${SETUP}/verificatie`, {}, `${SETUP}/verificatie/nieuwe-code`);
      expect((await agent.get(again.headers.location!)).text).to.match(/Je kunt om \d\d:\d\d een nieuwe code aanvragen/);
      // It arrived after all: its code works.
      await new Promise((r) => setTimeout(r, 2100));
      expect(vonage.messages).to.have.length(1);
      expect((await enterCode(agent, lastCode(vonage))).headers.location).to.equal(`${SETUP}/herstelcodes`);
    });

    it('a timeout and a double click: the page still says the SMS may come, not that it was sent', async () => {
      const { rt, vonage } = world;
      const { agent } = await signedInPatient(rt);
      await chooseSms(agent);
      const token = csrfTokenOf((await agent.get(`${SETUP}/telefoonnummer`)).text);
      vonage.delayNext(2000); // Vonage gets the SMS, but answers after the app stopped waiting
      const click = () => agent.post(`${SETUP}/telefoonnummer`).type('form').send({ _csrf: token, country: 'NL', phone: '06 12345678' });
      expect((await click()).headers.location).to.equal(`${SETUP}/verificatie`);
      expect((await click()).headers.location, 'the second click, which the browser shows').to.equal(`${SETUP}/verificatie`);
      const page = await agent.get(`${SETUP}/verificatie`);
      expect(page.text).to.match(/Het versturen van de SMS duurde langer dan normaal\. Misschien komt de SMS nog/);
      expect(page.text).not.to.match(/We hebben een 6-cijferige|We hebben geen nieuwe code gestuurd/);
    });

    it('a refused connection gives a clear message', async () => {
      const { rt, vonage } = world;
      const { agent } = await signedInPatient(rt);
      await chooseSms(agent);
      await vonage.stop();
      const res = await enterPhone(agent, '06 12345678');
      expect(res.status).to.equal(503);
      expect(res.text).to.include('Het versturen van de SMS is niet gelukt');
    });
  });

  describe('resending and caps', () => {
    it('a new code replaces the old one', async () => {
      world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1' });
      const { rt, vonage } = world;
      const { agent } = await signedInPatient(rt);
      await chooseSms(agent);
      await enterPhone(agent, '0612345678');
      const first = lastCode(vonage);
      await new Promise((r) => setTimeout(r, 1100));
      const resend = await submitForm(agent, `${SETUP}/verificatie`, {}, `${SETUP}/verificatie/nieuwe-code`);
      expect(resend.headers.location).to.equal(`${SETUP}/verificatie`);
      expect((await agent.get(resend.headers.location!)).text).to.include('We hebben een nieuwe code gestuurd.');
      // Said once: a refresh does not claim again that a code was just sent.
      expect((await agent.get(resend.headers.location!)).text).not.to.include('We hebben een nieuwe code gestuurd.');
      const second = lastCode(vonage);
      expect(vonage.messages).to.have.length(2);
      if (first !== second) expect((await enterCode(agent, first)).status).to.equal(400);
      expect((await enterCode(agent, second)).headers.location).to.equal(`${SETUP}/herstelcodes`);
    });

    it('goes on to Verificatie when the number is sent again within 30 seconds ("Telefoonnummer wijzigen"): the same number\'s code still works', async () => {
      world = await startSmsWorld(); // the real 30 seconds between SMS
      const { agent } = await signedInPatient(world.rt);
      await chooseSms(agent);
      await enterPhone(agent, '06 12345678');
      const code = lastCode(world.vonage);
      expect((await agent.get(`${SETUP}/verificatie`)).text).to.include('We hebben een 6-cijferige verificatiecode');
      expect((await agent.get(`${SETUP}/telefoonnummer`)).status, 'back to Telefoonnummer').to.equal(200);

      const again = await enterPhone(agent, '06 12345678');
      expect(`${again.status} ${again.headers.location}`).to.equal(`302 ${SETUP}/verificatie`);
      const page = await agent.get(`${SETUP}/verificatie`);
      expect(page.text).to.include('+31 6 ••••••78').and.match(/want je hebt net al een code gekregen\. Je kunt om \d\d:\d\d/).and.not.include('aria-invalid');
      expect(world.vonage.messages).to.have.length(1);
      expect((await enterCode(agent, code)).headers.location).to.equal(`${SETUP}/herstelcodes`);
    });

    it('says the code was sent after a double click on "Bevestig telefoonnummer" (the browser shows only the second click\'s page)', async () => {
      world = await startSmsWorld(); // the real 30 seconds between SMS
      const { agent } = await signedInPatient(world.rt);
      await chooseSms(agent);
      const token = csrfTokenOf((await agent.get(`${SETUP}/telefoonnummer`)).text);
      const click = () => agent.post(`${SETUP}/telefoonnummer`).type('form').send({ _csrf: token, country: 'NL', phone: '06 12345678' });
      expect((await click()).headers.location).to.equal(`${SETUP}/verificatie`);
      expect((await click()).headers.location).to.equal(`${SETUP}/verificatie`);
      const page = await agent.get(`${SETUP}/verificatie`);
      expect(page.text).to.include('+31 6 ••••••78').and.include('We hebben een 6-cijferige verificatiecode').and.not.include('class="warning"');
      expect(world.vonage.messages).to.have.length(1);
    });

    it('says to check the number after a double click on "Bevestig telefoonnummer" for a number Vonage refuses (not "try again in a minute")', async () => {
      world = await startSmsWorld(); // the real 30 seconds between SMS
      const { agent } = await signedInPatient(world.rt);
      await chooseSms(agent);
      const token = csrfTokenOf((await agent.get(`${SETUP}/telefoonnummer`)).text);
      const click = () => agent.post(`${SETUP}/telefoonnummer`).type('form').send({ _csrf: token, country: 'NL', phone: '06 12345678' });
      world.vonage.delayNext(300); // within the app's 400 ms
      world.vonage.failNext('7'); // number barred
      const first = Promise.resolve(click()); // sent now, not when awaited
      await new Promise((r) => setTimeout(r, 50));
      const second = await click();
      expect((await first).status).to.equal(400);
      expect(second.status).to.equal(400);
      expect(second.text).to.include('We kunnen geen SMS sturen naar dit nummer. Controleer het nummer').and.include('value="06 12345678"');
      expect(world.vonage.messages).to.have.length(0);
    });

    it('keeps another number in its field within 30 seconds of a code to the first one, and says when it can have one', async () => {
      world = await startSmsWorld(); // the real 30 seconds between SMS
      const { agent } = await signedInPatient(world.rt);
      await chooseSms(agent);
      await enterPhone(agent, '06 12345678');
      const other = await enterPhone(agent, '06 12345679');
      expect(other.status).to.equal(429);
      expect(other.text).to.match(/We hebben geen code naar dit nummer gestuurd, want je hebt net al een code gekregen op een ander nummer\. Je kunt om \d\d:\d\d een code naar dit nummer laten sturen\./);
      expect(other.text).to.include('value="06 12345679"').and.include('aria-invalid="true"');
      expect(world.vonage.messages).to.have.length(1);
    });

    it('does not claim a code for a number corrected while the first number\'s SMS is still on its way', async () => {
      world = await startSmsWorld(); // the real 30 seconds between SMS
      const { agent } = await signedInPatient(world.rt);
      await chooseSms(agent);
      world.vonage.delayNext(300); // Vonage answers within the app's 400 ms, a little late
      const first = enterPhone(agent, '06 12345678');
      await new Promise((r) => setTimeout(r, 100));
      const corrected = await enterPhone(agent, '06 12345679');
      expect(corrected.status).to.equal(429);
      expect(corrected.text).to.match(/We hebben geen code naar dit nummer gestuurd, want je hebt net al een code gekregen op een ander nummer\. Je kunt om \d\d:\d\d een code naar dit nummer laten sturen\./);
      expect(corrected.text).to.include('value="06 12345679"');
      expect((await first).headers.location).to.equal(`${SETUP}/verificatie`);
      expect(world.vonage.messages.map((m) => m.to)).to.deep.equal(['31612345678']);
    });

    it('sends at most SMS_MAX_PER_ACCOUNT_PER_HOUR messages per account', async () => {
      world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1', SMS_MAX_PER_ACCOUNT_PER_HOUR: '2' });
      const { agent } = await signedInPatient(world.rt);
      await chooseSms(agent);
      await enterPhone(agent, '0612345678');
      await new Promise((r) => setTimeout(r, 1100));
      await enterPhone(agent, '0612345679');
      await new Promise((r) => setTimeout(r, 1100));
      const third = await enterPhone(agent, '0612345670');
      expect(third.status).to.equal(429);
      expect(third.text).to.include('er zijn het afgelopen uur al veel codes naar je gestuurd').and.match(/Je kunt om \d\d:\d\d weer een code aanvragen/);
      // Recovery codes come at the end of the setup: the patient has none to use meanwhile.
      expect(third.text).to.include('Bel de helpdesk via 030 – 737 0323').and.not.include('herstelcode');
      expect(world.vonage.messages).to.have.length(2);
    });

    it('says on Verificatie when SMS come again, not "Stuur nieuwe code", while the cap lasts: with the code working, and once it ran out', async () => {
      world = await startSmsWorld({ SMS_MAX_PER_ACCOUNT_PER_HOUR: '1' });
      const { rt, vonage } = world;
      const { agent, patient } = await signedInPatient(rt);
      await chooseSms(agent);
      await enterPhone(agent, '0612345678');
      const working = (await agent.get(`${SETUP}/verificatie`)).text;
      expect(working, 'while the code works').not.to.include('Stuur nieuwe code');
      expect(working).to.include('De code is geldig tot').and.match(/<p>Je kunt om \d\d:\d\d weer een code aanvragen\.<\/p>/);
      rt.clock.advanceMinutes(10);
      rt.clock.advance(1000);
      await confirmPassword(agent, patient.password);
      const capEnd = /Je kunt om \d\d:\d\d weer een code aanvragen. Heb je eerder hulp nodig\? Bel de helpdesk via 030 – 737 0323./;
      const page = await agent.get(`${SETUP}/verificatie`);
      expect(page.text).to.include('<p>Er is nu geen geldige code.</p>').and.match(capEnd);
      expect(page.text).not.to.include('Stuur nieuwe code');
      const res = await enterCode(agent, lastCode(vonage));
      expect(res.status).to.equal(400);
      expect(res.text).to.match(new RegExp(`Deze code is verlopen. ${capEnd.source}`)).and.not.include('Vraag een nieuwe code aan');
      expect(res.text).not.to.include('Stuur nieuwe code');
      expect(vonage.messages).to.have.length(1);
    });

    it('sends at most SMS_MAX_PER_NUMBER_PER_DAY messages to one number, across accounts', async () => {
      world = await startSmsWorld({ SMS_MAX_PER_NUMBER_PER_DAY: '1' });
      const a = await signedInPatient(world.rt);
      const b = await signedInPatient(world.rt);
      await chooseSms(a.agent);
      await chooseSms(b.agent);
      expect((await enterPhone(a.agent, '0612345678')).status).to.equal(302);
      const res = await enterPhone(b.agent, '0612345678');
      expect(res.status).to.equal(429);
      // Not this patient's doing: the page says which limit it is.
      expect(res.text).to.include('We sturen nu geen SMS meer naar dit nummer, want er zijn vandaag al te veel codes naartoe gestuurd.')
        .and.not.include('je hebt te vaak');
      expect(world.vonage.messages).to.have.length(1);
    });

    it('applies the per-IP and the global daily cap', async () => {
      world = await startSmsWorld({ SMS_MAX_PER_IP_PER_HOUR: '1' });
      const a = await signedInPatient(world.rt);
      const b = await signedInPatient(world.rt);
      await chooseSms(a.agent);
      await chooseSms(b.agent);
      expect((await enterPhone(a.agent, '0612345678')).status).to.equal(302);
      const fromIp = await enterPhone(b.agent, '0612345679');
      expect(fromIp.status).to.equal(429);
      expect(fromIp.text).to.include('want er zijn vanaf deze internetverbinding te veel codes aangevraagd.').and.not.include('je hebt te vaak');
      await world.close();

      world = await startSmsWorld({ SMS_GLOBAL_DAILY_CAP: '1' });
      const c = await signedInPatient(world.rt);
      const d = await signedInPatient(world.rt);
      await chooseSms(c.agent);
      await chooseSms(d.agent);
      expect((await enterPhone(c.agent, '0612345678')).status).to.equal(302);
      const overall = await enterPhone(d.agent, '0612345679');
      expect(overall.status).to.equal(429);
      expect(overall.text).to.include('We kunnen op dit moment geen SMS meer versturen').and.not.include('je hebt te vaak');
      expect(world.vonage.messages).to.have.length(1);
    });
  });

  describe('a server restart mid-wizard', () => {
    it('continues where the patient was', async () => {
      const env = { TEST_DB_KEY: `wizard_restart_${Date.now()}` };
      world = await startSmsWorld(env);
      const { agent } = await signedInPatient(world.rt);
      await chooseSms(agent);
      await enterPhone(agent, '0612345678');
      const code = lastCode(world.vonage);
      const cookie = (await agent.get(`${SETUP}/verificatie`)).request.cookies;
      await world.close();

      world = await startSmsWorld(env);
      const restarted = world.rt.agent();
      const page = await restarted.get(`${SETUP}/verificatie`).set('Cookie', cookie);
      expect(page.status).to.equal(200);
      expect(page.text).to.include('+31 6 ••••••78');
      const res = await restarted.post(`${SETUP}/verificatie`).set('Cookie', cookie).type('form')
        .send({ _csrf: csrfTokenOf(page.text), code });
      expect(res.headers.location).to.equal(`${SETUP}/herstelcodes`);
    });
  });
});
