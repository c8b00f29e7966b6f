import { expect } from 'chai';
import type { SecurityEventType } from '../../../src/domain/audit';
import { signedInPatient } from '../../support/two-factor';
import { startTestRuntime, TestRuntime } from '../../support/runtime';
import { unionMembers } from '../../support/source-types';
import { CHROME_WINDOWS, FIREFOX_LINUX, SAFARI_IPHONE } from '../../support/user-agents';
import { tableRows } from '../../support/tables';

const PAGE = '/account/beveiliging';

describe('security activity page (J6 "Beveiligingsactiviteit")', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  it('is only for signed-in patients', async () => {
    const res = await rt.agent().get(PAGE);
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/inloggen');
  });

  it('shows the page inside the account layout with an accessible table', async () => {
    const { agent } = await signedInPatient(rt);
    const res = await agent.get(PAGE);
    expect(res.status).to.equal(200);
    expect(res.text).to.include('<title>Beveiligingsactiviteit – Karify</title>');
    expect(res.text).to.include('<h1>Beveiligingsactiviteit</h1>');
    expect(res.text).to.include('class="account-menu"');
    expect(res.text).to.match(/<table class="table" role="table">\s*<caption[^>]*>[^<]+<\/caption>/);
    // The address is stored shortened (the last part zeroed): the header says so, as the e-mail does.
    for (const column of ['Datum en tijd', 'Wat er gebeurde', 'Browser', 'IP-adres (ingekort)']) {
      expect(res.text).to.include(`<th scope="col" role="columnheader">${column}</th>`);
    }
    expect(res.text).not.to.match(/<script|style=/);
  });

  it("lists the patient's own events newest first, with date, description, browser and shortened IP", async () => {
    const { patient, agent } = await signedInPatient(rt); // records a sign_in
    const other = await rt.createPatient();
    rt.clock.advanceMinutes(5);
    await rt.services.audit.record(patient.id, 'sign_in_failed', { ip: '203.0.113.57', userAgent: FIREFOX_LINUX }, { reason: 'password' });
    rt.clock.advanceMinutes(5);
    await rt.services.audit.record(patient.id, 'phone_changed', { ip: '2001:db8:1:2::5', userAgent: SAFARI_IPHONE });
    rt.clock.advanceMinutes(5);
    await rt.services.audit.record(patient.id, 'sign_in', { ip: '198.51.100.23', userAgent: CHROME_WINDOWS }, { method: 'sms' });
    await rt.services.audit.record(other.id, 'password_changed', { ip: '192.0.2.99', userAgent: CHROME_WINDOWS });

    const res = await agent.get(PAGE);
    expect(res.status).to.equal(200);
    const rows = tableRows(res.text);
    expect(rows).to.have.length(4);
    // The test clock starts at 25 November 2026 13:00 UTC, 14:00 in Amsterdam.
    expect(rows[0]).to.deep.equal(['25 november 2026 om 14:15', 'Ingelogd met SMS-code', 'Chrome op Windows', '198.51.100.0']);
    expect(rows[1]).to.deep.equal(['25 november 2026 om 14:10', 'Telefoonnummer voor inloggen gewijzigd', 'Safari op iPhone', '2001:db8:1::']);
    expect(rows[2]).to.deep.equal(['25 november 2026 om 14:05', 'Inloggen mislukt (verkeerd wachtwoord)', 'Firefox op Linux', '203.0.113.0']);
    expect(rows[3]![0]).to.equal('25 november 2026 om 14:00');
    expect(rows[3]![1]).to.match(/^Ingelogd/);
    expect(res.text).to.include('<time datetime="2026-11-25T13:15:00.000Z">');

    // Never the full address, and nothing of the other patient.
    expect(res.text).not.to.include('203.0.113.57');
    expect(res.text).not.to.include('198.51.100.23');
    expect(res.text).not.to.include('Wachtwoord gewijzigd');
    expect(res.text).not.to.include('192.0.2');
  });

  it('says "onbekend" for an unknown IP address (in every browser, text ones too) and "onbekende browser" for an unknown browser', async () => {
    const { patient, agent } = await signedInPatient(rt);
    await rt.db('security_events').where({ user_id: patient.id }).delete();
    await rt.services.audit.record(patient.id, 'sign_out', {});
    const res = await agent.get(PAGE);
    const rows = tableRows(res.text);
    expect(rows).to.have.length(1);
    expect(rows[0]![1]).to.equal('Uitgelogd');
    expect(rows[0]![2]).to.equal('onbekende browser');
    expect(rows[0]![3]).to.equal('onbekend');
    expect(res.text).not.to.include('visually-hidden">onbekend');
  });

  it('never puts the raw User-Agent header in the page', async () => {
    const { patient, agent } = await signedInPatient(rt);
    await rt.services.audit.record(patient.id, 'sign_in', { ip: '192.0.2.1', userAgent: '<script>alert(1)</script> Firefox/1.0' });
    const res = await agent.get(PAGE);
    expect(res.text).not.to.include('<script>alert(1)');
    expect(res.text).not.to.include('alert(1)');
    expect(tableRows(res.text)[0]![2]).to.equal('Firefox');
  });

  it('describes every event type in Dutch on the page', async () => {
    const { patient, agent } = await signedInPatient(rt);
    const types = unionMembers('src/domain/audit.ts', 'SecurityEventType') as SecurityEventType[];
    for (const type of types) await rt.services.audit.record(patient.id, type, { ip: '192.0.2.1' });
    const res = await agent.get(PAGE);
    const descriptions = tableRows(res.text).map((row) => row[1]!);
    expect(descriptions).to.have.length(types.length + 1);
    for (const text of descriptions) expect(text).to.not.match(/activity\.|_|\{\{/);
  });

  it('shows events recorded through the security notifier', async () => {
    const { patient, agent } = await signedInPatient(rt);
    await rt.services.notifier.notify(patient.id, 'recovery_codes_renewed', { ip: '192.0.2.1', userAgent: CHROME_WINDOWS });
    const rows = tableRows((await agent.get(PAGE)).text);
    expect(rows[0]).to.deep.equal(['25 november 2026 om 14:00', 'Nieuwe herstelcodes gemaakt', 'Chrome op Windows', '192.0.2.0']);
  });

  it('says so when there is no activity yet', async () => {
    const { patient, agent } = await signedInPatient(rt);
    await rt.db('security_events').where({ user_id: patient.id }).delete();
    const res = await agent.get(PAGE);
    expect(res.text).to.include('Er is nog geen beveiligingsactiviteit op je account.');
    expect(res.text).not.to.include('<table');
  });
});
