import { expect } from 'chai';
import type supertest from 'supertest';
import { doubleClick, signIn, submitForm } from '../../support/forms';
import { enterSignInCode, lastCode, passwordStep, patientWithSms, SmsWorld, startSmsWorld, confirmWithSms, expectSignedOut, pastSmsCooldown, recoveryCodesIn, signedInWithSms } from '../../support/two-factor';
import { authenticatorFor, mailedAlerts, registerPasskey } from '../../support/passkeys';
import { appCode, enableAppTwoFactor, patientWithApp } from '../../support/totp';
import { twoFactorRow } from '../../support/two-factor-row';
import { describeEvent } from '../../../src/components/security-events/describe';
import { describeMessage } from '../../../src/features/inbox/controller';
import { createTranslators } from '../../../src/i18n';

type Patient = Awaited<ReturnType<typeof patientWithSms>>;
const BASE = '/account/twee-stappen';

describe('managing two-step (J6)', () => {
  let world: SmsWorld;
  let patient: Patient;
  beforeEach(async () => {
    world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1' });
    patient = await patientWithSms(world.rt);
  });
  afterEach(() => world.close());

  const fullySignedIn = () => signedInWithSms(world, patient);
  const confirm = (agent: supertest.Agent, returnTo: string, password = patient.password) => confirmWithSms(world, agent, returnTo, password);
  const PHONE_CHANGE = `${BASE}/telefoonnummer-wijzigen`;
  /** Signed in, confirmed and a new number entered: its code is waiting on the Verificatie page. */
  async function awaitingCodeFor(phone: string): Promise<supertest.Agent> {
    const agent = await fullySignedIn();
    await confirm(agent, PHONE_CHANGE);
    await pastSmsCooldown();
    await submitForm(agent, PHONE_CHANGE, { country: 'NL', phone });
    return agent;
  }

  /** As awaitingCodeFor('06 87654321'), with the real 30 seconds between SMS: a new number has just had its code. */
  async function newNumberWithRealCooldown(): Promise<supertest.Agent> {
    await world.close();
    world = await startSmsWorld();
    patient = await patientWithSms(world.rt);
    const agent = await fullySignedIn();
    await confirm(agent, PHONE_CHANGE);
    const sent = await submitForm(agent, PHONE_CHANGE, { country: 'NL', phone: '06 87654321' });
    await agent.get(sent.headers.location!); // as a browser follows the redirect: the code page says the code was sent
    return agent;
  }

  it('keeps a new number waiting for its code through a timeout: signed in again and confirmed, its code page is back', async () => {
    const agent = await awaitingCodeFor('06 87654321');
    world.rt.clock.advanceMinutes(31);
    expect((await agent.get(`${PHONE_CHANGE}/verificatie`)).headers.location).to.equal('/inloggen');
    await pastSmsCooldown();
    await passwordStep(agent, patient.email, patient.password);
    expect((await enterSignInCode(agent, lastCode(world.vonage))).headers.location).to.equal(`${PHONE_CHANGE}/verificatie`);
    expect((await confirm(agent, `${PHONE_CHANGE}/verificatie`)).headers.location).to.equal(`${PHONE_CHANGE}/verificatie`);
    const page = await agent.get(`${PHONE_CHANGE}/verificatie`);
    expect(page.status).to.equal(200);
    expect(page.text, 'the new number, not typed again').to.include('+31 6 ••••••21');
  });

  it('changes the phone number only after the new number is verified, and ends other sessions', async () => {
    const other = await fullySignedIn();
    const agent = await fullySignedIn();
    const path = `${BASE}/telefoonnummer-wijzigen`;
    expect((await confirm(agent, path)).headers.location).to.equal(path);
    const form = await agent.get(path);
    expect([...form.text.matchAll(/<option value="([A-Z]{2})"/g)].map((m) => m[1]), 'only the countries an SMS can go to').to.deep.equal(['NL', 'BE']);
    await pastSmsCooldown();
    const submit = await submitForm(agent, path, { country: 'NL', phone: '06 87654321' });
    expect(submit.headers.location).to.equal(`${path}/verificatie`);
    expect(world.vonage.messages.at(-1)!.to).to.equal('31687654321');
    expect((await twoFactorRow(world.rt.db, patient.id)).two_factor_phone).to.equal('+31612345678');
    const verifyPage = await agent.get(`${path}/verificatie`);
    expect(verifyPage.text).to.include('+31 6 ••••••21');
    for (const [page, html] of [['number', form.text], ['code', verifyPage.text]]) {
      expect(html, `the help (J7) on the ${page} page`).to.match(/<h2 id="help-title">Is het niet gelukt\?<\/h2>[\s\S]*href="tel:\+31307370323"[\s\S]*href="\/hulp\/vragenformulier"/);
    }

    const done = await submitForm(agent, `${path}/verificatie`, { code: lastCode(world.vonage) });
    expect(done.headers.location).to.equal(`${BASE}`);
    expect((await agent.get(done.headers.location!)).text).to.include('Je telefoonnummer is gewijzigd.');
    expect((await agent.get(`${path}/verificatie`)).headers.location, 'its code page is over (the Back button)').to.equal(path);
    expect((await twoFactorRow(world.rt.db, patient.id)).two_factor_phone).to.equal('+31687654321');
    await expectSignedOut(other);
    expect((await agent.get('/werkblad')).status).to.equal(200);
    expect((await world.rt.services.audit.listForUser(patient.id)).map((e) => e.type)).to.include('phone_changed');
    expect((await world.rt.services.messages.listForUser(patient.id)).map((m) => m.kind)).to.include('phone_changed');
  });

  /** The stored number, and what announced a phone change: the security activity, Berichten and e-mail alerts. */
  async function recordedChanges() {
    const changes = (kinds: string[]) => kinds.filter((kind) => kind === 'phone_changed');
    return {
      phone: (await twoFactorRow(world.rt.db, patient.id)).two_factor_phone,
      events: changes((await world.rt.services.audit.listForUser(patient.id)).map((e) => e.type)),
      messages: changes((await world.rt.services.messages.listForUser(patient.id)).map((m) => m.kind)),
      mails: changes((await mailedAlerts(world.rt, patient.id)).map((m) => m.kind)),
    };
  }
  const NOTHING_RECORDED = { events: [], messages: [], mails: [] };

  it('refuses the number in use already, in another notation: an error by the field and in the summary, no SMS, nothing recorded', async () => {
    const other = await fullySignedIn();
    const agent = await fullySignedIn();
    await confirm(agent, PHONE_CHANGE);
    await pastSmsCooldown();
    const sent = world.vonage.messages.length;
    for (const phone of ['06 12345678', '+31 6 1234 5678']) {
      const same = await submitForm(agent, PHONE_CHANGE, { country: 'NL', phone });
      expect(same.status, phone).to.equal(400);
      expect(same.text.match(/Dit is al je telefoonnummer\. Vul een ander mobiel nummer in\./g), 'by the field and in the summary').to.have.length(2);
      expect(same.text).to.include(`value="${phone}"`).and.include('aria-invalid="true"').and.include('href="#phone"');
    }
    expect(world.vonage.messages, 'no SMS').to.have.length(sent);
    expect((await agent.get(`${PHONE_CHANGE}/verificatie`)).headers.location, 'no number waits for a code').to.equal(PHONE_CHANGE);
    expect(await recordedChanges()).to.deep.equal({ phone: '+31612345678', ...NOTHING_RECORDED });
    expect((await other.get('/werkblad')).status, 'other sessions go on').to.equal(200);
  });

  it('records no change when the new number became the number in use meanwhile, before its code: the overview says nothing changed', async () => {
    const other = await fullySignedIn();
    const agent = await awaitingCodeFor('06 87654321');
    await world.rt.services.twoFactor.changePhone(patient.id, '+31687654321'); // elsewhere, before the code is entered

    const done = await submitForm(agent, `${PHONE_CHANGE}/verificatie`, { code: lastCode(world.vonage) });
    expect(`${done.status} ${done.headers.location}`).to.equal(`302 ${BASE}`);
    const overview = (await agent.get(BASE)).text;
    expect(overview).to.include('Er is niets gewijzigd, want je instellingen voor authenticatie in twee stappen waren intussen al veranderd').and.not.include('Je telefoonnummer is gewijzigd');
    expect(await recordedChanges()).to.deep.equal({ phone: '+31687654321', ...NOTHING_RECORDED });
    expect((await other.get('/werkblad')).status, 'other sessions go on').to.equal(200);
  });

  it('shows the help (J7) on every page of managing two-step: turning off, new codes and the codes, switching to the app', async () => {
    const agent = await fullySignedIn();
    for (const path of [`${BASE}/uitzetten`, `${BASE}/herstelcodes/nieuw`, `${BASE}/overstappen/app`]) {
      const res = await agent.get(path);
      const page = res.status === 302 ? await agent.get((await confirm(agent, path)).headers.location!) : res;
      expect(page.status, path).to.equal(200);
      expect(page.text, `the help on ${path}`).to.match(/<h2 id="help-title">Is het niet gelukt\?<\/h2>[\s\S]*href="\/hulp\/vragenformulier"/);
    }
    const made = await submitForm(agent, `${BASE}/herstelcodes/nieuw`, {});
    const codes = await agent.get(made.headers.location!);
    expect(codes.text, 'the help with the new codes').to.include('Je nieuwe herstelcodes').and.match(/<h2 id="help-title">Is het niet gelukt\?<\/h2>/);
  });

  it('answers "Stuur nieuwe code" within 30 seconds with a notice on the code page, said once, not an error on its field', async () => {
    const agent = await newNumberWithRealCooldown();
    const path = PHONE_CHANGE;
    const tooSoon = await submitForm(agent, `${path}/verificatie`, {}, `${path}/verificatie/nieuwe-code`);
    expect(tooSoon.headers.location).to.equal(`${path}/verificatie`);
    const notice = await agent.get(`${path}/verificatie`);
    expect(notice.text).to.match(/<p class="warning" role="status">We hebben geen nieuwe code gestuurd, want je hebt net al een code gekregen\. Je kunt om \d\d:\d\d een nieuwe code aanvragen/).and.not.include('aria-invalid');
    expect(notice.text.match(/een nieuwe code aanvragen/g), 'the notice says the time; no hint repeats it').to.have.length(1);
    const refreshed = await agent.get(`${path}/verificatie`);
    expect(refreshed.text).not.to.include('role="status">We hebben geen nieuwe code');
    expect(refreshed.text, 'the hint is back, read out with the button').to.match(/aria-describedby="resend-when">Stuur nieuwe code<\/button>[\s\S]*<p class="hint" id="resend-when">Je kunt om \d\d:\d\d een nieuwe code aanvragen.<\/p>/);
    expect(world.vonage.messages.filter((m) => m.to === '31687654321')).to.have.length(1);
  });

  it('goes on to the code page when the same number is sent again within 30 seconds, and keeps another number in its field with the time', async () => {
    const agent = await newNumberWithRealCooldown();
    const path = PHONE_CHANGE;
    const sent = world.vonage.messages.length;
    const code = lastCode(world.vonage);

    const same = await submitForm(agent, path, { country: 'NL', phone: '06 87654321' });
    expect(`${same.status} ${same.headers.location}`, 'the same number again').to.equal(`302 ${path}/verificatie`);
    const samePage = await agent.get(`${path}/verificatie`);
    expect(samePage.text).to.include('+31 6 ••••••21').and.match(/want je hebt net al een code gekregen\. Je kunt om \d\d:\d\d/).and.not.include('Die code werkt niet meer');

    // A typo corrected: no code went to this number, so the page does not say one did.
    const other = await submitForm(agent, path, { country: 'NL', phone: '06 11223344' });
    expect(other.status, 'another number').to.equal(429);
    expect(other.text).to.match(/We hebben geen code naar dit nummer gestuurd, want je hebt net al een code gekregen op een ander nummer\. Je kunt om \d\d:\d\d een code naar dit nummer laten sturen\./);
    expect(other.text).to.include('value="06 11223344"').and.include('aria-invalid="true"').and.include('href="#phone"');
    expect(world.vonage.messages, 'no SMS within the 30 seconds').to.have.length(sent);
    // The first number still waits for its code, which still confirms it.
    expect((await submitForm(agent, `${path}/verificatie`, { code })).status).to.equal(302);
    expect((await twoFactorRow(world.rt.db, patient.id)).two_factor_phone).to.equal('+31687654321');
  });

  it('keeps the next number in its field with the time when the last code was used within 30 seconds, and says no code went to it', async () => {
    const agent = await newNumberWithRealCooldown();
    const path = PHONE_CHANGE;
    expect((await submitForm(agent, `${path}/verificatie`, { code: lastCode(world.vonage) })).headers.location).to.equal(BASE);
    const sent = world.vonage.messages.length;
    await new Promise((resolve) => setTimeout(resolve, 1500)); // past the SMS timeout of the test world and its margin: no SMS can be on its way

    const next = await submitForm(agent, path, { country: 'NL', phone: '06 11223344' });
    expect(next.status).to.equal(429);
    expect(next.text).to.match(/We hebben geen code naar dit nummer gestuurd, want je hebt net al een code gekregen\. Je kunt om \d\d:\d\d een code naar dit nummer laten sturen\./);
    expect(next.text).to.include('value="06 11223344"').and.include('aria-invalid="true"').and.include('href="#phone"');
    expect(world.vonage.messages, 'no SMS within the 30 seconds').to.have.length(sent);
  });

  it('changes the number once when its code is sent twice at once (a double click), and tells nothing untrue', async () => {
    const path = PHONE_CHANGE;
    const agent = await awaitingCodeFor('06 87654321');
    // The first to the overview with its notice; the second to the overview, which shows the new
    // number (or, after the first, to the form: no new number is waiting for a code).
    await doubleClick(agent, `${path}/verificatie`, { code: lastCode(world.vonage) }, { first: `${BASE}`, second: [BASE, path] });
    expect((await twoFactorRow(world.rt.db, patient.id)).two_factor_phone).to.equal('+31687654321');
    const events = (await world.rt.services.audit.listForUser(patient.id)).map((e) => e.type);
    expect(events.filter((type) => type === 'phone_changed')).to.have.length(1);
    expect(events).to.not.include('second_step_failed');
    expect((await agent.get(BASE)).text).to.include('+31 6 ••••••21');
  });

  it('confirms a new number only with the code sent to that number (two phone changes at once)', async () => {
    const first = await fullySignedIn();
    const second = await fullySignedIn();
    const path = `${BASE}/telefoonnummer-wijzigen`;
    expect((await confirm(first, path)).headers.location).to.equal(path);
    const page = `/account/bevestigen?terug=${encodeURIComponent(path)}`; // a recovery code: the SMS cap is 5 an hour
    await submitForm(second, page, { terug: path, password: patient.password, code: patient.recoveryCodes[0]! }, '/account/bevestigen');
    await pastSmsCooldown();
    expect((await submitForm(first, path, { country: 'NL', phone: '06 11000001' })).headers.location).to.equal(`${path}/verificatie`);
    await pastSmsCooldown();
    expect((await submitForm(second, path, { country: 'NL', phone: '06 11000002' })).headers.location).to.equal(`${path}/verificatie`);
    const codeForSecond = lastCode(world.vonage);
    expect(world.vonage.messages.at(-1)!.to).to.equal('31611000002');

    const wrongNumber = await submitForm(first, `${path}/verificatie`, { code: codeForSecond });
    expect(wrongNumber.status).to.equal(400);
    expect(wrongNumber.text).to.include('Er is geen geldige code');
    expect((await twoFactorRow(world.rt.db, patient.id)).two_factor_phone, 'a number that never got a code').to.equal('+31612345678');
    const right = await submitForm(second, `${path}/verificatie`, { code: codeForSecond });
    expect(right.headers.location).to.equal(`${BASE}`);
    expect((await twoFactorRow(world.rt.db, patient.id)).two_factor_phone).to.equal('+31611000002');
  });

  it('says on the code page when SMS come again, not "Stuur nieuwe code", once the code is used up while a cap lasts', async () => {
    await world.close();
    world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1', SMS_MAX_PER_ACCOUNT_PER_HOUR: '3' });
    patient = await patientWithSms(world.rt);
    const agent = await awaitingCodeFor('06 87654321');
    expect(world.vonage.messages.map((m) => m.to), 'signing in, the confirmation, the new number: the cap is full').to.deep.equal(['31612345678', '31612345678', '31687654321']);
    const wrong = lastCode(world.vonage) === '000000' ? '111111' : '000000';
    const sendWrong = () => submitForm(agent, `${PHONE_CHANGE}/verificatie`, { code: wrong });
    let refused = await sendWrong();
    for (let i = 1; i < 5; i += 1) refused = await sendWrong(); // the fifth ends the code
    const capEnd = /Je kunt om \d\d:\d\d weer een code aanvragen. Heb je eerder hulp nodig\? Bel de helpdesk via 030 – 737 0323./;
    expect(refused.text).to.match(new RegExp(`Je hebt te vaak een verkeerde code ingevuld. ${capEnd.source}`)).and.not.include('Vraag een nieuwe code aan');
    const page = await agent.get(`${PHONE_CHANGE}/verificatie`);
    expect(page.text).to.include('<p>Er is nu geen geldige code.</p>').and.match(capEnd);
    expect(page.text).not.to.include('Stuur nieuwe code');
  });

  it('records a wrong code in the phone change, and counts it towards the lock of the second step', async () => {
    const path = PHONE_CHANGE;
    const agent = await awaitingCodeFor('06 11000003');
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
    const shown = recoveryCodesIn(page.text).map((code) => code.replace(' ', ''));
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
    expect((await agent.get(path)).text).to.include('Als je nieuwe codes maakt, werken je oude herstelcodes niet meer.');
    const made = await submitForm(agent, path, {});
    expect(made.headers.location).to.equal(`${BASE}/herstelcodes`);
    const page = await agent.get(`${BASE}/herstelcodes`);
    const shown = recoveryCodesIn(page.text);
    expect(shown).to.have.length(10);
    const download = await agent.get(`${BASE}/herstelcodes/download`);
    for (const c of shown) expect(download.text).to.include(c);
    expect(await world.rt.services.recoveryCodes.consume(patient.id, patient.recoveryCodes[0]!)).to.equal(false);

    const saved = await submitForm(agent, `${BASE}/herstelcodes`, {});
    expect(saved.headers.location).to.equal(`${BASE}`);
    // Karify kept nothing for the patient: the notice says what changed, and that other devices are signed out.
    expect((await agent.get(saved.headers.location!)).text).to.include(
      '<p class="notice" role="status">Je hebt nieuwe herstelcodes. Je oude herstelcodes werken niet meer. Je bent op je andere apparaten uitgelogd.</p>');
    expect((await agent.get(`${BASE}/herstelcodes`)).headers.location).to.equal(BASE);
    expect(await world.rt.services.recoveryCodes.consume(patient.id, shown[0]!)).to.equal(true);
    await expectSignedOut(other);
    expect((await world.rt.services.messages.listForUser(patient.id)).map((m) => m.kind)).to.include('recovery_codes_renewed');
  });

  it('makes new recovery codes once when the button is pressed twice, at once or a moment later, and shows the codes that work', async () => {
    const agent = await fullySignedIn();
    const path = `${BASE}/herstelcodes/nieuw`;
    await confirm(agent, path);
    // The second is sent on to the codes page too (or to the overview, when the first was still busy).
    await doubleClick(agent, path, {}, { first: `${BASE}/herstelcodes`, second: [`${BASE}/herstelcodes`] });
    // A click that comes after the first was answered (the codes wait in the session) shows them too.
    const late = await submitForm(agent, path, {});
    expect(late.headers.location).to.equal(`${BASE}/herstelcodes`);
    const events = (await world.rt.services.audit.listForUser(patient.id)).map((e) => e.type);
    expect(events.filter((type) => type === 'recovery_codes_renewed')).to.have.length(1);
    const shown = recoveryCodesIn((await agent.get(`${BASE}/herstelcodes`)).text);
    expect(shown).to.have.length(10);
    expect(await world.rt.services.recoveryCodes.consume(patient.id, shown[0]!)).to.equal(true);
  });

  it('never shows codes made before two-step was turned off and on again: "Nieuwe herstelcodes maken" makes codes that work', async () => {
    const agent = await fullySignedIn();
    const path = `${BASE}/herstelcodes/nieuw`;
    await confirm(agent, path);
    await submitForm(agent, path, {}); // codes A, left without "Ik heb de codes bewaard"
    const codesOf = async () => recoveryCodesIn((await agent.get(`${BASE}/herstelcodes`)).text);
    const before = await codesOf();
    expect(before).to.have.length(10);
    expect((await submitForm(agent, `${BASE}/uitzetten`, {})).headers.location).to.equal(BASE);
    const { recoveryCodes: fromWizard } = await enableAppTwoFactor(agent, world.rt);
    expect(await world.rt.services.recoveryCodes.countRemaining(patient.id)).to.equal(10);

    expect((await agent.get(`${BASE}/herstelcodes`)).headers.location, 'the old codes are not waiting any more').to.equal(BASE);
    expect((await submitForm(agent, path, {})).headers.location).to.equal(`${BASE}/herstelcodes`);
    const shown = await codesOf();
    expect(shown).to.have.length(10);
    expect(shown.filter((code) => before.includes(code) || fromWizard.includes(code))).to.deep.equal([]);
    expect(await world.rt.services.recoveryCodes.consume(patient.id, before[0]!)).to.equal(false);
    expect(await world.rt.services.recoveryCodes.consume(patient.id, shown[0]!), 'the codes shown work').to.equal(true);
  });

  it('turns two-step off once when the button is pressed twice at once', async () => {
    const agent = await fullySignedIn();
    const path = `${BASE}/uitzetten`;
    await confirm(agent, path);
    await doubleClick(agent, path, {}, { first: `${BASE}`, second: [BASE] });
    const events = (await world.rt.services.audit.listForUser(patient.id)).map((e) => e.type);
    expect(events.filter((type) => type === 'two_factor_disabled')).to.have.length(1);
    expect((await world.rt.services.messages.listForUser(patient.id)).filter((m) => m.kind === 'two_factor_disabled')).to.have.length(1);
  });

  it('warns that the passkeys stop working only a patient who has passkeys, and turning off removes them', async () => {
    const agent = await fullySignedIn();
    const path = `${BASE}/uitzetten`;
    await confirm(agent, path);
    const warning = async () => (await agent.get(path)).text.match(/<p class="warning">([^<]*)<\/p>/)?.[1];
    expect(await warning()).to.equal('Zonder authenticatie in twee stappen kan iemand die je wachtwoord weet in je account. Je herstelcodes werken daarna niet meer.');

    await registerPasskey(world.rt, patient, authenticatorFor(world.rt));
    expect(await warning()).to.equal('Zonder authenticatie in twee stappen kan iemand die je wachtwoord weet in je account. Je herstelcodes en je toegangssleutels werken daarna niet meer.');
    expect((await submitForm(agent, path, {})).headers.location).to.equal(BASE);
    expect(await world.rt.services.passkeys.countForUser(patient.id), 'the text is true: no passkey left').to.equal(0);
    const { rt } = world;
    const [off] = (await rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'two_factor_disabled');
    const nl = createTranslators().nl;
    expect(describeEvent(nl, off!), 'the activity says the passkeys went').to.equal('Authenticatie in twee stappen uitgeschakeld en toegangssleutels verwijderd');
    const [message] = (await rt.services.messages.listForUser(patient.id)).filter((m) => m.kind === 'two_factor_disabled');
    expect(describeMessage(message!, { t: nl, formatDate: () => '5-12', formatTime: () => '12:00' }).body).to.equal(
      'Op 5-12 om 12:00 is authenticatie in twee stappen uitgeschakeld voor je account, en zijn je toegangssleutels verwijderd. Je logt nu in met alleen je wachtwoord.',
    );
    const mail = (await mailedAlerts(rt, patient.id)).find((m) => m.kind === 'two_factor_disabled');
    expect(mail!.text).to.include('Authenticatie in twee stappen is uitgeschakeld voor je Karify account, en je toegangssleutels zijn verwijderd.');
  });

  it('turns two-step off, and the next sign-in asks only the password', async () => {
    const other = await fullySignedIn();
    const agent = await fullySignedIn();
    const path = `${BASE}/uitzetten`;
    await confirm(agent, path);
    const off = await submitForm(agent, path, {});
    expect(off.headers.location).to.equal(`${BASE}`);
    expect((await agent.get(off.headers.location!)).text).to.include('<strong>uitgeschakeld</strong>');
    expect(await world.rt.db('recovery_codes').where({ user_id: patient.id })).to.have.length(0);
    await expectSignedOut(other);
    const [event] = (await world.rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'two_factor_disabled');
    expect(describeEvent(createTranslators().nl, event!), 'no passkeys to name').to.equal('Authenticatie in twee stappen uitgeschakeld');
    expect((await world.rt.services.messages.listForUser(patient.id)).map((m) => m.kind)).to.include('two_factor_disabled');
    expect((await signIn(world.rt.agent(), patient.email, patient.password)).headers.location).to.equal('/werkblad');
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
      expect((await agent.get(path)).text).to.include('Je zorgaanbieder vraagt om authenticatie in twee stappen')
        .and.include('Je kunt wel je telefoonnummer wijzigen.');
      expect((await submitForm(agent, path, {})).status).to.equal(403);
      expect((await twoFactorRow(world.rt.db, patient.id)).two_factor_method).to.equal('sms');

      // A patient with the app has no phone number to change: the page names what they can do.
      const withApp = await patientWithApp(world.rt);
      const appAgent = world.rt.agent();
      await passwordStep(appAgent, withApp.email, withApp.password);
      await enterSignInCode(appAgent, appCode(withApp.secret, world.rt.clock.now()));
      await submitForm(appAgent, page, { terug: path, password: withApp.password, code: withApp.recoveryCodes[0]! }, '/account/bevestigen');
      expect((await appAgent.get(path)).text).to.include('Je kunt wel overstappen op een andere methode.').and.not.include('telefoonnummer');
    } finally {
      await world.close();
    }
  });
});
