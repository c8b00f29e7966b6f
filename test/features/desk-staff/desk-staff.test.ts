import { Writable } from 'node:stream';
import { expect } from 'chai';
import supertest from 'supertest';
import { createDateTimeFormatter } from '../../../src/i18n/format';
import { createLogger } from '../../../src/infra/logger';
import { hasherHeldOpen } from '../../support/counting-hasher';
import { appWithStoresSwapped, createStaffMember, DESK, deskPasswordStep, failingStaffAudit, identityOf, signInAtDesk, startWithStaffSignedIn, type TestStaffMember } from '../../support/desk';
import { csrfTokenOf, doubleClick, submitForm } from '../../support/forms';
import { authenticatorFor } from '../../support/passkeys';
import { startTestRuntime, TestRuntime } from '../../support/runtime';
import { appCode, STEP_MS } from '../../support/totp';
import { tableRows } from '../../support/tables';

const STAFF = `${DESK}/medewerkers`;

describe('desk: staff accounts and the log (admins)', () => {
  let rt: TestRuntime;
  let logLines: string[];
  let admin: TestStaffMember;
  let desk: supertest.Agent;
  beforeEach(async () => {
    logLines = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => { logLines.push(String(chunk)); done(); } });
    rt = await startTestRuntime({}, { logger: createLogger('trace', sink) });
    admin = await createStaffMember(rt, { role: 'admin', name: 'Ada Admin' });
    desk = await signInAtDesk(rt, admin);
  });
  afterEach(() => rt.close());

  /** A form that lets someone into an account, with the admin's own password and app code (asked unless given in the last minutes). */
  const confirmedBy = (fields: Record<string, string>) => ({ ...fields, ...identityOf(rt, admin) });
  const oneTimePasswordOf = (html: string) => /<code class="totp-key">([a-z2-9-]+)<\/code>/.exec(html)?.[1];

  it('adds a staff member with a one-time password shown once, never logged; they choose their own at their first sign-in', async () => {
    const form = await desk.get(`${STAFF}/nieuw`);
    expect(form.text).to.include('<h1>Medewerker toevoegen</h1>');
    const invalid = await submitForm(desk, `${STAFF}/nieuw`, { name: '', email: 'bea@', role: 'baas' });
    expect(invalid.status).to.equal(400);
    expect(invalid.text).to.include('Vul de naam in.').and.include('Vul een e-mailadres in zoals naam@voorbeeld.nl.').and.include('Kies een rol.');
    expect(invalid.text).to.match(/<input id="email" name="email" type="email" value="bea@"/);
    expect(invalid.text.match(/<input type="radio" id="role[^"]*" name="role" value="[a-z]+" aria-describedby="role-error" aria-invalid="true">/g), 'each radio button says the error').to.have.length(2);

    const added = await submitForm(desk, `${STAFF}/nieuw`, confirmedBy({ name: 'Bea Bakker', email: 'Bea@Kliniek.nl', role: 'desk' }));
    expect(added.headers.location).to.equal(`${STAFF}/nieuw/toegevoegd`);
    const created = await desk.get(added.headers.location!);
    expect(created.status).to.equal(200);
    expect(created.text).to.include('Bea Bakker (bea@kliniek.nl) is toegevoegd.').and.include('Let op: we tonen dit wachtwoord maar één keer.');
    expect(created.text, 'where to sign in').to.include(`De medewerker logt in op de Balie, ${rt.config.webauthn.origin}/balie, kiest dan meteen een eigen wachtwoord en stelt een authenticatie-app in.`);
    const password = oneTimePasswordOf(created.text)!;
    expect(password).to.match(/^[a-z2-9]{4}(-[a-z2-9]{4}){4}$/);
    expect(logLines.join('\n'), 'the one-time password is in no log line').not.to.include(password);
    const english = await desk.get(`/taal/en?terug=${encodeURIComponent(`${STAFF}/nieuw/toegevoegd`)}`);
    const inEnglish = await desk.get(english.headers.location!);
    expect(inEnglish.text, 'again after the language link, in English').to.include('Bea Bakker (bea@kliniek.nl) has been added.');
    expect(oneTimePasswordOf(inEnglish.text)).to.equal(password);
    const until = rt.clock.now() + 7 * 86_400_000;
    const englishDates = createDateTimeFormatter('en-GB', rt.config.timeZone);
    expect(inEnglish.text, 'the date first, as on every page').to.include(`It works until ${englishDates.date(until)} at ${englishDates.time(until)}.`);
    const again = await desk.get(`${STAFF}/nieuw/toegevoegd`);
    expect(again.headers.location, 'shown once').to.equal(STAFF);
    await desk.get(`/taal/nl?terug=${encodeURIComponent(STAFF)}`);
    expect((await desk.get(`${STAFF}/nieuw/toegevoegd`)).headers.location, 'not again in Dutch after it was said').to.equal(STAFF);

    const duplicate = await submitForm(desk, `${STAFF}/nieuw`, { name: 'Bea B.', email: 'bea@kliniek.nl', role: 'admin' });
    expect(duplicate.status).to.equal(400);
    expect(duplicate.text).to.include('Er is al een medewerker met dit e-mailadres.');

    const bea = rt.agent();
    await deskPasswordStep(bea, { email: 'bea@kliniek.nl', password });
    expect((await bea.get(`${DESK}/patienten`)).headers.location).to.equal(`${DESK}/eerste-keer/wachtwoord`);
    const member = (await rt.services.staff.findByEmail('bea@kliniek.nl'))!;
    expect(member).to.deep.include({ role: 'desk', twoFactorMethod: null });
    expect(member.oneTimePasswordUntil, 'a one-time password').to.be.a('number');
    const row = (await rt.services.staffAudit.list({ limit: 10 })).find((e) => e.type === 'staff_created');
    expect(row!.staff!.id).to.equal(admin.id);
    expect(row!.targetStaff!.id).to.equal(member.id);
  });

  it('adds a staff member once when the form is sent twice at once (a double click), and shows the one-time password that works', async () => {
    const answers = await doubleClick(desk, `${STAFF}/nieuw`, confirmedBy({ name: 'Bea Bakker', email: 'bea@kliniek.nl', role: 'desk' }), { first: `${STAFF}/nieuw/toegevoegd`, second: [`${STAFF}/nieuw/toegevoegd`] });
    const password = oneTimePasswordOf((await desk.get(`${STAFF}/nieuw/toegevoegd`)).text);
    expect(password, answers.join(', ')).to.match(/^[a-z2-9]{4}(-[a-z2-9]{4}){4}$/);
    expect((await rt.services.staffAudit.list({ limit: 10 })).filter((e) => e.type === 'staff_created'), 'one line in the Logboek').to.have.length(1);
    expect((await deskPasswordStep(rt.agent(), { email: 'bea@kliniek.nl', password: password! })).headers.location, 'the password works').to.equal(`${DESK}/patienten`);
  });

  it('changes a role and disables once when each form is sent twice at once, and never answers "nothing changed"', async () => {
    const member = await createStaffMember(rt, { name: 'Cas Collega' });
    const page = `${STAFF}/${member.id}`;
    // The token of the page as it is now (the admin's confirmation on the role's form renews it).
    const twice = async (path: string, fields: Record<string, string>) => {
      const token = csrfTokenOf((await desk.get(page)).text);
      return Promise.all([0, 1].map(() => desk.post(path).type('form').send({ _csrf: token, ...fields })));
    };

    const roles = await twice(`${page}/rol`, confirmedBy({ role: 'admin', reason: 'Wordt teamleider' }));
    const roleNotice = (await desk.get(page)).text;
    const disables = await twice(`${page}/uitschakelen`, { reason: 'Werkt niet meer bij de kliniek' });
    const disableNotice = (await desk.get(page)).text;

    for (const [answers, notice, text] of [[roles, roleNotice, 'De rol is gewijzigd.'], [disables, disableNotice, 'De medewerker is uitgeschakeld']] as const) {
      expect(answers.map((res) => `${res.status} ${res.headers.location}`)).to.deep.equal([`302 ${page}`, `302 ${page}`]);
      expect(notice).to.include(text).and.not.include('Er is niets veranderd.');
    }
    const lines = (await rt.services.staffAudit.list({ limit: 20 })).filter((e) => e.targetStaff?.id === member.id).map((e) => e.type);
    expect(lines.filter((type) => type === 'staff_role_changed'), 'one role change in the Logboek').to.have.length(1);
    expect(lines.filter((type) => type === 'staff_disabled'), 'one disable in the Logboek').to.have.length(1);
  });

  it('changes a role, disables and enables a staff member, and turns off a lost app; each logged, and at once in force', async () => {
    const member = await createStaffMember(rt, { name: 'Cas Collega' });
    const theirs = await signInAtDesk(rt, member);
    expect((await theirs.get(STAFF)).status, 'desk: no access').to.equal(403);

    const noReason = await submitForm(desk, `${STAFF}/${member.id}`, { role: 'admin', reason: ' ' }, `${STAFF}/${member.id}/rol`);
    expect(noReason.status).to.equal(400);
    expect(noReason.text, 'a reason for the Logboek').to.include('<li><a href="#reason">Vul de reden in.</a></li>').and.include('id="role-admin" name="role" value="admin" checked');
    expect((await theirs.get(STAFF)).status, 'still no admin').to.equal(403);
    // The refused change is shown at the form's address: asked for again (a reload, or a browser that
    // follows the error summary's link there), it leads to the member's page, not to "Niet gevonden".
    expect((await desk.get(`${STAFF}/${member.id}/rol`)).headers.location).to.equal(`${STAFF}/${member.id}`);
    const role = await submitForm(desk, `${STAFF}/${member.id}`, confirmedBy({ role: 'admin', reason: 'Wordt teamleider van de balie' }), `${STAFF}/${member.id}/rol`);
    expect(role.headers.location).to.equal(`${STAFF}/${member.id}`);
    expect((await theirs.get(STAFF)).status, 'admin now').to.equal(200);
    const [roleRow] = await rt.services.staffAudit.list({ limit: 1 });
    expect(roleRow).to.deep.include({ type: 'staff_role_changed' });
    expect(roleRow!.details).to.deep.include({ from: 'desk', to: 'admin', reason: 'Wordt teamleider van de balie' });

    const confirmed = (action: string, reason: string) => submitForm(desk, `${STAFF}/${member.id}/${action}`, confirmedBy({ reason }));
    const off = await confirmed('uitschakelen', 'Werkt niet meer bij de kliniek');
    expect(off.headers.location).to.equal(`${STAFF}/${member.id}`);
    expect((await theirs.get(`${DESK}/patienten`)).headers.location, 'signed out').to.equal(DESK);
    expect((await deskPasswordStep(rt.agent(), member)).status, 'refused: the account is switched off').to.equal(403);
    const on = await confirmed('inschakelen', 'Komt terug na verlof');
    expect(on.headers.location).to.equal(`${STAFF}/${member.id}`);

    const again = await signInAtDesk(rt, member);
    expect((await desk.get(`${STAFF}/${member.id}/app-uitzetten`)).text, 'no passkeys to name').to.include('De app en de herstelcodes van Cas Collega worden verwijderd');
    const reset = await confirmed('app-uitzetten', 'Telefoon en herstelcodes kwijt');
    expect(reset.headers.location).to.equal(`${STAFF}/${member.id}`);
    expect((await desk.get(reset.headers.location!)).text).to.include('De app is uitgezet, de herstelcodes van de medewerker zijn verwijderd en de medewerker is uitgelogd.');
    expect((await again.get(`${DESK}/patienten`)).headers.location, 'signed out').to.equal(DESK);
    expect(await rt.services.staffRecoveryCodes.countRemaining(member.id)).to.equal(0);
    const next = rt.agent();
    await deskPasswordStep(next, member);
    expect((await next.get(`${DESK}/patienten`)).headers.location, 'sets up a new app').to.equal(`${DESK}/eerste-keer/koppelen`);

    const reasons = (await rt.services.staffAudit.list({ limit: 10 })).filter((e) => e.targetStaff?.id === member.id).map((e) => [e.type, e.details?.reason]);
    expect(reasons).to.deep.include.members([
      ['staff_disabled', 'Werkt niet meer bij de kliniek'],
      ['staff_enabled', 'Komt terug na verlof'],
      ['staff_two_factor_reset', 'Telefoon en herstelcodes kwijt'],
    ]);
    const log = await desk.get(`${DESK}/logboek`);
    expect(log.status).to.equal(200);
    for (const text of ['Rol van medewerker gewijzigd van balie naar beheerder', 'Medewerker uitgeschakeld', 'Medewerker weer ingeschakeld', 'Authenticatie-app van medewerker uitgezet']) {
      expect(log.text, text).to.include(text);
    }
    expect(log.text).to.include(`<a href="/balie/medewerkers/${member.id}">Cas Collega</a>`).and.include('Telefoon en herstelcodes kwijt');
  });

  it('gives a staff member who forgot their password a one-time one, shown once: the old one stops working, they are signed out, their app stays, and they choose their own after its code', async () => {
    const member = await createStaffMember(rt, { name: 'Cas Collega' });
    const theirs = await signInAtDesk(rt, member);
    const confirm = await desk.get(`${STAFF}/${member.id}/eenmalig-wachtwoord`);
    expect(confirm.text).to.include('<h1>Nieuw eenmalig wachtwoord geven</h1>')
      .and.include('De medewerker logt daarmee in, samen met een code uit de eigen authenticatie-app')
      .and.include('Bijvoorbeeld: wachtwoord vergeten');
    const noReason = await submitForm(desk, `${STAFF}/${member.id}/eenmalig-wachtwoord`, { reason: '' });
    expect(noReason.status).to.equal(400);
    expect(noReason.text).to.include('Vul de reden in.');
    expect((await deskPasswordStep(rt.agent(), member)).headers.location, 'nothing changed without a reason').to.equal(`${DESK}/code`);

    const given = await submitForm(desk, `${STAFF}/${member.id}/eenmalig-wachtwoord`, confirmedBy({ reason: 'Wachtwoord vergeten, gebeld' }));
    expect(given.headers.location).to.equal(`${STAFF}/${member.id}/eenmalig-wachtwoord/gegeven`);
    const shown = await desk.get(given.headers.location!);
    expect(shown.text).to.include('<h1>Nieuw eenmalig wachtwoord</h1>')
      .and.include(`Cas Collega (${member.email}) heeft een nieuw eenmalig wachtwoord en is uitgelogd.`)
      .and.include('met dit wachtwoord en een code uit de authenticatie-app, en kiest dan meteen een eigen wachtwoord.');
    const password = oneTimePasswordOf(shown.text)!;
    expect(password).to.match(/^[a-z2-9]{4}(-[a-z2-9]{4}){4}$/);
    expect(logLines.join('\n'), 'the one-time password is in no log line').not.to.include(password);
    expect((await desk.get(given.headers.location!)).headers.location, 'shown once').to.equal(`${STAFF}/${member.id}`);

    expect((await theirs.get(`${DESK}/patienten`)).headers.location, 'signed out').to.equal(DESK);
    expect((await deskPasswordStep(rt.agent(), member)).status, 'the old password no longer works').to.equal(400);
    const next = rt.agent();
    expect((await deskPasswordStep(next, { email: member.email, password })).headers.location, 'then the app code').to.equal(`${DESK}/code`);
    rt.clock.advance(STEP_MS);
    await submitForm(next, `${DESK}/code`, { code: appCode(member.secret, rt.clock.now()) });
    expect((await next.get(`${DESK}/patienten`)).headers.location, 'after the app code: their own password first').to.equal(`${DESK}/eerste-keer/wachtwoord`);
    expect((await next.get(`${DESK}/eerste-keer/koppelen`)).headers.location, 'the app is set up already').to.equal(`${DESK}/eerste-keer/wachtwoord`);
    const own = 'een heel eigen wachtwoord 42';
    const chosen = await submitForm(next, `${DESK}/eerste-keer/wachtwoord`, { newPassword: own, repeatPassword: own });
    expect(chosen.headers.location, 'no new app: straight to the desk').to.equal(`${DESK}/patienten`);
    expect((await next.get(`${DESK}/patienten`)).text).to.include('Je eigen wachtwoord is opgeslagen. Het eenmalige wachtwoord werkt niet meer.');
    expect((await next.get(`${DESK}/eerste-keer/wachtwoord`)).headers.location, 'nothing left to choose').to.equal(`${DESK}/patienten`);
    expect(await rt.services.staff.findById(member.id)).to.deep.include({ oneTimePasswordUntil: null, twoFactorMethod: 'totp' });
    expect(await rt.services.staffRecoveryCodes.countRemaining(member.id), 'the recovery codes stay').to.equal(10);

    const rows = (await rt.services.staffAudit.list({ limit: 20 })).filter((e) => e.targetStaff?.id === member.id || e.staff?.id === member.id).map((e) => [e.type, e.details?.reason]);
    expect(rows).to.deep.include.members([['staff_password_reset', 'Wachtwoord vergeten, gebeld'], ['password_chosen', undefined]]);
    const log = await desk.get(`${DESK}/logboek`);
    expect(log.text).to.include('Medewerker een nieuw eenmalig wachtwoord gegeven').and.include('Wachtwoord vergeten, gebeld');
    const signIns = tableRows(log.text).filter((cells) => cells[1] === 'Cas Collega' && cells[2]!.startsWith('Ingelogd op de balie')).map((cells) => cells[2]);
    expect(signIns, 'newest first: the one-time password said so').to.deep.equal(['Ingelogd op de balie met een eenmalig wachtwoord', 'Ingelogd op de balie']);
  });

  it('gives a one-time password once when the form is sent twice at once (a double click), and shows the one that works; a member without the app sets it up after', async () => {
    const member = await createStaffMember(rt, { name: 'Dirk Nieuw', withApp: false });
    const form = `${STAFF}/${member.id}/eenmalig-wachtwoord`;
    expect((await desk.get(form)).text, 'no app to mention').to.include('Daarmee logt de medewerker in, kiest dan meteen een eigen wachtwoord en stelt een authenticatie-app in.');
    const shownAt = `${form}/gegeven`;
    const answers = await doubleClick(desk, form, confirmedBy({ reason: 'Vergeten' }), { first: shownAt, second: [shownAt] });
    const shown = await desk.get(shownAt);
    expect(shown.text).to.include('kiest dan meteen een eigen wachtwoord en stelt een authenticatie-app in.');
    const password = oneTimePasswordOf(shown.text);
    expect(password, answers.join(', ')).to.match(/^[a-z2-9]{4}(-[a-z2-9]{4}){4}$/);
    expect((await rt.services.staffAudit.list({ limit: 10 })).filter((e) => e.type === 'staff_password_reset'), 'one line in the Logboek').to.have.length(1);
    const theirs = rt.agent();
    const readOut = password!.toUpperCase().replaceAll('-', ' ');
    expect((await deskPasswordStep(theirs, { email: member.email, password: readOut })).headers.location, 'the password shown works, also in capitals').to.equal(`${DESK}/patienten`);
    const own = 'een heel eigen wachtwoord 42';
    expect((await submitForm(theirs, `${DESK}/eerste-keer/wachtwoord`, { newPassword: own, repeatPassword: own })).headers.location).to.equal(`${DESK}/eerste-keer/koppelen`);
  });

  it('after a one-time password and a recovery code, says how many codes are left before the staff member chooses their own password', async () => {
    const member = await createStaffMember(rt, { name: 'Cas Collega' });
    const password = oneTimePasswordOf((await desk.get((await submitForm(desk, `${STAFF}/${member.id}/eenmalig-wachtwoord`, confirmedBy({ reason: 'Vergeten' }))).headers.location!)).text)!;
    const theirs = rt.agent();
    await deskPasswordStep(theirs, { email: member.email, password });
    const used = await submitForm(theirs, `${DESK}/herstelcode`, { recoveryCode: member.recoveryCodes[0]! });
    expect(used.headers.location).to.equal(`${DESK}/herstelcode-gebruikt`);
    const told = await theirs.get(used.headers.location!);
    expect(told.status).to.equal(200);
    expect(told.text).to.include('Je hebt nog 9 herstelcodes over.');
    expect(told.text, 'the menus offer only signing out and the way back: the other pages lead there').to.include(`action="${DESK}/uitloggen"`).and.include(`<a href="${DESK}/eerste-keer/wachtwoord">Verder met instellen</a>`);
    expect(told.text).not.to.include('class="side-nav"').and.not.include(`href="${DESK}/wachtwoord"`);
    expect((await theirs.get(`${DESK}/patienten`)).headers.location, 'then their own password').to.equal(`${DESK}/eerste-keer/wachtwoord`);
  });

  it('gives one-time passwords that work for seven days: the page says until when, the member\'s page too, and after it the desk says it expired', async () => {
    const member = await createStaffMember(rt, { name: 'Cas Collega' });
    const memberPage = `${STAFF}/${member.id}`;
    expect((await desk.get(memberPage)).text).to.include('<dt>Wachtwoord</dt><dd>Eigen wachtwoord</dd>');
    const given = await submitForm(desk, `${memberPage}/eenmalig-wachtwoord`, confirmedBy({ reason: 'Vergeten' }));
    const until = rt.clock.now() + 7 * 24 * 60 * 60_000;
    const format = createDateTimeFormatter('nl-NL', rt.config.timeZone);
    const { date, time } = { date: format.date(until), time: format.time(until) };
    const shown = await desk.get(given.headers.location!);
    expect(shown.text).to.include(`Het werkt tot ${date} om ${time}. Daarna kan de medewerker er niet meer mee inloggen. Geef dan een nieuw eenmalig wachtwoord.`);
    const password = oneTimePasswordOf(shown.text)!;
    expect((await desk.get(memberPage)).text).to.include(`<dt>Wachtwoord</dt><dd>Eenmalig wachtwoord, werkt tot ${date} om ${time}</dd>`);

    rt.clock.advance(until - rt.clock.now() - 60_000);
    expect((await deskPasswordStep(rt.agent(), { email: member.email, password })).headers.location, 'a minute before').to.equal(`${DESK}/code`);
    rt.clock.advanceMinutes(2);
    const late = await deskPasswordStep(rt.agent(), { email: member.email, password });
    expect(late.status).to.equal(403);
    expect(late.text).to.include('Dit eenmalige wachtwoord is verlopen. Vraag een beheerder om een nieuw eenmalig wachtwoord.');
    expect(late.text, 'the address stays').to.include(`value="${member.email}"`);
    expect((await deskPasswordStep(rt.agent(), { email: member.email, password: 'een verkeerd wachtwoord 1' })).text, 'told only to whoever typed it right')
      .not.to.include('verlopen');
    const failures = (await rt.services.staffAudit.list({ limit: 10 })).filter((e) => e.type === 'sign_in_failed').map((e) => e.details?.reason);
    expect(failures, 'in the Logboek, as a failed sign-in').to.deep.equal(['password', 'one_time_password_expired']);

    const adminAgain = await signInAtDesk(rt, admin);
    expect((await adminAgain.get(memberPage)).text).to.include(`<dd>Eenmalig wachtwoord, verlopen op ${date} om ${time}. Geef een nieuw eenmalig wachtwoord als de medewerker nog moet inloggen.</dd>`);
    await submitForm(adminAgain, `${memberPage}/uitschakelen`, { reason: 'Uit dienst' });
    expect((await adminAgain.get(memberPage)).text, 'not offered for a disabled member').to.include(`<dd>Eenmalig wachtwoord, verlopen op ${date} om ${time}.</dd>`);
    await submitForm(adminAgain, `${memberPage}/inschakelen`, confirmedBy({ reason: 'Toch niet' }));
    const renewed = await submitForm(adminAgain, `${memberPage}/eenmalig-wachtwoord`, confirmedBy({ reason: 'Verlopen' }));
    const fresh = oneTimePasswordOf((await adminAgain.get(renewed.headers.location!)).text)!;
    expect((await deskPasswordStep(rt.agent(), { email: member.email, password: fresh })).headers.location, 'a new one works').to.equal(`${DESK}/code`);
  });

  it('ends the lock that wrong guesses at the forgotten password left, so the one-time password works at once', async () => {
    const member = await createStaffMember(rt, { name: 'Cas Collega' });
    const free = rt.config.signInThrottle.freeFailuresPerAccount;
    const tries = [];
    for (let i = 0; i <= free; i += 1) tries.push((await deskPasswordStep(rt.agent(), { email: member.email, password: `vergeten-${i}-wachtwoord` })).status);
    expect(tries, 'locked').to.deep.equal([...Array<number>(free).fill(400), 429]);
    const password = oneTimePasswordOf((await desk.get((await submitForm(desk, `${STAFF}/${member.id}/eenmalig-wachtwoord`, confirmedBy({ reason: 'Vergeten' }))).headers.location!)).text)!;
    expect((await deskPasswordStep(rt.agent(), { email: member.email, password })).headers.location).to.equal(`${DESK}/code`);
  });

  it('offers no one-time password for a disabled staff member, who could not sign in with it', async () => {
    const member = await createStaffMember(rt, { name: 'Cas Collega' });
    await submitForm(desk, `${STAFF}/${member.id}/uitschakelen`, { reason: 'Met verlof' });
    expect((await desk.get(`${STAFF}/${member.id}`)).text).not.to.include('eenmalig-wachtwoord');
    expect((await desk.get(`${STAFF}/${member.id}/eenmalig-wachtwoord`)).text).to.include('Dit kan nu niet bij deze medewerker.');
    const before = (await rt.services.staff.findById(member.id))!.passwordHash;
    const sent = await submitForm(desk, `${STAFF}/${member.id}`, confirmedBy({ reason: 'Vergeten' }), `${STAFF}/${member.id}/eenmalig-wachtwoord`);
    expect(sent.headers.location, 'sent anyway (an old page)').to.equal(`${STAFF}/${member.id}`);
    expect((await desk.get(sent.headers.location!)).text).to.include('Er is niets veranderd.');
    expect((await desk.get(`${STAFF}/nieuw`)).text, 'nothing to do, so the password and code were not checked').to.include('<legend>Bevestig dat jij het bent</legend>');
    expect((await rt.services.staff.findById(member.id))!.passwordHash, 'unchanged').to.equal(before);
    expect((await rt.services.staffAudit.list({ limit: 10 })).map((e) => e.type)).not.to.include('staff_password_reset');
  });

  it('gives no one-time password without the admin\'s own confirmation when the member is enabled again while the form is on its way', async () => {
    const held = hasherHeldOpen(); // the new password's hash, held open while the member is enabled
    const world = await startWithStaffSignedIn({ role: 'admin' }, {}, { hasher: held.hasher });
    try {
      const member = await createStaffMember(world.rt, { name: 'Cas Collega' });
      const path = `${STAFF}/${member.id}/eenmalig-wachtwoord`;
      const form = await world.desk.get(path);
      await world.rt.services.staff.setDisabled(member.id, true);
      held.arm();
      const answer = world.desk.post(path).type('form').send({ _csrf: csrfTokenOf(form.text), reason: 'Vergeten' }); // no password and code
      if ((await Promise.race([answer.then(() => 'answered'), held.started.then(() => 'hashing')])) === 'hashing') {
        await world.rt.services.staff.setDisabled(member.id, false);
      }
      held.release();
      expect((await answer).headers.location).to.equal(`${STAFF}/${member.id}`);
      expect((await world.rt.services.staffAudit.list({ limit: 10 })).map((e) => e.type)).not.to.include('staff_password_reset');
    } finally {
      held.release();
      await world.rt.close();
    }
  });

  it('does the same action again when its form is shown and sent again with the same reason, as only a double click is one submission', async () => {
    const member = await createStaffMember(rt, { name: 'Cas Collega' });
    const send = (action: string, reason: string) => submitForm(desk, `${STAFF}/${member.id}/${action}`, confirmedBy({ reason }));
    const passwords: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const given = await send('eenmalig-wachtwoord', 'Vergeten');
      passwords.push(oneTimePasswordOf((await desk.get(given.headers.location!)).text)!);
      await desk.get(`${STAFF}/${member.id}`);
    }
    expect(passwords[1], 'a second, new password').to.match(/^[a-z2-9-]{24}$/).and.not.equal(passwords[0]);
    expect((await rt.services.staffAudit.list({ limit: 20 })).filter((e) => e.type === 'staff_password_reset'), 'two lines in the Logboek').to.have.length(2);

    for (const action of ['uitschakelen', 'inschakelen', 'uitschakelen']) {
      expect((await send(action, 'Afspraak met de teamleider')).headers.location, action).to.equal(`${STAFF}/${member.id}`);
      await desk.get(`${STAFF}/${member.id}`);
      rt.clock.advance(2000);
    }
    expect(await rt.services.staff.findById(member.id), 'disabled, enabled, disabled').to.deep.include({ disabled: true });
  });

  it('asks to confirm disabling, enabling and turning off the app, with a reason, and changes nothing without one', async () => {
    const member = await createStaffMember(rt, { name: 'Cas Collega' });
    const page = await desk.get(`${STAFF}/${member.id}`);
    expect(page.text).to.include(`<a href="${STAFF}/${member.id}/uitschakelen">Medewerker uitschakelen</a>`)
      .and.include(`<a href="${STAFF}/${member.id}/app-uitzetten">Authenticatie-app uitzetten</a>`)
      .and.not.include(`${STAFF}/${member.id}/inschakelen`);

    const confirm = await desk.get(`${STAFF}/${member.id}/uitschakelen`);
    expect(confirm.status).to.equal(200);
    expect(confirm.text).to.include('<h1>Medewerker uitschakelen</h1>').and.include('Cas Collega kan dan niet meer inloggen op de balie')
      .and.include('<label for="reason">Reden</label>').and.include('Schakel de medewerker uit');

    for (const [reason, message] of [['', 'Vul de reden in.'], ['x'.repeat(501), 'Vul een reden in van hoogstens 500 tekens.'], ['regel\u202Eom', 'De reden bevat tekens die niet kunnen.']] as const) {
      const refused = await submitForm(desk, `${STAFF}/${member.id}/uitschakelen`, { reason });
      expect(refused.status, message).to.equal(400);
      expect(refused.text, message).to.include(message).and.include('class="error-summary"');
      expect(refused.text, 'what was typed stays in the field').to.include(`name="reason" type="text" value="${reason}"`);
    }
    const kept = await submitForm(desk, `${STAFF}/${member.id}/app-uitzetten`, { reason: '   ' });
    expect(kept.status).to.equal(400);
    expect(await rt.services.staff.findById(member.id)).to.deep.include({ disabled: false, twoFactorMethod: 'totp' });
    const logged = (await rt.services.staffAudit.list({ limit: 10 })).map((e) => e.type);
    expect(logged).not.to.include('staff_disabled').and.not.to.include('staff_two_factor_reset');

    await submitForm(desk, `${STAFF}/${member.id}/uitschakelen`, { reason: 'Uit dienst' });
    const done = await desk.get(`${STAFF}/${member.id}/uitschakelen`);
    expect(done.text, 'already disabled').to.include('Dit kan nu niet bij deze medewerker.').and.not.include('Schakel de medewerker uit</button>');
    expect((await desk.get(`${STAFF}/${member.id}`)).text).to.include(`<a href="${STAFF}/${member.id}/inschakelen">Medewerker weer inschakelen</a>`);
  });

  it('shows the Logboek 50 rows a page, newest first, with links to older and back to the newest rows', async () => {
    const member = await createStaffMember(rt, { name: 'Cas Collega' });
    for (let i = 0; i < 60; i += 1) await rt.services.staffAudit.record(admin.id, i % 2 === 0 ? 'staff_disabled' : 'staff_enabled', {}, undefined, { targetStaffId: member.id });
    const rowsOf = (html: string) => tableRows(html).length;
    const olderLink = (html: string) => /<a href="(\/balie\/logboek\?voor=\d+)">Oudere regels<\/a>/.exec(html)?.[1];
    const all = await rt.services.staffAudit.list({ limit: 1000 });

    const first = await desk.get(`${DESK}/logboek`);
    expect(rowsOf(first.text)).to.equal(50);
    expect(first.text).not.to.include('Nieuwste regels');
    const older = olderLink(first.text);
    expect(older).to.equal(`${DESK}/logboek?voor=${all[49]!.id}`);

    const second = await desk.get(older!);
    expect(rowsOf(second.text)).to.equal(all.length - 50);
    expect(second.text).to.include(`<a href="${DESK}/logboek">Nieuwste regels</a>`);
    expect(olderLink(second.text), 'the last page').to.equal(undefined);

    for (const bogus of ['abc', '-1', '0', '1e3', '99999999999999999999', '9999999999', '2147483648']) {
      const page = await desk.get(`${DESK}/logboek?voor=${encodeURIComponent(bogus)}`);
      expect(page.status, bogus).to.equal(200);
      expect(rowsOf(page.text), bogus).to.equal(50);
    }
  });

  it('lets no admin change their own account here, so there is always an admin', async () => {
    const page = await desk.get(`${STAFF}/${admin.id}`);
    expect(page.text).to.include('Dit is je eigen account.');
    expect(page.text).not.to.include('Rol opslaan');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    for (const action of ['rol', 'uitschakelen', 'app-uitzetten']) {
      const res = await desk.post(`${STAFF}/${admin.id}/${action}`).type('form').send({ _csrf: token, role: 'desk', reason: 'Eigen account' });
      expect(res.headers.location, action).to.equal(`${STAFF}/${admin.id}`);
    }
    for (const action of ['uitschakelen', 'app-uitzetten']) {
      expect((await desk.get(`${STAFF}/${admin.id}/${action}`)).headers.location, `${action}: no confirmation page for their own account`).to.equal(`${STAFF}/${admin.id}`);
    }
    expect(await rt.services.staff.findById(admin.id)).to.deep.include({ role: 'admin', disabled: false, twoFactorMethod: 'totp' });
  });

  it('keeps one active admin when two admins disable each other at the same moment', async () => {
    const other = await createStaffMember(rt, { role: 'admin', name: 'Bo Beheerder' });
    const otherDesk = await signInAtDesk(rt, other);
    const disable = async (agent: supertest.Agent, target: TestStaffMember) => {
      const path = `${STAFF}/${target.id}/uitschakelen`;
      const token = csrfTokenOf((await agent.get(path)).text);
      return () => agent.post(path).type('form').send({ _csrf: token, reason: 'Account lijkt overgenomen' });
    };
    const [first, second] = await Promise.all([disable(desk, other), disable(otherDesk, admin)]);
    const answers = await Promise.all([first(), second()]);
    expect(answers.map((res) => res.status), 'no error page').to.deep.equal([302, 302]);

    const disabled = await Promise.all([admin, other].map(async (m) => (await rt.services.staff.findById(m.id))!.disabled));
    expect(disabled.filter(Boolean), 'exactly one of the two is disabled').to.have.length(1);
    expect((await rt.services.staffAudit.list({ limit: 20 })).filter((e) => e.type === 'staff_disabled'), 'one disable in the Logboek').to.have.length(1);
    // The one disabled is the one whose own action was refused; they are signed out.
    const [stillIn, signedOut] = disabled[0] ? [otherDesk, desk] : [desk, otherDesk];
    expect((await stillIn.get(STAFF)).status).to.equal(200);
    expect((await signedOut.get(STAFF)).headers.location).to.equal(DESK);
  });

  it('changes no staff account when its row in the staff audit log cannot be written', async () => {
    const member = await createStaffMember(rt, { name: 'Cas Collega' });
    const broken = supertest.agent(appWithStoresSwapped(rt, failingStaffAudit));
    await signInAtDesk(rt, admin, broken);
    const before = await rt.services.staff.list();
    const attempts = [
      await submitForm(broken, `${STAFF}/nieuw`, confirmedBy({ name: 'Bea Bakker', email: 'bea@kliniek.nl', role: 'desk' })),
      await submitForm(broken, `${STAFF}/${member.id}`, confirmedBy({ role: 'admin', reason: 'Teamleider' }), `${STAFF}/${member.id}/rol`),
      await submitForm(broken, `${STAFF}/${member.id}/uitschakelen`, { reason: 'Uit dienst' }),
      await submitForm(broken, `${STAFF}/${member.id}/app-uitzetten`, confirmedBy({ reason: 'Telefoon kwijt' })),
      await submitForm(broken, `${STAFF}/${member.id}/eenmalig-wachtwoord`, confirmedBy({ reason: 'Wachtwoord vergeten' })),
    ];
    expect(attempts.map((res) => res.status)).to.deep.equal([500, 500, 500, 500, 500]);
    expect((await broken.get(`${STAFF}/${member.id}/eenmalig-wachtwoord/gegeven`)).headers.location, 'no password to show').to.equal(`${STAFF}/${member.id}`);
    expect(await rt.services.staff.list()).to.deep.equal(before);
    expect(await rt.services.staffRecoveryCodes.countRemaining(member.id)).to.equal(10);
  });

  it('says after turning off an app exactly what happened: the recovery codes removed and the staff member signed out, and the passkeys only when there were some', async () => {
    const withoutPasskeys = await createStaffMember(rt, { name: 'Cas Collega' });
    const withPasskey = await createStaffMember(rt, { name: 'Dirk Dekker' });
    const { options, userHandle } = await rt.services.staffPasskeyCeremonies.registrationOptions(withPasskey);
    const checked = await rt.services.staffPasskeyCeremonies.verifyRegistration(authenticatorFor(rt).create(options), options.challenge, userHandle);
    if (!checked.ok) throw new Error(checked.refusal);
    await rt.services.staffPasskeys.add(withPasskey.id, 'Werklaptop', checked.value);

    const confirmation = async (member: TestStaffMember) => /<p class="warning">([^<]*)<\/p>/.exec((await desk.get(`${STAFF}/${member.id}/app-uitzetten`)).text)?.[1];
    expect(await confirmation(withoutPasskeys)).to.match(/^De app en de herstelcodes van [^,]+ worden verwijderd, en de medewerker wordt uitgelogd\./);
    expect(await confirmation(withPasskey)).to.match(/^De app, de herstelcodes en de toegangssleutels van [^,]+ worden verwijderd, en de medewerker wordt uitgelogd\./);
    const noticeAfterReset = async (member: TestStaffMember) => {
      const reset = await submitForm(desk, `${STAFF}/${member.id}/app-uitzetten`, confirmedBy({ reason: 'Telefoon en herstelcodes kwijt' }));
      return /<p class="notice" role="status">([^<]*)<\/p>/.exec((await desk.get(reset.headers.location!)).text)?.[1]?.replaceAll('&#39;', "'");
    };
    expect(await noticeAfterReset(withoutPasskeys)).to.equal(
      'De app is uitgezet, de herstelcodes van de medewerker zijn verwijderd en de medewerker is uitgelogd. Bij de volgende keer inloggen stelt de medewerker een nieuwe app in.',
    );
    expect(await noticeAfterReset(withPasskey)).to.equal(
      'De app is uitgezet, de herstelcodes en de toegangssleutels van de medewerker zijn verwijderd en de medewerker is uitgelogd. Bij de volgende keer inloggen stelt de medewerker een nieuwe app in.',
    );
    expect(await rt.services.staffPasskeys.countForUser(withPasskey.id)).to.equal(0);

    const english = await createStaffMember(rt, { name: 'Eva Engels' });
    await desk.get(`/taal/en?terug=${encodeURIComponent(STAFF)}`);
    expect(await noticeAfterReset(english)).to.equal(
      "The app has been turned off, the staff member's recovery codes have been removed and the staff member has been signed out. They will set up a new app the next time they sign in.",
    );
  });

  it('gives the reason on each confirmation page an example that fits it, in Dutch and English', async () => {
    const member = await createStaffMember(rt, { name: 'Cas Collega' });
    const hintOf = async (action: string) => /<p class="hint" id="reason-hint">([^<]*)<\/p>/.exec((await desk.get(`${STAFF}/${member.id}/${action}`)).text)?.[1];
    expect(await hintOf('uitschakelen')).to.equal('Komt in het logboek. Bijvoorbeeld: werkt niet meer bij de kliniek.');
    expect(await hintOf('app-uitzetten')).to.equal('Komt in het logboek. Bijvoorbeeld: telefoon en herstelcodes kwijt.');
    expect(await hintOf('eenmalig-wachtwoord')).to.equal('Komt in het logboek. Bijvoorbeeld: wachtwoord vergeten, identiteit aan de balie gecontroleerd.');
    await submitForm(desk, `${STAFF}/${member.id}/uitschakelen`, { reason: 'Met verlof' });
    expect(await hintOf('inschakelen')).to.equal('Komt in het logboek. Bijvoorbeeld: terug van verlof.');
    await desk.get(`/taal/en?terug=${encodeURIComponent(STAFF)}`);
    expect(await hintOf('inschakelen')).to.equal('This goes into the log. For example: back from leave.');
    expect(await hintOf('app-uitzetten')).to.equal('This goes into the log. For example: lost phone and recovery codes.');
  });

  it('lists the staff with role, app, account and password: own, one-time until when, or expired', async () => {
    const dirk = await createStaffMember(rt, { name: 'Dirk Dekker', withApp: false });
    const eva = await createStaffMember(rt, { name: 'Eva Eerst' });
    const dayLater = rt.clock.now() + 86_400_000;
    const hourAgo = rt.clock.now() - 3_600_000;
    await rt.services.staff.setOneTimePassword(dirk.id, 'one-time-hash', dayLater);
    await rt.services.staff.setOneTimePassword(eva.id, 'one-time-hash', hourAgo);
    const format = createDateTimeFormatter('nl-NL', rt.config.timeZone);

    const rows = tableRows((await desk.get(STAFF)).text);

    expect(rows).to.deep.include.members([
      [admin.name, admin.email, 'beheerder', 'Ingesteld', 'Actief', 'Eigen wachtwoord'],
      ['Dirk Dekker', dirk.email, 'balie', 'Nog niet ingesteld', 'Actief', `Eenmalig wachtwoord, werkt tot ${format.date(dayLater)} om ${format.time(dayLater)}`],
      ['Eva Eerst', eva.email, 'balie', 'Ingesteld', 'Actief', `Eenmalig wachtwoord, verlopen op ${format.date(hourAgo)} om ${format.time(hourAgo)}.`],
    ]);
  });
});

describe('desk: the Logboek says in words why something failed, and shows only what staff typed as a reason or note', () => {
  let rt: TestRuntime;
  let admin: TestStaffMember;
  let desk: supertest.Agent;
  beforeEach(async () => {
    rt = await startTestRuntime();
    admin = await createStaffMember(rt, { role: 'admin', name: 'Ada Admin' });
    desk = await signInAtDesk(rt, admin);
  });
  afterEach(() => rt.close());

  const LOG = `${DESK}/logboek`;
  /** The Logboek's rows, newest first: who, what happened, about, reason or note. */
  const rowsOf = (html: string) => tableRows(html).map((cells) => cells.slice(1));
  const whatAndReasonOf = (html: string, who: string) => rowsOf(html).filter((cells) => cells[0] === who).map(([, what, , reason]) => [what, reason]);

  it('shows a wrong password, a wrong recovery code and an app code used twice in the "what happened" column, in Dutch and English, with an empty reason column', async () => {
    const member = await createStaffMember(rt, { name: 'Bea Balie' });
    const bea = await signInAtDesk(rt, member);
    const usedCode = appCode(member.secret, rt.clock.now()); // the code that just signed her in
    const newPassword = { newPassword: 'groene-kikker-springt-7', repeatPassword: 'groene-kikker-springt-7' };
    const change = (fields: Record<string, string>) => submitForm(bea, `${DESK}/wachtwoord`, { ...newPassword, ...fields });
    expect((await change({ currentPassword: member.password, code: usedCode })).status, 'the app code again').to.equal(400);
    expect((await change({ ...identityOf(rt, member), currentPassword: 'niet-mijn-wachtwoord' })).status, 'a wrong password').to.equal(400);
    expect((await change({ currentPassword: member.password, code: '12345 67890' })).status, 'a wrong recovery code').to.equal(400);
    expect((await deskPasswordStep(rt.agent(), { email: member.email, password: 'niet-mijn-wachtwoord' })).status, 'a failed sign-in').to.equal(400);
    const half = rt.agent();
    await deskPasswordStep(half, member);
    expect((await submitForm(half, `${DESK}/herstelcode`, { recoveryCode: '12345 67890' })).status, 'a wrong recovery code at sign-in').to.equal(400);

    const dutch = await desk.get(LOG);
    expect(whatAndReasonOf(dutch.text, 'Bea Balie')).to.deep.equal([
      ['Verkeerde herstelcode bij inloggen op de balie', ''],
      ['Inloggen op de balie mislukt (verkeerd wachtwoord)', ''],
      ['Verkeerde code bij het bevestigen van een wijziging', ''],
      ['Bevestigen op de balie mislukt (verkeerd wachtwoord)', ''],
      ['Code uit de app geweigerd: die was al gebruikt', ''],
      ['Ingelogd op de balie', ''],
    ]);
    await desk.get(`/taal/en?terug=${encodeURIComponent(LOG)}`);
    const english = await desk.get(LOG);
    expect(english.text).to.include('<html lang="en"');
    expect(whatAndReasonOf(english.text, 'Bea Balie')).to.deep.equal([
      ['Wrong recovery code when signing in to the desk', ''],
      ['Signing in to the desk failed (wrong password)', ''],
      ['Wrong code when confirming a change', ''],
      ['Confirmation at the desk failed (wrong password)', ''],
      ['Code from the app refused: it had already been used', ''],
      ['Signed in to the desk', ''],
    ]);
    for (const page of [dutch.text, english.text]) {
      expect(page).not.to.match(/[>(]\s*(password|replayed|wrong_recovery_code|wrong_app_code|disabled)\s*[<)]/);
    }
  });

  it('keeps the reasons and the notes staff typed in the reason column', async () => {
    const member = await createStaffMember(rt, { name: 'Cas Collega' });
    await submitForm(desk, `${STAFF}/${member.id}/uitschakelen`, { reason: 'Werkt niet meer bij de kliniek' });
    const patient = await rt.createPatient({ name: 'Piet Patiënt' });
    await submitForm(desk, `${DESK}/patienten/${patient.id}/overal-uitloggen`, { reason: 'Telefoon gestolen' });
    await submitForm(rt.agent(), '/hulp/vragenformulier', { name: 'Piet', email: 'piet@example.nl', question: 'Ik kan niet inloggen.' });
    const [question] = await rt.services.questions.list({ limit: 1 });
    await submitForm(desk, `${DESK}/vragen/${question!.id}`, { note: 'Teruggebeld; uitleg gegeven.' });

    const log = await desk.get(LOG);
    expect(whatAndReasonOf(log.text, 'Ada Admin').slice(0, 5)).to.deep.equal([
      ['Vraag afgehandeld', 'Teruggebeld; uitleg gegeven.'],
      ['Vraag bekeken', ''],
      ['Patiënt overal uitgelogd', 'Telefoon gestolen'],
      ['Medewerker uitgeschakeld', 'Werkt niet meer bij de kliniek'],
      ['Ingelogd op de balie', ''],
    ]);
  });
});
