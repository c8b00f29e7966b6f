import { expect } from 'chai';
import supertest from 'supertest';
import { createDateTimeFormatter } from '../../../src/i18n/format';
import { hasherHeldOpen } from '../../support/counting-hasher';
import { appWithStoresSwapped, createStaffMember, DESK, failingStaffAudit, identityOf, signInAtDesk, eachTestWithStaffSignedIn, startWithStaffSignedIn, type TestStaffMember } from '../../support/desk';
import { csrfTokenOf, doubleClick, signIn, submitForm } from '../../support/forms';
import { authenticatorFor, mailedAlerts, patientWithPasskey, registerPasskey } from '../../support/passkeys';
import type { TestRuntime } from '../../support/runtime';
import { expectSignedOut, lockSecondStep, patientWithSms } from '../../support/two-factor';
import { tableRows } from '../../support/tables';

const PATIENTS = `${DESK}/patienten`;
const REASON = 'Telefoon en herstelcodes kwijt; paspoort gecontroleerd aan de balie';

describe('desk: patients (search, page, reset two-step, disable, enable, sign out everywhere)', () => {
  let rt: TestRuntime;
  let member: TestStaffMember;
  let desk: supertest.Agent;
  eachTestWithStaffSignedIn((signedIn) => ({ rt, member, desk } = signedIn), { name: 'Anna Jansen' });

  const search = (query: string, agent = desk) => submitForm(agent, PATIENTS, { query });
  /** A form that lets someone into an account, with the staff member's own password and app code (asked unless given in the last minutes). */
  const confirmedBy = (fields: Record<string, string>, who = member) => ({ ...fields, ...identityOf(rt, who) });
  const resultNames = (html: string) => tableRows(html).map((cells) => cells[0]);
  const staffRows = async () => (await rt.services.staffAudit.list({ limit: 100, leaveOut: ['patient_viewed', 'sign_in'] })).map((e) => ({ type: e.type, staff: e.staff?.id, patient: e.patient?.id, details: e.details }));

  /** Everything a desk action may change, to compare before and after. */
  async function accountState(userId: number) {
    const { services } = rt;
    return {
      user: await services.users.findById(userId),
      twoFactor: await services.twoFactor.status(userId),
      recoveryCodes: await services.recoveryCodes.countRemaining(userId),
      events: (await services.audit.listForUser(userId)).map((e) => e.type),
      messages: (await services.messages.listForUser(userId)).map((m) => m.kind),
      mails: (await queuedMails(userId)).map((m) => m.kind),
      staffRows: await staffRows(),
    };
  }

  /** The security alerts queued for the patient, oldest first. */
  const queuedMails = (userId: number): Promise<{ kind: string; text_body: string }[]> =>
    rt.db('mail_outbox').where({ user_id: userId }).orderBy('id').select('kind', 'text_body');

  /** The patient is e-mailed that the clinic did it: not by whom, why, or from which browser and network. */
  async function expectMailedByClinic(userId: number, kinds: string[], reasons: string[]): Promise<void> {
    const mails = await queuedMails(userId);
    expect(mails.map((m) => m.kind)).to.deep.equal(kinds);
    for (const { kind, text_body: text } of mails) {
      expect(text, kind).to.include('Door: je zorgaanbieder');
      for (const secret of ['Anna Jansen', 'Browser', 'IP-adres', ...reasons]) expect(text, `${kind}: ${secret}`).not.to.include(secret);
    }
  }

  describe('search', () => {
    it('tells an admin, not a desk employee, how many alert mails to patients could not be sent, and how to send them again', async () => {
      const patient = await rt.createPatient();
      const admin = await signInAtDesk(rt, await createStaffMember(rt, { role: 'admin', email: 'beheer@kliniek.nl' }));
      const warning = /<p class="warning">(\d+) e-mails? met een beveiligingsmelding [^<]* &#39;npm run admin -- retry-mail&#39;[^<]*<\/p>/;
      expect((await admin.get(PATIENTS)).text, 'none failed').not.to.match(warning);

      const mail = { userId: patient.id, kind: 'two_factor_enabled', to: patient.email, language: 'nl', subject: 'S', text: 'T' };
      await rt.services.mailOutbox.enqueue(mail);
      await rt.services.mailOutbox.enqueue(mail);
      await rt.db('mail_outbox').where({ user_id: patient.id }).update({ status: 'failed' });
      expect(warning.exec((await admin.get(PATIENTS)).text)?.[1]).to.equal('2');
      expect(warning.exec((await search('x', admin)).text)?.[1], 'also after a search').to.equal('2');
      expect((await desk.get(PATIENTS)).text, 'a desk employee cannot act on it').not.to.match(warning);

      await rt.services.mailOutbox.retryFailed();
      expect((await admin.get(PATIENTS)).text, 'sent again').not.to.match(warning);
    });

    it('finds patients by part of the e-mail address or the name, in any case', async () => {
      await rt.createPatient({ name: 'Cas de Vries', email: 'cas.devries@example.nl' });
      await rt.createPatient({ name: 'Bea Bakker', email: 'bea@voorbeeld.nl' });
      expect(resultNames((await search('DEVRIES')).text)).to.deep.equal(['Cas de Vries']);
      expect(resultNames((await search('bakker')).text)).to.deep.equal(['Bea Bakker']);
      expect(resultNames((await search('.nl')).text)).to.deep.equal(['Bea Bakker', 'Cas de Vries']);
      await rt.createPatient({ name: 'Ömer Öztürk', email: 'omer@example.nl' });
      await rt.createPatient({ name: 'ÉLODIE ÇELIK', email: 'elodie@example.nl' });
      for (const text of ['Öztürk', 'öztürk', 'ÖMER', 'ozturk', 'Omer Ozturk']) expect(resultNames((await search(text)).text), text).to.deep.equal(['Ömer Öztürk']);
      for (const text of ['élodie', 'çelik']) expect(resultNames((await search(text)).text), text).to.deep.equal(['ÉLODIE ÇELIK']);
      const none = await search('niemand');
      expect(none.text).to.include('Er is geen patiënt gevonden.').and.include('<h2 id="results-title">Zoekresultaat</h2>').and.not.include('Gevonden patiënten');
    });

    it('takes % and _ as plain characters, not as wildcards', async () => {
      await rt.createPatient({ name: 'Cas de Vries', email: 'cas@example.nl' });
      await rt.createPatient({ name: 'Korting 100% zeker', email: 'k_100@example.nl' });
      expect(resultNames((await search('0%')).text)).to.deep.equal(['Korting 100% zeker']);
      expect(resultNames((await search('%%')).text)).to.deep.equal([]);
      expect(resultNames((await search('__')).text)).to.deep.equal([]);
      expect(resultNames((await search('k_1')).text)).to.deep.equal(['Korting 100% zeker']);
      expect(resultNames((await search('\\')).text)).to.deep.equal([]);
    });

    it('shows at most 50, and says there are more', async () => {
      for (let i = 0; i < 52; i += 1) await rt.services.users.create({ email: `jansen${i}@example.nl`, name: `Jansen ${String(i).padStart(2, '0')}`, passwordHash: 'x' });
      const res = await search('jansen');
      expect(resultNames(res.text)).to.have.length(50);
      expect(res.text).to.include('Meer dan 50 patiënten gevonden.');
    });

    it('asks for at least two characters, with the message at the field, keeping what was typed; never puts the search in the address', async () => {
      const empty = await search('');
      expect(empty.status).to.equal(400);
      expect(empty.text).to.include('<li><a href="#query">Vul een e-mailadres of naam in.</a></li>');
      const short = await search('c');
      expect(short.text).to.include('Vul minstens 2 tekens in.');
      expect(short.text).to.match(/<input id="query" name="query" type="text" value="c"/);
      expect(short.text).to.include('<form method="post" action="/balie/patienten"');
    });
  });

  describe('a patient\'s page', () => {
    it('shows the two-step method, the masked number, the codes left, the account and the latest activity; the view is logged', async () => {
      const patient = await patientWithSms(rt, '+31612345678');
      await rt.services.recoveryCodes.consume(patient.id, patient.recoveryCodes[0]!);
      await rt.services.audit.record(patient.id, 'sign_in', { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0' }, { method: 'sms' });
      const page = await desk.get(`${PATIENTS}/${patient.id}`);
      expect(page.status).to.equal(200);
      expect(page.text).to.include(`<h1>${patient.name}</h1>`);
      expect(page.text).to.include('<dd>Aan, met SMS</dd>').and.include('<dd><span class="masked-phone-bullets" aria-hidden="true">+31 6 ••••••78</span><span class="masked-phone-words"> +31 6, eindigend op 78</span></dd>').and.include('<dd>9 van de 10</dd>').and.include('<dd>Actief</dd>');
      expect(page.text).not.to.include('612345678');
      expect(page.text).to.include('Ingelogd met SMS-code').and.include('Chrome op Windows').and.include('203.0.113.0');
      expect(page.text, 'the address is shortened, and says so').to.include('IP-adres (ingekort)');
      expect(page.text).to.include('Authenticatie in twee stappen uitzetten').and.include('Account uitschakelen').and.include('Overal uitloggen');
      const viewed = await rt.services.staffAudit.list({ limit: 5 });
      expect(viewed[0]).to.deep.include({ type: 'patient_viewed' });
      expect(viewed[0]!.patient!.id).to.equal(patient.id);
      expect(viewed[0]!.staff!.id).to.equal(member.id);
      expect((await desk.get(`${PATIENTS}/999999`)).status).to.equal(404);
      expect((await desk.get(`${PATIENTS}/abc`)).status).to.equal(404);
    });

    it('names an admin command on the server as such in the activity, and an unknown network as "onbekend" in plain text', async () => {
      const patient = await rt.createPatient();
      await rt.services.audit.record(patient.id, 'account_disabled', {}, { by: 'admin-cli' });
      await rt.services.audit.record(patient.id, 'sign_out', {});
      const rows = tableRows((await desk.get(`${PATIENTS}/${patient.id}`)).text).map((cells) => cells.slice(2));
      expect(rows).to.deep.equal([['onbekende browser', 'onbekend'], ['beheeropdracht op de server', 'onbekend']]);
    });
  });

  describe('reset two-step', () => {
    it('asks for the identity check and a reason, keeping what was typed', async () => {
      const patient = await patientWithSms(rt);
      const confirm = await desk.get(`${PATIENTS}/${patient.id}/twee-stappen-uitzetten`);
      expect(confirm.text).to.include('<h1>Authenticatie in twee stappen uitzetten</h1>').and.include('Telefoonnummer, app, toegangssleutels en herstelcodes worden verwijderd');
      const before = await accountState(patient.id);
      const res = await submitForm(desk, `${PATIENTS}/${patient.id}/twee-stappen-uitzetten`, { reason: '' });
      expect(res.status).to.equal(400);
      expect(res.text).to.include('<li><a href="#identityChecked">Controleer eerst wie de patiënt is, en vink dat aan.</a></li>');
      expect(res.text).to.include('<li><a href="#reason">Vul de reden in.</a></li>');
      const kept = await submitForm(desk, `${PATIENTS}/${patient.id}/twee-stappen-uitzetten`, { reason: 'paspoort gezien' });
      expect(kept.text).to.match(/<input id="reason" name="reason" type="text" value="paspoort gezien"/);
      expect(await accountState(patient.id)).to.deep.equal(before);
    });

    it('says what the patient does next: sign in with the password alone, or under REQUIRE_TWO_FACTOR set it up again at once', async () => {
      const patient = await patientWithSms(rt);
      const usual = await desk.get(`${PATIENTS}/${patient.id}/twee-stappen-uitzetten`);
      expect(usual.text).to.include('Daarna logt de patiënt in met alleen het wachtwoord');
      const required = await startWithStaffSignedIn({}, { REQUIRE_TWO_FACTOR: 'true' });
      try {
        const theirs = await patientWithSms(required.rt);
        const page = await required.desk.get(`${PATIENTS}/${theirs.id}/twee-stappen-uitzetten`);
        expect(page.text).to.include('Bij de volgende keer inloggen stelt de patiënt authenticatie in twee stappen meteen opnieuw in.').and.not.include('met alleen het wachtwoord');
      } finally {
        await required.rt.close();
      }
    });

    it('turns two-step off with the reason: codes gone, the patient signed out and told; the next sign-in needs only the password', async () => {
      const patient = await patientWithSms(rt);
      const patientAgent = rt.agent();
      expect((await signIn(patientAgent, patient.email, patient.password)).headers.location).to.equal('/inloggen/code');

      const crafted = await desk.get(`${PATIENTS}/${patient.id}?gedaan=reset`);
      expect(crafted.text, 'not because the address says so').not.to.include('Authenticatie in twee stappen is uitgezet.');
      const res = await submitForm(desk, `${PATIENTS}/${patient.id}/twee-stappen-uitzetten`, confirmedBy({ identityChecked: 'ja', reason: REASON }));
      expect(res.headers.location).to.equal(`${PATIENTS}/${patient.id}`);
      const page = await desk.get(res.headers.location!);
      expect(page.text).to.include('Authenticatie in twee stappen is uitgezet.').and.include('<dd>Uit</dd>');
      expect((await desk.get(res.headers.location!)).text, 'said once').not.to.include('Authenticatie in twee stappen is uitgezet.');
      expect(page.text, 'the reason in the desk\'s own history').to.include(REASON).and.include('Anna Jansen');

      const state = await accountState(patient.id);
      expect(state.twoFactor).to.deep.equal({ enabled: false });
      expect(state.recoveryCodes).to.equal(0);
      expect(state.user!.sessionGeneration).to.equal(patient.sessionGeneration + 1);
      expect(state.messages).to.deep.equal(['two_factor_reset_by_clinic']);
      await expectMailedByClinic(patient.id, ['two_factor_reset_by_clinic'], [REASON]);
      const [event] = await rt.services.audit.listForUser(patient.id, 1);
      expect(event).to.deep.include({ type: 'two_factor_reset_by_clinic' });
      expect(event!.details).to.deep.equal({ by: 'desk', staffId: member.id, reason: REASON });
      expect(state.staffRows).to.deep.equal([{ type: 'patient_two_factor_reset', staff: member.id, patient: patient.id, details: { reason: REASON } }]);

      const next = rt.agent();
      expect((await signIn(next, patient.email, patient.password)).headers.location, 'password only now').to.equal('/werkblad');
      const activity = await next.get('/account/beveiliging');
      expect(activity.text).to.include('Authenticatie in twee stappen uitgezet door de helpdesk van je zorgaanbieder');
      expect(activity.text, 'the patient does not see who at the desk').not.to.include('Anna Jansen');
      const inbox = await next.get('/berichten');
      expect(inbox.text).to.include('Je zorgaanbieder heeft authenticatie in twee stappen uitgezet');
      expect(inbox.text).not.to.include(REASON);
    });

    it('shows passkeys (as the method, or beside it) and removes them with the reset', async () => {
      const { patient } = await patientWithPasskey(rt, 'Sleutelbos');
      const withSms = await patientWithSms(rt, '+31612345678');
      await registerPasskey(rt, withSms, authenticatorFor(rt), 'Laptop');
      await registerPasskey(rt, withSms, authenticatorFor(rt), 'Telefoon');
      const found = await search('example');
      expect(tableRows(found.text).map((cells) => cells[2])).to.include.members(['Aan, met een toegangssleutel', 'Aan, met SMS']);
      expect((await desk.get(`${PATIENTS}/${patient.id}`)).text).to.include('<dd>Aan, met een toegangssleutel</dd>').and.include('<dt>Toegangssleutels</dt><dd>1</dd>');
      expect((await desk.get(`${PATIENTS}/${withSms.id}`)).text).to.include('<dd>Aan, met SMS</dd>').and.include('<dt>Toegangssleutels</dt><dd>2</dd>');

      const res = await submitForm(desk, `${PATIENTS}/${patient.id}/twee-stappen-uitzetten`, confirmedBy({ identityChecked: 'ja', reason: REASON }));
      expect(res.headers.location).to.equal(`${PATIENTS}/${patient.id}`);
      expect(await rt.services.passkeys.countForUser(patient.id)).to.equal(0);
      expect(await rt.services.passkeys.countForUser(withSms.id), 'another patient keeps theirs').to.equal(2);
      expect((await desk.get(`${PATIENTS}/${patient.id}`)).text).to.include('<dd>Uit</dd>').and.not.include('<dt>Toegangssleutels</dt>');
      const [message] = await rt.services.messages.listForUser(patient.id);
      expect(message!.params, 'Berichten says the passkeys went too').to.include({ removed: 'passkeys' });
      const mail = (await mailedAlerts(rt, patient.id)).find((m) => m.kind === 'two_factor_reset_by_clinic');
      expect(mail!.text).to.include('en je toegangssleutels zijn verwijderd').and.not.include('als je je telefoon en je herstelcodes kwijt bent.');
    });

    it('changes nothing, and says so, when two-step was off already (a colleague was first)', async () => {
      const patient = await rt.createPatient();
      const confirm = await desk.get(`${PATIENTS}/${patient.id}/twee-stappen-uitzetten`);
      expect(confirm.text).to.include('Dit kan nu niet bij deze patiënt.');
      expect(confirm.text).not.to.include('Zet authenticatie in twee stappen uit</button>');
      const res = await submitForm(desk, `${PATIENTS}/${patient.id}`, confirmedBy({ identityChecked: 'ja', reason: REASON }), `${PATIENTS}/${patient.id}/twee-stappen-uitzetten`);
      expect(res.headers.location).to.equal(`${PATIENTS}/${patient.id}`);
      expect((await desk.get(res.headers.location!)).text).to.include('Er is niets veranderd');
      expect(await staffRows()).to.deep.equal([]);
    });

    it('resets once when two staff members reset the same patient at the same moment', async () => {
      const patient = await patientWithSms(rt);
      const colleague = await createStaffMember(rt);
      const other = await signInAtDesk(rt, colleague);
      const tokenOf = async (agent: supertest.Agent) => /name="_csrf" value="([^"]+)"/.exec((await agent.get(`${PATIENTS}/${patient.id}/twee-stappen-uitzetten`)).text)![1]!;
      const [a, b] = [await tokenOf(desk), await tokenOf(other)];
      const [ours, theirs] = [confirmedBy({ identityChecked: 'ja', reason: REASON }), confirmedBy({ identityChecked: 'ja', reason: REASON }, colleague)];
      const post = (agent: supertest.Agent, _csrf: string, fields: Record<string, string>) =>
        agent.post(`${PATIENTS}/${patient.id}/twee-stappen-uitzetten`).type('form').send({ _csrf, ...fields });
      const results = await Promise.all([post(desk, a, ours), post(other, b, theirs), post(desk, a, ours), post(other, b, theirs)]);
      expect(results.map((r) => `${r.status} ${r.headers.location}`)).to.deep.equal(Array(4).fill(`302 ${PATIENTS}/${patient.id}`));
      expect((await staffRows()).filter((r) => r.type === 'patient_two_factor_reset')).to.have.length(1);
      expect((await rt.services.messages.listForUser(patient.id)).map((m) => m.kind)).to.deep.equal(['two_factor_reset_by_clinic']);
    });
  });

  describe('a temporary password for a forgotten one', () => {
    const PASSWORD_SHOWN = /<code class="totp-key">([a-z0-9-]+)<\/code>/;

    it('asks for the identity check and a reason, and changes nothing without them', async () => {
      const patient = await patientWithSms(rt);
      const path = `${PATIENTS}/${patient.id}/tijdelijk-wachtwoord`;
      const confirm = await desk.get(path);
      expect(confirm.text).to.include('<h1>Tijdelijk wachtwoord geven</h1>').and.include('Authenticatie in twee stappen blijft zoals het is.');
      expect((await desk.get(`${PATIENTS}/${patient.id}`)).text, 'offered on the patient\'s page').to.include(`href="${path}"`);
      const before = await accountState(patient.id);
      const res = await submitForm(desk, path, { reason: '' });
      expect(res.status).to.equal(400);
      expect(res.text).to.include('<li><a href="#identityChecked">Controleer eerst wie de patiënt is, en vink dat aan.</a></li>').and.include('<li><a href="#reason">Vul de reden in.</a></li>');
      expect(await accountState(patient.id)).to.deep.equal(before);
    });

    it('shows the temporary password once; the patient is signed out and told, and signs in with it and their second step to choose their own', async () => {
      const patient = await patientWithSms(rt);
      const patientAgent = rt.agent();
      expect((await signIn(patientAgent, patient.email, patient.password)).headers.location).to.equal('/inloggen/code');
      for (let i = 0; i < 6; i += 1) await signIn(rt.agent(), patient.email, `geraden-wachtwoord-${i}`);
      expect((await signIn(rt.agent(), patient.email, patient.password)).status, 'locked by the guesses').to.equal(429);

      const res = await submitForm(desk, `${PATIENTS}/${patient.id}/tijdelijk-wachtwoord`, confirmedBy({ identityChecked: 'ja', reason: REASON }));
      const given = `${PATIENTS}/${patient.id}/tijdelijk-wachtwoord/gegeven`;
      expect(res.headers.location).to.equal(given);
      const page = await desk.get(given);
      const temporary = PASSWORD_SHOWN.exec(page.text)?.[1];
      expect(temporary).to.match(/^[a-z0-9]{4}(-[a-z0-9]{4}){4}$/);
      expect(page.text).to.include(`${patient.name} (${patient.email}) heeft een tijdelijk wachtwoord en is overal uitgelogd.`)
        .and.include('met dit wachtwoord en de tweede stap (zoals altijd)').and.include('Let op: we tonen dit wachtwoord maar één keer.').and.include('Lees het voor in kleine letters, met de streepjes.');
      expect((await desk.get(given)).headers.location, 'shown once').to.equal(`${PATIENTS}/${patient.id}`);
      for (const table of ['staff_audit_events', 'security_events', 'messages', 'mail_outbox', 'desk_sessions']) {
        expect(JSON.stringify(await rt.db(table).select()), `not in ${table}: sealed in the session until shown`).not.to.include(temporary);
      }

      const state = await accountState(patient.id);
      expect(state.twoFactor, 'two-step stays').to.deep.include({ enabled: true, method: 'sms' });
      expect(state.user!.sessionGeneration).to.equal(patient.sessionGeneration + 1);
      expect(state.messages).to.deep.equal(['password_reset_by_clinic']);
      await expectMailedByClinic(patient.id, ['password_reset_by_clinic'], [REASON, temporary!]);
      const [event] = await rt.services.audit.listForUser(patient.id, 1);
      expect(event).to.deep.include({ type: 'password_reset_by_clinic' });
      expect(event!.details).to.deep.equal({ by: 'desk', staffId: member.id, reason: REASON });
      expect(state.staffRows).to.deep.equal([{ type: 'patient_password_reset', staff: member.id, patient: patient.id, details: { reason: REASON } }]);
      const patientPage = (await desk.get(`${PATIENTS}/${patient.id}`)).text;
      expect(patientPage).to.include('Tijdelijk wachtwoord gegeven door de balie').and.match(/<dt>Wachtwoord<\/dt><dd>Tijdelijk wachtwoord, werkt tot [^<]+ om \d\d:\d\d<\/dd>/);

      expect((await patientAgent.get('/inloggen/code')).headers.location, 'the half session after the old password ended').to.equal('/inloggen');
      expect((await signIn(rt.agent(), patient.email, patient.password)).status, 'the old password no longer works').to.equal(400);
      const next = rt.agent();
      expect((await signIn(next, patient.email, temporary!)).headers.location, 'no longer locked; the second step as ever').to.equal('/inloggen/code');
      await rt.db('users').where({ id: patient.id }).update({ one_time_password_until: rt.clock.now() - 1 });
      expect((await desk.get(`${PATIENTS}/${patient.id}`)).text).to.match(/<dt>Wachtwoord<\/dt><dd>Tijdelijk wachtwoord, verlopen op [^<]+\. Geef een nieuw tijdelijk wachtwoord als de patiënt nog moet inloggen\.<\/dd>/);
    });

    it('says until when it works (seven days) and where the patient signs in, on that patient\'s page only', async () => {
      const [patient, other] = [await rt.createPatient(), await rt.createPatient()];
      const given = `${PATIENTS}/${patient.id}/tijdelijk-wachtwoord/gegeven`;
      await submitForm(desk, `${PATIENTS}/${patient.id}/tijdelijk-wachtwoord`, confirmedBy({ identityChecked: 'ja', reason: REASON }));
      const otherPage = await desk.get(`${PATIENTS}/${other.id}/tijdelijk-wachtwoord/gegeven`);
      expect(otherPage.headers.location, 'not on another patient\'s page').to.equal(`${PATIENTS}/${other.id}`);

      const until = rt.clock.now() + 7 * 86_400_000;
      expect((await rt.services.users.findById(patient.id))!.oneTimePasswordUntil).to.equal(until);
      const format = createDateTimeFormatter('nl-NL', rt.config.timeZone);
      const page = (await desk.get(given)).text;
      expect(PASSWORD_SHOWN.exec(page)?.[1], 'still shown on its own page').to.match(/^[a-z0-9]{4}(-[a-z0-9]{4}){4}$/);
      expect(page).to.include(`Het werkt tot ${format.date(until)} om ${format.time(until)}. Daarna kan de patiënt er niet meer mee inloggen.`)
        .and.include(`De patiënt logt in op ${rt.config.webauthn.origin}/inloggen met dit wachtwoord en kiest dan meteen een eigen wachtwoord.`);
    });

    it('gives one password when the button is pressed twice at once, and both answers lead to it', async () => {
      const patient = await rt.createPatient();
      const path = `${PATIENTS}/${patient.id}/tijdelijk-wachtwoord`;
      const given = `${path}/gegeven`;
      await doubleClick(desk, path, confirmedBy({ identityChecked: 'ja', reason: REASON }), { first: given, second: [given] });
      expect((await staffRows()).filter((row) => row.type === 'patient_password_reset')).to.have.length(1);
      const temporary = PASSWORD_SHOWN.exec((await desk.get(given)).text)?.[1];
      expect((await signIn(rt.agent(), patient.email, temporary!)).headers.location).to.equal('/werkblad');
    });

    it('gives none without the staff member\'s own confirmation when the account is enabled again while the form is on its way', async () => {
      // The hash of the new temporary password is held open: when a colleague (or the same person,
      // in another tab) could enable the account.
      const held = hasherHeldOpen();
      const world = await startWithStaffSignedIn({}, {}, { hasher: held.hasher });
      try {
        const patient = await world.rt.createPatient();
        const path = `${PATIENTS}/${patient.id}/tijdelijk-wachtwoord`;
        const form = await world.desk.get(path);
        await world.rt.services.users.setDisabled(patient.id, true);
        held.arm();
        // Not fresh: the form would have to carry the staff member's password and code.
        const answer = world.desk.post(path).type('form').send({ _csrf: csrfTokenOf(form.text), identityChecked: 'ja', reason: REASON });
        if ((await Promise.race([answer.then(() => 'answered'), held.started.then(() => 'hashing')])) === 'hashing') {
          await world.rt.services.users.setDisabled(patient.id, false);
        }
        held.release();
        expect((await answer).headers.location).to.equal(`${PATIENTS}/${patient.id}`);
        const rows = await world.rt.services.staffAudit.list({ limit: 10 });
        expect(rows.map((row) => row.type)).not.to.include('patient_password_reset');
        await world.rt.services.users.setDisabled(patient.id, false);
        expect((await signIn(world.rt.agent(), patient.email, patient.password)).headers.location, 'the own password still works').to.equal('/werkblad');
      } finally {
        held.release();
        await world.rt.close();
      }
    });

    it('is not offered for a disabled account, which could not sign in with it', async () => {
      const patient = await rt.createPatient();
      await rt.services.users.setDisabled(patient.id, true);
      const path = `${PATIENTS}/${patient.id}/tijdelijk-wachtwoord`;
      expect((await desk.get(`${PATIENTS}/${patient.id}`)).text).not.to.include(`href="${path}"`);
      expect((await desk.get(path)).text, 'says why').to.include('Het account van deze patiënt is uitgeschakeld. Schakel het eerst weer in.').and.not.include('name="reason"');
      const before = await accountState(patient.id);
      await submitForm(desk, PATIENTS, { identityChecked: 'ja', reason: REASON }, path);
      expect(await accountState(patient.id)).to.deep.equal(before);
    });
  });

  it('says on the patient\'s page until when their second step is locked, and nothing once it is over', async () => {
    const patient = await patientWithSms(rt);
    const page = `${PATIENTS}/${patient.id}`;
    expect((await desk.get(page)).text).not.to.include('Geblokkeerd tot');
    await lockSecondStep(rt, patient.id); // 14:00 + 15 minutes
    expect((await desk.get(page)).text).to.include('<dt>Tweede stap</dt><dd class="warning">Geblokkeerd tot 14:15: er is te vaak een verkeerde code ingevuld.');
    rt.clock.advanceMinutes(8); // within the desk's idle timeout, twice
    expect((await desk.get(page)).text).to.include('Geblokkeerd tot 14:15');
    rt.clock.advanceMinutes(8);
    const over = await desk.get(page);
    expect(over.status).to.equal(200);
    expect(over.text).to.include('<h1>').and.not.include('Geblokkeerd tot');
  });

  describe('all of a patient\'s history, a page at a time', () => {
    /** The link under a list of the patient's page that leads to all of it, or undefined. */
    const allLink = (html: string, text: string) => new RegExp(`<a href="([^"]+)">${text}</a>`).exec(html)?.[1];
    const olderLink = (html: string) => /<a href="([^"]+)">Oudere regels<\/a>/.exec(html)?.[1]?.replaceAll('&#x3D;', '=');

    it('shows the latest 10 events on the patient\'s page, and all of them 50 a page, newest first; each view is logged', async () => {
      const patient = await rt.createPatient();
      const page = `${PATIENTS}/${patient.id}`;
      for (let i = 1; i <= 10; i += 1) await rt.services.audit.record(patient.id, i % 2 ? 'sign_in' : 'sign_out');
      expect(allLink((await desk.get(page)).text, 'Alle beveiligingsactiviteit van deze patiënt'), 'ten: all on the page').to.equal(undefined);
      for (let i = 11; i <= 60; i += 1) await rt.services.audit.record(patient.id, i === 60 ? 'password_changed' : 'sign_in');
      const shown = (await desk.get(page)).text;
      expect(tableRows(shown)).to.have.length(10);
      const all = allLink(shown, 'Alle beveiligingsactiviteit van deze patiënt');
      expect(all).to.equal(`${page}/activiteit`);

      const viewsBefore = (await rt.services.staffAudit.list({ limit: 100 })).filter((e) => e.type === 'patient_viewed').length;
      const first = await desk.get(all!);
      expect(first.status).to.equal(200);
      expect(first.text).to.include(`<h1>Beveiligingsactiviteit van ${patient.name}</h1>`);
      const rows = tableRows(first.text);
      expect(rows).to.have.length(50);
      expect(rows[0]![1]).to.equal('Wachtwoord gewijzigd');
      const older = await desk.get(olderLink(first.text)!);
      expect(tableRows(older.text)).to.have.length(10);
      expect(older.text, 'newer: the newest page').to.include(`<a href="${page}/activiteit">Nieuwere regels</a>`);
      const views = (await rt.services.staffAudit.list({ limit: 100 })).filter((e) => e.type === 'patient_viewed');
      expect(views.length - viewsBefore, 'both pages were logged as views of the patient').to.equal(2);
      expect(views[0]!.patient!.id).to.equal(patient.id);
    });

    it('shows the desk\'s latest 10 actions on the patient\'s page, and all of them on a page of their own, without the views', async () => {
      const patient = await rt.createPatient();
      const page = `${PATIENTS}/${patient.id}`;
      await rt.services.audit.record(patient.id, 'sign_in'); // the first table: the patient's activity
      for (let i = 1; i <= 11; i += 1) {
        await rt.services.staffAudit.record(member.id, i % 2 ? 'patient_sessions_ended' : 'patient_disabled', {}, { reason: `Reden ${i}` }, { patientId: patient.id });
      }
      const shown = (await desk.get(page)).text;
      expect(tableRows(shown, 1)).to.have.length(10);
      const all = allLink(shown, 'Alle acties van de balie bij deze patiënt');
      expect(all).to.equal(`${page}/balie-acties`);
      const list = await desk.get(all!);
      expect(list.text).to.include(`<h1>Acties van de balie bij ${patient.name}</h1>`);
      expect(tableRows(list.text).map((cells) => cells[4])).to.deep.equal(Array.from({ length: 11 }, (_, i) => `Reden ${11 - i}`));
      expect(olderLink(list.text)).to.equal(undefined);
    });

    it('gives a 404 page for a patient that does not exist, and an empty page past the oldest row', async () => {
      for (const path of ['activiteit', 'balie-acties']) expect((await desk.get(`${PATIENTS}/999999/${path}`)).status, path).to.equal(404);
      const patient = await rt.createPatient();
      await rt.services.audit.record(patient.id, 'sign_in');
      const past = await desk.get(`${PATIENTS}/${patient.id}/activiteit?voor=1`);
      expect(past.status).to.equal(200);
      expect(past.text).to.include('Op deze pagina staat niets meer.').and.include('Nieuwere regels');
    });
  });

  describe('disable, enable, sign out everywhere', () => {
    it('disables once when the button is pressed twice at once, and does not say that nothing changed', async () => {
      const patient = await rt.createPatient();
      const page = `${PATIENTS}/${patient.id}`;
      await doubleClick(desk, `${page}/uitschakelen`, { reason: 'Op verzoek van de patiënt' }, { first: `${page}`, second: [page] });
      const shown = (await desk.get(page)).text;
      expect(shown).to.include('Het account is uitgeschakeld.').and.not.include('Er is niets veranderd');
      expect((await rt.services.messages.listForUser(patient.id)).map((m) => m.kind)).to.deep.equal(['account_disabled']);
      expect((await staffRows()).map((r) => r.type)).to.deep.equal(['patient_disabled']);
    });

    it('disables an account (the patient is signed out and cannot sign in), then enables it again; each told in Berichten', async () => {
      const patient = await rt.createPatient();
      const patientAgent = rt.agent();
      await signIn(patientAgent, patient.email, patient.password);
      const off = await submitForm(desk, `${PATIENTS}/${patient.id}/uitschakelen`, { reason: 'Op verzoek van de patiënt' });
      expect(off.headers.location).to.equal(`${PATIENTS}/${patient.id}`);
      await expectSignedOut(patientAgent);
      expect((await signIn(rt.agent(), patient.email, patient.password)).status, 'refused: the account is switched off').to.equal(403);
      expect((await desk.get(`${PATIENTS}/${patient.id}`)).text).to.include('<dd>Uitgeschakeld</dd>').and.include('Account weer inschakelen');

      const on = await submitForm(desk, `${PATIENTS}/${patient.id}/inschakelen`, { reason: 'Patiënt belde terug' });
      expect(on.headers.location).to.equal(`${PATIENTS}/${patient.id}`);
      const back = rt.agent();
      expect((await signIn(back, patient.email, patient.password)).headers.location).to.equal('/werkblad');
      expect((await rt.services.messages.listForUser(patient.id)).map((m) => m.kind)).to.deep.equal(['account_enabled', 'account_disabled']);
      await expectMailedByClinic(patient.id, ['account_disabled', 'account_enabled'], ['Op verzoek van de patiënt', 'Patiënt belde terug']);
      const activity = await back.get('/account/beveiliging');
      expect(activity.text).to.include('Account uitgeschakeld door de helpdesk van je zorgaanbieder').and.include('Account weer ingeschakeld door de helpdesk van je zorgaanbieder');
      const berichten = (await back.get('/berichten')).text;
      expect(berichten, 'Berichten name the helpdesk too').to.match(/heeft de helpdesk van je zorgaanbieder je account uitgeschakeld\./).and.match(/heeft de helpdesk van je zorgaanbieder je account weer ingeschakeld\./);
      expect((await staffRows()).map((r) => r.type)).to.deep.equal(['patient_enabled', 'patient_disabled']);
    });

    it('changes nothing, and says so, when the account was disabled already (a colleague was first)', async () => {
      const patient = await rt.createPatient();
      const page = `${PATIENTS}/${patient.id}`;
      await submitForm(desk, `${page}/uitschakelen`, { reason: 'Op verzoek van de patiënt' });
      const again = await submitForm(desk, page, { reason: 'Nog een keer' }, `${page}/uitschakelen`);
      expect(again.headers.location).to.equal(page);
      expect((await desk.get(page)).text).to.include('Er is niets veranderd');
      expect((await rt.services.messages.listForUser(patient.id)).map((m) => m.kind)).to.deep.equal(['account_disabled']);
      expect((await queuedMails(patient.id)).map((m) => m.kind)).to.deep.equal(['account_disabled']);
      expect((await staffRows()).map((r) => r.type)).to.deep.equal(['patient_disabled']);
    });

    it('keeps the reason out of what the patient is told: in the activity\'s record only, not in the message of Berichten', async () => {
      const patient = await patientWithSms(rt);
      const page = `${PATIENTS}/${patient.id}`;
      await submitForm(desk, `${page}/overal-uitloggen`, { reason: 'Laptop gestolen' });
      await submitForm(desk, page, confirmedBy({ identityChecked: 'ja', reason: REASON }), `${page}/twee-stappen-uitzetten`);
      const messages = await rt.services.messages.listForUser(patient.id);
      expect(messages.map((m) => m.kind)).to.deep.equal(['two_factor_reset_by_clinic', 'sessions_ended_by_clinic']);
      for (const message of messages) {
        expect(message.params, message.kind).not.to.have.property('reason');
        expect(JSON.stringify(message.params), message.kind).not.to.include('Laptop gestolen').and.not.include(REASON);
      }
      expect((await rt.services.audit.listForUser(patient.id)).map((e) => e.details?.reason)).to.include('Laptop gestolen').and.include(REASON);
    });

    it('signs the patient out everywhere; they can sign in again at once', async () => {
      const patient = await rt.createPatient();
      const phone = rt.agent();
      const laptop = rt.agent();
      await signIn(phone, patient.email, patient.password);
      await signIn(laptop, patient.email, patient.password);
      const confirm = await desk.get(`${PATIENTS}/${patient.id}/overal-uitloggen`);
      expect(confirm.text).to.include('wordt op alle apparaten uitgelogd');
      const res = await submitForm(desk, `${PATIENTS}/${patient.id}/overal-uitloggen`, { reason: 'Laptop gestolen' });
      expect(res.headers.location).to.equal(`${PATIENTS}/${patient.id}`);
      await expectSignedOut(phone);
      await expectSignedOut(laptop);
      const again = rt.agent();
      expect((await signIn(again, patient.email, patient.password)).headers.location).to.equal('/werkblad');
      expect((await again.get('/berichten')).text).to.include('Je bent overal uitgelogd');
      expect((await again.get('/account/beveiliging')).text).to.include('Overal uitgelogd door de helpdesk van je zorgaanbieder');
      await expectMailedByClinic(patient.id, ['sessions_ended_by_clinic'], ['Laptop gestolen']);
    });
  });

  describe('a staff member\'s own patient account', () => {
    it('offers no action on it and refuses each one, even sent directly: a colleague does it', async () => {
      const patient = await patientWithSms(rt);
      await rt.db('users').where({ id: patient.id }).update({ email: member.email.toUpperCase() });
      const page = await desk.get(`${PATIENTS}/${patient.id}`);
      expect(page.text).to.include('Dit is je eigen patiëntaccount. Vraag een collega om er iets aan te veranderen.').and.not.include('Wat kan de balie doen?');
      const before = await accountState(patient.id);
      for (const action of ['twee-stappen-uitzetten', 'tijdelijk-wachtwoord', 'uitschakelen', 'overal-uitloggen']) {
        const path = `${PATIENTS}/${patient.id}/${action}`;
        const confirm = await desk.get(path);
        expect(confirm.status, action).to.equal(403);
        expect(confirm.text, action).to.include('Dit is je eigen patiëntaccount.').and.not.include('name="reason"');
        const sent = await submitForm(desk, PATIENTS, { reason: REASON, identityChecked: 'yes' }, path);
        expect(sent.status, `POST ${action}`).to.equal(403);
      }
      expect(await accountState(patient.id), 'nothing changed, nothing recorded').to.deep.equal(before);
    });
  });

  describe('in one transaction with the staff audit row', () => {
    const actions: Array<[string, string, (id: number) => Promise<unknown>]> = [
      ['reset two-step', 'twee-stappen-uitzetten', async () => undefined],
      ['temporary password', 'tijdelijk-wachtwoord', async () => undefined],
      ['disable', 'uitschakelen', async () => undefined],
      ['enable', 'inschakelen', (id) => rt.services.users.setDisabled(id, true)],
      ['sign out everywhere', 'overal-uitloggen', async () => undefined],
    ];
    for (const [name, slug, prepare] of actions) {
      it(`changes nothing when the staff audit row cannot be written: ${name}`, async () => {
        const patient = await patientWithSms(rt);
        await prepare(patient.id);
        const broken = supertest.agent(appWithStoresSwapped(rt, failingStaffAudit));
        await signInAtDesk(rt, member, broken);
        const before = await accountState(patient.id);
        const res = await submitForm(broken, `${PATIENTS}/${patient.id}/${slug}`, confirmedBy({ identityChecked: 'ja', reason: REASON }));
        expect(res.status).to.equal(500);
        expect(res.text).to.include('Er ging iets mis');
        expect(await accountState(patient.id)).to.deep.equal(before);

        const works = await submitForm(desk, `${PATIENTS}/${patient.id}/${slug}`, confirmedBy({ identityChecked: 'ja', reason: REASON }));
        expect(works.headers.location).to.equal(slug === 'tijdelijk-wachtwoord' ? `${PATIENTS}/${patient.id}/tijdelijk-wachtwoord/gegeven` : `${PATIENTS}/${patient.id}`);
        expect(await accountState(patient.id), 'the same action with a working log').not.to.deep.equal(before);
      });
    }
  });
});

describe('desk: the reason on each patient action\'s confirmation page has an example that fits that action', () => {
  let rt: TestRuntime;
  let desk: supertest.Agent;
  eachTestWithStaffSignedIn((signedIn) => ({ rt, desk } = signedIn), { name: 'Anna Jansen' });

  const hintOn = async (path: string) => /<p class="hint" id="reason-hint">([^<]*)<\/p>/.exec((await desk.get(path)).text)?.[1];

  it('suggests a reason fitting a two-step reset, disabling, enabling and signing out everywhere, in Dutch and English', async () => {
    const patient = await patientWithSms(rt);
    const page = `${PATIENTS}/${patient.id}`;
    expect(await hintOn(`${page}/twee-stappen-uitzetten`)).to.equal('Komt in het logboek. Bijvoorbeeld: telefoon en herstelcodes kwijt, paspoort gecontroleerd aan de balie.');
    expect(await hintOn(`${page}/overal-uitloggen`)).to.equal('Komt in het logboek. Bijvoorbeeld: telefoon gestolen, patiënt belde zelf.');
    expect(await hintOn(`${page}/tijdelijk-wachtwoord`)).to.equal('Komt in het logboek. Bijvoorbeeld: wachtwoord vergeten, paspoort gecontroleerd aan de balie.');
    expect(await hintOn(`${page}/uitschakelen`)).to.equal('Komt in het logboek. Bijvoorbeeld: patiënt denkt dat iemand anders in het account is geweest.');
    await rt.services.users.setDisabled(patient.id, true);
    expect(await hintOn(`${page}/inschakelen`)).to.equal('Komt in het logboek. Bijvoorbeeld: patiënt komt weer in behandeling.');

    await desk.get(`/taal/en?terug=${encodeURIComponent(page)}`);
    expect(await hintOn(`${page}/inschakelen`)).to.equal('This goes into the log. For example: the patient is back in treatment.');
    await rt.services.users.setDisabled(patient.id, false);
    expect(await hintOn(`${page}/overal-uitloggen`)).to.equal('This goes into the log. For example: phone stolen, the patient called us.');
    expect(await hintOn(`${page}/uitschakelen`)).to.equal('This goes into the log. For example: the patient thinks someone else has been in the account.');
  });
});
