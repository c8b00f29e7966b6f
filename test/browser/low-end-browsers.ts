import { expect } from 'chai';
import type { TestRuntime } from '../support/runtime';
import { signIn } from '../support/forms';
import { appCode, type patientWithApp } from '../support/totp';
import { lastCode, patientWithSms } from '../support/two-factor';
import { PHONE_VIEWPORT, type BrowserSettings, type BrowserWorld } from './support/browser';
import type { Patient } from './support/journal';
import { w3mFetch } from './page-checks';
import { colourOf } from './support/in-page';
import { DOWN, downs, downsTo, ENTER, lynxSession } from './support/lynx';

/*
 * What patients met in real low-end browsers and on phones (issue 14): code pages that tell the
 * truth when no SMS went out, "Kopieer herstelcodes" with and without JavaScript, Dutch for a
 * browser that asks for English, the step's heading in a phone's first screen, forced colours, and
 * a sign-in in the text browser Lynx.
 * The pages land in the journal, so page-checks.ts holds them to every quality bar too.
 */

type SmsPatient = Awaited<ReturnType<typeof patientWithSms>>;
type PlainPatient = Awaited<ReturnType<TestRuntime['createPatient']>>;

export interface LowEndContext {
  world: BrowserWorld;
  /** SMS limits as in production, nearly: a 30 s cooldown and two SMS per account per hour. */
  strict: BrowserWorld;
  patients: { cooldown: SmsPatient; capped: SmsPatient; copier: PlainPatient; lynx: Awaited<ReturnType<typeof patientWithApp>> };
  newPatient(baseURL: string, settings?: BrowserSettings): Promise<Patient>;
}

export const STRICT_SMS_LIMITS = { SMS_RESEND_COOLDOWN_SECONDS: '30', SMS_MAX_PER_ACCOUNT_PER_HOUR: '2' };

const CLOCK_TIME = '\\d\\d:\\d\\d';

export function defineLowEndChecks(get: () => LowEndContext): void {
  const phone = (baseURL: string, settings: BrowserSettings = {}) => get().newPatient(baseURL, { viewport: PHONE_VIEWPORT, ...settings });

  /** The first screen of a phone shows the whole main heading, without scrolling. */
  async function expectHeadingInFirstScreen(p: Patient, what: string): Promise<void> {
    const box = await p.page.getByRole('heading', { level: 1 }).boundingBox();
    expect(box, `${what}: a main heading`).not.to.equal(null);
    expect(box!.y + box!.height, `${what}: bottom of the heading at 320×568`).to.be.at.most(PHONE_VIEWPORT.height);
  }

  /** Information on the page, not an error: no summary, no field marked wrong. */
  async function expectNoErrorState(p: Patient, what: string): Promise<void> {
    expect(await p.errors(), `${what}: error summary`).to.deep.equal([]);
    expect(await p.page.locator('[aria-invalid="true"], .field-error').count(), `${what}: fields in error`).to.equal(0);
    expect(await p.page.title(), what).not.to.match(/^Fout/);
  }

  async function passwordStep(p: Patient, patient: { email: string; password: string }, name: string) {
    await p.visit('/inloggen', `Inloggen (${name})`);
    await p.fill('E-mailadres', patient.email);
    await p.fill('Wachtwoord', patient.password);
    const page = await p.press('Log in', name);
    expect(p.path()).to.equal('/inloggen/code');
    return page;
  }

  describe('what patients meet in low-end browsers and on phones', () => {
    it('says no new code was sent when the last one came a moment ago, without an error, and when to ask again', async () => {
      const { strict } = get();
      const patient = get().patients.cooldown;
      const p = await phone(strict.baseURL);
      await passwordStep(p, patient, 'Inloggen (stap 2): code (telefoon)');
      await expectHeadingInFirstScreen(p, 'code page');
      expect(await p.text()).to.match(new RegExp(`De code is geldig tot ${CLOCK_TIME}\\.`));
      await p.fill('Verificatiecode', lastCode(strict.vonage));
      await p.press('Verifiëren', 'Werkblad (telefoon)');
      await p.press('Uitloggen', 'Inloggen: uitgelogd (telefoon)');

      // Signing in again within the cooldown: the code of a moment ago is used, no new one went out.
      const sent = strict.vonage.messages.length;
      const page = await passwordStep(p, patient, 'Inloggen (stap 2): geen nieuwe code, net al gestuurd');
      expect(page.status).to.equal(200);
      await expectNoErrorState(p, 'cooldown');
      expect(strict.vonage.messages.length).to.equal(sent);
      const text = await p.text();
      expect(text).to.match(new RegExp(`We hebben geen nieuwe code gestuurd, want je hebt net al een code gekregen\\. Die code werkt niet meer\\. Je kunt om ${CLOCK_TIME} een nieuwe code aanvragen met 'Stuur nieuwe code'\\.`));
      expect(text).not.to.include('We hebben een 6-cijferige verificatiecode');
      expect(await p.button('Stuur nieuwe code').count()).to.equal(1);

      // Asking anyway, before the time: still no error, and the page says that none was sent, and when.
      await p.press('Stuur nieuwe code', 'Inloggen (stap 2): nieuwe code te vroeg gevraagd');
      await expectNoErrorState(p, 'resend too soon');
      expect(await p.page.locator('.warning').innerText()).to.match(
        new RegExp(`^We hebben geen nieuwe code gestuurd, want je hebt net al een code gekregen\\. Die code werkt niet meer\\. Je kunt om ${CLOCK_TIME} een nieuwe code aanvragen met 'Stuur nieuwe code'\\.$`),
      );
      expect(strict.vonage.messages.length).to.equal(sent);

      // Forced colours (Windows high contrast): a button that looks like a link takes the link colour.
      await p.page.emulateMedia({ forcedColors: 'active' });
      const colour = (selector: string) => p.page.evaluate(colourOf(selector)) as Promise<string>;
      const linkColour = await colour('a[href="/inloggen/herstelcode"]');
      expect(await colour('form[action="/inloggen/code/nieuwe-code"] .link-button'), 'Stuur nieuwe code').to.equal(linkColour);
      expect(await colour('form.cancel .link-button'), 'Stoppen met inloggen').to.equal(linkColour);
      expect(linkColour, 'forced colours are in effect').not.to.equal(await colour('h1'));
    });

    it('says no SMS can come while the hourly limit holds, until when, and offers the recovery code first', async () => {
      const { strict } = get();
      const patient = get().patients.capped;
      const p = await phone(strict.baseURL);
      for (const time of ['1', '2']) { // the two SMS of the hour
        await passwordStep(p, patient, `Inloggen (stap 2): code ${time}, voor de limiet`);
        await p.press('Stoppen met inloggen', `Inloggen (gestopt ${time}, voor de limiet)`);
        await strict.rt.db('rate_limits').where('key', 'like', 'sms_cooldown%').delete(); // past the cooldown, not the hour
      }

      const sent = strict.vonage.messages.length;
      const page = await passwordStep(p, patient, 'Inloggen (stap 2): SMS-limiet bereikt');
      expect(page.status).to.equal(200);
      expect(strict.vonage.messages.length).to.equal(sent);
      await expectNoErrorState(p, 'capped');
      await expectHeadingInFirstScreen(p, 'capped code page');
      const text = await p.text();
      expect(text).to.match(new RegExp(`We sturen je nu geen SMS meer, want er zijn het afgelopen uur al veel codes naar je gestuurd\\. Je kunt om ${CLOCK_TIME} weer een code aanvragen\\. Gebruik intussen een herstelcode`));
      expect(text, 'the code sent before still works, and the page says until when').to.match(new RegExp(`De code is geldig tot ${CLOCK_TIME}\\.`));
      expect(await p.button('Stuur nieuwe code').count(), 'no resend while no SMS can come').to.equal(0);
      const recoveryAt = page.html.indexOf('<a class="button" href="/inloggen/herstelcode"');
      expect(recoveryAt, 'the recovery code as a button').to.be.greaterThan(-1);
      expect(recoveryAt, 'the recovery code before the code field').to.be.lessThan(page.html.indexOf('name="code"'));

      // A wrong recovery code is a secret too: never shown again.
      await p.follow('Gebruik een herstelcode', 'Inloggen met herstelcode (limiet)');
      await p.fill('Herstelcode', '1234567890');
      await p.press('Verifiëren', 'Inloggen met herstelcode: verkeerd');
      expect(await p.errors()).to.deep.equal(['Deze herstelcode klopt niet of is al gebruikt.']);
      expect(await p.field('Herstelcode').inputValue()).to.equal('');
      expect(await p.page.content()).not.to.include('1234567890');
      await p.fill('Herstelcode', patient.recoveryCodes[0]!);
      await p.press('Verifiëren', 'Herstelcode gebruikt (limiet)');
      expect(await p.heading()).to.equal('Je hebt een herstelcode gebruikt');
    });

    it('copies the recovery codes with JavaScript on a phone, with the wizard heading in the first screen', async () => {
      const { world } = get();
      const patient = get().patients.copier;
      const p = await phone(world.baseURL, { javaScript: true });
      await p.visit('/inloggen', 'Inloggen (kopiëren)');
      await p.fill('E-mailadres', patient.email);
      await p.fill('Wachtwoord', patient.password);
      await p.press('Log in', 'Werkblad (kopiëren)');
      await p.visit('/account/twee-stappen/instellen', 'Bevestig dat jij het bent (kopiëren)');
      await p.fill('Wachtwoord', patient.password);
      await p.press('Bevestigen', 'Wizard 1: methode (telefoon)');
      expect(await p.heading()).to.equal('1. Kies hoe je de code wilt ontvangen');
      await expectHeadingInFirstScreen(p, 'wizard step 1');
      await p.choose('Via een authenticatie-app');
      await p.press('Verder', 'Wizard 2 (app): koppelen (telefoon)');
      await expectHeadingInFirstScreen(p, 'wizard step 2');
      const secret = (await p.page.locator('.totp-key').innerText()).replace(/\s/g, '');
      await p.press('Verder', 'Wizard 3 (app): verificatie (telefoon)');
      await expectHeadingInFirstScreen(p, 'wizard step 3');
      await p.fill('Verificatiecode', appCode(secret, world.rt.clock.now()));
      await p.press('Verifiëren', 'Wizard 4: herstelcodes (telefoon, JavaScript)');
      await expectHeadingInFirstScreen(p, 'wizard step 4');

      const codes = (await p.page.locator('.recovery-codes code').allInnerTexts()).map((c) => c.trim());
      expect(codes).to.have.length(10);
      const actions = p.page.locator('.recovery-actions li');
      expect((await actions.allInnerTexts()).map((t) => t.trim())).to.deep.equal(['Print herstelcodes', 'Kopieer herstelcodes', 'Download herstelcodes']);
      await p.button('Kopieer herstelcodes').click();
      await p.page.locator('#copy-status', { hasText: 'De herstelcodes zijn gekopieerd.' }).waitFor();
      expect(await p.page.evaluate('navigator.clipboard.readText()')).to.equal(codes.join('\n'));
    });

    it('signs in with the text browser Lynx: its forms sent as Lynx sends them, a wrong password first, then the password and the app code; refusing cookies, it is told so', async () => {
      const { baseURL } = get().world;
      const patient = get().patients.lynx;
      const toEmail = downsTo(await (await fetch(`${baseURL}/inloggen`)).text(), 'email');
      const form = (password: string) => [...downs(toEmail), patient.email, DOWN, password, DOWN, ENTER];

      const refused = await lynxSession(`${baseURL}/inloggen`, form('niet-mijn-wachtwoord'));
      expect(refused).to.include('Het e-mailadres of wachtwoord klopt niet');

      // The code page's links and fields, as the server sends them to a half-signed-in browser.
      const agent = get().world.rt.agent();
      const codePath = (await signIn(agent, patient.email, patient.password)).headers.location as string;
      const toCode = downsTo((await agent.get(codePath)).text, 'code');
      const code = appCode(patient.secret, get().world.rt.clock.now());
      const signedIn = await lynxSession(`${baseURL}/inloggen`, [...form(patient.password), ...downs(toCode), code, DOWN, ENTER]);
      expect(signedIn).to.include('Klik op een opdracht of pakket om deze te openen.');
      const events = await get().world.rt.services.audit.listForUser(patient.id);
      expect(events.filter((e) => e.type === 'sign_in').map((e) => e.details?.method), 'signed in once, with the app').to.deep.equal(['totp']);

      // Set to refuse cookies (Dillo's default): told so, not that the form expired.
      const refusing = await lynxSession(`${baseURL}/inloggen`, form(patient.password), { cookies: false });
      expect(refusing.replace(/\s+/g, ' ')).to.include('Je browser bewaart geen cookies van deze site, daarom ben je niet ingelogd.');
    });

    it('shows Dutch to a browser that asks for English, until the patient chooses English', async () => {
      const p = await get().newPatient(get().world.baseURL, { locale: 'en-GB' });
      const page = await p.visit('/inloggen', 'Inloggen (browser vraagt Engels)');
      expect(await p.page.evaluate('navigator.language')).to.equal('en-GB');
      expect(await p.page.locator('html').getAttribute('lang')).to.equal('nl');
      expect(await p.heading()).to.equal('Inloggen');
      expect(page.html).not.to.include('Sign in');

      const text = await w3mFetch(`${get().world.baseURL}/inloggen`, 'en-GB,en;q=0.9');
      expect(text.split('\n')[0]).to.equal('Naar de inhoud');
      expect(text).to.match(/^Inloggen$/m).and.not.to.match(/Sign in/);
    });
  });
}
