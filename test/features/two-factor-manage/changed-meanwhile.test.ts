import { expect } from 'chai';
import type supertest from 'supertest';
import { resetStaffTwoFactor } from '../../../src/domain/staff-admin';
import { createPasswordHasher, type PasswordHasher } from '../../../src/domain/passwords';
import { createStaffMember, DESK } from '../../support/desk';
import { csrfTokenOf, submitForm } from '../../support/forms';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { appCode, patientWithApp, STEP_MS } from '../../support/totp';
import { enterSignInCode, passwordStep } from '../../support/two-factor';

const BASE = '/account/twee-stappen';

/**
 * The real hasher, which runs `meanwhile` (once) before the next hash: what happens elsewhere while
 * new recovery codes are being hashed, after the page's checks and before the change is stored.
 */
function hasherWithPause() {
  const inner = createPasswordHasher();
  const hook: { meanwhile?: () => Promise<unknown> } = {};
  const hasher: PasswordHasher = {
    async hash(text) {
      const meanwhile = hook.meanwhile;
      hook.meanwhile = undefined;
      await meanwhile?.();
      return inner.hash(text);
    },
    verify: (hash, text) => inner.verify(hash, text),
    verifyDummy: (text) => inner.verifyDummy(text),
  };
  return { hasher, hook };
}

describe('a two-step change when two-step changed meanwhile (another window, the desk)', () => {
  let rt: TestRuntime;
  let hook: ReturnType<typeof hasherWithPause>['hook'];
  beforeEach(async () => {
    const paused = hasherWithPause();
    hook = paused.hook;
    rt = await startTestRuntime({}, { hasher: paused.hasher });
  });
  afterEach(() => rt.close());

  async function freshlyConfirmed(patient: { email: string; password: string; secret: string }, returnTo: string): Promise<supertest.Agent> {
    rt.clock.advance(STEP_MS);
    const agent = rt.agent();
    await passwordStep(agent, patient.email, patient.password);
    expect((await enterSignInCode(agent, appCode(patient.secret, rt.clock.now()))).headers.location).to.equal('/werkblad');
    rt.clock.advance(STEP_MS);
    const confirm = `/account/bevestigen?terug=${encodeURIComponent(returnTo)}`;
    const confirmed = await submitForm(agent, confirm, { terug: returnTo, password: patient.password, code: appCode(patient.secret, rt.clock.now()) }, '/account/bevestigen');
    expect(confirmed.headers.location).to.equal(returnTo);
    return agent;
  }

  it('makes no new recovery codes when two-step was turned off meanwhile, and the overview says nothing changed', async () => {
    const patient = await patientWithApp(rt);
    const agent = await freshlyConfirmed(patient, `${BASE}/herstelcodes/nieuw`);
    hook.meanwhile = () => rt.services.twoFactor.disable(patient.id);

    const made = await submitForm(agent, `${BASE}/herstelcodes/nieuw`, {});
    expect(`${made.status} ${made.headers.location}`).to.equal(`302 ${BASE}`);
    const overview = await agent.get(BASE);
    expect(overview.text).to.include('Er is niets gewijzigd, want je instellingen voor authenticatie in twee stappen waren intussen al veranderd, bijvoorbeeld in een ander venster. Hieronder zie je hoe ze nu zijn.');
    expect(overview.text).to.include('is <strong>uitgeschakeld</strong>');
    expect((await rt.services.audit.listForUser(patient.id)).map((e) => e.type)).not.to.include('recovery_codes_renewed');
    expect(await rt.services.recoveryCodes.countRemaining(patient.id)).to.equal(0);
  });

  it('says nothing changed when a form of an older window comes after two-step was turned off or switched in another; a double click\'s second shows the first one\'s change', async () => {
    const patient = await patientWithApp(rt);
    const agent = await freshlyConfirmed(patient, `${BASE}/herstelcodes/nieuw`);
    const olderWindow = csrfTokenOf((await agent.get(`${BASE}/herstelcodes/nieuw`)).text);
    const switchWindow = csrfTokenOf((await agent.get(`${BASE}/overstappen/sms`)).text);
    const turnOff = (await agent.get(`${BASE}/uitzetten`)).text;

    const [first, second] = await Promise.all([0, 1].map(() => Promise.resolve(agent.post(`${BASE}/uitzetten`).type('form').send({ _csrf: csrfTokenOf(turnOff) }))));
    expect([first!.headers.location, second!.headers.location]).to.deep.equal([BASE, BASE]);
    const afterDoubleClick = (await agent.get(BASE)).text;
    expect(afterDoubleClick, 'the double click\'s page says what the first did').to.include('Authenticatie in twee stappen is uitgeschakeld.').and.not.include('Er is niets gewijzigd');

    const stale = await agent.post(`${BASE}/herstelcodes/nieuw`).type('form').send({ _csrf: olderWindow });
    expect(`${stale.status} ${stale.headers.location}`).to.equal(`302 ${BASE}`);
    expect((await agent.get(BASE)).text, 'the older window\'s form').to.include('Er is niets gewijzigd, want je instellingen voor authenticatie in twee stappen waren intussen al veranderd');
    const staleSwitch = await agent.post(`${BASE}/overstappen/sms`).type('form').send({ _csrf: switchWindow, country: 'NL', phone: '06 12345678' });
    expect(`${staleSwitch.status} ${staleSwitch.headers.location}`).to.equal(`302 ${BASE}`);
    expect((await agent.get(BASE)).text).to.include('Er is niets gewijzigd');
    expect(await rt.services.recoveryCodes.countRemaining(patient.id)).to.equal(0);
    expect(await rt.services.outbox!.list(), 'no SMS').to.have.length(0);
  });

  it('leads a staff member whose two-step an admin reset meanwhile to signing in again, without new codes', async () => {
    const member = await createStaffMember(rt);
    const agent = rt.agent();
    await submitForm(agent, DESK, { email: member.email, password: member.password });
    rt.clock.advance(STEP_MS);
    expect((await submitForm(agent, `${DESK}/code`, { code: appCode(member.secret, rt.clock.now()) })).status).to.equal(302);
    hook.meanwhile = () => rt.services.inTransaction((stores) => resetStaffTwoFactor(stores, member.id, { staffId: null, origin: {} }));

    rt.clock.advance(STEP_MS);
    const renewed = await submitForm(agent, `${DESK}/herstelcodes`, { currentPassword: member.password, code: appCode(member.secret, rt.clock.now()) });
    expect(`${renewed.status} ${renewed.headers.location}`).to.equal(`302 ${DESK}/herstelcodes`);
    expect((await agent.get(`${DESK}/herstelcodes`)).headers.location, 'signed out by the reset').to.equal(DESK);
    expect(await rt.services.staffRecoveryCodes.countRemaining(member.id)).to.equal(0);
  });
});
