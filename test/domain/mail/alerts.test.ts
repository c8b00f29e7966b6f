import { expect } from 'chai';
import type { Request } from 'express';
import type supertest from 'supertest';
import { resetTwoFactor } from '../../../src/cli/two-factor-commands';
import { resetPassword } from '../../../src/cli/user-commands';
import { createAnnounce } from '../../../src/features/two-factor-manage/announce';
import type { AuthLevels } from '../../../src/http/auth-level';
import { csrfTokenOf, signIn, submitForm } from '../../support/forms';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../support/smtp-server';
import { appCode, keyFromPage, STEP_MS } from '../../support/totp';
import { confirmPassword, enableSmsTwoFactor, enterRecoveryCode, enterSignInCode, lastCode, passwordStep, pastSmsCooldown, patientWithSms, recoveryCodesIn, SmsWorld, startSmsWorld } from '../../support/two-factor';

const BASE = '/account/twee-stappen';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const HELPDESK = '030 – 737 0323';
// The test clock starts at 13:00 UTC on 25 November 2026: 14:00 in Amsterdam.
const WHEN_NL = /Wanneer: 25 november 2026 om 1\d:\d\d/;

/**
 * Every security change reaches the patient's mailbox (issue 16): through the real journeys, the
 * real mail worker and nodemailer, to a real SMTP server. Each alert says what changed, when,
 * from which browser and network, and what to do if it was not them; none holds a secret used on
 * the way there (codes, recovery codes, the app's key, passwords, full phone numbers).
 */
describe('security alerts by e-mail (issue 16)', function () {
  this.timeout(120_000);
  let smtp: TestSmtpServer;
  let world: SmsWorld;

  beforeEach(async () => {
    smtp = await startSmtpServer();
    world = await startSmsWorld({
      SMS_RESEND_COOLDOWN_SECONDS: '1',
      SMS_MAX_PER_ACCOUNT_PER_HOUR: '100',
      SECOND_STEP_MAX_FAILURES: '3',
      MAIL_PROVIDER: 'smtp',
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Karify <noreply@kliniek.example>',
      MAIL_POLL_SECONDS: '3600', // the test sends the outbox itself
    });
  });
  afterEach(async () => {
    await world.close();
    await smtp.stop();
  });

  const deliver = () => world.rt.services.mailWorker.runOnce();
  /** The mails that arrived since `from`, after sending the outbox. */
  async function mailsSince(from: number): Promise<ReceivedMail[]> {
    await deliver();
    return smtp.messages.slice(from);
  }

  function browser(): supertest.Agent {
    return world.rt.agent().set('User-Agent', FIREFOX);
  }

  /** Every way a secret could be written: as used, without spaces, and a phone number in each form. */
  function forms(secret: string): string[] {
    const plain = secret.replace(/\s/g, '');
    const national = plain.startsWith('+31') ? [`0${plain.slice(3)}`, plain.slice(3), plain.slice(1)] : [];
    return [secret, plain, ...national];
  }

  function expectNoSecret(mail: ReceivedMail, secrets: string[]): void {
    const text = `${mail.subject}\n${mail.text}\n${mail.raw}`;
    const squeezed = text.replace(/\s/g, '');
    for (const secret of secrets.flatMap(forms)) {
      expect(text.includes(secret) || squeezed.includes(secret.replace(/\s/g, '')), `"${secret}" in the mail "${mail.subject}"`).to.equal(false);
    }
  }

  it('e-mails every kind of change once, in plain Dutch, with time, browser, network and the helpdesk, and no secret', async function () {
    const { rt, vonage } = world;
    const password = 'paarse-olifant-wandelt';
    const newPassword = 'blauwe-tulp-fietst-7';
    const patient = await rt.createPatient({ email: 'anna@example.nl', name: 'Anna de Vries', password });
    const secrets: string[] = [password, newPassword, '+31612345678', '+31687654321', '+31623456789'];
    const smsCodes = () => vonage.messages.map((m) => /\b(\d{6})\b/.exec(m.text)![1]!);
    const expected: Array<[string, RegExp]> = [];
    const agent = browser();
    const nextAction = () => rt.clock.advanceMinutes(11); // each change asks for a fresh confirmation

    // Two-step on, by SMS, through the wizard
    expect((await signIn(agent, patient.email, password)).headers.location).to.equal('/werkblad');
    await confirmPassword(agent, password);
    const firstCodes = await enableSmsTwoFactor(agent, vonage, '06 12345678');
    secrets.push(...firstCodes);
    expected.push(['Authenticatie in twee stappen is ingeschakeld', /Voortaan log je in met je wachtwoord en een code via SMS\./]);

    const confirm = async (returnTo: string, pass = password) => {
      const page = `/account/bevestigen?terug=${encodeURIComponent(returnTo)}`;
      await pastSmsCooldown();
      await submitForm(agent, page, { terug: returnTo }, '/account/bevestigen/code');
      const done = await submitForm(agent, page, { terug: returnTo, password: pass, code: lastCode(vonage) }, '/account/bevestigen');
      expect(done.headers.location, done.text.slice(0, 300)).to.equal(returnTo);
    };

    // The password
    nextAction();
    await confirm('/account/wachtwoord');
    expect((await submitForm(agent, '/account/wachtwoord', { newPassword, repeatPassword: newPassword })).status).to.equal(302);
    expected.push(['Je wachtwoord is gewijzigd', /Het wachtwoord van je Karify account is gewijzigd\./]);

    // The phone number
    nextAction();
    const phonePath = `${BASE}/telefoonnummer-wijzigen`;
    await confirm(phonePath, newPassword);
    await pastSmsCooldown();
    expect((await submitForm(agent, phonePath, { country: 'NL', phone: '06 87654321' })).headers.location).to.equal(`${phonePath}/verificatie`);
    expect((await submitForm(agent, `${phonePath}/verificatie`, { code: lastCode(vonage) })).status).to.equal(302);
    expected.push(['Je telefoonnummer voor inloggen is gewijzigd', /De codes gaan nu naar \+31 6 ••••••21\./]);

    // New recovery codes
    nextAction();
    await confirm(`${BASE}/herstelcodes/nieuw`, newPassword);
    expect((await submitForm(agent, `${BASE}/herstelcodes/nieuw`, {})).headers.location).to.equal(`${BASE}/herstelcodes`);
    const newCodes = recoveryCodesIn((await agent.get(`${BASE}/herstelcodes`)).text);
    expect(newCodes).to.have.length(10);
    secrets.push(...newCodes);
    await submitForm(agent, `${BASE}/herstelcodes`, {});
    expected.push(['Er zijn nieuwe herstelcodes gemaakt', /Je oude herstelcodes werken niet meer\./]);

    // To the app, and back to SMS on a third number
    nextAction();
    const appPath = `${BASE}/overstappen/app`;
    await confirm(appPath, newPassword);
    await submitForm(agent, appPath, {});
    const secret = keyFromPage((await agent.get(`${appPath}/koppelen`)).text);
    const pairingCode = appCode(secret, rt.clock.now());
    secrets.push(secret, pairingCode);
    expect((await submitForm(agent, `${appPath}/koppelen`, { code: pairingCode })).headers.location).to.equal(`${BASE}`);
    expected.push(['Je manier van inloggen is gewijzigd', /Je gebruikt nu een authenticatie-app\./]);

    nextAction();
    rt.clock.advance(STEP_MS);
    const smsPath = `${BASE}/overstappen/sms`;
    const confirmCode = appCode(secret, rt.clock.now());
    secrets.push(confirmCode);
    const confirmPage = `/account/bevestigen?terug=${encodeURIComponent(smsPath)}`;
    expect((await submitForm(agent, confirmPage, { terug: smsPath, password: newPassword, code: confirmCode }, '/account/bevestigen')).headers.location).to.equal(smsPath);
    await pastSmsCooldown();
    await submitForm(agent, smsPath, { country: 'NL', phone: '06 23456789' });
    expect((await submitForm(agent, `${smsPath}/verificatie`, { code: lastCode(vonage) })).headers.location).to.equal(`${BASE}`);
    expected.push(['Je manier van inloggen is gewijzigd', /Je gebruikt nu een code via SMS\./]);

    // A recovery code to sign in, in another browser
    const other = browser();
    await pastSmsCooldown();
    await passwordStep(other, patient.email, newPassword);
    expect((await enterRecoveryCode(other, newCodes[0]!)).status).to.equal(302);
    expected.push(['Er is een herstelcode gebruikt', /Die code werkt nu niet meer\. Je hebt er nog 9 over\./]);

    // Wrong codes until the second step locks
    const intruder = browser();
    await pastSmsCooldown();
    await passwordStep(intruder, patient.email, newPassword);
    const wrong = lastCode(vonage) === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i += 1) await enterSignInCode(intruder, wrong);
    expected.push(['Te vaak een verkeerde code ingevuld voor je Karify account', /Daarom kan tot 1\d:\d\d CET niemand inloggen\.[\s\S]*iemand anders misschien je wachtwoord/]);

    // Two-step off
    nextAction();
    rt.clock.advanceMinutes(15); // past the lock
    await confirm(`${BASE}/uitzetten`, newPassword);
    expect((await submitForm(agent, `${BASE}/uitzetten`, {})).headers.location).to.equal(`${BASE}`);
    expected.push(['Authenticatie in twee stappen is uitgeschakeld', /Je logt nu in met alleen je wachtwoord\./]);

    // On again, and reset by the clinic
    nextAction();
    const agentAgain = browser();
    expect((await signIn(agentAgain, patient.email, newPassword)).headers.location).to.equal('/werkblad');
    await confirmPassword(agentAgain, newPassword);
    await pastSmsCooldown();
    secrets.push(...(await enableSmsTwoFactor(agentAgain, vonage, '06 12345678')));
    expected.push(['Authenticatie in twee stappen is ingeschakeld', /een code via SMS/]);
    const reason = 'Telefoon en codes kwijt; paspoort NLX7Q4711 gezien';
    const temporary = 'k7mq-2x9d-hh4p-wq3e-8ntz';
    const commandEnv = {
      services: async () => rt.services, timeZone: 'Europe/Amsterdam', siteOrigin: 'http://localhost:3000', twoFactorRequired: false, staffOneTimePasswordDays: 7, patientOneTimePasswordDays: 7, print: () => undefined, readNewPassword: async () => temporary,
    };
    await resetTwoFactor.run({ email: patient.email, reason }, commandEnv);
    expected.push(['Je zorgaanbieder heeft authenticatie in twee stappen uitgezet', /Door: je zorgaanbieder[\s\S]*Heb jij hier niet om gevraagd\?/]);
    // The password forgotten: a temporary one, never in the mail; the old one no longer works, so no "change it" advice.
    await resetPassword.run({ email: patient.email, reason }, commandEnv);
    expected.push(['Je zorgaanbieder heeft je een tijdelijk wachtwoord gegeven', /Je oude wachtwoord werkt niet meer[\s\S]*Door: je zorgaanbieder[\s\S]*Heb jij hier niet om gevraagd\? Bel dan direct de helpdesk/]);
    secrets.push(reason, 'NLX7Q4711', temporary); // distinct enough that a random Message-ID or boundary never holds it
    secrets.push(...smsCodes());

    const mails = await mailsSince(0);
    expect(mails.map((m) => m.subject)).to.deep.equal(expected.map(([subject]) => subject));
    for (const [i, mail] of mails.entries()) {
      const [subject, body] = expected[i]!;
      expect(mail.to, subject).to.deep.equal(['anna@example.nl']);
      expect(mail.text, subject).to.match(/^Beste Anna de Vries,\n/).and.match(body).and.match(WHEN_NL).and.include(HELPDESK);
      if (subject.startsWith('Je zorgaanbieder')) {
        expect(mail.text).not.to.include('Browser');
      } else {
        expect(mail.text, subject).to.include('Browser: Firefox op Windows').and.match(/IP-adres \(ingekort\): (127\.0\.0\.0|::)/);
      }
      expectNoSecret(mail, secrets);
    }
    expect(await mailsSince(mails.length), 'each change once').to.deep.equal([]);
  });

  it('writes the mail in the language the patient chose, kept on their account', async () => {
    const patient = await world.rt.createPatient({ name: 'Bea Jansen' });
    const agent = browser();
    expect((await signIn(agent, patient.email, patient.password)).headers.location).to.equal('/werkblad');
    const choose = await agent.get('/taal/en?terug=/account');
    expect(choose.headers.location).to.equal('/account');
    await agent.get('/account'); // the page the link leads back to keeps the choice
    expect((await world.rt.services.users.findById(patient.id))!.language).to.equal('en');
    await confirmPassword(agent, patient.password, '/account/wachtwoord');
    await submitForm(agent, '/account/wachtwoord', { newPassword: 'blauwe-tulp-fietst-7', repeatPassword: 'blauwe-tulp-fietst-7' });

    const [mail] = await mailsSince(0);
    expect(mail!.subject).to.equal('Your password has been changed');
    expect(mail!.text).to.match(/^Dear Bea Jansen,\n/).and.match(/When: 25 November 2026 at 1\d:\d\d/).and.include('Browser used: Firefox on Windows').and.include(HELPDESK);
  });

  it('keeps a choice made before signing in, and Dutch for a patient who never chose', async () => {
    const chose = await world.rt.createPatient();
    const never = await world.rt.createPatient();
    const agent = browser();
    await agent.get('/taal/en?terug=/inloggen');
    await signIn(agent, chose.email, chose.password);
    await agent.get('/werkblad');
    expect((await world.rt.services.users.findById(chose.id))!.language).to.equal('en');
    const dutch = browser().set('Accept-Language', 'en');
    await signIn(dutch, never.email, never.password);
    await dutch.get('/werkblad');
    expect((await world.rt.services.users.findById(never.id))!.language, 'a browser preference is no choice').to.equal('nl');
  });

  it('writes an alert of the second step in the language chosen before it (a recovery code used), also chosen on its page', async () => {
    const patient = await patientWithSms(world.rt);
    await world.rt.services.users.setLanguage(patient.id, 'en'); // chosen in an earlier session
    const dutch = browser();
    await dutch.get('/taal/nl?terug=/inloggen');
    await passwordStep(dutch, patient.email, patient.password);
    await dutch.get('/inloggen/code');
    expect((await enterRecoveryCode(dutch, patient.recoveryCodes[0]!)).status).to.equal(302);
    expect((await mailsSince(0)).map((mail) => mail.subject), 'chosen before the password').to.deep.equal(['Er is een herstelcode gebruikt']);

    const english = browser();
    await passwordStep(english, patient.email, patient.password);
    await english.get('/taal/en?terug=/inloggen/code');
    await english.get('/inloggen/code');
    expect((await enterRecoveryCode(english, patient.recoveryCodes[1]!)).status).to.equal(302);
    expect((await mailsSince(1)).map((mail) => mail.subject), 'chosen on the second step\'s page').to.deep.equal(['A recovery code was used']);
  });

  it('keeps only a choice made on this site: not a language cookie left on a shared computer, nor a link from another site', async () => {
    const patient = await world.rt.createPatient();
    const shared = browser().set('Cookie', 'karify.lang=en'); // someone else chose English on this computer
    await signIn(shared, patient.email, patient.password);
    expect((await shared.get('/werkblad')).text, 'the pages follow the browser').to.include('<html lang="en">');
    expect((await world.rt.services.users.findById(patient.id))!.language, 'the account keeps its language').to.equal('nl');

    const agent = browser();
    await signIn(agent, patient.email, patient.password);
    await agent.get('/taal/en?terug=/werkblad').set('Sec-Fetch-Site', 'cross-site');
    await agent.get('/werkblad');
    expect((await world.rt.services.users.findById(patient.id))!.language, 'a link from another site').to.equal('nl');
    await agent.get('/taal/en?terug=/werkblad').set('Sec-Fetch-Site', 'same-origin');
    await agent.get('/werkblad');
    expect((await world.rt.services.users.findById(patient.id))!.language, 'the footer link').to.equal('en');
  });

  it('lets the change succeed while the SMTP server is down, and delivers the mail once it is back', async () => {
    const patient = await world.rt.createPatient();
    const agent = browser();
    await signIn(agent, patient.email, patient.password);
    await confirmPassword(agent, patient.password, '/account/wachtwoord');
    await smtp.down();
    const changed = await submitForm(agent, '/account/wachtwoord', { newPassword: 'blauwe-tulp-fietst-7', repeatPassword: 'blauwe-tulp-fietst-7' });
    expect(changed.headers.location).to.equal('/account/wachtwoord');
    expect(await deliver()).to.deep.equal({ sent: 0, retried: 1, failed: 0 });
    expect((await signIn(browser(), patient.email, 'blauwe-tulp-fietst-7')).headers.location, 'the change stands').to.equal('/werkblad');

    await smtp.up();
    world.rt.clock.advanceMinutes(1);
    const [mail] = await mailsSince(0);
    expect(mail!.subject).to.equal('Je wachtwoord is gewijzigd');
    expect(smtp.messages).to.have.length(1);
  });

  it('announces a change made twice at once (a double click on turning off) once', async () => {
    const patient = await patientWithSms(world.rt);
    const agent = browser();
    await pastSmsCooldown();
    await passwordStep(agent, patient.email, patient.password);
    await enterSignInCode(agent, lastCode(world.vonage));
    const turnOff = `${BASE}/uitzetten`;
    const page = `/account/bevestigen?terug=${encodeURIComponent(turnOff)}`;
    expect((await submitForm(agent, page, { terug: turnOff, password: patient.password, code: patient.recoveryCodes[0]! }, '/account/bevestigen')).headers.location).to.equal(turnOff);
    const form = csrfTokenOf((await agent.get(turnOff)).text);
    const clicks = await Promise.all([1, 2].map(() => agent.post(turnOff).type('form').send({ _csrf: form })));
    // The second click may find the session renewed by the first (a new CSRF token): refused, changing nothing.
    expect(clicks.map((r) => r.status)).to.include(302).and.satisfy((statuses: number[]) => statuses.every((s) => s === 302 || s === 403));
    const subjects = (await mailsSince(0)).map((m) => m.subject);
    expect(subjects.filter((s) => s === 'Authenticatie in twee stappen is uitgeschakeld')).to.have.length(1);
    expect((await world.rt.services.messages.listForUser(patient.id)).filter((m) => m.kind === 'two_factor_disabled')).to.have.length(1);
  });

  it('announces nothing, and ends no session, when the change finds nothing to change', async () => {
    const { rt } = world;
    const patient = await rt.createPatient();
    const auth = { endOtherSessions: async () => expect.fail('no session may end') } as unknown as AuthLevels;
    const announce = createAnnounce({ inTransaction: rt.services.inTransaction, users: rt.services.users, auth });
    const req = { user: patient, ip: '203.0.113.1', get: () => FIREFOX } as unknown as Request;
    expect(await announce(req, 'two_factor_disabled', (stores) => stores.twoFactor.disable(patient.id))).to.equal(false);
    expect(await rt.services.audit.listForUser(patient.id)).to.deep.equal([]);
    expect(await mailsSince(0)).to.deep.equal([]);
  });

  it('shows the patient their e-mail address on Mijn account', async () => {
    const patient = await world.rt.createPatient({ email: 'cas.de.vries@example.nl' });
    const agent = browser();
    await signIn(agent, patient.email, patient.password);
    const page = await agent.get('/account');
    expect(page.text).to.include('E-mailadres: <strong>cas.de.vries@example.nl</strong>');
    expect(page.text).to.include('Bij elke wijziging in de beveiliging van je account sturen we een e-mail naar dit adres.');
  });
});
