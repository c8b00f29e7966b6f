import { expect } from 'chai';
import { csrfTokenOf, SENT_TWICE, signIn, submitForm } from '../../support/forms';
import { listRoutes } from '../../support/routes';
import { enterRecoveryCode, enterSignInCode, lastCode, passwordStep, patientWithSms, SmsWorld, startSmsWorld } from '../../support/two-factor';

const sidOf = (res: { headers: Record<string, unknown> }) => /karify\.sid=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1];

describe('sign-in, second step: SMS code and recovery code (J5)', () => {
  let world: SmsWorld;
  afterEach(() => world?.close());

  describe('with an SMS code', () => {
    beforeEach(async () => {
      world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1' });
    });

    it('asks for the SMS code after the password, sends it once, and regenerates the session twice', async () => {
      const { rt, vonage } = world;
      const patient = await patientWithSms(rt);
      const agent = rt.agent();
      const password = await passwordStep(agent, patient.email, patient.password);
      const halfSid = sidOf(password);
      expect(halfSid).to.be.a('string');
      expect(vonage.messages).to.have.length(1);
      expect(vonage.messages[0]!.to).to.equal('31612345678');

      const page = await agent.get('/inloggen/code');
      expect(page.status).to.equal(200);
      expect(page.text).to.include('+31 6 ••••••78');
      expect(page.text).to.include('<label for="code">Verificatiecode</label>');
      expect(page.text).to.include('Verifiëren').and.include('Stuur nieuwe code').and.include('Gebruik een herstelcode');
      expect(page.text).to.match(/Je kunt om \d\d:\d\d een nieuwe code aanvragen/);
      await agent.get('/inloggen/code');
      expect(vonage.messages).to.have.length(1); // refresh sends nothing

      const done = await enterSignInCode(agent, lastCode(vonage));
      expect(done.headers.location).to.equal('/werkblad');
      const fullSid = sidOf(done);
      expect(fullSid).to.be.a('string').and.not.equal(halfSid);
      expect((await agent.get('/werkblad')).status).to.equal(200);
      const events = await rt.services.audit.listForUser(patient.id);
      expect(events[0]).to.include({ type: 'sign_in' });
      expect(events[0]!.details).to.deep.equal({ method: 'sms' });
    });

    it('keeps a half session away from every other page', async () => {
      const { rt } = world;
      const patient = await patientWithSms(rt);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      const token = csrfTokenOf((await agent.get('/inloggen/code')).text);
      // Open to everyone: the second step itself, public help and the footer's pages, health checks,
      // the language choice, the addresses password managers look up; and the desk, whose own sessions never see a patient's (test/http/desk-access.test.ts).
      const open = /^\/inloggen\/(code|herstelcode|annuleren)|^\/hulp\/|^\/(helpdesk|over-karify|privacy-en-veiligheid|algemene-voorwaarden)$|^\/(healthz|readyz)$|^\/taal\/|^\/\.well-known\/|^\/balie(\/|$)/;
      const routes = listRoutes(rt.app).filter(([, path]) => !open.test(path));
      expect(routes.length).to.be.greaterThan(20);
      for (const [method, path] of routes) {
        const res = method === 'GET' ? await agent.get(path) : await agent.post(path).type('form').send({ _csrf: token });
        expect(res.status, `${method} ${path}`).to.equal(302);
        expect(res.headers.location, `${method} ${path}`).to.equal('/inloggen/code');
      }
    });

    it('stops halfway with "Annuleren": the half session ends, also when it is pressed twice', async () => {
      const { rt } = world;
      const patient = await patientWithSms(rt);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      const token = csrfTokenOf((await agent.get('/inloggen/code')).text);
      for (const press of ['first', 'second']) {
        const res = await agent.post('/inloggen/annuleren').type('form').send({ _csrf: token });
        expect(`${res.status} ${res.headers.location}`, press).to.equal('302 /inloggen');
      }
      expect((await agent.get('/inloggen/code')).headers.location).to.equal('/inloggen');
    });

    it('ends a half session after 10 minutes', async () => {
      const { rt } = world;
      const patient = await patientWithSms(rt);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      rt.clock.advanceMinutes(10);
      rt.clock.advance(1000);
      const res = await agent.get('/inloggen/code');
      expect(res.headers.location).to.equal('/inloggen');
      expect((await agent.get('/inloggen')).text).to.include('Je sessie is verlopen. Log opnieuw in.');
      expect((await agent.get('/werkblad')).headers.location).to.equal('/inloggen');
    });

    it('refuses a wrong code and sends a new code on request', async () => {
      const { rt, vonage } = world;
      const patient = await patientWithSms(rt);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      const first = lastCode(vonage);
      const wrong = await enterSignInCode(agent, first === '000000' ? '111111' : '000000');
      expect(wrong.status).to.equal(400);
      expect(wrong.text).to.include('Deze code klopt niet');
      await new Promise((r) => setTimeout(r, 1100));
      const resend = await submitForm(agent, '/inloggen/code', {}, '/inloggen/code/nieuwe-code');
      expect(resend.headers.location).to.equal('/inloggen/code');
      const page = await agent.get('/inloggen/code');
      expect(page.text).to.include('We hebben een nieuwe code gestuurd.').and.match(/De code is geldig tot \d\d:\d\d\./);
      expect((await agent.get('/inloggen/code')).text, 'said once').not.to.include('We hebben een nieuwe code gestuurd.');
      expect(vonage.messages).to.have.length(2);
      expect((await enterSignInCode(agent, lastCode(vonage))).headers.location).to.equal('/werkblad');
    });

      for (const [when, sendTwice] of Object.entries(SENT_TWICE)) {
      it(`counts a wrong code sent twice ${when} (a double click) once: one try of the code, both answers show the error`, async () => {
        const { rt, vonage } = world;
        const patient = await patientWithSms(rt);
        const agent = rt.agent();
        await passwordStep(agent, patient.email, patient.password);
        const token = csrfTokenOf((await agent.get('/inloggen/code')).text);
        const wrong = lastCode(vonage) === '000000' ? '111111' : '000000';

        const answers = await sendTwice(async () => agent.post('/inloggen/code').type('form').send({ _csrf: token, code: wrong }));

        for (const res of answers) expect(`${res.status} ${res.text.includes('Deze code klopt niet')}`).to.equal('400 true');
        const failures = (await rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'second_step_failed');
        expect(failures, 'one wrong code').to.have.length(1);
        expect((await enterSignInCode(agent, lastCode(vonage))).headers.location, 'the code still works').to.equal('/werkblad');
      });
    }

    it('says that no new code was sent, and until when the last one works, when "Stuur nieuwe code" is pressed again on the page the first led to', async () => {
      const { rt, vonage } = world;
      const patient = await patientWithSms(rt);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      await new Promise((r) => setTimeout(r, 1100)); // the first code's cooldown is over
      const resend = () => submitForm(agent, '/inloggen/code', {}, '/inloggen/code/nieuwe-code');
      expect((await resend()).headers.location).to.equal('/inloggen/code');
      expect((await agent.get('/inloggen/code')).text).to.include('We hebben een nieuwe code gestuurd.');

      expect((await resend()).headers.location).to.equal('/inloggen/code');

      const page = await agent.get('/inloggen/code');
      expect(page.text).to.match(/role="status">We hebben geen nieuwe code gestuurd, want je hebt net al een code gekregen\. Je kunt om \d\d:\d\d een nieuwe code aanvragen/)
        .and.match(/De code is geldig tot \d\d:\d\d\./).and.not.include('We hebben een nieuwe code gestuurd.');
      expect(vonage.messages, 'one new SMS').to.have.length(2);
    });

    it('explains a Vonage failure on the code page, and the patient can ask again', async () => {
      const { rt, vonage } = world;
      const patient = await patientWithSms(rt);
      const agent = rt.agent();
      vonage.failNext('5');
      await passwordStep(agent, patient.email, patient.password);
      const page = await agent.get('/inloggen/code');
      // Not the patient's error: information, not an error summary, and no claim that a code was sent.
      expect(page.status).to.equal(200);
      expect(page.text).to.include('<p class="warning" role="status">Het versturen van de SMS is niet gelukt. Probeer het over een minuut opnieuw.');
      expect(page.text, 'said where a number is set up or changed, not at sign-in').not.to.include('Er is niets veranderd');
      expect(page.text).not.to.include('error-summary').and.not.include('We hebben een 6-cijferige verificatiecode');
      const resend = await submitForm(agent, '/inloggen/code', {}, '/inloggen/code/nieuwe-code');
      expect(resend.headers.location).to.equal('/inloggen/code');
      expect((await enterSignInCode(agent, lastCode(vonage))).headers.location).to.equal('/werkblad');
    });

    it('points to a recovery code when Vonage refuses the patient\'s own number (which cannot be changed while signing in)', async () => {
      const { rt, vonage } = world;
      const patient = await patientWithSms(rt);
      const agent = rt.agent();
      vonage.failNext('7'); // number barred
      await passwordStep(agent, patient.email, patient.password);
      const page = await agent.get('/inloggen/code');
      expect(page.text).to.include('We kunnen geen SMS sturen naar je telefoonnummer. Gebruik een herstelcode, of bel de helpdesk via 030 – 737 0323.');
      expect(page.text).not.to.include('gebruik een ander mobiel nummer');
    });

    it('locks the second step for 15 minutes after 10 failures, and a success resets the count', async () => {
      const { rt, vonage } = world;
      const patient = await patientWithSms(rt);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      const right = lastCode(vonage);
      const wrong = right === '000000' ? '111111' : '000000';
      // A new code per 4 failures keeps the code alive (5 wrong tries kill a code).
      for (let i = 1; i <= 9; i += 1) {
        expect((await enterSignInCode(agent, wrong)).status).to.equal(400);
        if (i % 4 === 0) {
          await new Promise((r) => setTimeout(r, 1100));
          await submitForm(agent, '/inloggen/code', {}, '/inloggen/code/nieuwe-code');
        }
      }
      const tenth = await enterSignInCode(agent, wrong);
      expect(tenth.status).to.equal(429);
      const locked = /Je hebt te vaak een verkeerde code ingevuld. Daarom kun je tot \d\d:\d\d niet inloggen./;
      expect(tenth.text).to.match(locked);
      const current = lastCode(vonage);
      const whileLocked = await enterSignInCode(agent, current);
      expect(whileLocked.status).to.equal(429);
      expect(whileLocked.text).to.match(locked);
      expect((await enterRecoveryCode(agent, patient.recoveryCodes[0]!)).status).to.equal(429);

      // While locked, the pages say until when instead of offering forms that would be refused,
      // and no code is sent: neither when asked for nor at a new sign-in.
      const sent = vonage.messages.length;
      for (const page of ['/inloggen/code', '/inloggen/herstelcode']) {
        const shown = await agent.get(page);
        expect(shown.status, page).to.equal(200);
        expect(shown.text, page).to.match(locked).and.include('<title>Inloggen is tijdelijk geblokkeerd');
        expect(shown.text, page).not.to.match(/name="(code|recoveryCode)"|Stuur nieuwe code/);
      }
      await new Promise((r) => setTimeout(r, 1100)); // past the SMS cooldown
      const resend = await submitForm(agent, '/inloggen/code', {}, '/inloggen/code/nieuwe-code');
      expect(resend.status).to.equal(429);
      expect(resend.text).to.match(locked);
      const again = rt.agent();
      await passwordStep(again, patient.email, patient.password);
      expect((await again.get('/inloggen/code')).text).to.match(locked);
      expect(vonage.messages).to.have.length(sent);
      const types = (await rt.services.audit.listForUser(patient.id)).map((e) => e.type);
      expect(types).to.include('second_step_locked');
      expect((await rt.services.messages.listForUser(patient.id)).map((m) => m.kind)).to.include('second_step_locked');

      rt.clock.advanceMinutes(15);
      rt.clock.advance(1000);
      // The half session expired meanwhile (10 minutes): start again, past the SMS cooldown.
      await new Promise((r) => setTimeout(r, 1100));
      const fresh = rt.agent();
      await passwordStep(fresh, patient.email, patient.password);
      const final = await enterSignInCode(fresh, lastCode(vonage));
      expect(final.headers.location).to.equal('/werkblad');
      const row = await rt.db('second_step_lockouts').where({ user_id: patient.id }).first();
      expect([Number(row.failures), row.locked_until]).to.deep.equal([0, null]);
    });
  });

  describe('the code page tells the truth in every state (issue 14)', () => {
    beforeEach(async () => {
      world = await startSmsWorld(); // the real limits: 30 s between SMS, 5 an hour per patient
    });

    const signOut = async (agent: ReturnType<SmsWorld['rt']['agent']>) => {
      const page = await agent.get('/werkblad');
      await agent.post('/uitloggen').type('form').send({ _csrf: csrfTokenOf(page.text) });
    };

    it('sends no code while locked, and once the lock is over the code page offers a new one, with no word of the lock', async () => {
      const { rt, vonage } = world;
      const patient = await patientWithSms(rt);
      await rt.db('second_step_lockouts').insert({ user_id: patient.id, failures: 0, locked_until: rt.clock.now() + 5 * 60_000 });
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      expect((await agent.get('/inloggen/code')).text, 'the lock\'s page').to.match(/Daarom kun je tot \d\d:\d\d niet inloggen\./);
      expect(vonage.messages, 'no SMS while locked').to.have.length(0);

      rt.clock.advanceMinutes(6); // the lock is over; the half session (10 minutes) is not
      const page = await agent.get('/inloggen/code');
      expect(page.status).to.equal(200);
      expect(page.text).not.to.include('We sturen nu geen SMS').and.not.include('te vaak een verkeerde code');
      expect(page.text).to.include('Stuur nieuwe code');
    });

    it('says a code was sent, to which number, and until when it works', async () => {
      const { rt } = world;
      const patient = await patientWithSms(rt);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      const page = await agent.get('/inloggen/code');
      expect(page.text).to.include('+31 6 ••••••78');
      expect(page.text).to.include('We hebben een 6-cijferige verificatiecode naar bovenstaand telefoonnummer gestuurd. De code is geldig tot 14:10.');
      expect(page.text).not.to.include('error-summary').and.not.include('field-error').and.not.include('class="warning"');
    });

    it('names the minute from which a new code may be asked rounded up, and until when the code works rounded down', async () => {
      const { rt } = world;
      const patient = await patientWithSms(rt);
      rt.clock.advance(50_000); // sent at 14:00:50: a new code from 14:01:20, the code works until 14:10:50
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      const page = await agent.get('/inloggen/code');
      expect(page.text).to.include('De code is geldig tot 14:10.').and.include('Je kunt om 14:02 een nieuwe code aanvragen.');
      // Asked for within the 30 seconds: refused, and told the same minute, not an earlier one.
      const resend = await submitForm(agent, '/inloggen/code', {}, '/inloggen/code/nieuwe-code');
      expect(resend.headers.location).to.equal('/inloggen/code');
      const refused = (await agent.get('/inloggen/code')).text;
      expect(refused).to.match(/class="warning"[^>]*>[^<]*Je kunt om 14:02 een nieuwe code aanvragen/).and.not.include('14:01');
    });

    it('says no new code was sent when the patient signs in again within 30 seconds, without an error, and that the used code is gone', async () => {
      const { rt, vonage } = world;
      const patient = await patientWithSms(rt);
      const first = rt.agent();
      await passwordStep(first, patient.email, patient.password);
      expect((await enterSignInCode(first, lastCode(vonage))).headers.location).to.equal('/werkblad');
      await signOut(first);

      const again = rt.agent();
      await passwordStep(again, patient.email, patient.password);
      expect(vonage.messages, 'no second SMS within 30 seconds').to.have.length(1);
      const page = await again.get('/inloggen/code');
      expect(page.status).to.equal(200);
      expect(page.text).to.match(/<p class="warning" role="status">We hebben geen nieuwe code gestuurd, want je hebt net al een code gekregen. Die code werkt niet meer. Je kunt om \d\d:\d\d een nieuwe code aanvragen met &#39;Stuur nieuwe code&#39;.<\/p>/);
      expect(page.text, 'no claim that a code is waiting').not.to.include('We hebben een 6-cijferige verificatiecode').and.not.include('Vul nu de code in die we je hebben gestuurd');
      expect(page.text, 'no error before the patient did anything').not.to.include('error-summary').and.not.include('field-error').and.not.include('aria-invalid');
      expect(page.text).to.include('Stuur nieuwe code').and.include('Gebruik een herstelcode');
    });

    /** Five SMS in the hour (the cap), each after the cooldown, cleared here between sign-ins; the sixth sign-in's is refused. */
    async function signInPastHourlyCap() {
      const { rt, vonage } = world;
      const patient = await patientWithSms(rt);
      for (let i = 0; i < 5; i += 1) {
        await rt.db('rate_limits').where('key', 'like', 'sms_cooldown%').delete();
        await passwordStep(rt.agent(), patient.email, patient.password);
      }
      expect(vonage.messages).to.have.length(5);
      await rt.db('rate_limits').where('key', 'like', 'sms_cooldown%').delete();
      const sixth = rt.agent();
      await passwordStep(sixth, patient.email, patient.password);
      expect(vonage.messages, 'the sixth SMS of the hour is not sent').to.have.length(5);
      return sixth;
    }

    it('says when SMS stop for the hour, with the time, and offers the recovery code first', async () => {
      const sixth = await signInPastHourlyCap();
      const page = await sixth.get('/inloggen/code');
      expect(page.status).to.equal(200);
      expect(page.text).to.match(/We sturen je nu geen SMS meer, want er zijn het afgelopen uur al veel codes naar je gestuurd. Je kunt om \d\d:\d\d weer een code aanvragen. Gebruik intussen een herstelcode/);
      expect(page.text).to.match(/<a class="button" href="\/inloggen\/herstelcode">Gebruik een herstelcode<\/a>/);
      expect(page.text, 'no "Stuur nieuwe code" when no SMS can come').not.to.include('Stuur nieuwe code');
      expect(page.text).not.to.include('error-summary');
      // The fifth code still works, and the page says so: it is the truth.
      expect(page.text).to.include('De code is geldig tot');
    });

    it('says when SMS come again, not the cooldown\'s "ask at …", when a sign-in within the cooldown also meets the hourly cap', async () => {
      await world.close();
      world = await startSmsWorld({ SMS_MAX_PER_ACCOUNT_PER_HOUR: '1' }); // the real 30 seconds between SMS
      const { rt, vonage } = world;
      const patient = await patientWithSms(rt);
      const first = rt.agent();
      await passwordStep(first, patient.email, patient.password);
      await enterSignInCode(first, lastCode(vonage));
      const again = rt.agent();
      await passwordStep(again, patient.email, patient.password);
      const page = await again.get('/inloggen/code');
      expect(page.text).to.include('<p>Er is nu geen geldige code.</p>').and.match(/Je kunt om \d\d:\d\d weer een code aanvragen\. Gebruik intussen een herstelcode/);
      expect(page.text, 'the cooldown\'s time would not hold').not.to.include('We hebben geen nieuwe code gestuurd').and.not.include('Stuur nieuwe code');
      expect(vonage.messages).to.have.length(1);
    });

    it('offers no "Stuur nieuwe code" while a cap would refuse it, also when the code sent last still works, and says when one can come', async () => {
      const sixth = await signInPastHourlyCap();
      await sixth.get('/inloggen/code'); // the cap's notice, said once
      for (const page of [await sixth.get('/inloggen/code'), await sixth.get('/inloggen/code')]) {
        expect(page.text, 'a refresh: the cap still holds').not.to.include('Stuur nieuwe code');
        expect(page.text).to.include('De code is geldig tot').and.match(/<p>Je kunt om \d\d:\d\d weer een code aanvragen\.<\/p>/);
        expect(page.text, 'the code works: no advice to use a recovery code instead').not.to.include('Gebruik intussen een herstelcode').and.not.include('class="button" href="/inloggen/herstelcode"');
      }
    });

    it('says when SMS come again, not "Stuur nieuwe code", once no code works while the cap lasts', async () => {
      const { vonage } = world;
      const sixth = await signInPastHourlyCap();
      await sixth.get('/inloggen/code'); // the cap's notice, said once
      const wrongCode = lastCode(vonage) === '000000' ? '111111' : '000000';
      let refused = await enterSignInCode(sixth, wrongCode);
      for (let i = 1; i < 5; i += 1) refused = await enterSignInCode(sixth, wrongCode); // the fifth wrong try ends the code
      expect(refused.status).to.equal(400);
      const capEnd = /Je kunt om \d\d:\d\d weer een code aanvragen. Gebruik intussen een herstelcode, of bel de helpdesk via 030 – 737 0323./;
      expect(refused.text).to.match(new RegExp(`Je hebt te vaak een verkeerde code ingevuld. ${capEnd.source}`));
      expect(refused.text, 'no advice the cap would refuse').not.to.include('Vraag een nieuwe code aan').and.not.include('Stuur nieuwe code');
      const again = await enterSignInCode(sixth, wrongCode);
      expect(again.text).to.match(new RegExp(`Er is geen geldige code. ${capEnd.source}`)).and.not.include('Vraag een nieuwe code aan');

      const page = await sixth.get('/inloggen/code');
      expect(page.text).to.include('<p>Er is nu geen geldige code.</p>').and.match(capEnd);
      expect(page.text).not.to.include('Stuur nieuwe code');
      expect(page.text).to.match(/<a class="button" href="\/inloggen\/herstelcode">Gebruik een herstelcode<\/a>/);
      expect(vonage.messages).to.have.length(5);
    });
  });

  describe('with a recovery code', () => {
    beforeEach(async () => {
      world = await startSmsWorld();
    });

    it('works once, in the grouped or plain form, and tells how many are left', async () => {
      const { rt } = world;
      const patient = await patientWithSms(rt);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      const page = await agent.get('/inloggen/herstelcode');
      expect(page.text).to.include('<label for="recoveryCode">Herstelcode</label>');
      // Not "one-time-code": a browser would offer the SMS code for it.
      expect(page.text).to.match(/name="recoveryCode"[^>]*autocomplete="off"/);
      const code = patient.recoveryCodes[0]!;
      const grouped = `${code.slice(0, 5)} ${code.slice(5)}`;
      const used = await enterRecoveryCode(agent, grouped);
      expect(used.headers.location).to.equal('/inloggen/herstelcode-gebruikt');
      const info = await agent.get('/inloggen/herstelcode-gebruikt');
      expect(info.text).to.include('Je hebt nog 9 herstelcodes over.');
      expect(info.text, 'the help (J7)').to.match(/<h2 id="help-title">Is het niet gelukt\?<\/h2>/);
      expect(info.text).not.to.include('Je hebt bijna geen herstelcodes meer');
      expect((await rt.services.messages.listForUser(patient.id))[0]).to.include({ kind: 'recovery_code_used' });
      expect((await rt.services.audit.listForUser(patient.id)).map((e) => e.type)).to.include('recovery_code_used');

      const again = rt.agent();
      await passwordStep(again, patient.email, patient.password);
      const reuse = await enterRecoveryCode(again, code);
      expect(reuse.status).to.equal(400);
      expect(reuse.text).to.include('Deze herstelcode klopt niet of is al gebruikt');
      expect(reuse.text, 'a recovery code is a secret: not shown again').not.to.include(code);
      expect(reuse.text).to.match(/<input id="recoveryCode" name="recoveryCode" type="text" value=""/);
      expect((await enterRecoveryCode(again, '12345')).text).to.include('Een herstelcode bestaat uit 10 cijfers');
    });

    it('urges new codes when 3 or fewer remain', async () => {
      const { rt } = world;
      const patient = await patientWithSms(rt);
      for (const code of patient.recoveryCodes.slice(0, 6)) expect(await rt.services.recoveryCodes.consume(patient.id, code)).to.equal(true);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      await enterRecoveryCode(agent, patient.recoveryCodes[6]!);
      const info = await agent.get('/inloggen/herstelcode-gebruikt');
      expect(info.text).to.include('Je hebt nog 3 herstelcodes over.');
      expect(info.text).to.include('Je hebt bijna geen herstelcodes meer');
      expect(info.text, 'the button leads to making new codes').to.include('<a class="button" href="/account/twee-stappen/herstelcodes/nieuw">Nieuwe herstelcodes maken</a>');
    });

    it('says plainly when the last recovery code was used: none left, make new ones now', async () => {
      const { rt } = world;
      const patient = await patientWithSms(rt);
      for (const code of patient.recoveryCodes.slice(0, 9)) expect(await rt.services.recoveryCodes.consume(patient.id, code)).to.equal(true);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      await enterRecoveryCode(agent, patient.recoveryCodes[9]!);
      const info = await agent.get('/inloggen/herstelcode-gebruikt');
      expect(info.text).to.include('<p>Je hebt geen herstelcodes meer.</p>').and.not.include('nog 0');
      expect(info.text, 'not "almost none"').not.to.include('bijna geen');
      expect(info.text).to.include('<a class="button" href="/account/twee-stappen/herstelcodes/nieuw">Nieuwe herstelcodes maken</a>');
    });

    it('counts a sign-in with a recovery code as the confirmation: new codes, also after the last one, without spending another', async () => {
      const { rt, vonage } = world;
      const patient = await patientWithSms(rt);
      for (const code of patient.recoveryCodes.slice(0, 9)) expect(await rt.services.recoveryCodes.consume(patient.id, code)).to.equal(true);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      await enterRecoveryCode(agent, patient.recoveryCodes[9]!);
      const newCodes = await agent.get('/account/twee-stappen/herstelcodes/nieuw');
      expect(newCodes.status, 'no confirmation asked: the patient has no code left to give').to.equal(200);
      expect((await agent.get('/account/twee-stappen/telefoonnummer-wijzigen')).status, 'nor to change the number of a lost phone').to.equal(200);
      expect(vonage.messages, 'only the sign-in\'s SMS').to.have.length(1);

      const minutes = rt.config.twoFactor.freshConfirmationMinutes;
      rt.clock.advanceMinutes(minutes);
      rt.clock.advance(1000);
      expect((await agent.get('/account/twee-stappen/herstelcodes/nieuw')).headers.location, `not after ${minutes} minutes`).to.match(/^\/account\/bevestigen\?terug=/);
    });

    it('still asks for the confirmation right after a sign-in with an SMS code, which costs nothing to give again', async () => {
      const { rt, vonage } = world;
      const patient = await patientWithSms(rt);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      await enterSignInCode(agent, lastCode(vonage));
      expect((await agent.get('/account/twee-stappen/herstelcodes/nieuw')).headers.location).to.match(/^\/account\/bevestigen\?terug=/);
    });

    it('says "Je hebt een herstelcode gebruikt" right after the sign-in, also refreshed or in English, and leads to the Werkblad once the patient went on', async () => {
      const { rt } = world;
      const patient = await patientWithSms(rt);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      expect((await enterRecoveryCode(agent, patient.recoveryCodes[0]!)).headers.location).to.equal('/inloggen/herstelcode-gebruikt');
      const page = await agent.get('/inloggen/herstelcode-gebruikt');
      expect(page.text).to.include('Je hebt nog 9 herstelcodes over.');
      expect((await agent.get('/inloggen/herstelcode-gebruikt')).text, 'a refresh').to.include('Je hebt nog 9 herstelcodes over.');

      const languageLink = /href="(\/taal\/en\?terug=[^"]+)"/.exec(page.text)![1]!.replace(/&amp;/g, '&');
      const english = await agent.get(languageLink);
      expect(english.headers.location, 'the language link leads back to the page').to.equal('/inloggen/herstelcode-gebruikt');
      expect((await agent.get(english.headers.location!)).text).to.include('<html lang="en"').and.include('You have 9 recovery codes left.');

      expect((await agent.get('/werkblad')).status).to.equal(200);
      const again = await agent.get('/inloggen/herstelcode-gebruikt');
      expect(`${again.status} ${again.headers.location}`, 'opened again after the Werkblad (Back)').to.equal('302 /werkblad');
    });

    it('sends a patient who did not just use a recovery code from "Je hebt een herstelcode gebruikt" to the Werkblad (a bookmark), also with two-step off', async () => {
      const { rt } = world;
      const withoutTwoStep = await rt.createPatient();
      const off = rt.agent();
      expect((await signIn(off, withoutTwoStep.email, withoutTwoStep.password)).headers.location).to.equal('/werkblad');
      const page = await off.get('/inloggen/herstelcode-gebruikt');
      expect(`${page.status} ${page.headers.location}`, 'two-step off').to.equal('302 /werkblad');
      expect(page.text).not.to.include('Je hebt geen herstelcodes meer');

      const patient = await patientWithSms(rt);
      const withSms = rt.agent();
      await passwordStep(withSms, patient.email, patient.password);
      expect((await enterSignInCode(withSms, lastCode(world.vonage))).headers.location).to.equal('/werkblad');
      const bookmark = await withSms.get('/inloggen/herstelcode-gebruikt');
      expect(`${bookmark.status} ${bookmark.headers.location}`, 'signed in with an SMS code').to.equal('302 /werkblad');
    });

    it('lets exactly one of two simultaneous sign-ins with the same code through', async () => {
      const { rt } = world;
      const patient = await patientWithSms(rt);
      const a = rt.agent();
      const b = rt.agent();
      await passwordStep(a, patient.email, patient.password);
      await passwordStep(b, patient.email, patient.password);
      const [tokenA, tokenB] = await Promise.all([a.get('/inloggen/herstelcode'), b.get('/inloggen/herstelcode')]).then((r) => r.map((p) => csrfTokenOf(p.text)));
      const code = patient.recoveryCodes[0]!;
      const results = await Promise.all([
        a.post('/inloggen/herstelcode').type('form').send({ _csrf: tokenA, recoveryCode: code }),
        b.post('/inloggen/herstelcode').type('form').send({ _csrf: tokenB, recoveryCode: code }),
      ]);
      expect(results.map((r) => r.status).sort()).to.deep.equal([302, 400]);
      expect(await rt.services.recoveryCodes.countRemaining(patient.id)).to.equal(9);
    });
  });
});
