import { expect } from 'chai';
import type supertest from 'supertest';
import { signIn, submitForm } from '../support/forms';
import {
  enterSignInCode, lastCode, passwordStep, patientWithSms, SmsWorld, startSmsWorld,
} from '../support/two-factor';
import { twoFactorRow } from '../support/two-factor-row';

type Patient = Awaited<ReturnType<typeof patientWithSms>>;
const BASE = '/account/twee-stappen';

describe('managing two-step and the password (J6)', () => {
  let world: SmsWorld;
  let patient: Patient;
  beforeEach(async () => {
    world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1' });
    patient = await patientWithSms(world.rt);
  });
  afterEach(() => world.close());

  const wait = () => new Promise((r) => setTimeout(r, 1100));

  async function fullySignedIn(): Promise<supertest.Agent> {
    await wait(); // past the SMS cooldown of the previous sign-in
    const agent = world.rt.agent();
    await passwordStep(agent, patient.email, patient.password);
    expect((await enterSignInCode(agent, lastCode(world.vonage))).headers.location).to.equal('/werkblad');
    return agent;
  }

  /** Password plus a fresh SMS code on the confirmation page; returns where it leads. */
  async function confirm(agent: supertest.Agent, returnTo: string, password = patient.password) {
    const page = `/account/bevestigen?terug=${encodeURIComponent(returnTo)}`;
    await wait();
    const send = await submitForm(agent, page, { terug: returnTo }, '/account/bevestigen/code');
    expect(send.status).to.equal(303);
    return submitForm(agent, page, { terug: returnTo, password, code: lastCode(world.vonage) }, '/account/bevestigen');
  }

  async function expectSignedOut(agent: supertest.Agent) {
    expect((await agent.get('/werkblad')).headers.location).to.equal('/inloggen');
  }

  it('offers the management actions on the status page', async () => {
    const agent = await fullySignedIn();
    const page = await agent.get(BASE);
    expect(page.text).to.include('Telefoonnummer wijzigen').and.include('Nieuwe herstelcodes maken').and.include('Authenticatie in twee stappen uitzetten');
  });

  it('asks for a fresh confirmation before every action, and changes nothing without it', async () => {
    const agent = await fullySignedIn();
    for (const path of [`${BASE}/telefoonnummer-wijzigen`, `${BASE}/herstelcodes/nieuw`, `${BASE}/uitzetten`, '/account/wachtwoord']) {
      const res = await agent.get(path);
      expect(res.headers.location, path).to.equal(`/account/bevestigen?terug=${encodeURIComponent(path)}`);
      const post = await submitForm(agent, BASE, { newPassword: 'x', country: 'NL', phone: '0687654321' }, path);
      expect(post.headers.location, `POST ${path}`).to.match(/^\/account\/bevestigen\?terug=/);
    }
    const row = await twoFactorRow(world.rt.db, patient.id);
    expect(row.two_factor_method).to.equal('sms');
    expect(await world.rt.services.recoveryCodes.countRemaining(patient.id)).to.equal(10);
  });

  it('refuses a wrong password or a wrong code on the confirmation page', async () => {
    const agent = await fullySignedIn();
    const wrongPassword = await confirm(agent, `${BASE}/uitzetten`, 'not-my-password-1');
    expect(wrongPassword.status).to.equal(400);
    expect(wrongPassword.text).to.include('Dit wachtwoord klopt niet');
    const page = `/account/bevestigen?terug=${encodeURIComponent(`${BASE}/uitzetten`)}`;
    const wrongCode = await submitForm(agent, page, { password: patient.password, code: '000001' }, '/account/bevestigen');
    expect(wrongCode.status).to.equal(400);
    expect(wrongCode.text).to.match(/Deze code klopt niet|Er is geen geldige code/);
    expect((await agent.get(`${BASE}/uitzetten`)).status).to.equal(303);
  });

  it('accepts a recovery code instead of the SMS code, and the confirmation lasts 10 minutes', async () => {
    const agent = await fullySignedIn();
    const path = `${BASE}/uitzetten`;
    const page = `/account/bevestigen?terug=${encodeURIComponent(path)}`;
    const res = await submitForm(agent, page, { terug: path, password: patient.password, code: patient.recoveryCodes[3]! }, '/account/bevestigen');
    expect(res.headers.location).to.equal(path);
    expect((await agent.get(path)).status).to.equal(200);
    world.rt.clock.advanceMinutes(9); // activity keeps the session; the confirmation ages
    expect((await agent.get(path)).status).to.equal(200);
    world.rt.clock.advanceMinutes(2);
    expect((await agent.get(path)).headers.location).to.match(/^\/account\/bevestigen/);
  });

  it('changes the phone number only after the new number is verified, and ends other sessions', async () => {
    const other = await fullySignedIn();
    const agent = await fullySignedIn();
    const path = `${BASE}/telefoonnummer-wijzigen`;
    expect((await confirm(agent, path)).headers.location).to.equal(path);
    await wait();
    const submit = await submitForm(agent, path, { country: 'NL', phone: '06 87654321' });
    expect(submit.headers.location).to.equal(`${path}/verificatie`);
    expect(world.vonage.messages.at(-1)!.to).to.equal('31687654321');
    expect((await twoFactorRow(world.rt.db, patient.id)).two_factor_phone).to.equal('+31612345678');
    const verifyPage = await agent.get(`${path}/verificatie`);
    expect(verifyPage.text).to.include('+31 6 ••••••21');

    const done = await submitForm(agent, `${path}/verificatie`, { code: lastCode(world.vonage) });
    expect(done.headers.location).to.equal(`${BASE}?gewijzigd=telefoonnummer`);
    expect((await agent.get(done.headers.location!)).text).to.include('Je telefoonnummer is gewijzigd.');
    expect((await twoFactorRow(world.rt.db, patient.id)).two_factor_phone).to.equal('+31687654321');
    await expectSignedOut(other);
    expect((await agent.get('/werkblad')).status).to.equal(200);
    expect((await world.rt.services.audit.listForUser(patient.id)).map((e) => e.type)).to.include('phone_changed');
    expect((await world.rt.services.messages.listForUser(patient.id)).map((m) => m.kind)).to.include('phone_changed');
  });

  it('confirms a new number only with the code sent to that number (two phone changes at once)', async () => {
    const first = await fullySignedIn();
    const second = await fullySignedIn();
    const path = `${BASE}/telefoonnummer-wijzigen`;
    expect((await confirm(first, path)).headers.location).to.equal(path);
    const page = `/account/bevestigen?terug=${encodeURIComponent(path)}`; // a recovery code: the SMS cap is 5 an hour
    await submitForm(second, page, { terug: path, password: patient.password, code: patient.recoveryCodes[0]! }, '/account/bevestigen');
    await wait();
    expect((await submitForm(first, path, { country: 'NL', phone: '06 11000001' })).headers.location).to.equal(`${path}/verificatie`);
    await wait();
    expect((await submitForm(second, path, { country: 'NL', phone: '06 11000002' })).headers.location).to.equal(`${path}/verificatie`);
    const codeForSecond = lastCode(world.vonage);
    expect(world.vonage.messages.at(-1)!.to).to.equal('31611000002');

    const wrongNumber = await submitForm(first, `${path}/verificatie`, { code: codeForSecond });
    expect(wrongNumber.status).to.equal(400);
    expect(wrongNumber.text).to.include('Er is geen geldige code');
    expect((await twoFactorRow(world.rt.db, patient.id)).two_factor_phone, 'a number that never got a code').to.equal('+31612345678');
    const right = await submitForm(second, `${path}/verificatie`, { code: codeForSecond });
    expect(right.headers.location).to.equal(`${BASE}?gewijzigd=telefoonnummer`);
    expect((await twoFactorRow(world.rt.db, patient.id)).two_factor_phone).to.equal('+31611000002');
  });

  it('records a wrong code in the phone change, and counts it towards the lock of the second step', async () => {
    const agent = await fullySignedIn();
    const path = `${BASE}/telefoonnummer-wijzigen`;
    await confirm(agent, path);
    await wait();
    await submitForm(agent, path, { country: 'NL', phone: '06 11000003' });
    const right = lastCode(world.vonage);
    const wrong = right === '000000' ? '111111' : '000000';
    expect((await submitForm(agent, `${path}/verificatie`, { code: wrong })).text).to.include('Deze code klopt niet');
    const failed = (await world.rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'second_step_failed');
    expect(failed.map((e) => e.details)).to.deep.equal([{ reason: 'wrong', purpose: 'phone_change', method: 'sms' }]);
    expect((await world.rt.db('second_step_lockouts').where({ user_id: patient.id }).first()).failures).to.equal(1);
  });

  it('keeps new recovery codes only sealed in the session, and shows them again only while the confirmation is fresh', async () => {
    const agent = await fullySignedIn();
    const path = `${BASE}/herstelcodes/nieuw`;
    await confirm(agent, path);
    await submitForm(agent, path, {});
    const page = await agent.get(`${BASE}/herstelcodes`);
    const shown = [...page.text.matchAll(/<li><code>(\d{5}) (\d{5})<\/code><\/li>/g)].map((m) => m[1]! + m[2]!);
    expect(shown).to.have.length(10);
    const sessions = JSON.stringify(await world.rt.db('sessions').select('sess'));
    for (const code of shown) expect(sessions, 'a recovery code in the session store').not.to.include(code);
    expect(sessions).to.include('sealedNewRecoveryCodes');

    world.rt.clock.advanceMinutes(11);
    for (const suffix of ['', '/afdrukken', '/download']) {
      const res = await agent.get(`${BASE}/herstelcodes${suffix}`);
      expect(res.headers.location, suffix).to.equal(`/account/bevestigen?terug=${encodeURIComponent(`${BASE}/herstelcodes`)}`);
    }
  });

  it('makes new recovery codes: the old ones stop at once, the new ones are shown once', async () => {
    const other = await fullySignedIn();
    const agent = await fullySignedIn();
    const path = `${BASE}/herstelcodes/nieuw`;
    await confirm(agent, path);
    expect((await agent.get(path)).text).to.include('Je oude herstelcodes werken daarna niet meer.');
    const made = await submitForm(agent, path, {});
    expect(made.headers.location).to.equal(`${BASE}/herstelcodes`);
    const page = await agent.get(`${BASE}/herstelcodes`);
    const shown = [...page.text.matchAll(/<li><code>(\d{5} \d{5})<\/code><\/li>/g)].map((m) => m[1]!);
    expect(shown).to.have.length(10);
    const download = await agent.get(`${BASE}/herstelcodes/download`);
    for (const c of shown) expect(download.text).to.include(c);
    expect(await world.rt.services.recoveryCodes.consume(patient.id, patient.recoveryCodes[0]!)).to.equal(false);

    const saved = await submitForm(agent, `${BASE}/herstelcodes`, {});
    expect(saved.headers.location).to.equal(`${BASE}?gewijzigd=herstelcodes`);
    expect((await agent.get(`${BASE}/herstelcodes`)).headers.location).to.equal(BASE);
    expect(await world.rt.services.recoveryCodes.consume(patient.id, shown[0]!)).to.equal(true);
    await expectSignedOut(other);
    expect((await world.rt.services.messages.listForUser(patient.id)).map((m) => m.kind)).to.include('recovery_codes_renewed');
  });

  it('turns two-step off, and the next sign-in asks only the password', async () => {
    const other = await fullySignedIn();
    const agent = await fullySignedIn();
    const path = `${BASE}/uitzetten`;
    await confirm(agent, path);
    const off = await submitForm(agent, path, {});
    expect(off.headers.location).to.equal(`${BASE}?gewijzigd=uit`);
    expect((await agent.get(off.headers.location!)).text).to.include('<strong>uitgeschakeld</strong>');
    expect(await world.rt.db('recovery_codes').where({ user_id: patient.id })).to.have.length(0);
    await expectSignedOut(other);
    expect((await world.rt.services.audit.listForUser(patient.id)).map((e) => e.type)).to.include('two_factor_disabled');
    expect((await world.rt.services.messages.listForUser(patient.id)).map((m) => m.kind)).to.include('two_factor_disabled');
    expect((await signIn(world.rt.agent(), patient.email, patient.password)).headers.location).to.equal('/werkblad');
  });

  it('changes the password with the same rules as the admin command, and ends other sessions', async () => {
    const other = await fullySignedIn();
    const agent = await fullySignedIn();
    const path = '/account/wachtwoord';
    expect((await confirm(agent, path)).headers.location).to.equal(path);
    const common = await submitForm(agent, path, { newPassword: 'password123', repeatPassword: 'password123' });
    expect(common.status).to.equal(400);
    expect(common.text).to.include('Dit wachtwoord wordt veel gebruikt');
    expect(common.text).not.to.include('password123');
    // The error summary is the first thing in main, before the account menu.
    expect(common.text.indexOf('class="error-summary"')).to.be.within(common.text.indexOf('<main'), common.text.indexOf('class="with-menu"'));
    const short = await submitForm(agent, path, { newPassword: 'kort', repeatPassword: 'kort' });
    expect(short.text).to.include('minstens 8 tekens');
    const mismatch = await submitForm(agent, path, { newPassword: 'blauwe-tulp-fietst-7', repeatPassword: 'blauwe-tulp-fietst-8' });
    expect(mismatch.text).to.include('De twee wachtwoorden zijn niet hetzelfde');
    const ok = await submitForm(agent, path, { newPassword: 'blauwe-tulp-fietst-7', repeatPassword: 'blauwe-tulp-fietst-7' });
    expect(ok.headers.location).to.equal(`${path}?gewijzigd=1`);
    await expectSignedOut(other);
    expect((await agent.get('/werkblad')).status).to.equal(200);
    expect((await signIn(world.rt.agent(), patient.email, patient.password)).status).to.equal(400);
    expect((await signIn(world.rt.agent(), patient.email, 'blauwe-tulp-fietst-7')).headers.location).to.equal('/inloggen/code');
    expect((await world.rt.services.messages.listForUser(patient.id)).map((m) => m.kind)).to.include('password_changed');
  });
});

describe('managing two-step under REQUIRE_TWO_FACTOR', () => {
  it('does not let the patient turn two-step off', async () => {
    const world = await startSmsWorld({ REQUIRE_TWO_FACTOR: 'true' });
    try {
      const patient = await patientWithSms(world.rt);
      const agent = world.rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      await enterSignInCode(agent, lastCode(world.vonage));
      const path = `${BASE}/uitzetten`;
      const page = `/account/bevestigen?terug=${encodeURIComponent(path)}`;
      await submitForm(agent, page, { terug: path, password: patient.password, code: patient.recoveryCodes[0]! }, '/account/bevestigen');
      expect((await agent.get(path)).text).to.include('Je zorgaanbieder vraagt om authenticatie in twee stappen');
      expect((await submitForm(agent, path, {})).status).to.equal(403);
      expect((await twoFactorRow(world.rt.db, patient.id)).two_factor_method).to.equal('sms');
    } finally {
      await world.close();
    }
  });
});
