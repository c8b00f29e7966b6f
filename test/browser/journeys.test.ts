import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { DEMO_PATIENT } from '../../src/domain/demo-patient';
import { lastCode, patientWithSms } from '../support/two-factor';
import { launchChromium, startBrowserWorld, type BrowserWorld } from './support/browser';
import { Journal, Patient } from './support/journal';
import { definePageChecks } from './page-checks';

/*
 * The patient journeys of SPEC §2, walked in Debian's Chromium with JavaScript off, by the
 * labels and button names a patient sees. Every page on the way is recorded; page-checks.ts then
 * holds every recorded page (every state, errors included) to the quality bars of SPEC §5.
 */

const BASE = '/account/twee-stappen';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Past SMS_RESEND_COOLDOWN_SECONDS (1 s in this suite). */
const pastCooldown = () => pause(1100);

describe('browser: the patient journeys in Chromium with JavaScript off', function () {
  this.timeout(180_000); // each journey takes 5–30 s on an idle machine; the limit is for a busy one
  this.slow(30_000);

  type SmsPatient = Awaited<ReturnType<typeof patientWithSms>>;
  const journal = new Journal();
  const shared: { browser?: Browser; world?: BrowserWorld } = {};
  const open: Patient[] = [];
  // Made before the browser starts: the test's own database writes never run alongside a request.
  const patients = {} as { sms: SmsPatient; recovery: SmsPatient; manage: SmsPatient; lockedOut: SmsPatient; secondStepLocked: SmsPatient };

  before(async function () {
    this.timeout(60_000);
    shared.world = await startBrowserWorld({ SEED_DEMO_PATIENT: 'true' });
    const { rt } = shared.world;
    patients.sms = await patientWithSms(rt, '+31687654302');
    patients.recovery = await patientWithSms(rt, '+31687654303');
    for (const code of patients.recovery.recoveryCodes.slice(0, 6)) await rt.services.recoveryCodes.consume(patients.recovery.id, code);
    patients.manage = await patientWithSms(rt, '+31687654304');
    patients.lockedOut = await patientWithSms(rt, '+31687654305');
    patients.secondStepLocked = await patientWithSms(rt, '+31687654306');
    shared.browser = await launchChromium();
  });

  after(async () => {
    for (const p of open) await p.close().catch(() => undefined);
    await shared.browser?.close();
    await shared.world?.close();
  });

  const world = () => shared.world!;
  async function newPatient(): Promise<Patient> {
    const p = await Patient.start(shared.browser!, world().baseURL, journal);
    open.push(p);
    return p;
  }
  const wrongCode = (right: string) => (right === '000000' ? '111111' : '000000');

  /** Password step for a patient with two-step on; ends on the code page. */
  async function passwordStep(p: Patient, email: string, password: string, name = 'Inloggen (stap 2): code') {
    await p.visit('/inloggen', 'Inloggen');
    await p.fill('E-mailadres', email);
    await p.fill('Wachtwoord', password);
    const page = await p.press('Log in', name, name === 'Inloggen (stap 2): code' ? { screenshot: '11-inloggen-sms-code' } : {});
    expect(p.path()).to.equal('/inloggen/code');
    return page;
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
    await p.press(/^Stuur code naar \+31 6 ••••••\d\d$/, `Bevestigen (${what}): code gestuurd`);
    expect(await p.text()).to.match(/We hebben een code gestuurd naar \+31 6 ••••••\d\d\./);
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

      page = await p.press('Log in', 'Inloggen: lege velden', { screenshot: '02-inloggen-fout' });
      expect(page.status).to.equal(400);
      expect(await p.page.title()).to.equal('Fout: Inloggen – Karify');
      expect(await p.errors()).to.deep.equal(['Vul je e-mailadres in', 'Vul je wachtwoord in']);
      expect(await p.fieldError('E-mailadres')).to.equal('Vul je e-mailadres in');

      await p.fill('E-mailadres', 'cas@example');
      await p.fill('Wachtwoord', 'iets');
      await p.press('Log in', 'Inloggen: ongeldig e-mailadres');
      expect(await p.errors()).to.deep.equal(['Vul een e-mailadres in zoals naam@voorbeeld.nl']);

      await p.fill('E-mailadres', DEMO_PATIENT.email);
      await p.fill('Wachtwoord', 'niet-mijn-wachtwoord');
      page = await p.press('Log in', 'Inloggen: verkeerd wachtwoord');
      expect(page.status).to.equal(400);
      expect(await p.errors()).to.deep.equal(['Het e-mailadres of wachtwoord klopt niet']);
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
      for (const [link, heading] of [
        ['Profiel', 'Profiel'], ['Telefoonnummer', 'Telefoonnummer'], ['Notificaties', 'Notificaties'],
        ['Applicaties', 'Applicaties'], ['Afwezigheidsmeldingen', 'Afwezigheidsmeldingen'],
        ['Beveiligingsactiviteit', 'Beveiligingsactiviteit'], ['Authenticatie in twee stappen', 'Authenticatie in twee stappen'],
      ] as const) {
        await p.follow(link, `${heading} (account)`, { within: p.page.getByRole('navigation', { name: 'Account' }) });
        expect(await p.heading(), link).to.equal(heading);
      }
      expect(await accountMenu.count()).to.equal(1);
      const footer = p.page.getByRole('navigation', { name: 'Over Karify' });
      for (const link of ['Helpdesk', 'Over Karify', 'Privacy en Veiligheid', 'Algemene Voorwaarden']) {
        await p.follow(link, `${link} (ingelogd)`, { within: footer });
        expect(await p.heading(), link).to.equal(link);
      }
      const missing = await p.visit('/bestaat-niet', 'Pagina niet gevonden (ingelogd)');
      expect(missing.status).to.equal(404);
      expect(await p.heading()).to.equal('Pagina niet gevonden');
      await p.follow('Naar het begin', 'Werkblad (na 404)');
      expect(p.path()).to.equal('/werkblad');
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
      await p.follow('Lees meer over authenticatie in twee stappen', 'Over authenticatie in twee stappen');
      expect(await p.heading()).to.equal('Over authenticatie in twee stappen');
      await p.follow('Terug', 'Authenticatie in twee stappen: uit (terug)');

      // 4–5: instellen → Via een SMS
      await p.follow('Authenticatie in twee stappen instellen', 'Wizard 1: methode', { screenshot: '05-methode' });
      expect(await p.heading()).to.equal('1. Kies hoe je de code wilt ontvangen');
      expect(await p.page.locator('[aria-current="step"]').innerText()).to.match(/Methode/);
      await p.press('Verder', 'Wizard 1: methode, niets gekozen');
      expect(await p.errors()).to.deep.equal(['Kies hoe je de verificatiecode wilt ontvangen']);
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
      expect(await p.errors()).to.deep.equal(['Vul je mobiele telefoonnummer in']);
      await p.fill('Telefoonnummer', '12345');
      await p.press('Bevestig telefoonnummer', 'Wizard 2: telefoonnummer ongeldig');
      expect(await p.errors()).to.deep.equal(['Vul een geldig mobiel nummer in, zoals 06 12345678']);
      await p.fill('Telefoonnummer', '020 123 4567');
      await p.press('Bevestig telefoonnummer', 'Wizard 2: telefoonnummer niet mobiel');
      expect(await p.errors()).to.deep.equal(['Dit is geen mobiel nummer. Vul een mobiel nummer in, zoals 06 12345678']);
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
      expect(await p.errors()).to.deep.equal(['Vul de verificatiecode in']);
      await p.fill('Verificatiecode', '12');
      await p.press('Verifiëren', 'Wizard 3: code te kort');
      expect(await p.errors()).to.deep.equal(['De verificatiecode bestaat uit 6 cijfers']);
      await p.fill('Verificatiecode', wrongCode(lastCode(vonage)));
      await p.press('Verifiëren', 'Wizard 3: code verkeerd', { screenshot: '08-verificatie-fout' });
      expect(await p.errors()).to.deep.equal(['Deze code klopt niet. Controleer de code en probeer het opnieuw']);
      await pastCooldown();
      await p.press('Stuur nieuwe code', 'Wizard 3: nieuwe code gestuurd');
      expect(await p.text()).to.include('We hebben een nieuwe code gestuurd. De vorige code werkt niet meer.');
      expect(vonage.messages.length).to.equal(sentBefore + 2);
      await p.fill('Verificatiecode', lastCode(vonage));
      await p.press('Verifiëren', 'Wizard 4: herstelcodes', { screenshot: '09-herstelcodes' });
      expect(await p.heading()).to.equal('4. Nog één belangrijke stap: jouw herstelcodes');

      // 9–10: the recovery codes: print, download, copy; Ik heb de codes bewaard
      const codes = (await p.page.locator('.recovery-codes code').allInnerTexts()).map((c) => c.trim());
      expect(codes).to.have.length(10);
      for (const code of codes) expect(code).to.match(/^\d{5} \d{5}$/);
      expect(await p.field('Kopieer herstelcodes').inputValue()).to.equal(codes.join('\n'));
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
      expect(await p.errors()).to.deep.equal(['Vul je vraag in']);

      // Signing out, and the next sign-in asks for the code
      await p.press('Uitloggen', 'Inloggen: uitgelogd');
      expect(p.path()).to.equal('/inloggen?sessie=uitgelogd');
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
      expect(await p.errors()).to.deep.equal(['Vul de verificatiecode in']);
      await p.fill('Verificatiecode', wrongCode(lastCode(vonage)));
      await p.press('Verifiëren', 'Inloggen (stap 2): code verkeerd');
      expect(await p.errors()).to.deep.equal(['Deze code klopt niet. Controleer de code en probeer het opnieuw']);
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
      expect(await p.errors()).to.deep.equal(['Vul een herstelcode in']);
      await p.fill('Herstelcode', '12345');
      await p.press('Verifiëren', 'Inloggen met herstelcode: te kort');
      expect(await p.errors()).to.deep.equal(['Een herstelcode bestaat uit 10 cijfers']);
      await p.fill('Herstelcode', patient.recoveryCodes[0]!); // used already
      await p.press('Verifiëren', 'Inloggen met herstelcode: al gebruikt');
      expect(await p.errors()).to.deep.equal(['Deze herstelcode klopt niet of is al gebruikt']);
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
      await p.follow('Authenticatie in twee stappen', 'Authenticatie in twee stappen: aan (beheer)');
      await p.follow('Telefoonnummer wijzigen', 'Bevestigen (telefoonnummer)', { screenshot: '14-bevestigen' });
      await p.press('Bevestigen', 'Bevestigen: leeg');
      expect(await p.errors()).to.include('Vul je wachtwoord in');
      await p.fill('Wachtwoord', patient.password);
      await p.fill('Verificatiecode', '12');
      await p.press('Bevestigen', 'Bevestigen: code ongeldig');
      expect(await p.errors()).to.include('Vul de 6 cijfers uit de SMS in, of een herstelcode van 10 cijfers');
      await p.fill('Wachtwoord', 'niet-mijn-wachtwoord');
      await p.fill('Verificatiecode', '000000');
      await p.press('Bevestigen', 'Bevestigen: wachtwoord verkeerd');
      expect(await p.errors()).to.include('Dit wachtwoord klopt niet');
      await confirmWithSms(p, patient.password, 'Nieuw telefoonnummer');
      expect(await p.heading()).to.equal('Nieuw telefoonnummer');
      await p.press('Stuur code naar nieuw nummer', 'Nieuw telefoonnummer: leeg');
      expect(await p.errors()).to.deep.equal(['Vul je mobiele telefoonnummer in']);
      await p.fill('Telefoonnummer', '0612');
      await p.press('Stuur code naar nieuw nummer', 'Nieuw telefoonnummer: ongeldig');
      expect(await p.errors()).to.have.length(1);
      await pastCooldown();
      await p.fill('Telefoonnummer', '06 87654321');
      await p.press('Stuur code naar nieuw nummer', 'Nieuw telefoonnummer: code');
      expect(await p.heading()).to.equal('Vul de code voor je nieuwe nummer in');
      expect(vonage.messages.at(-1)!.to).to.equal('31687654321');
      await p.press('Nummer wijzigen', 'Nieuw telefoonnummer: code leeg');
      expect(await p.errors()).to.deep.equal(['Vul de verificatiecode in']);
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
      expect(await p.text()).to.include('Je oude herstelcodes werken daarna niet meer.');
      await p.press('Nieuwe herstelcodes maken', 'Je nieuwe herstelcodes');
      const codes = (await p.page.locator('.recovery-codes code').allInnerTexts()).map((c) => c.trim());
      expect(codes).to.have.length(10);
      expect(codes.map((c) => c.replace(' ', ''))).not.to.include(patient.recoveryCodes[9]);
      await p.follow('Print herstelcodes', 'Nieuwe herstelcodes afdrukken');
      await p.follow('Terug naar je herstelcodes', 'Je nieuwe herstelcodes (terug)');
      await p.press('Ik heb de codes bewaard', 'Authenticatie in twee stappen: nieuwe herstelcodes');
      expect(await p.text()).to.include('Je nieuwe herstelcodes zijn bewaard.');

      // Password
      nextAction();
      await p.follow('Wachtwoord wijzigen', 'Bevestigen (wachtwoord)');
      await confirmWithSms(p, patient.password, 'Wachtwoord wijzigen');
      expect(await p.heading()).to.equal('Wachtwoord wijzigen');
      await p.press('Wachtwoord wijzigen', 'Wachtwoord wijzigen: leeg');
      expect(await p.errors()).to.include('Vul een wachtwoord in');
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
      expect((await p.errors()).join(' ')).to.match(/Te veel mislukte pogingen. Probeer het om \d\d:\d\d opnieuw./);

      const patient = patients.secondStepLocked;
      const q = await newPatient();
      await pastCooldown();
      await passwordStep(q, patient.email, patient.password, 'Inloggen (stap 2): code, voor blokkade');
      const wrong = wrongCode(lastCode(vonage));
      for (let i = 1; i <= 3; i += 1) {
        await q.fill('Verificatiecode', wrong);
        await q.press('Verifiëren', i < 3 ? `Inloggen (stap 2): verkeerde code ${i}` : 'Inloggen (stap 2): geblokkeerd');
      }
      expect((await q.errors()).join(' ')).to.match(/Je hebt te vaak een verkeerde code ingevuld. Je kunt om \d\d:\d\d opnieuw proberen/);
      await q.follow('Gebruik een herstelcode', 'Inloggen met herstelcode (blokkade)');
      await q.fill('Herstelcode', patient.recoveryCodes[0]!);
      const recovery = await q.press('Verifiëren', 'Inloggen met herstelcode: geblokkeerd');
      expect(recovery.status).to.equal(429);
    });

    it('J7 and the rest: the help form, info pages, an expired form and a missing page, signed out', async () => {
      const p = await newPatient();
      await p.visit('/inloggen', 'Inloggen (uitgelogd, overig)');
      const footer = p.page.getByRole('navigation', { name: 'Over Karify' });
      for (const link of ['Helpdesk', 'Over Karify', 'Privacy en Veiligheid', 'Algemene Voorwaarden']) {
        await p.follow(link, `${link} (uitgelogd)`, { within: footer });
        expect(await p.heading(), link).to.equal(link);
      }
      await p.visit('/hulp/twee-stappen', 'Over authenticatie in twee stappen (uitgelogd)');
      await p.visit('/hulp/vragenformulier', 'Vragenformulier');
      await p.press('Verstuur vraag', 'Vragenformulier: leeg');
      expect(await p.errors()).to.deep.equal(['Vul je naam in', 'Vul je e-mailadres in', 'Vul je vraag in']);
      await p.fill('Naam', 'Cas Test');
      await p.fill('E-mailadres', 'cas@');
      await p.fill('Je vraag', 'Ik krijg geen SMS.');
      await p.press('Verstuur vraag', 'Vragenformulier: ongeldig e-mailadres');
      expect(await p.errors()).to.deep.equal(['Vul een e-mailadres in zoals naam@voorbeeld.nl']);
      expect(await p.field('Je vraag').inputValue()).to.equal('Ik krijg geen SMS.');
      await p.fill('E-mailadres', 'cas@example.nl');
      await p.press('Verstuur vraag', 'Vragenformulier: verstuurd');
      expect(await p.text()).to.include('Bedankt, we hebben je vraag ontvangen.');

      await p.visit('/inloggen', 'Inloggen (verlopen formulier)');
      await p.context.clearCookies();
      const expired = await p.press('Log in', 'Sessie verlopen');
      expect(expired.status).to.equal(403);
      expect(await p.heading()).to.equal('Je sessie is verlopen');

      const missing = await p.visit('/bestaat-niet', 'Pagina niet gevonden');
      expect(missing.status).to.equal(404);
      await p.follow('Naar het begin', 'Inloggen (na 404)');
      expect(p.path()).to.equal('/inloggen');
    });
  });

  definePageChecks(() => ({ browser: shared.browser!, world: shared.world!, journal }));
});
