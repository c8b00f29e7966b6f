import { expect } from 'chai';
import supertest from 'supertest';
import type { AccountStores } from '../../../src/domain/account-stores';
import { appWithStoresSwapped, createStaffMember, DESK, deskPasswordStep, fail } from '../../support/desk';
import { csrfTokenOf, doubleClick, submitForm } from '../../support/forms';
import { startTestRuntime, TestRuntime } from '../../support/runtime';
import { recoveryCodesIn } from '../../support/two-factor';
import { appCode, keyFromPage, STEP_MS, wrongAppCode } from '../../support/totp';

const FIRST = `${DESK}/eerste-keer`;

describe('desk: a staff member\'s first sign-in (own password, app, recovery codes)', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  /** A staff member an admin made with a one-time password, as the Medewerkers page does. */
  async function withOneTimePassword() {
    const password = 'k7mq-2x9d-aaaa-bbbb-cccc';
    const member = await rt.services.staff.create({
      email: 'bea@kliniek.nl', name: 'Bea Bakker', role: 'desk', passwordHash: await rt.services.hasher.hash(password), oneTimePasswordUntil: rt.clock.now() + 86_400_000,
    });
    return { ...member, password };
  }

  it('pairs the app and turns two-step on once when "Koppelen" and "Ik heb de codes bewaard" are each pressed twice at once', async () => {
    const member = await createStaffMember(rt, { withApp: false });
    const agent = rt.agent();
    await deskPasswordStep(agent, member);
    const secret = keyFromPage((await agent.get(`${FIRST}/koppelen`)).text);
    await doubleClick(agent, `${FIRST}/koppelen`, { code: appCode(secret, rt.clock.now()) }, { first: `${FIRST}/herstelcodes`, second: [`${FIRST}/herstelcodes`] });
    const codes = recoveryCodesIn((await agent.get(`${FIRST}/herstelcodes`)).text);
    expect(codes).to.have.length(10);

    await doubleClick(agent, `${FIRST}/herstelcodes`, {}, { first: `${DESK}/patienten`, second: [`${DESK}/patienten`] });
    const events = (await rt.services.staffAudit.list({ limit: 50 })).filter((e) => e.staff?.id === member.id).map((e) => e.type);
    expect(events.filter((type) => type === 'two_factor_enabled')).to.have.length(1);
    expect(events).to.not.include('totp_replay_refused');
    expect(await rt.services.staffRecoveryCodes.consume(member.id, codes[0]!), 'the codes shown are the ones stored').to.equal(true);
  });

  it('sets up the app: Koppelen with QR code and key, a wrong code refused, then recovery codes; two-step is on after "Ik heb de codes bewaard"', async () => {
    const member = await createStaffMember(rt, { withApp: false });
    const agent = rt.agent();
    await deskPasswordStep(agent, member);
    const pair = await agent.get(`${FIRST}/koppelen`);
    expect(pair.status).to.equal(200);
    expect(pair.text).to.include('Stel je authenticatie-app in').and.include('<picture><source type="image/svg+xml" srcset="data:image/svg+xml,%3Csvg').and.include(member.email);
    expect(pair.text, 'never SMS').not.to.match(/SMS|Telefoonnummer/);
    expect(pair.text, 'the desk\'s own entry in the app').to.include('De app laat nu bij Karify Balie een code van 6 cijfers zien.').and.include('alt="QR-code om je Karify Balie account aan je authenticatie-app toe te voegen"');
    expect(pair.text).to.include('Vul de code van 6 cijfers in die je app nu bij Karify Balie laat zien.');
    const secret = keyFromPage(pair.text);

    const wrong = await submitForm(agent, `${FIRST}/koppelen`, { code: wrongAppCode(secret, rt.clock.now()) });
    expect(wrong.status).to.equal(400);
    expect(wrong.text).to.include('class="error-summary"');
    expect(keyFromPage(wrong.text), 'the same key after an error').to.equal(secret);
    const empty = await submitForm(agent, `${FIRST}/koppelen`, { code: '' });
    expect(empty.text).to.include('<li><a href="#code">');

    expect((await agent.get(`${FIRST}/herstelcodes`)).headers.location, 'no codes before the app is proved').to.equal(`${FIRST}/koppelen`);
    const right = await submitForm(agent, `${FIRST}/koppelen`, { code: appCode(secret, rt.clock.now()) });
    expect(right.headers.location).to.equal(`${FIRST}/herstelcodes`);
    const codesPage = await agent.get(`${FIRST}/herstelcodes`);
    const codes = recoveryCodesIn(codesPage.text);
    expect(codes).to.have.length(10);
    const print = await agent.get(`${FIRST}/herstelcodes/afdrukken`);
    expect(print.text).to.include(`Account: ${member.email}`).and.include(codes[0]!).and.include('<h1>Herstelcodes voor je Karify Balie account</h1>');
    expect(codesPage.text, 'a name of its own beside a patient\'s file').to.include('download="karify-balie-herstelcodes.txt"');
    const file = await agent.get(`${FIRST}/herstelcodes/download`);
    expect(file.headers['content-disposition']).to.equal('attachment; filename=karify-balie-herstelcodes.txt');
    expect(file.text).to.include(`Herstelcodes voor je Karify Balie account (${member.email})`);
    expect(file.text).to.include(codes[9]!);
    expect(await rt.services.staffTwoFactor.status(member.id), 'not on before the codes are saved').to.deep.equal({ enabled: false });

    const done = await submitForm(agent, `${FIRST}/herstelcodes`, {});
    expect(done.headers.location).to.equal(`${DESK}/patienten`);
    const patientsPage = await agent.get(`${DESK}/patienten`);
    expect(patientsPage.text).to.include('Je authenticatie-app is ingesteld.');
    // From set-up only to the whole desk: a change of level, so the form secret is new as well.
    expect(csrfTokenOf(patientsPage.text), 'a new CSRF token').not.to.equal(csrfTokenOf(codesPage.text));
    expect((await agent.post(`${DESK}/patienten`).type('form').send({ _csrf: csrfTokenOf(codesPage.text), zoek: 'x' })).status, 'the old token is refused').to.equal(403);
    const status = await rt.services.staffTwoFactor.status(member.id);
    expect(status).to.deep.include({ enabled: true, method: 'totp', recoveryCodesLeft: 10 });
    expect((await agent.get(`${FIRST}/koppelen`)).headers.location, 'nothing left to set up').to.equal(`${DESK}/patienten`);

    // From now on: two steps, with this app's codes; the code that proved the pairing is spent.
    const next = rt.agent();
    expect((await deskPasswordStep(next, member)).headers.location).to.equal(`${DESK}/code`);
    expect((await submitForm(next, `${DESK}/code`, { code: appCode(secret, rt.clock.now()) })).status, 'the pairing code again').to.equal(400);
    rt.clock.advance(STEP_MS);
    expect((await submitForm(next, `${DESK}/code`, { code: appCode(secret, rt.clock.now()) })).headers.location).to.equal(`${DESK}/patienten`);
    const recovery = rt.agent();
    await deskPasswordStep(recovery, member);
    expect((await submitForm(recovery, `${DESK}/herstelcode`, { recoveryCode: codes[3]! })).headers.location).to.equal(`${DESK}/herstelcode-gebruikt`);
    const events = (await rt.services.staffAudit.list({ limit: 20 })).map((e) => e.type);
    expect(events).to.include.members(['two_factor_enabled', 'sign_in', 'recovery_code_used']);
  });

  it('leaves the app off when its row in the Logboek cannot be written', async () => {
    const member = await createStaffMember(rt, { withApp: false });
    const failingNotifier = (stores: AccountStores): AccountStores => ({ ...stores, staffNotifier: { notify: fail } });
    const agent = supertest.agent(appWithStoresSwapped(rt, failingNotifier));
    await deskPasswordStep(agent, member);
    const secret = keyFromPage((await agent.get(`${FIRST}/koppelen`)).text);
    expect((await submitForm(agent, `${FIRST}/koppelen`, { code: appCode(secret, rt.clock.now()) })).headers.location).to.equal(`${FIRST}/herstelcodes`);
    expect((await submitForm(agent, `${FIRST}/herstelcodes`, {})).status).to.equal(500);
    expect(await rt.services.staffTwoFactor.status(member.id)).to.deep.equal({ enabled: false });
    expect(await rt.services.staffRecoveryCodes.countRemaining(member.id)).to.equal(0);
  });

  it('sets the own password once when it is sent twice at once (a double click): one line in the Logboek', async () => {
    const member = await withOneTimePassword();
    const agent = rt.agent();
    await deskPasswordStep(agent, member);
    const chosen = 'blauwe-fiets-onder-de-brug';

    await doubleClick(agent, `${FIRST}/wachtwoord`, { newPassword: chosen, repeatPassword: chosen }, { first: `${FIRST}/koppelen`, second: [`${FIRST}/koppelen`] });

    expect((await rt.services.staffAudit.list({ limit: 10 })).filter((e) => e.type === 'password_chosen'), 'one line in the Logboek').to.have.length(1);
    expect((await agent.get(`${FIRST}/koppelen`)).status, 'the browser goes on to the app').to.equal(200);
    expect((await deskPasswordStep(rt.agent(), { email: member.email, password: chosen })).headers.location).to.equal(`${DESK}/patienten`);
  });

  it('has a staff member made with a one-time password choose their own first; the one-time password then stops working', async () => {
    const member = await withOneTimePassword();
    const agent = rt.agent();
    expect((await deskPasswordStep(agent, member)).headers.location).to.equal(`${DESK}/patienten`);
    expect((await agent.get(`${DESK}/patienten`)).headers.location).to.equal(`${FIRST}/wachtwoord`);
    expect((await agent.get(`${FIRST}/koppelen`)).headers.location, 'the password comes first').to.equal(`${FIRST}/wachtwoord`);
    const other = rt.agent();
    await deskPasswordStep(other, member); // a second browser with the one-time password

    const same = await submitForm(agent, `${FIRST}/wachtwoord`, { newPassword: member.password, repeatPassword: member.password });
    expect(same.status).to.equal(400);
    expect(same.text).to.include('Kies een ander wachtwoord dan het eenmalige wachtwoord.');
    const weak = await submitForm(agent, `${FIRST}/wachtwoord`, { newPassword: 'wachtwoord', repeatPassword: 'wachtwoord' });
    expect(weak.status).to.equal(400);
    expect(weak.text, 'no password shown again').not.to.match(/value="wachtwoord"/);
    const mismatch = await submitForm(agent, `${FIRST}/wachtwoord`, { newPassword: 'blauwe-fiets-onder-de-brug', repeatPassword: 'blauwe-fiets' });
    expect(mismatch.text).to.include('De twee wachtwoorden zijn niet hetzelfde.');

    // Tried too often this hour (the "same" above was one): refused before hashing, until the hour is over.
    for (let i = 0; i < 9; i += 1) await rt.services.passwordChangeLimit.reserve(`staff:${member.id}`);
    const tooMany = await submitForm(agent, `${FIRST}/wachtwoord`, { newPassword: 'blauwe-fiets-onder-de-brug', repeatPassword: 'blauwe-fiets-onder-de-brug' });
    expect(tooMany.status).to.equal(429);
    expect(tooMany.text).to.include('Je hebt het afgelopen uur te vaak een nieuw wachtwoord geprobeerd.');
    await rt.db('rate_limits').where('key', 'like', 'password_change%').delete();

    const passwordPage = await agent.get(`${FIRST}/wachtwoord`);
    const chosen = await submitForm(agent, `${FIRST}/wachtwoord`, { newPassword: 'blauwe-fiets-onder-de-brug', repeatPassword: 'blauwe-fiets-onder-de-brug' });
    expect(chosen.headers.location).to.equal(`${FIRST}/koppelen`);
    const pairPage = await agent.get(`${FIRST}/koppelen`);
    expect(pairPage.status).to.equal(200);
    expect(csrfTokenOf(pairPage.text), 'the one-time password\'s session moved on: a new CSRF token').not.to.equal(csrfTokenOf(passwordPage.text));
    expect((await other.get(`${FIRST}/wachtwoord`)).headers.location, 'the other browser is signed out').to.equal(DESK);
    expect((await deskPasswordStep(rt.agent(), member)).status, 'the one-time password no longer works').to.equal(400);
    expect((await deskPasswordStep(rt.agent(), { email: member.email, password: 'blauwe-fiets-onder-de-brug' })).headers.location).to.equal(`${DESK}/patienten`);
    expect((await rt.services.staff.findById(member.id))!.oneTimePasswordUntil, 'their own password now').to.equal(null);
    expect((await rt.services.staffAudit.list({ limit: 10 })).map((e) => e.type)).to.include('password_chosen');
  });
});
