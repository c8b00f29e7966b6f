import { expect } from 'chai';
import supertest from 'supertest';
import { endPatientSessions, resetTwoFactor, setPatientDisabled, type ClinicActor } from '../../../src/domain/clinic-actions';
import { DESK, eachTestWithStaffSignedIn, identityOf, type TestStaffMember } from '../../support/desk';
import { signIn, submitForm } from '../../support/forms';
import type { TestRuntime } from '../../support/runtime';
import { patientWithSms } from '../../support/two-factor';
import { CHROME_WINDOWS, FIREFOX_LINUX } from '../../support/user-agents';
import { tableRows } from '../../support/tables';

const PAGE = '/account/beveiliging';
const REASON = 'Telefoon en herstelcodes kwijt; paspoort gecontroleerd aan de balie';

describe('security activity page: what the clinic did', () => {
  let rt: TestRuntime;
  let desk: supertest.Agent;
  let member: TestStaffMember;
  eachTestWithStaffSignedIn((signedIn) => ({ rt, desk, member } = signedIn), { name: 'Anna Jansen' });

  /** The patient signs in (from Firefox) and opens the page; its rows, newest first. */
  async function activityOf(patient: { email: string; password: string }, language = 'nl'): Promise<string[][]> {
    const agent = rt.agent().set('User-Agent', FIREFOX_LINUX);
    expect((await signIn(agent, patient.email, patient.password)).headers.location).to.equal('/werkblad');
    if (language !== 'nl') await agent.get(`/taal/${language}`);
    const res = await agent.get(PAGE);
    expect(res.status).to.equal(200);
    expect(res.text, 'never the staff member\'s browser').not.to.include(language === 'nl' ? 'Chrome op Windows' : 'Chrome on Windows');
    return tableRows(res.text);
  }

  it("says the care provider did it, not the desk employee's browser and the clinic's network, for each desk action", async () => {
    const patient = await patientWithSms(rt);
    desk.set('User-Agent', CHROME_WINDOWS);
    for (const action of ['twee-stappen-uitzetten', 'uitschakelen', 'inschakelen', 'overal-uitloggen']) {
      const path = `${DESK}/patienten/${patient.id}/${action}`;
      const res = await submitForm(desk, path, { identityChecked: 'ja', reason: REASON, ...identityOf(rt, member) });
      expect(res.headers.location, action).to.equal(`${DESK}/patienten/${patient.id}`);
    }
    const rows = await activityOf(patient);
    expect(rows.map((row) => row.slice(1))).to.deep.equal([
      ['Ingelogd met wachtwoord', 'Firefox op Linux', '127.0.0.0'],
      ['Overal uitgelogd door de helpdesk van je zorgaanbieder', 'Door je zorgaanbieder', 'Door je zorgaanbieder'],
      ['Account weer ingeschakeld door de helpdesk van je zorgaanbieder', 'Door je zorgaanbieder', 'Door je zorgaanbieder'],
      ['Account uitgeschakeld door de helpdesk van je zorgaanbieder', 'Door je zorgaanbieder', 'Door je zorgaanbieder'],
      ['Authenticatie in twee stappen uitgezet door de helpdesk van je zorgaanbieder', 'Door je zorgaanbieder', 'Door je zorgaanbieder'],
    ]);
  });

  it('says so in English too', async () => {
    const patient = await rt.createPatient();
    desk.set('User-Agent', CHROME_WINDOWS);
    await submitForm(desk, `${DESK}/patienten/${patient.id}/overal-uitloggen`, { identityChecked: 'ja', reason: REASON });
    const [, ended] = await activityOf(patient, 'en');
    expect(ended!.slice(2)).to.deep.equal(['By your care provider', 'By your care provider']);
  });

  it('says the care provider did it for the admin command too, not "onbekende browser"', async () => {
    const patient = await patientWithSms(rt);
    const command: ClinicActor = { staffId: null, origin: {}, reason: REASON }; // as src/cli passes it
    await rt.services.inTransaction((stores) => resetTwoFactor(stores, patient.id, command));
    await rt.services.inTransaction((stores) => setPatientDisabled(stores, patient.id, true, command));
    await rt.services.inTransaction((stores) => setPatientDisabled(stores, patient.id, false, command));
    await rt.services.inTransaction((stores) => endPatientSessions(stores, patient.id, command));
    const rows = await activityOf(patient);
    expect(rows).to.have.length(5);
    for (const row of rows.slice(1)) expect(row.slice(2), row[1]).to.deep.equal(['Door je zorgaanbieder', 'Door je zorgaanbieder']);
  });

  it("keeps the patient's own browser and network on the patient's own changes", async () => {
    const patient = await rt.createPatient();
    await rt.services.notifier.notify(patient.id, 'recovery_codes_renewed', { ip: '203.0.113.57', userAgent: CHROME_WINDOWS.replace('Windows NT 10.0; Win64; x64', 'X11; Linux x86_64') });
    const [, renewed] = await activityOf(patient);
    expect(renewed).to.deep.equal(['25 november 2026 om 14:00', 'Nieuwe herstelcodes gemaakt', 'Chrome op Linux', '203.0.113.0']);
  });
});
