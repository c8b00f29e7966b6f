import { expect } from 'chai';
import { csrfTokenOf, signIn, submitForm } from '../../support/forms';
import { startTestRuntime, TestRuntime } from '../../support/runtime';
import { appCode, enableAppTwoFactor, patientWithApp, STEP_MS, wrongAppCode } from '../../support/totp';
import { enterRecoveryCode, enterSignInCode, passwordStep, signedInPatient } from '../../support/two-factor';

const eventTypes = async (rt: TestRuntime, userId: number) => (await rt.services.audit.listForUser(userId)).map((e) => e.type);
const messageKinds = async (rt: TestRuntime, userId: number) => (await rt.services.messages.listForUser(userId)).map((m) => m.kind);

describe('sign-in, second step: the authenticator app (J5)', () => {
  let rt: TestRuntime;
  afterEach(() => rt?.close());

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
      expect(tenth.text).to.match(/Je hebt te vaak een verkeerde code ingevuld. Daarom kun je tot \d\d:\d\d niet inloggen./);
      expect((await enterSignInCode(agent, appCode(patient.secret, rt.clock.now()))).status).to.equal(429);
      expect((await enterRecoveryCode(agent, patient.recoveryCodes[0]!)).status).to.equal(429);
      expect(await messageKinds(rt, patient.id)).to.include('second_step_locked');

      rt.clock.advanceMinutes(15);
      rt.clock.advance(1000);
      const fresh = await halfSession(patient);
      expect((await enterSignInCode(fresh, appCode(patient.secret, rt.clock.now()))).headers.location).to.equal('/werkblad');
    });

    it('names the minute the lock ends rounded up, and the lock lasts until that minute (page, Berichten, e-mail)', async () => {
      const patient = await patientWithApp(rt);
      rt.clock.advance(50_000); // 14:00:50: 15 minutes on is 14:15:50, which "tot 14:15" would cut short
      const agent = await halfSession(patient);
      const wrong = wrongAppCode(patient.secret, rt.clock.now());
      for (let i = 1; i <= 9; i += 1) expect((await enterSignInCode(agent, wrong)).status).to.equal(400);
      const locked = 'Je hebt te vaak een verkeerde code ingevuld. Daarom kun je tot 14:16 niet inloggen.';
      expect((await enterSignInCode(agent, wrong)).text).to.include(locked);

      rt.clock.advanceMinutes(15);
      rt.clock.advance(5_000); // 14:15:55: the page said "tot 14:16", so still locked
      const before = await halfSession(patient);
      const refused = await enterSignInCode(before, appCode(patient.secret, rt.clock.now()));
      expect(refused.status).to.equal(429);
      expect(refused.text).to.include(locked);

      rt.clock.advance(5_000); // 14:16:00
      const after = await halfSession(patient);
      expect((await enterSignInCode(after, appCode(patient.secret, rt.clock.now()))).headers.location).to.equal('/werkblad');
      expect((await after.get('/berichten')).text).to.include('Daarom kun je tot 14:16 niet inloggen.');
      const mails = await rt.db('mail_outbox').where({ user_id: patient.id }).pluck('text_body');
      expect(mails.join('\n')).to.include('Daarom kan tot 14:16 CET niemand inloggen.');
    });

    it('takes a recovery code instead of the app code', async () => {
      const patient = await patientWithApp(rt);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      expect((await enterRecoveryCode(agent, patient.recoveryCodes[2]!)).headers.location).to.equal('/inloggen/herstelcode-gebruikt');
      expect((await signIn(rt.agent(), patient.email, patient.password)).headers.location).to.equal('/inloggen/code');
    });
  });
});
