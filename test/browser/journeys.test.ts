import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { DEMO_PATIENT } from '../../src/domain/demo-patient';
import supertest from 'supertest';
import { createStaffMember, type TestStaffMember } from '../support/desk';
import { rawRequest } from '../support/http-client';
import { appWith, connectionReset, sessionStoreReading, type TestRuntime } from '../support/runtime';
import { appCode, patientWithApp, STEP_MS, wrongAppCode } from '../support/totp';
import { csrfTokenOf, signIn } from '../support/forms';
import { askOptions } from '../support/passkeys';
import { lastCode, patientWithSms } from '../support/two-factor';
import { VirtualAuthenticator } from './support/authenticator';
import { launchChromium, startBrowserWorld, type BrowserSettings, type BrowserWorld } from './support/browser';
import { Journal, Patient, type RecordOptions } from './support/journal';
import { startRelay } from './support/relay';
import { defineLowEndChecks, STRICT_SMS_LIMITS } from './low-end-browsers';
import { definePageChecks } from './page-checks';

/*
 * The patient journeys of SPEC §2, walked in Debian's Chromium with JavaScript off, by the
 * labels and button names a patient sees; passkeys (J9), which need it, with JavaScript on and
 * Chromium's virtual authenticator, at http://localhost:PORT (the origin they belong to). Every
 * page on the way is recorded; page-checks.ts then holds every recorded page (every state, errors
 * included) to the quality bars of SPEC §5.
 */

const BASE = '/account/twee-stappen';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Past SMS_RESEND_COOLDOWN_SECONDS (1 s in this suite). */
const pastCooldown = () => pause(1100);

describe('browser: the patient journeys in Chromium with JavaScript off (on for passkeys)', function () {
  // Each journey takes 5–30 s on an idle machine; the limit is for a busy 2-core CI machine.
  this.timeout(300_000);
  this.slow(30_000);

  type SmsPatient = Awaited<ReturnType<typeof patientWithSms>>;
  type PlainPatient = Awaited<ReturnType<TestRuntime['createPatient']>>;
  const journal = new Journal();
  /** `outbox`: a second app that keeps SMS in its development outbox instead of sending them; `strict`: one with tight SMS limits. */
  const shared: { browser?: Browser; world?: BrowserWorld; outbox?: BrowserWorld; strict?: BrowserWorld; relay?: Awaited<ReturnType<typeof startRelay>> } = {};
  const open: Patient[] = [];
  // Made before the browser starts: the test's own database writes never run alongside a request.
  const patients = {} as {
    sms: SmsPatient; recovery: SmsPatient; manage: SmsPatient; lockedOut: SmsPatient; secondStepLocked: SmsPatient;
    switcher: SmsPatient; app: PlainPatient; english: PlainPatient; outbox: SmsPatient; deskReset: SmsPatient;
    cooldown: SmsPatient; capped: SmsPatient; copier: PlainPatient; passkeySms: SmsPatient; passkeyOnly: PlainPatient; passkeyAutofill: PlainPatient;
    forgotPassword: PlainPatient; deskTimeout: PlainPatient; lynx: Awaited<ReturnType<typeof patientWithApp>>;
  };
  /** The clinic's desk (J11): an admin with the app on. */
  const staff = {} as { admin: TestStaffMember; passkey: TestStaffMember };

  before(async function () {
    this.timeout(120_000);
    shared.world = await startBrowserWorld({ SEED_DEMO_PATIENT: 'true' });
    const { rt } = shared.world;
    patients.sms = await patientWithSms(rt, '+31687654302');
    patients.recovery = await patientWithSms(rt, '+31687654303');
    for (const code of patients.recovery.recoveryCodes.slice(0, 6)) await rt.services.recoveryCodes.consume(patients.recovery.id, code);
    patients.manage = await patientWithSms(rt, '+31687654304');
    patients.lockedOut = await patientWithSms(rt, '+31687654305');
    patients.secondStepLocked = await patientWithSms(rt, '+31687654306');
    patients.switcher = await patientWithSms(rt, '+31687654307');
    patients.app = await rt.createPatient();
    patients.english = await rt.createPatient();
    patients.deskReset = await patientWithSms(rt, '+31687654309');
    patients.forgotPassword = await rt.createPatient();
    patients.deskTimeout = await rt.createPatient();
    patients.lynx = await patientWithApp(rt);
    staff.admin = await createStaffMember(rt, { role: 'admin', name: 'Anna Jansen', email: 'anna@kliniek.nl' });
    staff.passkey = await createStaffMember(rt, { name: 'Pieter Post', email: 'pieter@kliniek.nl' });
    patients.passkeySms = await patientWithSms(rt, '+31687654312');
    patients.passkeyOnly = await rt.createPatient();
    patients.passkeyAutofill = await rt.createPatient();
    shared.outbox = await startBrowserWorld({ SMS_PROVIDER: 'outbox' });
    patients.outbox = await patientWithSms(shared.outbox.rt, '+31687654308');
    patients.copier = await rt.createPatient();
    shared.strict = await startBrowserWorld(STRICT_SMS_LIMITS);
    patients.cooldown = await patientWithSms(shared.strict.rt, '+31687654310');
    patients.capped = await patientWithSms(shared.strict.rt, '+31687654311');
    shared.browser = await launchChromium();
  });

  after(async function () {
    this.timeout(60_000);
    for (const p of open) await p.close().catch(() => undefined);
    await shared.browser?.close();
    await shared.world?.close();
    await shared.outbox?.close();
    await shared.strict?.close();
    await shared.relay?.close();
  });

  const world = () => shared.world!;
  async function newPatient(baseURL = world().baseURL, settings?: BrowserSettings): Promise<Patient> {
    const p = await Patient.start(shared.browser!, baseURL, journal, settings);
    open.push(p);
    return p;
  }
  const wrongCode = (right: string) => (right === '000000' ? '111111' : '000000');
  const footer = (p: Patient, name = 'Voettekst') => p.page.getByRole('navigation', { name });
  const pageLanguage = (p: Patient) => p.page.locator('html').getAttribute('lang');
  /** The key the Koppelen page shows for typing into the app, without its spaces. */
  const appKey = async (p: Patient) => (await p.page.locator('.totp-key').innerText()).replace(/\s/g, '');

  /** Password step for a patient with two-step on; ends on the code page. */
  async function passwordStep(p: Patient, email: string, password: string, name = 'Inloggen (stap 2): code', options: RecordOptions = {}) {
    await p.visit('/inloggen', 'Inloggen');
    await p.fill('E-mailadres', email);
    await p.fill('Wachtwoord', password);
    const page = await p.press('Log in', name, name === 'Inloggen (stap 2): code' ? { screenshot: '11-inloggen-sms-code' } : options);
    expect(p.path()).to.equal('/inloggen/code');
    return page;
  }

  /** Signs in a patient without two-step: e-mail address and password only. */
  async function signInWithPassword(p: Patient, email: string, password: string, what: string): Promise<void> {
    await p.visit('/inloggen', `Inloggen (${what})`);
    await p.fill('E-mailadres', email);
    await p.fill('Wachtwoord', password);
    await p.press('Log in', `Werkblad (${what})`);
    expect(p.path()).to.equal('/werkblad');
  }

  /** Signs a patient with two-step SMS on in fully, with the SMS code. */
  async function signInWithSms(p: Patient, email: string, password: string): Promise<void> {
    await passwordStep(p, email, password, 'Inloggen (stap 2): code, opnieuw');
    await p.fill('Verificatiecode', lastCode(world().vonage));
    await p.press('Verifiëren', 'Werkblad na inloggen met SMS');
    expect(p.path()).to.equal('/werkblad');
  }

  /** The fresh-confirmation page: password plus a new SMS code; returns on the page asked for. */
  async function confirmWithSms(p: Patient, password: string, what: string): Promise<void> {
    expect(p.path()).to.match(/^\/account\/bevestigen\b/);
    expect(await p.heading()).to.equal('Bevestig dat jij het bent');
    await pastCooldown();
    // Named as a screen reader says it: the number's ends in words, not its bullets.
    await p.press(/^Stuur code naar \+31 6, eindigend op \d\d$/, `Bevestigen (${what}): code gestuurd`);
    // innerText puts the words for screen readers on a line of their own (they are positioned apart).
    expect(await p.text()).to.match(/We hebben een code gestuurd naar \+31 6 ••••••(\d\d) ?\+31 6, eindigend op \1 ?\./);
    await p.fill('Wachtwoord', password);
    await p.fill('Verificatiecode', lastCode(world().vonage));
    await p.press('Bevestigen', `${what} (na bevestigen)`);
  }

  describe('journeys', () => {
    it('J1: signs in after clear errors for empty and wrong input, keeping the e-mail address', async () => {
      const p = await newPatient();
      let page = await p.visit('/', 'Inloggen', { screenshot: '01-inloggen' });
      expect(p.path()).to.equal('/inloggen');
      expect(await p.heading()).to.equal('Inloggen');
      expect(await p.page.title()).to.equal('Inloggen – Karify');
      expect(await p.button('Inloggen met een toegangssleutel').count(), 'no passkey button without JavaScript').to.equal(0);

      page = await p.press('Log in', 'Inloggen: lege velden', { screenshot: '02-inloggen-fout' });
      expect(page.status).to.equal(400);
      expect(await p.page.title()).to.equal('Fout: Inloggen – Karify');
      expect(await p.errors()).to.deep.equal(['Vul je e-mailadres in.', 'Vul je wachtwoord in.']);
      expect(await p.fieldError('E-mailadres')).to.equal('Vul je e-mailadres in.');

      await p.fill('E-mailadres', 'cas@example');
      await p.fill('Wachtwoord', 'iets');
      await p.press('Log in', 'Inloggen: ongeldig e-mailadres');
      expect(await p.errors()).to.deep.equal(['Vul een e-mailadres in zoals naam@voorbeeld.nl.']);

      await p.fill('E-mailadres', DEMO_PATIENT.email);
      await p.fill('Wachtwoord', 'niet-mijn-wachtwoord');
      page = await p.press('Log in', 'Inloggen: verkeerd wachtwoord');
      expect(page.status).to.equal(400);
      expect(await p.errors()).to.deep.equal(['Het e-mailadres of wachtwoord klopt niet.']);
      expect(await p.field('E-mailadres').inputValue()).to.equal(DEMO_PATIENT.email);
      expect(await p.field('Wachtwoord').inputValue()).to.equal('');

      await p.fill('Wachtwoord', DEMO_PATIENT.password);
      await p.press('Log in', 'Werkblad', { screenshot: '03-werkblad' });
      expect(p.path()).to.equal('/werkblad');
      expect(await p.heading()).to.equal('Werkblad');
      expect(await p.text()).to.include('Klik op een opdracht of pakket om deze te openen.').and.include('Ingeleverd op 9 februari 2021 om 13:15').and.include('Beschikbaar');
    });

    it('J2/J3: every link of the shell and the account menu leads to a page', async () => {
      const p = await newPatient();
      await p.visit('/inloggen', 'Inloggen (shell)');
      await p.fill('E-mailadres', DEMO_PATIENT.email);
      await p.fill('Wachtwoord', DEMO_PATIENT.password);
      await p.press('Log in', 'Werkblad (shell)');

      await p.follow('Ik heb ADHD Module 1 Ingeleverd op 9 februari 2021 om 13:15', 'Opdracht: Ik heb ADHD');
      expect(await p.heading()).to.equal('Ik heb ADHD');
      await p.follow('Terug naar Werkblad', 'Werkblad (terug)');

      const sideNav = p.page.getByRole('navigation', { name: 'Hoofdmenu' });
      for (const [link, heading] of [
        ['Bibliotheek', 'Bibliotheek'], ['Berichten', 'Berichten'], ['Videogesprekken', 'Videogesprekken'],
        ['Contacten', 'Contacten'], ['Over deze Healthspace', 'Over deze Healthspace'], ['Werkblad', 'Werkblad'],
      ] as const) {
        await p.follow(link, `${heading} (menu)`, { within: sideNav });
        expect(await p.heading(), link).to.equal(heading);
        expect(await sideNav.getByRole('link', { name: link, exact: true }).getAttribute('aria-current')).to.equal('page');
      }
      const userMenu = p.page.getByRole('navigation', { name: 'Gebruikersmenu' });
      for (const [link, heading] of [['Mijn Healthspaces', 'Mijn Healthspaces'], ['Mijn dossier', 'Mijn dossier'], ['Mijn account', 'Mijn account']] as const) {
        await p.follow(link, heading, { within: userMenu });
        expect(await p.heading(), link).to.equal(heading);
      }
      const accountMenu = p.page.getByRole('navigation', { name: 'Account' });
      // The manual's order; what the product adds comes after it.
      expect((await accountMenu.getByRole('link').allTextContents()).map((text) => text.trim())).to.deep.equal([
        'Authenticatie in twee stappen', 'Profiel', 'Telefoonnummer', 'Notificaties', 'Applicaties', 'Afwezigheidsmeldingen',
        'Wachtwoord wijzigen', 'Beveiligingsactiviteit',
      ]);
      for (const [link, heading] of [
        ['Profiel', 'Profiel'], ['Telefoonnummer', 'Telefoonnummer'], ['Notificaties', 'Notificaties'],
        ['Applicaties', 'Applicaties'], ['Afwezigheidsmeldingen', 'Afwezigheidsmeldingen'],
        ['Beveiligingsactiviteit', 'Beveiligingsactiviteit'], ['Authenticatie in twee stappen', 'Authenticatie in twee stappen'],
      ] as const) {
        await p.follow(link, `${heading} (account)`, { within: p.page.getByRole('navigation', { name: 'Account' }) });
        expect(await p.heading(), link).to.equal(heading);
      }
      expect(await accountMenu.count()).to.equal(1);
      const footer = p.page.getByRole('navigation', { name: 'Voettekst' });
      for (const link of ['Helpdesk', 'Over Karify', 'Privacy en Veiligheid', 'Algemene Voorwaarden']) {
        await p.follow(link, `${link} (ingelogd)`, { within: footer });
        expect(await p.heading(), link).to.equal(link);
      }
      const missing = await p.visit('/bestaat-niet', 'Pagina niet gevonden (ingelogd)');
      expect(missing.status).to.equal(404);
      expect(await p.heading()).to.equal('Pagina niet gevonden');
      await p.follow('Naar het begin', 'Werkblad (na 404)');
      expect(p.path()).to.equal('/werkblad');

      // "Uitloggen" on a page the browser kept from before (an old token; Dillo shows such pages): still signed in, said so.
      const keptSignOut = await p.context.request.post('/uitloggen', { form: { _csrf: 'a'.repeat(64) }, maxRedirects: 0 });
      expect(keptSignOut.status()).to.equal(403);
      journal.add({ name: 'Je bent nog niet uitgelogd', url: `${world().baseURL}/uitloggen`, status: 403, html: await keptSignOut.text() });

      // A form of a signed-in page sent after the session ended: nothing to keep, the session page.
      await p.visit('/account/wachtwoord', 'Bevestig dat jij het bent (verlopen formulier)');
      await p.fill('Wachtwoord', DEMO_PATIENT.password);
      await p.context.clearCookies();
      const expired = await p.press('Bevestigen', 'Sessie verlopen');
      expect(expired.status).to.equal(403);
      expect(await p.heading()).to.equal('Je sessie is verlopen');
    });

    it('J4: sets up SMS two-step as in the manual (steps 1–12), with errors on every step', async () => {
      const { vonage } = world();
      const p = await newPatient();
      await p.visit('/inloggen', 'Inloggen (wizard)');
      await p.fill('E-mailadres', DEMO_PATIENT.email);
      await p.fill('Wachtwoord', DEMO_PATIENT.password);
      await p.press('Log in', 'Werkblad (wizard)');

      // 1–3: Werkblad → Mijn account → Authenticatie in twee stappen
      await p.follow('Mijn account', 'Mijn account (wizard)');
      await p.follow('Authenticatie in twee stappen', 'Authenticatie in twee stappen: uit', { screenshot: '04-twee-stappen-uit' });
      expect(await p.text()).to.include('Authenticatie in twee stappen is uitgeschakeld voor jouw Karify account.');
      // Without JavaScript the page says what adding a passkey needs, and offers no way to try.
      expect(await p.text()).to.include('Om een toegangssleutel toe te voegen heb je een browser nodig die toegangssleutels kent, met JavaScript aan.');
      expect(await p.link('Toegangssleutel toevoegen').count()).to.equal(0);
      await p.follow('Lees meer over authenticatie in twee stappen', 'Over authenticatie in twee stappen');
      expect(await p.heading()).to.equal('Over authenticatie in twee stappen');
      await p.follow('Terug', 'Authenticatie in twee stappen: uit (terug)');

      // 4–5: instellen → Via een SMS
      // Turning two-step on starts with the password again (issue 12)
      await p.follow('Authenticatie in twee stappen instellen', 'Bevestig dat jij het bent (wizard)');
      expect(await p.heading()).to.equal('Bevestig dat jij het bent');
      await p.press('Bevestigen', 'Bevestig dat jij het bent, leeg (wizard)');
      expect(await p.errors()).to.deep.equal(['Vul je wachtwoord in.']);
      await p.fill('Wachtwoord', DEMO_PATIENT.password);
      await p.press('Bevestigen', 'Wizard 1: methode', { screenshot: '05-methode' });
      expect(await p.heading()).to.equal('1. Kies hoe je de code wilt ontvangen');
      expect(await p.page.locator('[aria-current="step"]').innerText()).to.match(/Methode/);
      await p.press('Verder', 'Wizard 1: methode, niets gekozen');
      expect(await p.errors()).to.deep.equal(['Kies hoe je de verificatiecode wilt ontvangen.']);
      // The app branch first (the recommended one), then back to choose SMS as in the manual.
      await p.choose('Via een authenticatie-app');
      await p.press('Verder', 'Wizard 2 (app): koppelen');
      expect(await p.heading()).to.equal('2. Koppel je authenticatie-app');
      expect(await p.page.locator('[aria-current="step"]').innerText()).to.match(/Koppelen/);
      await p.follow('Andere methode kiezen', 'Wizard 1: methode (terug van app)');
      await p.choose('Via een SMS');
      await p.press('Verder', 'Wizard 2: telefoonnummer', { screenshot: '06-telefoonnummer' });
      expect(await p.heading()).to.equal('2. Vul je telefoonnummer in');

      // 6: the phone number, with Land defaulting to Nederland
      expect(await p.field('Land').locator('option:checked').innerText()).to.match(/^Nederland/);
      await p.press('Bevestig telefoonnummer', 'Wizard 2: telefoonnummer leeg');
      expect(await p.errors()).to.deep.equal(['Vul je mobiele telefoonnummer in.']);
      await p.fill('Telefoonnummer', '12345');
      await p.press('Bevestig telefoonnummer', 'Wizard 2: telefoonnummer ongeldig');
      expect(await p.errors()).to.deep.equal(['Vul een geldig mobiel nummer in, zoals 06 12345678.']);
      await p.fill('Telefoonnummer', '020 123 4567');
      await p.press('Bevestig telefoonnummer', 'Wizard 2: telefoonnummer niet mobiel');
      expect(await p.errors()).to.deep.equal(['Dit is geen mobiel nummer. Vul een mobiel nummer in, zoals 06 12345678.']);
      expect(await p.field('Telefoonnummer').inputValue()).to.equal('020 123 4567');
      const sentBefore = vonage.messages.length;
      await p.fill('Telefoonnummer', '06 12345678');
      await p.press('Bevestig telefoonnummer', 'Wizard 3: verificatie', { screenshot: '07-verificatie' });
      expect(await p.heading()).to.equal('3. Vul verificatiecode in');
      expect(vonage.messages.length).to.equal(sentBefore + 1);
      expect(vonage.messages.at(-1)!.to).to.equal('31612345678');
      expect(await p.text()).to.include('+31 6 ••••••78').and.include('We hebben een 6-cijferige verificatiecode naar bovenstaand telefoonnummer gestuurd.');

      // 7–8: the code from the SMS → Verifiëren, after the error states
      await p.press('Verifiëren', 'Wizard 3: code leeg');
      expect(await p.errors()).to.deep.equal(['Vul de verificatiecode in.']);
      await p.fill('Verificatiecode', '12');
      await p.press('Verifiëren', 'Wizard 3: code te kort');
      expect(await p.errors()).to.deep.equal(['De verificatiecode bestaat uit 6 cijfers.']);
      await p.fill('Verificatiecode', wrongCode(lastCode(vonage)));
      await p.press('Verifiëren', 'Wizard 3: code verkeerd', { screenshot: '08-verificatie-fout' });
      expect(await p.errors()).to.deep.equal(['Deze code klopt niet. Controleer de code en probeer het opnieuw.']);
      await pastCooldown();
      await p.press('Stuur nieuwe code', 'Wizard 3: nieuwe code gestuurd');
      expect(await p.text()).to.include('We hebben een nieuwe code gestuurd. Gebruik de code uit de nieuwste SMS.');
      expect(vonage.messages.length).to.equal(sentBefore + 2);
      await p.fill('Verificatiecode', lastCode(vonage));
      await p.press('Verifiëren', 'Wizard 4: herstelcodes', { screenshot: '09-herstelcodes' });
      expect(await p.heading()).to.equal('4. Nog één belangrijke stap: jouw herstelcodes');

      // 9–10: the recovery codes: print, download, copy; Ik heb de codes bewaard
      const codes = (await p.page.locator('.recovery-codes code').allInnerTexts()).map((c) => c.trim());
      expect(codes).to.have.length(10);
      for (const code of codes) expect(code).to.match(/^\d{5} \d{5}$/);
      expect((await p.page.locator('.recovery-actions li').allInnerTexts()).map((t) => t.trim()))
        .to.deep.equal(['Print herstelcodes', 'Kopieer herstelcodes', 'Download herstelcodes']);
      expect((await p.text()).split(codes[0]!).length - 1, 'each code is on the page once').to.equal(1);
      // Without JavaScript, Kopieer leads to the list, which a tap or click selects whole.
      await p.link('Kopieer herstelcodes').click();
      expect(new URL(p.page.url()).hash).to.equal('#herstelcodes');
      expect(await p.page.evaluate('document.activeElement.id')).to.equal('herstelcodes');
      expect(await p.page.evaluate("getComputedStyle(document.getElementById('herstelcodes')).userSelect")).to.equal('all');
      const [download] = await Promise.all([p.page.waitForEvent('download'), p.link('Download herstelcodes').click()]);
      expect(download.suggestedFilename()).to.equal('karify-herstelcodes.txt');
      const file = await import('node:fs').then((fs) => download.path().then((f) => fs.readFileSync(f, 'utf8')));
      for (const code of codes) expect(file).to.include(code);
      await p.follow('Print herstelcodes', 'Herstelcodes afdrukken');
      expect((await p.page.locator('.recovery-codes code').allInnerTexts()).map((c) => c.trim())).to.deep.equal(codes);
      await p.follow('Terug naar je herstelcodes', 'Wizard 4: herstelcodes (terug)');
      await p.press('Ik heb de codes bewaard', 'Wizard klaar', { screenshot: '10-klaar' });
      expect(await p.heading()).to.equal('Authenticatie in twee stappen is ingeschakeld voor jouw account');
      expect(await p.text()).to.include('Het is gelukt, je account is nu extra beveiligd!');

      // 11–12: Sluiten → back on the account page, two-step on
      await p.follow('Sluiten', 'Authenticatie in twee stappen: aan', { screenshot: '12-twee-stappen-aan' });
      expect(p.path()).to.equal(BASE);
      expect(await p.text()).to.include('Authenticatie in twee stappen is ingeschakeld voor jouw Karify account.').and.include('+31 6 ••••••78').and.include('10 van de 10');

      // The help form, signed in, from the help on the two-step page
      await p.follow('Vragenformulier', 'Vragenformulier (ingelogd)');
      expect(await p.field('E-mailadres').inputValue()).to.equal(DEMO_PATIENT.email);
      await p.press('Verstuur vraag', 'Vragenformulier (ingelogd): leeg');
      expect(await p.errors()).to.deep.equal(['Vul je vraag in.']);

      // Signing out, and the next sign-in asks for the code
      await p.press('Uitloggen', 'Inloggen: uitgelogd');
      expect(p.path()).to.equal('/inloggen');
      expect(await p.text()).to.include('Je bent uitgelogd.');
      await pastCooldown();
      await signInWithSms(p, DEMO_PATIENT.email, DEMO_PATIENT.password);
    });

    it('J5: signs in with the SMS code, after errors, a new code, and stopping halfway', async () => {
      const { vonage } = world();
      const patient = patients.sms;
      const p = await newPatient();
      await passwordStep(p, patient.email, patient.password);
      expect(await p.heading()).to.equal('Vul je verificatiecode in');
      expect(await p.text()).to.include('+31 6 ••••••02').and.match(/Je kunt om \d\d:\d\d een nieuwe code aanvragen\./);
      await p.press('Verifiëren', 'Inloggen (stap 2): code leeg');
      expect(await p.errors()).to.deep.equal(['Vul de verificatiecode in.']);
      await p.fill('Verificatiecode', wrongCode(lastCode(vonage)));
      await p.press('Verifiëren', 'Inloggen (stap 2): code verkeerd');
      expect(await p.errors()).to.deep.equal(['Deze code klopt niet. Controleer de code en probeer het opnieuw.']);
      await pastCooldown();
      await p.press('Stuur nieuwe code', 'Inloggen (stap 2): nieuwe code gestuurd');
      expect(await p.text()).to.include('We hebben een nieuwe code gestuurd.');
      await p.fill('Verificatiecode', lastCode(vonage));
      await p.press('Verifiëren', 'Werkblad (na SMS)');
      expect(p.path()).to.equal('/werkblad');

      const other = await newPatient();
      await pastCooldown();
      await passwordStep(other, patient.email, patient.password, 'Inloggen (stap 2): code, om te stoppen');
      await other.press('Stoppen met inloggen', 'Inloggen (gestopt)');
      expect(other.path()).to.match(/^\/inloggen/);
      expect(await other.heading()).to.equal('Inloggen');
    });

    it('J5: signs in with a recovery code, after errors, and is urged to make new ones', async () => {
      const patient = patients.recovery; // 6 of its 10 codes used already
      const p = await newPatient();
      await pastCooldown();
      await passwordStep(p, patient.email, patient.password, 'Inloggen (stap 2): code, voor herstelcode');
      await p.follow('Gebruik een herstelcode', 'Inloggen met herstelcode', { screenshot: '13-inloggen-herstelcode' });
      expect(await p.heading()).to.equal('Inloggen met een herstelcode');
      await p.press('Verifiëren', 'Inloggen met herstelcode: leeg');
      expect(await p.errors()).to.deep.equal(['Vul een herstelcode in.']);
      await p.fill('Herstelcode', '12345');
      await p.press('Verifiëren', 'Inloggen met herstelcode: te kort');
      expect(await p.errors()).to.deep.equal(['Een herstelcode bestaat uit 10 cijfers.']);
      await p.fill('Herstelcode', patient.recoveryCodes[0]!); // used already
      await p.press('Verifiëren', 'Inloggen met herstelcode: al gebruikt');
      expect(await p.errors()).to.deep.equal(['Deze herstelcode klopt niet of is al gebruikt.']);
      expect(await p.field('Herstelcode').inputValue(), 'a recovery code is not shown again').to.equal('');
      const code = patient.recoveryCodes[6]!;
      await p.fill('Herstelcode', `${code.slice(0, 5)} ${code.slice(5)}`);
      await p.press('Verifiëren', 'Herstelcode gebruikt');
      expect(await p.heading()).to.equal('Je hebt een herstelcode gebruikt');
      expect(await p.text()).to.include('Je hebt nog 3 herstelcodes over.').and.include('Je hebt bijna geen herstelcodes meer');
      await p.follow('Verder naar Werkblad', 'Werkblad (na herstelcode)');
      expect(p.path()).to.equal('/werkblad');
    });

    it('J6: changes the phone number, makes new codes, changes the password and turns two-step off, each after a fresh confirmation', async () => {
      const { rt, vonage } = world();
      const patient = patients.manage;
      const p = await newPatient();
      await pastCooldown();
      await signInWithSms(p, patient.email, patient.password);
      const nextAction = () => rt.clock.advanceMinutes(11); // each action needs its own confirmation

      // Phone number, with the error states of the confirmation page
      await p.follow('Mijn account', 'Mijn account (beheer)');
      expect(await p.text()).to.include(`E-mailadres: ${patient.email}`).and.include('sturen we een e-mail naar dit adres');
      await p.follow('Authenticatie in twee stappen', 'Authenticatie in twee stappen: aan (beheer)');
      await p.follow('Telefoonnummer wijzigen', 'Bevestigen (telefoonnummer)', { screenshot: '14-bevestigen' });
      await p.press('Bevestigen', 'Bevestigen: leeg');
      expect(await p.errors()).to.include('Vul je wachtwoord in.');
      await p.fill('Wachtwoord', patient.password);
      await p.fill('Verificatiecode', '12');
      await p.press('Bevestigen', 'Bevestigen: code ongeldig');
      expect(await p.errors()).to.include('Vul de 6 cijfers uit de SMS in, of een herstelcode van 10 cijfers.');
      await p.fill('Wachtwoord', 'niet-mijn-wachtwoord');
      await p.fill('Verificatiecode', '000000');
      await p.press('Bevestigen', 'Bevestigen: wachtwoord verkeerd');
      expect(await p.errors()).to.include('Dit wachtwoord klopt niet.');
      await confirmWithSms(p, patient.password, 'Nieuw telefoonnummer');
      expect(await p.heading()).to.equal('Nieuw telefoonnummer');
      await p.press('Stuur code naar nieuw nummer', 'Nieuw telefoonnummer: leeg');
      expect(await p.errors()).to.deep.equal(['Vul je mobiele telefoonnummer in.']);
      await p.fill('Telefoonnummer', '0612');
      await p.press('Stuur code naar nieuw nummer', 'Nieuw telefoonnummer: ongeldig');
      expect(await p.errors()).to.have.length(1);
      await pastCooldown();
      await p.fill('Telefoonnummer', '06 87654321');
      await p.press('Stuur code naar nieuw nummer', 'Nieuw telefoonnummer: code');
      expect(await p.heading()).to.equal('Vul de code voor je nieuwe nummer in');
      expect(vonage.messages.at(-1)!.to).to.equal('31687654321');
      await p.press('Nummer wijzigen', 'Nieuw telefoonnummer: code leeg');
      expect(await p.errors()).to.deep.equal(['Vul de verificatiecode in.']);
      await p.fill('Verificatiecode', wrongCode(lastCode(vonage)));
      await p.press('Nummer wijzigen', 'Nieuw telefoonnummer: code verkeerd');
      expect(await p.errors()).to.have.length(1);
      await p.fill('Verificatiecode', lastCode(vonage));
      await p.press('Nummer wijzigen', 'Authenticatie in twee stappen: telefoonnummer gewijzigd');
      expect(await p.text()).to.include('Je telefoonnummer is gewijzigd.').and.include('+31 6 ••••••21');

      // New recovery codes
      nextAction();
      await p.follow('Nieuwe herstelcodes maken', 'Bevestigen (herstelcodes)');
      await confirmWithSms(p, patient.password, 'Nieuwe herstelcodes maken');
      expect(await p.text()).to.include('Als je nieuwe codes maakt, werken je oude herstelcodes niet meer.');
      await p.press('Nieuwe herstelcodes maken', 'Je nieuwe herstelcodes');
      const codes = (await p.page.locator('.recovery-codes code').allInnerTexts()).map((c) => c.trim());
      expect(codes).to.have.length(10);
      expect(codes.map((c) => c.replace(' ', ''))).not.to.include(patient.recoveryCodes[9]);
      await p.follow('Print herstelcodes', 'Nieuwe herstelcodes afdrukken');
      await p.follow('Terug naar je herstelcodes', 'Je nieuwe herstelcodes (terug)');
      await p.press('Ik heb de codes bewaard', 'Authenticatie in twee stappen: nieuwe herstelcodes');
      expect(await p.text()).to.include('Je hebt nieuwe herstelcodes. Je oude herstelcodes werken niet meer. Je bent op je andere apparaten uitgelogd.');

      // Password
      nextAction();
      await p.follow('Wachtwoord wijzigen', 'Bevestigen (wachtwoord)');
      await confirmWithSms(p, patient.password, 'Wachtwoord wijzigen');
      expect(await p.heading()).to.equal('Wachtwoord wijzigen');
      await p.press('Wachtwoord wijzigen', 'Wachtwoord wijzigen: leeg');
      expect(await p.errors()).to.include('Vul een nieuw wachtwoord in.');
      for (const [value, repeat, name, message] of [
        ['kort', 'kort', 'te kort', /minstens 8 tekens/],
        ['password123', 'password123', 'veelgebruikt', /Dit wachtwoord wordt veel gebruikt/],
        ['blauwe-tulp-fietst-7', 'blauwe-tulp-fietst-8', 'niet hetzelfde', /De twee wachtwoorden zijn niet hetzelfde/],
      ] as const) {
        await p.fill('Nieuw wachtwoord', value);
        await p.fill('Herhaal nieuw wachtwoord', repeat);
        await p.press('Wachtwoord wijzigen', `Wachtwoord wijzigen: ${name}`);
        expect((await p.errors()).join(' '), name).to.match(message);
        expect(await p.field('Nieuw wachtwoord').inputValue()).to.equal('');
      }
      await p.fill('Nieuw wachtwoord', 'blauwe-tulp-fietst-7');
      await p.fill('Herhaal nieuw wachtwoord', 'blauwe-tulp-fietst-7');
      await p.press('Wachtwoord wijzigen', 'Wachtwoord gewijzigd');
      expect(await p.text()).to.include('Je wachtwoord is gewijzigd.');

      // Turn off
      nextAction();
      await p.follow('Authenticatie in twee stappen', 'Authenticatie in twee stappen: aan (uitzetten)', { within: p.page.getByRole('navigation', { name: 'Account' }) });
      await p.follow('Authenticatie in twee stappen uitzetten', 'Bevestigen (uitzetten)');
      await confirmWithSms(p, 'blauwe-tulp-fietst-7', 'Authenticatie in twee stappen uitzetten');
      expect(await p.text()).to.include('Zonder authenticatie in twee stappen kan iemand die je wachtwoord weet in je account.');
      await p.press('Zet authenticatie in twee stappen uit', 'Authenticatie in twee stappen: uitgezet');
      expect(await p.text()).to.include('Authenticatie in twee stappen is uitgeschakeld voor jouw Karify account.');

      await p.follow('Berichten', 'Berichten (na beheer)');
      expect(await p.text()).to.include('telefoonnummer').and.include('herstelcodes');
      await p.follow('Mijn account', 'Mijn account (na beheer)');
      await p.follow('Beveiligingsactiviteit', 'Beveiligingsactiviteit (na beheer)');
      expect(await p.heading()).to.equal('Beveiligingsactiviteit');
      expect(await p.page.locator('tbody tr').count()).to.be.greaterThan(4);
      await p.press('Uitloggen op andere apparaten', 'Beveiligingsactiviteit: uitgelogd op andere apparaten');
      expect(await p.text()).to.include('Je bent op je andere apparaten uitgelogd. Op dit apparaat ben je nog ingelogd.');
      expect(await p.page.locator('tbody tr').first().innerText()).to.include('Uitgelogd op andere apparaten');

      // Each change was e-mailed too: the development e-mail outbox shows the alerts (issue 16)
      await rt.services.mailWorker.runOnce();
      await p.visit('/ontwikkeling/e-mail', 'E-mail-outbox (na beheer)');
      expect(await p.heading()).to.equal('E-mail-outbox (ontwikkeling)');
      const subjects = await p.page.locator('.mail h2').allInnerTexts();
      for (const subject of ['Je telefoonnummer voor inloggen is gewijzigd', 'Er zijn nieuwe herstelcodes gemaakt', 'Je wachtwoord is gewijzigd', 'Authenticatie in twee stappen is uitgeschakeld']) {
        expect(subjects).to.include(subject);
      }
      expect(await p.text()).to.include('Afgeleverd in deze outbox').and.include('030 – 737 0323');
    });

    it('locks sign-in after wrong passwords, and the second step after wrong codes', async () => {
      const { vonage } = world();
      const locked = patients.lockedOut;
      const p = await newPatient();
      await p.visit('/inloggen', 'Inloggen (blokkade)');
      for (let i = 1; i <= 3; i += 1) {
        await p.fill('E-mailadres', locked.email);
        await p.fill('Wachtwoord', `fout-wachtwoord-${i}`);
        await p.press('Log in', `Inloggen: verkeerd wachtwoord ${i}`);
      }
      await p.fill('E-mailadres', locked.email);
      await p.fill('Wachtwoord', locked.password);
      const page = await p.press('Log in', 'Inloggen: geblokkeerd');
      expect(page.status).to.equal(429);
      expect((await p.errors()).join(' ')).to.match(/Te veel pogingen. Probeer het om \d\d:\d\d opnieuw./);

      const patient = patients.secondStepLocked;
      const q = await newPatient();
      await pastCooldown();
      await passwordStep(q, patient.email, patient.password, 'Inloggen (stap 2): code, voor blokkade');
      const wrong = wrongCode(lastCode(vonage));
      for (let i = 1; i <= 3; i += 1) {
        await q.fill('Verificatiecode', wrong);
        await q.press('Verifiëren', i < 3 ? `Inloggen (stap 2): verkeerde code ${i}` : 'Inloggen (stap 2): geblokkeerd');
      }
      expect(await q.heading()).to.equal('Inloggen is tijdelijk geblokkeerd');
      expect(await q.text()).to.match(/Je hebt te vaak een verkeerde code ingevuld. Daarom kun je tot \d\d:\d\d niet inloggen./);
      // No form is offered that would only be refused, the recovery code's neither.
      expect(await q.page.getByRole('textbox').count()).to.equal(0);
      await q.visit('/inloggen/herstelcode', 'Inloggen met herstelcode (blokkade)');
      expect(await q.heading()).to.equal('Inloggen is tijdelijk geblokkeerd');
      await q.press('Stoppen met inloggen', 'Inloggen (na blokkade gestopt)');
    });

    it('J7 and the rest: the help form, info pages, an expired form and a missing page, signed out', async () => {
      const p = await newPatient();
      await p.visit('/inloggen', 'Inloggen (uitgelogd, overig)');
      const footer = p.page.getByRole('navigation', { name: 'Voettekst' });
      for (const link of ['Helpdesk', 'Over Karify', 'Privacy en Veiligheid', 'Algemene Voorwaarden']) {
        await p.follow(link, `${link} (uitgelogd)`, { within: footer });
        expect(await p.heading(), link).to.equal(link);
      }
      await p.visit('/hulp/twee-stappen', 'Over authenticatie in twee stappen (uitgelogd)');
      await p.visit('/hulp/vragenformulier', 'Vragenformulier');
      await p.press('Verstuur vraag', 'Vragenformulier: leeg');
      expect(await p.errors()).to.deep.equal(['Vul je naam in.', 'Vul je e-mailadres in.', 'Vul je vraag in.']);
      await p.fill('Naam', 'Cas Test');
      await p.fill('E-mailadres', 'cas@');
      await p.fill('Je vraag', 'Ik krijg geen SMS.');
      await p.press('Verstuur vraag', 'Vragenformulier: ongeldig e-mailadres');
      expect(await p.errors()).to.deep.equal(['Vul een e-mailadres in zoals naam@voorbeeld.nl.']);
      expect(await p.field('Je vraag').inputValue()).to.equal('Ik krijg geen SMS.');
      await p.fill('E-mailadres', 'cas@example.nl');
      await p.press('Verstuur vraag', 'Vragenformulier: verstuurd');
      expect(await p.text()).to.include('Bedankt, we hebben je vraag ontvangen.');

      // Forms left open for longer than their session lasts: shown again with what was typed.
      await p.visit('/hulp/vragenformulier', 'Vragenformulier (verlopen formulier)');
      await p.fill('Naam', 'Cas Test');
      await p.fill('E-mailadres', 'cas@example.nl');
      await p.fill('Je vraag', 'Ik krijg nog steeds geen SMS.');
      // An hour on: the session and its cookie ran out while the form stood open.
      world().rt.clock.advanceMinutes(61);
      await p.context.clearCookies();
      const lateQuestion = await p.press('Verstuur vraag', 'Vragenformulier: formulier verlopen');
      expect(lateQuestion.status).to.equal(403);
      expect(await p.text()).to.include('Het formulier was verlopen, daarom hebben we je vraag nog niet verstuurd. Controleer je gegevens en verstuur je vraag opnieuw.');
      expect(await p.errors()).to.deep.equal([]);
      expect(await p.field('Je vraag').inputValue()).to.equal('Ik krijg nog steeds geen SMS.');
      await p.press('Verstuur vraag', 'Vragenformulier: verstuurd na verlopen formulier');
      expect(await p.text()).to.include('Bedankt, we hebben je vraag ontvangen.');

      await p.visit('/inloggen', 'Inloggen (verlopen formulier)');
      await p.fill('E-mailadres', 'cas@example.nl');
      await p.fill('Wachtwoord', 'een-wachtwoord');
      await p.context.clearCookies(); // right after the page set it: a browser that keeps no cookies
      const refusing = await p.press('Log in', 'Inloggen: browser bewaart geen cookies');
      expect(refusing.status).to.equal(403);
      expect(await p.errors()).to.deep.equal(['Je browser bewaart geen cookies van deze site, daarom ben je niet ingelogd. Zet cookies aan voor deze site en vul je wachtwoord opnieuw in.']);
      await p.fill('Wachtwoord', 'een-wachtwoord');
      world().rt.clock.advanceMinutes(61);
      await p.context.clearCookies();
      const expired = await p.press('Log in', 'Inloggen: formulier verlopen');
      expect(expired.status).to.equal(403);
      expect(await p.heading()).to.equal('Inloggen');
      expect(await p.errors()).to.deep.equal(['Het formulier was verlopen, daarom ben je niet ingelogd. Vul je wachtwoord opnieuw in.']);
      expect(await p.field('E-mailadres').inputValue()).to.equal('cas@example.nl');
      expect(await p.field('Wachtwoord').inputValue()).to.equal('');

      const missing = await p.visit('/bestaat-niet', 'Pagina niet gevonden');
      expect(missing.status).to.equal(404);
      await p.follow('Naar het begin', 'Inloggen (na 404)');
      expect(p.path()).to.equal('/inloggen');
    });

    it('the error pages: a form too long, a store that does not answer, a method the site does not take, a request it cannot read', async () => {
      const p = await newPatient();
      await p.visit('/hulp/vragenformulier', 'Vragenformulier (te lang)');
      await p.fill('Naam', 'Cas Test');
      await p.fill('E-mailadres', 'cas@example.nl');
      await p.fill('Je vraag', 'Ik krijg geen SMS. '.repeat(4000)); // over BODY_LIMIT_BYTES (64 KB)
      expect((await p.press('Verstuur vraag', 'Formulier te groot')).status).to.equal(413);
      expect(await p.heading()).to.equal('Formulier te groot');
      await p.follow('Terug', 'Vragenformulier (na te lang)');
      expect(p.path()).to.equal('/hulp/vragenformulier');

      // Pages a browser without JavaScript cannot ask for itself: fetched with its cookies, or sent as raw requests; checked as the pages above.
      const { rt, baseURL } = world();
      const cookie = (await p.context.cookies()).map(({ name, value }) => `${name}=${value}`).join('; ');
      const storeAway = sessionStoreReading(rt.sessionStore, (_sid, callback) => callback(connectionReset()));
      const unavailable = await supertest(appWith(rt, { sessionStore: storeAway })).get('/hulp/vragenformulier').set('Cookie', cookie);
      expect(unavailable.status).to.equal(503);
      journal.add({ name: 'Tijdelijk niet beschikbaar', url: `${baseURL}/hulp/vragenformulier`, status: 503, html: unavailable.text });
      const otherMethod = await p.context.request.fetch('/inloggen', { method: 'PUT' });
      expect(otherMethod.status()).to.equal(405);
      journal.add({ name: 'Dit verzoek klopt niet (PUT)', url: `${baseURL}/inloggen`, status: 405, html: await otherMethod.text() });
      const port = Number(new URL(baseURL).port);
      for (const [name, request, status] of [
        ['Verzoek te groot (cookies)', `GET /inloggen HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: k=${'x'.repeat(20_000)}\r\n\r\n`, 431],
        ['Dit verzoek klopt niet (onleesbaar)', 'FOO /inloggen HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 400],
      ] as const) {
        const answer = await rawRequest(port, request);
        expect(answer).to.match(new RegExp(`^HTTP/1\\.1 ${status} `));
        journal.add({ name, url: `${baseURL}/inloggen`, status, html: answer.slice(answer.indexOf('\r\n\r\n') + 4), unstyled: true });
      }
    });

    it('J4/J5 (app): sets up the authenticator app in the wizard, then signs in with its code after a reused and a wrong one', async () => {
      const { rt } = world();
      const patient = patients.app;
      const p = await newPatient();
      await signInWithPassword(p, patient.email, patient.password, 'app');
      await p.follow('Mijn account', 'Mijn account (app)');
      await p.follow('Authenticatie in twee stappen', 'Authenticatie in twee stappen: uit (app)');
      await p.follow('Authenticatie in twee stappen instellen', 'Bevestig dat jij het bent (app)');
      await p.fill('Wachtwoord', patient.password);
      await p.press('Bevestigen', 'Wizard 1: methode (app)');
      await p.choose('Via een authenticatie-app');
      await p.press('Verder', 'Wizard 2 (app): koppelen, om te koppelen', { screenshot: '15-koppelen' });
      expect(await p.heading()).to.equal('2. Koppel je authenticatie-app');
      expect(await p.page.title()).to.equal('Koppelen – Authenticatie-app instellen – Karify');
      const qr = p.page.getByRole('img', { name: 'QR-code om je Karify account aan je authenticatie-app toe te voegen' });
      expect(await qr.count()).to.equal(1);
      const drawn = await p.page.evaluate("(({ currentSrc, complete, naturalWidth }) => ({ src: currentSrc.slice(0, 26), drawn: complete && naturalWidth > 0 }))(document.querySelector('.qr-code'))");
      expect(drawn, 'Chromium draws the SVG (the PNG is for browsers without SVG)').to.deep.equal({ src: 'data:image/svg+xml,%3Csvg%', drawn: true });
      const secret = await appKey(p);
      expect(secret).to.match(/^[A-Z2-7]{32}$/);

      await p.press('Verder', 'Wizard 3 (app): verificatie');
      expect(await p.heading()).to.equal('3. Vul verificatiecode in');
      expect(await p.page.locator('[aria-current="step"]').innerText()).to.match(/Verificatie/);
      expect(await p.button('Stuur nieuwe code').count(), 'nothing to send for an app').to.equal(0);
      await p.press('Verifiëren', 'Wizard 3 (app): code leeg');
      expect(await p.errors()).to.deep.equal(['Vul de verificatiecode in.']);
      await p.fill('Verificatiecode', wrongAppCode(secret, rt.clock.now()));
      await p.press('Verifiëren', 'Wizard 3 (app): code verkeerd');
      expect(await p.errors()).to.deep.equal(['Deze code klopt niet. Vul de code in die de app nu laat zien.']);
      const pairingCode = appCode(secret, rt.clock.now());
      await p.fill('Verificatiecode', pairingCode);
      await p.press('Verifiëren', 'Wizard 4 (app): herstelcodes');
      expect(await p.heading()).to.equal('4. Nog één belangrijke stap: jouw herstelcodes');
      expect(await p.page.locator('.recovery-codes code').count()).to.equal(10);
      await p.press('Ik heb de codes bewaard', 'Wizard klaar (app)');
      expect(await p.text()).to.include('Houd je telefoon met de authenticatie-app bij de hand');
      await p.follow('Sluiten', 'Authenticatie in twee stappen: aan (app)');
      expect(await p.text()).to.include('ingeschakeld').and.include('Authenticatie-app').and.include('Overstappen op SMS');
      await p.press('Uitloggen', 'Inloggen: uitgelogd (app)');

      // The next sign-in asks for the code the app shows: nothing is sent, no number is shown.
      await passwordStep(p, patient.email, patient.password, 'Inloggen (stap 2): app-code', { screenshot: '16-inloggen-app-code' });
      expect(await p.heading()).to.equal('Vul je verificatiecode in');
      expect(await p.text()).to.include('Open je authenticatie-app en vul de code van 6 cijfers in');
      expect(await p.page.locator('.masked-phone').count()).to.equal(0);
      expect(await p.button('Stuur nieuwe code').count()).to.equal(0);
      await p.fill('Verificatiecode', pairingCode);
      await p.press('Verifiëren', 'Inloggen (stap 2): app-code al gebruikt');
      expect(await p.errors()).to.deep.equal(['Deze code is al gebruikt. Wacht tot je app een nieuwe code laat zien en vul die in.']);
      rt.clock.advance(STEP_MS); // the app shows its next code
      await p.fill('Verificatiecode', wrongAppCode(secret, rt.clock.now()));
      await p.press('Verifiëren', 'Inloggen (stap 2): app-code verkeerd');
      expect(await p.errors()).to.deep.equal(['Deze code klopt niet. Vul de code in die de app nu laat zien.']);
      await p.fill('Verificatiecode', appCode(secret, rt.clock.now()));
      await p.press('Verifiëren', 'Werkblad (na app-code)');
      expect(p.path()).to.equal('/werkblad');
    });

    it('J6: switches from SMS to the app and back to SMS, each after a fresh confirmation', async () => {
      const { rt, vonage } = world();
      const patient = patients.switcher;
      const p = await newPatient();
      await pastCooldown();
      await signInWithSms(p, patient.email, patient.password);
      await p.follow('Mijn account', 'Mijn account (overstappen)');
      await p.follow('Authenticatie in twee stappen', 'Authenticatie in twee stappen: aan (overstappen)');

      // SMS → app: confirmed with an SMS code; SMS keeps working until the app is verified.
      await p.follow('Overstappen op een authenticatie-app', 'Bevestigen (overstappen op de app)');
      await confirmWithSms(p, patient.password, 'Overstappen op een authenticatie-app');
      expect(await p.heading()).to.equal('Overstappen op een authenticatie-app');
      expect(await p.text()).to.include('Je krijgt je codes via SMS tot je de app hebt gekoppeld');
      await p.press('Begin met koppelen', 'Overstappen: koppel je authenticatie-app');
      expect(await p.heading()).to.equal('Koppel je authenticatie-app');
      const secret = await appKey(p);
      await p.press('Overstappen', 'Overstappen op de app: code leeg');
      expect(await p.errors()).to.deep.equal(['Vul de verificatiecode in.']);
      await p.fill('Verificatiecode', wrongAppCode(secret, rt.clock.now()));
      await p.press('Overstappen', 'Overstappen op de app: code verkeerd');
      expect((await p.errors()).join(' ')).to.match(/^Deze code klopt niet/);
      await p.fill('Verificatiecode', appCode(secret, rt.clock.now()));
      await p.press('Overstappen', 'Authenticatie in twee stappen: overgestapt op de app');
      expect(p.path()).to.equal(`${BASE}`);
      expect(await p.text()).to.include('Je gebruikt nu een andere methode').and.include('Authenticatie-app').and.not.include('••••');

      // App → SMS: confirmed with the app's code (no SMS to ask for); the app works until the new number is verified.
      rt.clock.advanceMinutes(11); // a new action needs its own confirmation; the app shows a new code by then
      await p.follow('Overstappen op SMS', 'Bevestigen (overstappen op SMS)');
      expect(await p.text()).to.include('Vul ook de code uit je authenticatie-app in.');
      expect(await p.button(/^Stuur code naar/).count(), 'no SMS to ask for').to.equal(0);
      await p.fill('Wachtwoord', patient.password);
      await p.fill('Verificatiecode', '12');
      await p.press('Bevestigen', 'Bevestigen (app): code ongeldig');
      expect(await p.errors()).to.deep.equal(['Vul de 6 cijfers uit je authenticatie-app in, of een herstelcode van 10 cijfers.']);
      await p.fill('Wachtwoord', patient.password);
      await p.fill('Verificatiecode', appCode(secret, rt.clock.now()));
      await p.press('Bevestigen', 'Overstappen op SMS (na bevestigen)');
      expect(await p.heading()).to.equal('Overstappen op SMS');
      expect(await p.field('Land').locator('option:checked').innerText()).to.equal('Nederland (+31)');
      await p.press('Stuur code', 'Overstappen op SMS: leeg');
      expect(await p.errors()).to.deep.equal(['Vul je mobiele telefoonnummer in.']);
      await pastCooldown();
      await p.fill('Telefoonnummer', '06 87654309');
      await p.press('Stuur code', 'Overstappen op SMS: code');
      expect(await p.heading()).to.equal('Vul de code uit de SMS in');
      expect(vonage.messages.at(-1)!.to).to.equal('31687654309');
      expect(await p.text()).to.include('+31 6 ••••••09');
      await p.fill('Verificatiecode', wrongCode(lastCode(vonage)));
      await p.press('Overstappen', 'Overstappen op SMS: code verkeerd');
      expect(await p.errors()).to.deep.equal(['Deze code klopt niet. Controleer de code en probeer het opnieuw.']);
      await p.fill('Verificatiecode', lastCode(vonage));
      await p.press('Overstappen', 'Authenticatie in twee stappen: overgestapt op SMS');
      expect(p.path()).to.equal(`${BASE}`);
      expect(await p.text()).to.include('Je gebruikt nu een andere methode').and.include('Verificatiecode via SMS').and.include('+31 6 ••••••09');
    });

    it('in English: switches language in the footer, signs in, sets up SMS and signs in with the code', async () => {
      const { vonage } = world();
      const patient = patients.english;
      const p = await newPatient();
      await p.visit('/inloggen', 'Inloggen (voor English)');
      expect(await pageLanguage(p)).to.equal('nl');
      await p.follow('English', 'Sign in (English)', { within: footer(p), screenshot: '17-sign-in-en' });
      expect(p.path()).to.equal('/inloggen');
      expect(await pageLanguage(p)).to.equal('en');
      expect(await p.page.title()).to.equal('Sign in – Karify');
      expect(await p.heading()).to.equal('Sign in');
      await p.press('Sign in', 'Sign in: empty fields (English)');
      expect(await p.page.title()).to.equal('Error: Sign in – Karify');
      expect(await p.errors()).to.deep.equal(['Enter your email address.', 'Enter your password.']);
      await p.fill('Email address', patient.email);
      await p.fill('Password', patient.password);
      await p.press('Sign in', 'Workspace (English)');
      expect(p.path()).to.equal('/werkblad');
      expect(await pageLanguage(p)).to.equal('en');
      expect(await p.heading()).to.equal('Workspace');
      expect(await p.text()).to.include('Select a task or package to open it.');

      // The wizard, with the country list and its messages in English
      await p.follow('My account', 'My account (English)');
      await p.follow('Two-step authentication', 'Two-step authentication: off (English)');
      expect(await p.text()).to.include('Two-step authentication is off for your Karify account.');
      await p.follow('Set up two-step authentication', 'Confirm that it is you (English)');
      await p.fill('Password', patient.password);
      await p.press('Confirm', 'Wizard 1: method (English)');
      expect(await p.heading()).to.equal('1. Choose how you want to get the code');
      expect(await p.page.title()).to.equal('Method – Set up two-step authentication – Karify');
      await p.press('Continue', 'Wizard 1: method, nothing chosen (English)');
      expect(await p.page.title()).to.equal('Error: Method – Set up two-step authentication – Karify');
      expect(await p.errors()).to.deep.equal(['Choose how you want to get the verification code.']);
      await p.choose('By SMS');
      await p.press('Continue', 'Wizard 2: phone number (English)');
      expect(await p.heading()).to.equal('2. Enter your phone number');
      const country = p.field('Country');
      expect(await country.locator('option:checked').innerText()).to.equal('Netherlands (+31)');
      expect(await country.locator('option').allInnerTexts(), 'only the countries an SMS can go to').to.deep.equal(['Netherlands (+31)', 'Belgium (+32)']);
      await p.fill('Phone number', '+49 151 23456789');
      await p.press('Confirm phone number', 'Wizard 2: country not allowed (English)');
      expect(await p.errors()).to.deep.equal(['We cannot send an SMS to phone numbers in this country. Use a mobile number from Netherlands or Belgium.']);
      expect(await p.field('Country').locator('option:checked').innerText()).to.equal('Netherlands (+31)');
      await p.fill('Phone number', '06 23456789');
      await p.press('Confirm phone number', 'Wizard 3: verification (English)');
      expect(await p.heading()).to.equal('3. Enter verification code');
      expect(await p.text()).to.include('+31 6 ••••••89').and.include('We have sent a 6-digit verification code to the phone number above.');
      await p.fill('Verification code', wrongCode(lastCode(vonage)));
      await p.press('Verify', 'Wizard 3: wrong code (English)');
      expect(await p.errors()).to.deep.equal(['This code is not correct. Check the code and try again.']);
      await p.fill('Verification code', lastCode(vonage));
      await p.press('Verify', 'Wizard 4: recovery codes (English)');
      expect(await p.heading()).to.equal('4. One more important step: your recovery codes');
      await p.press('I have saved the codes', 'Wizard done (English)');
      expect(await p.heading()).to.equal('Two-step authentication is on for your account');
      await p.follow('Close', 'Two-step authentication: on (English)');
      expect(await p.text()).to.include('Two-step authentication is on for your Karify account.').and.include('Verification code by SMS');

      // The second step in English
      await p.press('Sign out', 'Sign in: signed out (English)');
      expect(await p.text()).to.include('You have signed out.');
      await pastCooldown();
      await p.fill('Email address', patient.email);
      await p.fill('Password', patient.password);
      await p.press('Sign in', 'Second step: code (English)');
      expect(p.path()).to.equal('/inloggen/code');
      expect(await p.heading()).to.equal('Enter your verification code');
      expect(await p.text()).to.include('+31 6 ••••••89');
      await p.press('Verify', 'Second step: code empty (English)');
      expect(await p.errors()).to.deep.equal(['Enter the verification code.']);
      await p.fill('Verification code', wrongCode(lastCode(vonage)));
      await p.press('Verify', 'Second step: wrong code (English)');
      expect(await p.errors()).to.deep.equal(['This code is not correct. Check the code and try again.']);
      await p.fill('Verification code', lastCode(vonage));
      await p.press('Verify', 'Workspace after the code (English)');
      expect(p.path()).to.equal('/werkblad');
      expect(await pageLanguage(p)).to.equal('en');

      // And back to Dutch, from the footer of any page
      await p.follow('Nederlands', 'Werkblad (terug in het Nederlands)', { within: footer(p, 'Footer') });
      expect(p.path()).to.equal('/werkblad');
      expect(await pageLanguage(p)).to.equal('nl');
      expect(await p.heading()).to.equal('Werkblad');
    });

    it('J9 with JavaScript on: adds a passkey, signs in with it alone, uses it as the second step, renames and removes it', async () => {
      const { vonage } = world();
      const patient = patients.passkeySms;
      const p = await newPatient(world().passkeyURL, { javaScript: true, passkeyAutofill: false });
      const authenticator = await VirtualAuthenticator.attach(p.page);
      await pastCooldown();
      await signInWithSms(p, patient.email, patient.password);
      await p.follow('Mijn account', 'Mijn account (toegangssleutel)');
      await p.follow('Authenticatie in twee stappen', 'Authenticatie in twee stappen: aan, met JavaScript');
      expect(await p.page.getByText('Om een toegangssleutel toe te voegen').isVisible(), 'the script hides the note').to.equal(false);

      // Add: after a fresh confirmation, a name, and the browser makes the passkey.
      await p.follow('Toegangssleutel toevoegen', 'Bevestigen (toegangssleutel toevoegen)');
      await confirmWithSms(p, patient.password, 'Toegangssleutel toevoegen');
      expect(await p.heading()).to.equal('Toegangssleutel toevoegen');
      await p.fill('Naam van de toegangssleutel', 'iPhone van Cas');
      // The confirmation runs out while the page is open: the script's request for options is sent
      // elsewhere, so the form goes as it is, by way of a new confirmation, with the name kept.
      world().rt.clock.advanceMinutes(11);
      await p.press('Toegangssleutel toevoegen', 'Bevestigen (toegangssleutel toevoegen, bevestiging verlopen)');
      await confirmWithSms(p, patient.password, 'Toegangssleutel toevoegen, opnieuw');
      expect(await p.heading()).to.equal('Toegangssleutel toevoegen');
      expect(await p.field('Naam van de toegangssleutel').inputValue()).to.equal('iPhone van Cas');
      expect(await authenticator.credentials(), 'no passkey made before the confirmation').to.have.length(0);
      await p.press('Toegangssleutel toevoegen', 'Authenticatie in twee stappen: toegangssleutel toegevoegd', { screenshot: '22-toegangssleutel-toegevoegd' });
      expect(p.path()).to.equal(`${BASE}`);
      expect(await p.text()).to.include('Je toegangssleutel is toegevoegd.').and.include('iPhone van Cas').and.include('Nog niet gebruikt').and.include('Verificatiecode via SMS');
      const [credential] = await authenticator.credentials();
      expect(credential).to.include({ isResidentCredential: true, rpId: 'localhost' });

      // Signing in with the passkey alone: no password, no SMS.
      await p.press('Uitloggen', 'Inloggen: uitgelogd (toegangssleutel)', { screenshot: '23-inloggen-met-toegangssleutel' });
      const smsBefore = vonage.messages.length;
      await p.press('Inloggen met een toegangssleutel', 'Werkblad (toegangssleutel, zonder wachtwoord)');
      expect(p.path()).to.equal('/werkblad');
      expect(vonage.messages.length, 'no SMS').to.equal(smsBefore);

      // The password, then the passkey instead of the SMS code.
      await p.press('Uitloggen', 'Inloggen: uitgelogd (toegangssleutel, 2)');
      await pastCooldown();
      await passwordStep(p, patient.email, patient.password, 'Inloggen (stap 2): code of toegangssleutel', { screenshot: '24-inloggen-code-of-toegangssleutel' });
      await p.press('Gebruik je toegangssleutel', 'Werkblad (toegangssleutel als tweede stap)');
      expect(p.path()).to.equal('/werkblad');

      // Remove: confirmed with the password and the passkey.
      await p.follow('Mijn account', 'Mijn account (toegangssleutel verwijderen)');
      await p.follow('Authenticatie in twee stappen', 'Authenticatie in twee stappen: met toegangssleutel');
      expect(await p.text()).to.match(/Laatst gebruikt op \d+ \w+ \d{4}/);

      // Rename: confirmed the same way; an empty name is refused at its field.
      await p.follow('Naam wijzigen van iPhone van Cas', 'Bevestigen (toegangssleutel, naam wijzigen)');
      await p.fill('Wachtwoord', patient.password);
      await p.press('Bevestigen met je toegangssleutel', 'Toegangssleutel: naam wijzigen');
      expect(await p.heading()).to.equal('Naam van je toegangssleutel wijzigen');
      await p.fill('Nieuwe naam', '');
      await p.press('Naam opslaan', 'Toegangssleutel: naam wijzigen, leeg');
      expect(await p.errors()).to.deep.equal(['Geef je toegangssleutel een naam.']);
      await p.fill('Nieuwe naam', 'Telefoon van Cas');
      await p.press('Naam opslaan', 'Authenticatie in twee stappen: toegangssleutel hernoemd');
      expect(await p.text()).to.include('Telefoon van Cas').and.not.include('iPhone van Cas');
      world().rt.clock.advanceMinutes(11); // the removal needs its own confirmation

      await p.follow('Verwijderen van Telefoon van Cas', 'Bevestigen (toegangssleutel verwijderen)');
      await p.fill('Wachtwoord', patient.password);
      await p.press('Bevestigen met je toegangssleutel', 'Toegangssleutel verwijderen');
      expect(await p.heading()).to.equal('Toegangssleutel verwijderen');
      expect(await p.text()).to.include("Wil je de toegangssleutel 'Telefoon van Cas' verwijderen?");
      await p.press('Verwijder toegangssleutel', 'Authenticatie in twee stappen: toegangssleutel verwijderd');
      expect(await p.text()).to.include('Je toegangssleutel is verwijderd.').and.include('Je hebt nog geen toegangssleutels.');

      // The browser still holds it; the site no longer takes it.
      await p.press('Uitloggen', 'Inloggen: uitgelogd (toegangssleutel verwijderd)');
      await p.press('Inloggen met een toegangssleutel', 'Inloggen: toegangssleutel verwijderd');
      expect(await p.text()).to.include('Deze toegangssleutel hoort bij geen enkel account, of werkt niet meer.');
      expect(await authenticator.credentials()).to.have.length(1);
    });

    it('J9 with JavaScript on: a first passkey turns two-step on; a relaying site and a replayed answer are refused; without JavaScript a recovery code', async () => {
      const { rt } = world();
      const patient = patients.passkeyOnly;
      const p = await newPatient(world().passkeyURL, { javaScript: true, passkeyAutofill: false });
      const authenticator = await VirtualAuthenticator.attach(p.page);
      await signInWithPassword(p, patient.email, patient.password, 'eerste toegangssleutel');
      await p.follow('Mijn account', 'Mijn account (eerste toegangssleutel)');
      await p.follow('Authenticatie in twee stappen', 'Authenticatie in twee stappen: uit, met JavaScript');
      await p.follow('Wat is een toegangssleutel?', 'Wat is een toegangssleutel?');
      expect(await p.heading()).to.equal('Wat is een toegangssleutel?');
      await p.follow('Terug', 'Authenticatie in twee stappen: uit (terug van uitleg)');

      await p.follow('Toegangssleutel toevoegen', 'Bevestigen (eerste toegangssleutel)');
      await p.fill('Wachtwoord', patient.password);
      await p.press('Bevestigen', 'Toegangssleutel toevoegen (twee stappen uit)');
      expect(await p.text()).to.include('Daarmee zet je ook authenticatie in twee stappen aan.');
      await p.press('Toegangssleutel toevoegen', 'Toegangssleutel toevoegen: naam leeg');
      expect(await p.errors()).to.deep.equal(['Geef je toegangssleutel een naam.']);
      expect(await authenticator.credentials(), 'no passkey made for a name that cannot be saved').to.have.length(0);
      await p.fill('Naam van de toegangssleutel', 'Laptop van Cas');
      await p.press('Toegangssleutel toevoegen', 'Toegangssleutel: bewaar je herstelcodes');
      expect(await p.heading()).to.equal('Bewaar je herstelcodes');
      const codes = (await p.page.locator('.recovery-codes code').allInnerTexts()).map((c) => c.trim());
      expect(codes).to.have.length(10);
      await p.press('Ik heb de codes bewaard', 'Authenticatie in twee stappen: aan met toegangssleutel');
      expect(await p.text()).to.include('ingeschakeld').and.include('Toegangssleutel').and.include('Laptop van Cas');

      // The next sign-in: the password, then the passkey (there is no code).
      await p.press('Uitloggen', 'Inloggen: uitgelogd (eerste toegangssleutel)');
      await passwordStep(p, patient.email, patient.password, 'Inloggen (stap 2): toegangssleutel');
      expect(await p.heading()).to.equal('Gebruik je toegangssleutel');
      const posted = p.page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/inloggen/code/toegangssleutel');
      await p.press('Gebruik je toegangssleutel', 'Werkblad (toegangssleutel na wachtwoord)');
      expect(p.path()).to.equal('/werkblad');
      const answer = new URLSearchParams((await posted).postData() ?? '').get('credential');
      expect(answer, 'the answer Chromium made').to.be.a('string');

      // That answer again, from another browser with a session and a challenge of its own: refused.
      const thief = rt.agent();
      expect((await signIn(thief, patient.email, patient.password)).headers.location).to.equal('/inloggen/code');
      const token = csrfTokenOf((await thief.get('/inloggen/code')).text);
      expect((await askOptions(thief, '/inloggen/code/toegangssleutel/opties', token)).status).to.equal(200);
      const replayed = await thief.post('/inloggen/code/toegangssleutel').type('form').send({ _csrf: token, credential: answer });
      expect(replayed.status).to.equal(400);
      expect((await thief.get('/werkblad')).headers.location).to.equal('/inloggen/code');

      // A site on another origin that relays the real one: Chromium signs for that origin, the app refuses it.
      await p.press('Uitloggen', 'Inloggen: uitgelogd (voor nepsite)');
      shared.relay = await startRelay(Number(new URL(world().baseURL).port));
      await p.visit(`${shared.relay.url}/inloggen`, 'Nepsite: inloggen');
      await p.press('Inloggen met een toegangssleutel', 'Nepsite: toegangssleutel geweigerd');
      expect(await p.text()).to.include('Je toegangssleutel is niet geaccepteerd.');
      // A passkey alone proves no account when it fails: not the patient's failure (counted by network).
      const refusals = (await rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'second_step_failed').map((e) => e.details?.refusal);
      expect(refusals).not.to.include('wrong_origin');

      // Without JavaScript: no passkey button, and a recovery code instead.
      const noScript = await newPatient();
      await passwordStep(noScript, patient.email, patient.password, 'Inloggen (stap 2): toegangssleutel, zonder JavaScript');
      expect(await noScript.heading()).to.equal('Gebruik je toegangssleutel');
      expect(await noScript.button('Gebruik je toegangssleutel').count()).to.equal(0);
      expect(await noScript.text()).to.include('Gebruik dan een herstelcode.');
      await noScript.follow('Gebruik een herstelcode', 'Inloggen met herstelcode (toegangssleutel)');
      await noScript.fill('Herstelcode', codes[0]!);
      await noScript.press('Verifiëren', 'Herstelcode gebruikt (toegangssleutel)');
      expect(await noScript.heading()).to.equal('Je hebt een herstelcode gebruikt');
    });

    it('J9 with JavaScript on: the sign-in page offers the passkey among the e-mail field\'s suggestions; one refused there is not sent again', async () => {
      const { rt } = world();
      const patient = patients.passkeyAutofill;
      const p = await newPatient(world().passkeyURL, { javaScript: true });
      const authenticator = await VirtualAuthenticator.attach(p.page);
      await signInWithPassword(p, patient.email, patient.password, 'toegangssleutel in suggesties');
      await p.follow('Mijn account', 'Mijn account (toegangssleutel in suggesties)');
      await p.follow('Authenticatie in twee stappen', 'Authenticatie in twee stappen: uit (toegangssleutel in suggesties)');
      await p.follow('Toegangssleutel toevoegen', 'Bevestigen (toegangssleutel in suggesties)');
      await p.fill('Wachtwoord', patient.password);
      await p.press('Bevestigen', 'Toegangssleutel toevoegen (suggesties)');
      await p.fill('Naam van de toegangssleutel', 'Telefoon van Cas');
      await p.press('Toegangssleutel toevoegen', 'Toegangssleutel: bewaar je herstelcodes (suggesties)');
      await p.press('Ik heb de codes bewaard', 'Authenticatie in twee stappen: aan (suggesties)');
      expect(await authenticator.credentials()).to.have.length(1);

      // Signed out, the sign-in page asks the browser to offer the passkey in the e-mail field;
      // Chromium's virtual authenticator picks it at once, as the patient would from the list.
      const posted = p.page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/inloggen/toegangssleutel');
      await p.button('Uitloggen').click();
      await posted;
      await p.page.waitForURL((url) => url.pathname === '/werkblad');
      expect(await p.heading()).to.equal('Werkblad');
      const [signIn] = (await rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'sign_in');
      expect(signIn!.details).to.deep.equal({ method: 'passkey', without: 'password' });

      // A relaying site: Chromium signs for that origin, the app refuses it, and the page that says
      // so does not offer the passkey again (a browser picking it by itself would go round and round).
      const relay = await startRelay(Number(new URL(world().baseURL).port));
      try {
        const other = await newPatient(relay.url, { javaScript: true });
        await authenticator.copyTo(other.page);
        const answers: string[] = [];
        other.page.on('request', (r) => {
          if (r.method() === 'POST' && new URL(r.url()).pathname.startsWith('/inloggen/toegangssleutel')) answers.push(new URL(r.url()).pathname);
        });
        const refused = other.page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/inloggen/toegangssleutel');
        await other.page.goto('/inloggen');
        expect((await refused).status()).to.equal(400);
        await other.page.waitForURL((url) => url.pathname === '/inloggen/toegangssleutel');
        await other.page.getByRole('alert').waitFor();
        await pause(1000); // time for the refusal page's script to ask again, if it did
        expect(await other.text()).to.include('Je toegangssleutel is niet geaccepteerd.');
        expect(answers, 'one options request and one answer, not again').to.deep.equal(['/inloggen/toegangssleutel/opties', '/inloggen/toegangssleutel']);
        expect(await other.button('Inloggen met een toegangssleutel').isVisible(), 'the button stays').to.equal(true);
      } finally {
        await relay.close();
      }
    });

    it('shows the SMS in the development outbox; its code completes the sign-in', async () => {
      const outbox = shared.outbox!;
      const patient = patients.outbox;
      // The outbox stands in for the phone, so it is read in a browser of its own: a half
      // signed-in session reaches nothing but the code page.
      const phone = await newPatient(outbox.baseURL);
      await phone.visit('/ontwikkeling/e-mail', 'E-mail-outbox: leeg');
      expect(await phone.heading()).to.equal('E-mail-outbox (ontwikkeling)');
      expect(await phone.text()).to.include('Nog geen e-mails.');
      await phone.visit('/ontwikkeling/sms', 'SMS-outbox: leeg');
      expect(await phone.heading()).to.equal('SMS-outbox (ontwikkeling)');
      expect(await phone.text()).to.include('In ontwikkeling worden SMS-berichten hier getoond in plaats van verstuurd.').and.include('Nog geen berichten.');

      const p = await newPatient(outbox.baseURL);
      await p.visit('/inloggen', 'Inloggen (outbox)');
      await p.fill('E-mailadres', patient.email);
      await p.fill('Wachtwoord', patient.password);
      await p.press('Log in', 'Inloggen (stap 2): code (outbox)');
      expect(p.path()).to.equal('/inloggen/code');

      await phone.visit('/ontwikkeling/sms', 'SMS-outbox: één bericht', { screenshot: '18-sms-outbox' });
      const headers = (await phone.page.locator('thead th').allInnerTexts()).map((t) => t.trim());
      expect(headers).to.deep.equal(['Tijd', 'Aan', 'Bericht']);
      const rows = phone.page.locator('tbody tr');
      expect(await rows.count()).to.equal(1);
      const [time, to, text] = (await rows.first().locator('td').allInnerTexts()).map((t) => t.trim());
      expect(time).to.match(/^\d\d:\d\d$/);
      expect(to).to.include('687654308');
      const code = /^(\d{6}) is je Karify verificatiecode\./.exec(text ?? '')?.[1];
      expect(code, text).to.be.a('string');

      await p.fill('Verificatiecode', code!);
      await p.press('Verifiëren', 'Werkblad (outbox)');
      expect(p.path()).to.equal('/werkblad');
      await p.visit('/ontwikkeling/sms', 'SMS-outbox (ingelogd)');
      expect(await p.heading()).to.equal('SMS-outbox (ontwikkeling)');
      expect(await p.page.locator('tbody tr').count(), 'signing in sent nothing more').to.equal(1);
    });
  });

  describe('the clinic\'s desk (J11, /balie)', () => {
    /** The code the staff member's app shows now: a step on from the last one, so never a replay. */
    const nextAppCode = (secret: string) => {
      world().rt.clock.advance(STEP_MS);
      return appCode(secret, world().rt.clock.now());
    };

    async function deskSignIn(p: Patient, member: TestStaffMember, what: string): Promise<void> {
      await p.visit('/balie', `Balie (${what})`);
      await p.fill('E-mailadres', member.email);
      await p.fill('Wachtwoord', member.password);
      await p.press('Log in', `Balie: code (${what})`);
      await p.fill('Verificatiecode', nextAppCode(member.secret));
      await p.press('Verifiëren', `Balie: Patiënten (${what})`);
      expect(p.path()).to.equal('/balie/patienten');
    }

    it('J11: a staff member signs in with two steps, finds a patient and turns off their two-step with a reason; the patient then signs in with only the password', async () => {
      const patient = patients.deskReset;
      const desk = await newPatient();
      await desk.visit('/balie', 'Balie', { screenshot: '19-balie' });
      expect(await desk.heading()).to.equal('Inloggen');
      await desk.press('Log in', 'Balie: lege velden');
      expect(await desk.errors()).to.deep.equal(['Vul je e-mailadres in.', 'Vul je wachtwoord in.']);
      await desk.fill('E-mailadres', staff.admin.email);
      await desk.fill('Wachtwoord', 'niet-mijn-wachtwoord');
      await desk.press('Log in', 'Balie: verkeerd wachtwoord');
      expect(await desk.errors()).to.deep.equal(['Het e-mailadres of wachtwoord klopt niet.']);
      await desk.fill('Wachtwoord', staff.admin.password);
      await desk.press('Log in', 'Balie: code');
      expect(await desk.heading()).to.equal('Vul de code uit je app in');
      await desk.fill('Verificatiecode', wrongAppCode(staff.admin.secret, world().rt.clock.now()));
      await desk.press('Verifiëren', 'Balie: code verkeerd');
      expect(await desk.errors()).to.have.length(1);
      await desk.follow('Gebruik een herstelcode', 'Balie: herstelcode');
      expect(await desk.heading()).to.equal('Inloggen met een herstelcode');
      await desk.follow('Gebruik de code uit je app', 'Balie: code (terug)');
      await desk.fill('Verificatiecode', nextAppCode(staff.admin.secret));
      await desk.press('Verifiëren', 'Balie: Patiënten');
      expect(await desk.heading()).to.equal('Patiënten');
      expect(await desk.page.locator('.user-name').innerText()).to.equal('Anna Jansen (beheerder)');

      await desk.press('Zoeken', 'Balie: Patiënten, niets ingevuld');
      expect(await desk.errors()).to.deep.equal(['Vul een e-mailadres of naam in.']);
      await desk.fill('Zoek een patiënt', patient.email.split('@')[0]!);
      await desk.press('Zoeken', 'Balie: Patiënten, gevonden');
      expect(await desk.text()).to.include('1 patiënt gevonden.');
      await desk.follow(patient.name, 'Balie: patiënt', { screenshot: '20-balie-patient' });
      expect(await desk.heading()).to.equal(patient.name);
      expect(await desk.text()).to.include('Aan, met SMS').and.include('+31 6 ••••••09').and.include('10 van de 10');

      await desk.follow('Authenticatie in twee stappen uitzetten', 'Balie: twee stappen uitzetten');
      expect(await desk.heading()).to.equal('Authenticatie in twee stappen uitzetten');
      await desk.press('Zet authenticatie in twee stappen uit', 'Balie: twee stappen uitzetten, niets ingevuld');
      expect(await desk.errors()).to.deep.equal(['Controleer eerst wie de patiënt is, en vink dat aan.', 'Vul de reden in.', 'Vul je huidige wachtwoord in.', 'Vul de verificatiecode in.']);
      await desk.page.getByLabel(/^Ik heb gecontroleerd/).check();
      await desk.fill('Reden', 'Telefoon en herstelcodes kwijt; paspoort gecontroleerd aan de balie');
      // The staff member's own password and app code: the reset lets someone into the account with the password alone.
      await desk.fill('Huidig wachtwoord', 'niet-mijn-wachtwoord-1');
      await desk.fill('Verificatiecode', nextAppCode(staff.admin.secret));
      await desk.press('Zet authenticatie in twee stappen uit', 'Balie: twee stappen uitzetten, eigen wachtwoord verkeerd');
      expect(await desk.errors()).to.deep.equal(['Je huidige wachtwoord klopt niet.']);
      expect(await desk.page.getByLabel('Reden').inputValue(), 'the reason kept').to.equal('Telefoon en herstelcodes kwijt; paspoort gecontroleerd aan de balie');
      await desk.fill('Huidig wachtwoord', staff.admin.password);
      await desk.fill('Verificatiecode', nextAppCode(staff.admin.secret));
      await desk.press('Zet authenticatie in twee stappen uit', 'Balie: patiënt, twee stappen uit');
      expect(await desk.text()).to.include('Authenticatie in twee stappen is uitgezet.').and.include('Telefoon en herstelcodes kwijt');

      // More activity than the patient's page shows: all of it on a page of its own.
      for (let i = 0; i < 10; i += 1) await world().rt.services.audit.record(patient.id, 'sign_in', { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0' }, { method: 'sms' });
      await desk.visit(`/balie/patienten/${patient.id}`, 'Balie: patiënt, met meer activiteit');
      await desk.follow('Alle beveiligingsactiviteit van deze patiënt', 'Balie: alle activiteit van een patiënt');
      expect(await desk.heading()).to.equal(`Beveiligingsactiviteit van ${patient.name}`);

      // The patient: the password alone now, and a message in Berichten.
      const p = await newPatient();
      await signInWithPassword(p, patient.email, patient.password, 'na reset door de balie');
      await p.follow('Berichten', 'Berichten (na reset door de balie)');
      expect(await p.text()).to.include('Je zorgaanbieder heeft authenticatie in twee stappen uitgezet');

      // The patient asks a question; the desk answers it.
      await p.visit('/hulp/vragenformulier', 'Vragenformulier (voor de balie)');
      await p.fill('Je vraag', 'Hoe stel ik de app opnieuw in?');
      await p.press('Verstuur vraag', 'Vragenformulier verstuurd (voor de balie)');
      await desk.follow('Vragen', 'Balie: Vragen, open');
      expect(await desk.heading()).to.equal('Vragen: open');
      await desk.follow('Hoe stel ik de app opnieuw in?', 'Balie: vraag');
      await desk.press('Markeer als afgehandeld', 'Balie: vraag, geen notitie');
      expect(await desk.errors()).to.deep.equal(['Vul in wat je hebt gedaan.']);
      await desk.fill('Wat heb je gedaan?', 'Patiënt gebeld en uitgelegd hoe de app werkt.');
      await desk.press('Markeer als afgehandeld', 'Balie: vraag afgehandeld');
      expect(await desk.text()).to.include('De vraag is afgehandeld.').and.include('Door Anna Jansen op');
      await desk.follow('Terug naar de vragen', 'Balie: Vragen, open (leeg)');
      await desk.follow('Afgehandeld', 'Balie: Vragen, afgehandeld');
      expect(await desk.text()).to.include('Hoe stel ik de app opnieuw in?');

      await desk.follow('Logboek', 'Balie: Logboek');
      expect(await desk.text()).to.include('Authenticatie in twee stappen van patiënt uitgezet').and.include('Vraag afgehandeld');
      await desk.follow('English', 'Desk: log (English)', { within: footer(desk) });
      expect(await pageLanguage(desk)).to.equal('en');
      expect(await desk.heading()).to.equal('Log');
      await desk.follow('Nederlands', 'Balie: Logboek (Nederlands)', { within: footer(desk, 'Footer') });

      // The staff member's own pages: the password form, and passkeys after the password and a code (none without JavaScript).
      await desk.follow('Wachtwoord wijzigen', 'Balie: wachtwoord wijzigen');
      expect(await desk.heading()).to.equal('Wachtwoord wijzigen');
      // Past the minutes the reset's confirmation lasts: the passkeys' page asks for the password and a code again.
      world().rt.clock.advance(world().rt.config.twoFactor.freshConfirmationMinutes * 60_000 + 1000);
      await desk.follow('Toegangssleutels', 'Balie: toegangssleutels, wachtwoord en code');
      await desk.press('Doorgaan', 'Balie: toegangssleutels, wachtwoord en code leeg');
      expect(await desk.errors()).to.deep.equal(['Vul je huidige wachtwoord in.', 'Vul de verificatiecode in.']);
      await desk.fill('Huidig wachtwoord', staff.admin.password);
      await desk.fill('Verificatiecode', nextAppCode(staff.admin.secret));
      await desk.press('Doorgaan', 'Balie: toegangssleutels');
      expect(await desk.text()).to.include('Je hebt nog geen toegangssleutels.').and.include('Om een toegangssleutel toe te voegen heb je een browser nodig');
      expect(await desk.page.getByRole('button', { name: 'Toegangssleutel toevoegen' }).isVisible(), 'nothing offered without JavaScript').to.equal(false);
      await desk.follow('Herstelcodes', 'Balie: herstelcodes, overzicht');
      expect(await desk.text()).to.match(/Je hebt nog \d+ herstelcodes?\./);
      await desk.press('Nieuwe herstelcodes maken', 'Balie: herstelcodes, wachtwoord en code leeg');
      expect(await desk.errors()).to.deep.equal(['Vul je huidige wachtwoord in.', 'Vul de verificatiecode in.']);
      await desk.fill('Huidig wachtwoord', staff.admin.password);
      await desk.fill('Verificatiecode', nextAppCode(staff.admin.secret));
      await desk.press('Nieuwe herstelcodes maken', 'Balie: nieuwe herstelcodes');
      expect(await desk.heading()).to.equal('Je nieuwe herstelcodes');
      expect(await desk.page.locator('.recovery-codes code').count()).to.equal(10);
      await desk.press('Ik heb de codes bewaard', 'Balie: herstelcodes bewaard');
      expect(await desk.text()).to.include('Je hebt nieuwe herstelcodes.').and.include('Je hebt nog 10 herstelcodes.');
      await desk.press('Uitloggen', 'Balie: uitgelogd');
      expect(desk.path()).to.equal('/balie');
      expect(await desk.text()).to.include('Je bent uitgelogd.');
    });

    it('J11: the desk gives a patient who forgot their password a temporary one, shown once; the patient signs in with it and chooses their own', async () => {
      const patient = patients.forgotPassword;
      const desk = await newPatient();
      await deskSignIn(desk, staff.admin, 'tijdelijk wachtwoord');
      await desk.visit(`/balie/patienten/${patient.id}`, 'Balie: patiënt (wachtwoord vergeten)');
      await desk.follow('Tijdelijk wachtwoord geven', 'Balie: tijdelijk wachtwoord geven');
      await desk.press('Geef tijdelijk wachtwoord', 'Balie: tijdelijk wachtwoord geven, niets ingevuld');
      expect(await desk.errors()).to.deep.equal(['Controleer eerst wie de patiënt is, en vink dat aan.', 'Vul de reden in.', 'Vul je huidige wachtwoord in.', 'Vul de verificatiecode in.']);
      await desk.page.getByLabel(/^Ik heb gecontroleerd/).check();
      await desk.fill('Reden', 'Wachtwoord vergeten; paspoort gecontroleerd aan de balie');
      await desk.fill('Huidig wachtwoord', staff.admin.password);
      await desk.fill('Verificatiecode', nextAppCode(staff.admin.secret));
      await desk.press('Geef tijdelijk wachtwoord', 'Balie: tijdelijk wachtwoord gegeven');
      expect(await desk.heading()).to.equal('Tijdelijk wachtwoord gegeven');
      const temporary = (await desk.page.locator('code.totp-key').innerText()).trim();
      await desk.follow('Naar de patiënt', 'Balie: patiënt (tijdelijk wachtwoord)');
      expect(await desk.text()).to.match(/Tijdelijk wachtwoord, werkt tot/);

      const p = await newPatient();
      await p.visit('/inloggen', 'Inloggen (tijdelijk wachtwoord)');
      await p.fill('E-mailadres', patient.email);
      await p.fill('Wachtwoord', temporary);
      await p.press('Log in', 'Kies je eigen wachtwoord');
      expect(p.path()).to.equal('/account/eigen-wachtwoord');
      expect(await p.heading()).to.equal('Kies je eigen wachtwoord');
      await p.fill('Nieuw wachtwoord', temporary);
      await p.fill('Herhaal nieuw wachtwoord', temporary);
      await p.press('Wachtwoord opslaan', 'Kies je eigen wachtwoord: hetzelfde');
      expect(await p.errors()).to.deep.equal(['Kies een ander wachtwoord dan het tijdelijke wachtwoord.']);
      await p.visit('/werkblad', 'Kies je eigen wachtwoord (Werkblad gevraagd)');
      expect(p.path()).to.equal('/account/eigen-wachtwoord');
      await p.fill('Nieuw wachtwoord', 'gele-boot-op-het-meer');
      await p.fill('Herhaal nieuw wachtwoord', 'gele-boot-op-het-meer');
      await p.press('Wachtwoord opslaan', 'Kies je eigen wachtwoord: opgeslagen');
      expect(await p.text()).to.include('Je wachtwoord is opgeslagen.');
      await p.follow('Verder naar Werkblad', 'Werkblad (eigen wachtwoord gekozen)');
      expect(p.path()).to.equal('/werkblad');
    });

    it('J11 with JavaScript on: a staff member adds a passkey after their password and a code, uses it as the second step, and removes it', async () => {
      const desk = await newPatient(world().passkeyURL, { javaScript: true });
      const authenticator = await VirtualAuthenticator.attach(desk.page);
      await deskSignIn(desk, staff.passkey, 'toegangssleutel');
      await desk.follow('Toegangssleutels', 'Balie: toegangssleutels, wachtwoord (JavaScript)');
      await desk.fill('Huidig wachtwoord', staff.passkey.password);
      await desk.fill('Verificatiecode', nextAppCode(staff.passkey.secret));
      await desk.press('Doorgaan', 'Balie: toegangssleutels (JavaScript)');
      expect(await desk.page.getByText('Om een toegangssleutel toe te voegen').isVisible(), 'the script hides the note').to.equal(false);
      await desk.fill('Naam van de toegangssleutel', 'Werklaptop');
      await desk.press('Toegangssleutel toevoegen', 'Balie: toegangssleutel toegevoegd');
      expect(await desk.text()).to.include('Je toegangssleutel is toegevoegd.').and.include('Werklaptop').and.include('Nog niet gebruikt');
      expect(await authenticator.credentials()).to.have.length(1);

      await desk.press('Uitloggen', 'Balie: uitgelogd (toegangssleutel)');
      await desk.visit('/balie', 'Balie (toegangssleutel, opnieuw)');
      await desk.fill('E-mailadres', staff.passkey.email);
      await desk.fill('Wachtwoord', staff.passkey.password);
      await desk.press('Log in', 'Balie: code of toegangssleutel');
      await desk.press('Gebruik je toegangssleutel', 'Balie: Patiënten (toegangssleutel als tweede stap)');
      expect(desk.path()).to.equal('/balie/patienten');

      await desk.follow('Toegangssleutels', 'Balie: toegangssleutels, wachtwoord (verwijderen)');
      await desk.fill('Huidig wachtwoord', staff.passkey.password);
      await desk.fill('Verificatiecode', nextAppCode(staff.passkey.secret));
      await desk.press('Doorgaan', 'Balie: toegangssleutels (verwijderen)');
      expect(await desk.text()).to.match(/Laatst gebruikt op \d+ \w+ \d{4}/);
      await desk.follow('Verwijderen van Werklaptop', 'Balie: toegangssleutel verwijderen?');
      expect(await desk.heading()).to.equal('Toegangssleutel verwijderen');
      await desk.press('Verwijder toegangssleutel', 'Balie: toegangssleutel verwijderd');
      expect(await desk.text()).to.include('Je toegangssleutel is verwijderd.').and.include('Je hebt nog geen toegangssleutels.');
      const events = (await world().rt.services.staffAudit.list({ limit: 20 })).filter((e) => e.staff?.id === staff.passkey.id).map((e) => e.type);
      expect(events).to.include.members(['passkey_added', 'passkey_used', 'passkey_removed']);
    });

    it('J11: a reason typed while the desk session timed out is shown to copy, then the desk signs in again', async () => {
      const desk = await newPatient();
      await deskSignIn(desk, staff.admin, 'sessie verloopt');
      await desk.visit(`/balie/patienten/${patients.deskTimeout.id}`, 'Balie: patiënt (sessie verloopt)');
      await desk.follow('Overal uitloggen', 'Balie: overal uitloggen (sessie verloopt)');
      await desk.fill('Reden', 'Telefoon gestolen, patiënt belde zelf');
      world().rt.clock.advanceMinutes(16); // DESK_SESSION_IDLE_MINUTES is 15
      const kept = await desk.press('Log overal uit', 'Balie: sessie verlopen, reden bewaard');
      expect(kept.status).to.equal(403);
      expect(await desk.heading()).to.equal('Je sessie is verlopen');
      expect(await desk.field('Reden').inputValue()).to.equal('Telefoon gestolen, patiënt belde zelf');
      await desk.follow('Opnieuw inloggen', 'Balie (na verlopen sessie)');
      expect(desk.path()).to.equal('/balie');
    });

    it('J11: an admin adds a staff member, who chooses their own password and sets up the app at their first sign-in, and later gives them a one-time password for a forgotten one; a desk employee gets no access to Medewerkers', async () => {
      const admin = await newPatient();
      await deskSignIn(admin, staff.admin, 'beheerder');
      await admin.follow('Medewerkers', 'Balie: Medewerkers');
      await admin.follow('Medewerker toevoegen', 'Balie: medewerker toevoegen');
      await admin.press('Medewerker toevoegen', 'Balie: medewerker toevoegen, leeg');
      expect(await admin.errors()).to.deep.equal(['Vul de naam in.', 'Vul het e-mailadres in.', 'Vul je huidige wachtwoord in.', 'Vul de verificatiecode in.']);
      await admin.fill('Naam', 'Bea Bakker');
      await admin.fill('E-mailadres', 'bea@kliniek.nl');
      // The admin's own password and app code: a new account gets a password; for the next minutes, not asked again.
      await admin.fill('Huidig wachtwoord', staff.admin.password);
      await admin.fill('Verificatiecode', nextAppCode(staff.admin.secret));
      await admin.press('Medewerker toevoegen', 'Balie: medewerker toegevoegd');
      const password = (await admin.page.locator('code.totp-key').innerText()).trim();
      expect(password).to.match(/^[a-z2-9]{4}(-[a-z2-9]{4}){4}$/);
      await admin.follow('Naar de medewerker', 'Balie: medewerker');
      expect(await admin.heading()).to.equal('Bea Bakker');

      const bea = await newPatient();
      await bea.visit('/balie', 'Balie (eerste keer)');
      await bea.fill('E-mailadres', 'bea@kliniek.nl');
      await bea.fill('Wachtwoord', password);
      await bea.press('Log in', 'Balie: eigen wachtwoord kiezen');
      expect(await bea.heading()).to.equal('Kies je eigen wachtwoord');
      await bea.fill('Nieuw wachtwoord', 'kort');
      await bea.press('Wachtwoord opslaan', 'Balie: eigen wachtwoord, te kort');
      expect(await bea.errors()).to.have.length(1);
      await bea.fill('Nieuw wachtwoord', 'blauwe-fiets-onder-de-brug');
      await bea.fill('Herhaal nieuw wachtwoord', 'blauwe-fiets-onder-de-brug');
      await bea.press('Wachtwoord opslaan', 'Balie: app koppelen', { screenshot: '21-balie-koppelen' });
      expect(await bea.heading()).to.equal('Stel je authenticatie-app in');
      const secret = await appKey(bea);
      await bea.press('Verifiëren', 'Balie: app koppelen, geen code');
      expect(await bea.errors()).to.deep.equal(['Vul de verificatiecode in.']);
      await bea.fill('Verificatiecode', nextAppCode(secret));
      await bea.press('Verifiëren', 'Balie: herstelcodes');
      expect(await bea.heading()).to.equal('Bewaar je herstelcodes');
      const codes = (await bea.page.locator('.recovery-codes code').allInnerTexts()).map((c) => c.trim());
      expect(codes).to.have.length(10);
      await bea.follow('Print herstelcodes', 'Balie: herstelcodes afdrukken');
      await bea.follow('Terug naar je herstelcodes', 'Balie: herstelcodes (terug)');
      await bea.press('Ik heb de codes bewaard', 'Balie: Patiënten (app ingesteld)');
      expect(await bea.text()).to.include('Je authenticatie-app is ingesteld.');

      await bea.visit('/balie/medewerkers', 'Balie: geen toegang');
      expect(await bea.heading()).to.equal('Geen toegang');
      await bea.press('Uitloggen', 'Balie: uitgelogd (Bea)');
      await bea.visit('/balie', 'Balie (Bea, opnieuw)');
      await bea.fill('E-mailadres', 'bea@kliniek.nl');
      await bea.fill('Wachtwoord', 'blauwe-fiets-onder-de-brug');
      await bea.press('Log in', 'Balie: code (Bea)');
      await bea.follow('Gebruik een herstelcode', 'Balie: herstelcode (Bea)');
      await bea.fill('Herstelcode', codes[0]!);
      await bea.press('Verifiëren', 'Balie: herstelcode gebruikt (Bea)');
      expect(bea.path()).to.equal('/balie/herstelcode-gebruikt');
      expect(await bea.text()).to.include('Je hebt nog 9 herstelcodes over.');
      await bea.follow('Verder naar Patiënten', 'Balie: Patiënten (Bea, herstelcode)');
      expect(bea.path()).to.equal('/balie/patienten');
      // Bea forgot her password: the admin gives her a one-time one; she keeps her app and chooses her own after its code.
      await admin.follow('Nieuw eenmalig wachtwoord geven', 'Balie: nieuw eenmalig wachtwoord (bevestigen)');
      await admin.fill('Reden', 'Wachtwoord vergeten, gebeld');
      await admin.press('Geef een nieuw eenmalig wachtwoord', 'Balie: nieuw eenmalig wachtwoord gegeven');
      expect(await admin.heading()).to.equal('Nieuw eenmalig wachtwoord');
      const oneTime = (await admin.page.locator('code.totp-key').innerText()).trim();
      await admin.follow('Naar de medewerker', 'Balie: medewerker (Bea, nieuw wachtwoord)');
      await bea.visit('/balie/patienten', 'Balie (Bea, uitgelogd na nieuw wachtwoord)');
      expect(bea.path()).to.equal('/balie');
      await bea.fill('E-mailadres', 'bea@kliniek.nl');
      await bea.fill('Wachtwoord', oneTime);
      await bea.press('Log in', 'Balie: code (Bea, eenmalig wachtwoord)');
      await bea.fill('Verificatiecode', nextAppCode(secret));
      await bea.press('Verifiëren', 'Balie: eigen wachtwoord kiezen (Bea, opnieuw)');
      expect(await bea.heading()).to.equal('Kies je eigen wachtwoord');
      await bea.fill('Nieuw wachtwoord', 'groene-fiets-over-de-brug');
      await bea.fill('Herhaal nieuw wachtwoord', 'groene-fiets-over-de-brug');
      await bea.press('Wachtwoord opslaan', 'Balie: Patiënten (Bea, eigen wachtwoord)');
      expect(await bea.text()).to.include('Je eigen wachtwoord is opgeslagen.');
      // Too many wrong codes in another browser: the lock is said instead of a form that would be refused.
      const beaElsewhere = await newPatient();
      await beaElsewhere.visit('/balie', 'Balie (Bea, ander apparaat)');
      await beaElsewhere.fill('E-mailadres', 'bea@kliniek.nl');
      await beaElsewhere.fill('Wachtwoord', 'groene-fiets-over-de-brug');
      await beaElsewhere.press('Log in', 'Balie: code (Bea, ander apparaat)');
      for (let i = 1; (await beaElsewhere.heading()) !== 'Inloggen is tijdelijk geblokkeerd'; i += 1) {
        expect(i, 'locked within the limit').to.be.at.most(10);
        await beaElsewhere.fill('Verificatiecode', wrongCode(nextAppCode(secret)));
        await beaElsewhere.press('Verifiëren', `Balie: verkeerde code ${i} (Bea)`);
      }
      expect(await beaElsewhere.text()).to.match(/Daarom kun je tot \d\d:\d\d niet inloggen\./);
      expect(await beaElsewhere.page.getByRole('textbox').count()).to.equal(0);
      await beaElsewhere.visit('/balie/herstelcode', 'Balie: herstelcode (Bea, geblokkeerd)');
      expect(await beaElsewhere.heading()).to.equal('Inloggen is tijdelijk geblokkeerd');

      await admin.visit('/balie/medewerkers', 'Balie: Medewerkers (met Bea)');
      // Later (within the desk's idle timeout, past the confirmation's minutes): admin rights ask for the password and a code again.
      world().rt.clock.advance((world().rt.config.twoFactor.freshConfirmationMinutes + 1) * 60_000);
      await admin.follow('Bea Bakker', 'Balie: medewerker (Bea)');
      await admin.page.getByLabel(/^Beheerder/).check();
      await admin.press('Rol opslaan', 'Balie: medewerker, rol zonder reden');
      expect(await admin.errors()).to.deep.equal(['Vul de reden in.', 'Vul je huidige wachtwoord in.', 'Vul de verificatiecode in.']);
      await admin.fill('Reden', 'Wordt teamleider van de balie');
      await admin.fill('Huidig wachtwoord', staff.admin.password);
      await admin.fill('Verificatiecode', nextAppCode(staff.admin.secret));
      await admin.press('Rol opslaan', 'Balie: medewerker, rol gewijzigd');
      expect(await admin.text()).to.include('De rol is gewijzigd.');
      await admin.follow('Medewerker uitschakelen', 'Balie: medewerker uitschakelen (bevestigen)');
      await admin.press('Schakel de medewerker uit', 'Balie: medewerker uitschakelen, zonder reden');
      expect(await admin.text()).to.include('Vul de reden in.');
      await admin.fill('Reden', 'Werkt niet meer bij de kliniek');
      await admin.press('Schakel de medewerker uit', 'Balie: medewerker uitgeschakeld');
      expect(await admin.text()).to.include('De medewerker is uitgeschakeld en uitgelogd.');
      await bea.visit('/balie/patienten', 'Balie (Bea, uitgeschakeld)');
      expect(bea.path()).to.equal('/balie');
    });
  });

  defineLowEndChecks(() => ({ world: world(), strict: shared.strict!, patients, newPatient }));
  definePageChecks(() => ({ browser: shared.browser!, world: shared.world!, journal }));
});
