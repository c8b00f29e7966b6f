import { expect } from 'chai';
import { submitForm } from '../../support/forms';
import { startTestRuntime, TestRuntime } from '../../support/runtime';
import { appCode, patientWithApp, STEP_MS } from '../../support/totp';
import { enterSignInCode, passwordStep } from '../../support/two-factor';

const BASE = '/account/twee-stappen';

describe('fresh confirmation: patients with the app', () => {
  let rt: TestRuntime;
  afterEach(() => rt?.close());

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
});
