import { expect } from 'chai';
import type supertest from 'supertest';
import { csrfTokenOf, submitForm } from '../../support/forms';
import { lastCode, lockSecondStep, pastSmsCooldown, patientWithSms, SmsWorld, startSmsWorld, confirmWithSms, signedInWithSms } from '../../support/two-factor';
import { twoFactorRow } from '../../support/two-factor-row';

type Patient = Awaited<ReturnType<typeof patientWithSms>>;
const BASE = '/account/twee-stappen';

describe('fresh confirmation before changes (J6)', () => {
  let world: SmsWorld;
  let patient: Patient;
  beforeEach(async () => {
    world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1' });
    patient = await patientWithSms(world.rt);
  });
  afterEach(() => world.close());

  const fullySignedIn = () => signedInWithSms(world, patient);
  const confirm = (agent: supertest.Agent, returnTo: string, password = patient.password) => confirmWithSms(world, agent, returnTo, password);

  it('asks for a fresh confirmation before every action, and changes nothing without it', async () => {
    const agent = await fullySignedIn();
    for (const path of [`${BASE}/telefoonnummer-wijzigen`, `${BASE}/herstelcodes/nieuw`, `${BASE}/uitzetten`, '/account/wachtwoord']) {
      const res = await agent.get(path);
      expect(res.headers.location, path).to.equal(`/account/bevestigen?terug=${encodeURIComponent(path)}`);
      const page = await agent.get(res.headers.location!);
      expect(page.text, `the help (J7) on ${res.headers.location}`).to.match(/<h2 id="help-title">Is het niet gelukt\?<\/h2>[\s\S]*href="\/hulp\/vragenformulier"/);
      const post = await submitForm(agent, BASE, { newPassword: 'x', country: 'NL', phone: '0687654321' }, path);
      expect(post.headers.location, `POST ${path}`).to.match(/^\/account\/bevestigen\?terug=/);
    }
    const row = await twoFactorRow(world.rt.db, patient.id);
    expect(row.two_factor_method).to.equal('sms');
    expect(await world.rt.services.recoveryCodes.countRemaining(patient.id)).to.equal(10);
  });

  it('refuses a wrong password or a wrong code on the confirmation page', async () => {
    const agent = await fullySignedIn();
    const wrongPassword = await confirm(agent, `${BASE}/uitzetten`, 'not-my-password-1');
    expect(wrongPassword.status).to.equal(400);
    expect(wrongPassword.text).to.include('Dit wachtwoord klopt niet');
    const page = `/account/bevestigen?terug=${encodeURIComponent(`${BASE}/uitzetten`)}`;
    const wrongCode = await submitForm(agent, page, { password: patient.password, code: '000001' }, '/account/bevestigen');
    expect(wrongCode.status).to.equal(400);
    expect(wrongCode.text).to.match(/Deze code klopt niet|Er is geen geldige code/);
    const wrongRecovery = await submitForm(agent, page, { password: patient.password, code: '1234567890' }, '/account/bevestigen');
    expect(wrongRecovery.text).to.include('Deze herstelcode klopt niet of is al gebruikt');
    expect(wrongRecovery.text, 'a recovery code is a secret: not shown again').not.to.include('1234567890');
    expect((await agent.get(`${BASE}/uitzetten`)).status).to.equal(302);
  });

  it('says at once what is missing or cannot be a code, in both fields; the code itself is checked only after a right password', async () => {
    const agent = await fullySignedIn();
    const path = `${BASE}/uitzetten`;
    const page = `/account/bevestigen?terug=${encodeURIComponent(path)}`;
    const summary = (html: string) => [...html.matchAll(/<li><a href="#(\w+)">([^<]+)<\/a><\/li>/g)].map((m) => `#${m[1]} ${m[2]}`);

    const empty = await submitForm(agent, page, { terug: path, password: '', code: '' }, '/account/bevestigen');
    expect(empty.status).to.equal(400);
    expect(summary(empty.text)).to.deep.equal(['#password Vul je wachtwoord in.', '#code Vul de verificatiecode in.']);
    const noPassword = await submitForm(agent, page, { terug: path, password: '', code: '12' }, '/account/bevestigen');
    expect(summary(noPassword.text)).to.deep.equal(['#password Vul je wachtwoord in.', '#code Vul de 6 cijfers uit de SMS in, of een herstelcode van 10 cijfers.']);
    // The password is checked as before, so a wrong one is said together with the missing code.
    const wrongAndEmpty = await submitForm(agent, page, { terug: path, password: 'not-my-password-1', code: '' }, '/account/bevestigen');
    expect(summary(wrongAndEmpty.text)).to.deep.equal(['#password Dit wachtwoord klopt niet.', '#code Vul de verificatiecode in.']);
    const rightButEmpty = await submitForm(agent, page, { terug: path, password: patient.password, code: '' }, '/account/bevestigen');
    expect(summary(rightButEmpty.text)).to.deep.equal(['#code Vul de verificatiecode in.']);

    // A code that could be right waits for a right password: with a wrong one it is neither used nor counted.
    await pastSmsCooldown();
    await submitForm(agent, page, { terug: path }, '/account/bevestigen/code');
    const code = lastCode(world.vonage);
    const wrongPassword = await submitForm(agent, page, { terug: path, password: 'not-my-password-1', code }, '/account/bevestigen');
    expect(summary(wrongPassword.text)).to.deep.equal(['#password Dit wachtwoord klopt niet.']);
    expect(wrongPassword.text, 'the code, still good, is not written into the page').not.to.include(code);
    expect(wrongPassword.text).to.include('Je code is nog niet gebruikt. Vul de code opnieuw in.');
    expect((await world.rt.services.audit.listForUser(patient.id)).map((e) => e.type)).not.to.include('second_step_failed');
    expect((await submitForm(agent, page, { terug: path, password: patient.password, code }, '/account/bevestigen')).headers.location).to.equal(path);
  });

  it('accepts a recovery code instead of the SMS code, and the confirmation lasts 10 minutes', async () => {
    const agent = await fullySignedIn();
    const path = `${BASE}/uitzetten`;
    const page = `/account/bevestigen?terug=${encodeURIComponent(path)}`;
    const res = await submitForm(agent, page, { terug: path, password: patient.password, code: patient.recoveryCodes[3]! }, '/account/bevestigen');
    expect(res.headers.location).to.equal(path);
    expect((await agent.get(path)).status).to.equal(200);
    world.rt.clock.advanceMinutes(9); // activity keeps the session; the confirmation ages
    expect((await agent.get(path)).status).to.equal(200);
    world.rt.clock.advanceMinutes(2);
    const again = (await agent.get(path)).headers.location!;
    expect(again).to.match(/^\/account\/bevestigen/);
    const said = 'Het is te lang geleden dat je bevestigde dat jij het bent. Bevestig het daarom opnieuw.';
    expect((await agent.get(again)).text).to.include(said);
    expect((await agent.get(again)).text, 'said once').not.to.include(said);
    const neverConfirmed = await fullySignedIn();
    expect((await neverConfirmed.get((await neverConfirmed.get(path)).headers.location!)).text).not.to.include(said);
  });

  /** A new world with the real 30 seconds between SMS, a signed-in patient, and the confirmation page before turning two-step off. */
  async function withRealCooldown() {
    await world.close();
    world = await startSmsWorld();
    patient = await patientWithSms(world.rt);
    const path = `${BASE}/uitzetten`;
    return { agent: await fullySignedIn(), path, page: `/account/bevestigen?terug=${encodeURIComponent(path)}` };
  }

  it('says once that the code was sent, and why not when it was not: a notice, not an error on the code field', async () => {
    const { agent, path, page } = await withRealCooldown();
    const sent = await submitForm(agent, page, { terug: path }, '/account/bevestigen/code');
    expect(sent.headers.location).to.equal(page);
    const withCode = (await agent.get(page)).text;
    expect(withCode, 'the SMS code: a phone may fill it in').to.match(/<input id="code" name="code" type="text" value="" autocomplete="one-time-code"/);
    expect(withCode, 'the bullets hidden from screen readers, which say the number in words').to.include('We hebben een code gestuurd naar <span class="masked-phone-bullets" aria-hidden="true">+31 6 ••••••78</span><span class="masked-phone-words"> +31 6, eindigend op 78</span>.').and.match(/<p>De code is geldig tot \d\d:\d\d\.<\/p>/);
    expect(withCode, 'when another may be asked, read out with the button').to.match(/aria-describedby="resend-when">Stuur code naar [^\n]*<\/button>[\s\S]*<p class="hint" id="resend-when">Je kunt om \d\d:\d\d een nieuwe code aanvragen\.<\/p>/);
    const refreshed = (await agent.get(page)).text;
    expect(refreshed, 'a refresh does not say it again').not.to.include('We hebben een code gestuurd');
    expect(refreshed, 'but the code still works').to.match(/De code is geldig tot \d\d:\d\d\./);
    const tooSoon = await submitForm(agent, page, { terug: path }, '/account/bevestigen/code');
    expect(tooSoon.headers.location).to.equal(page);
    const notice = await agent.get(page);
    expect(notice.text).to.match(/<p class="warning" role="status">We hebben geen nieuwe code gestuurd, want je hebt net al een code gekregen\. Je kunt om \d\d:\d\d een nieuwe code aanvragen met &#39;Stuur code naar \+31 6 ••••••78&#39;\.<\/p>/);
    expect(notice.text).not.to.include('aria-invalid').and.not.include('We hebben een code gestuurd');
    expect(notice.text.split('een nieuwe code aanvragen').length, 'said once').to.equal(2);
    expect(world.vonage.messages).to.have.length(2); // signing in, and the first of these two
  });

  it('says that the earlier code no longer works when "Stuur code" within 30 seconds meets a code ended by wrong tries', async () => {
    const { agent, path, page } = await withRealCooldown();
    await submitForm(agent, page, { terug: path }, '/account/bevestigen/code');
    const wrong = lastCode(world.vonage) === '000001' ? '000002' : '000001';
    for (let i = 0; i < 5; i += 1) await submitForm(agent, page, { password: patient.password, code: wrong }, '/account/bevestigen');

    await submitForm(agent, page, { terug: path }, '/account/bevestigen/code');

    expect((await agent.get(page)).text).to.include('We hebben geen nieuwe code gestuurd, want je hebt net al een code gekregen. Die code werkt niet meer.');
  });

  it('names its own button, "Stuur code naar …", when there is no code to check', async () => {
    const agent = await fullySignedIn();
    const path = `${BASE}/uitzetten`;
    const page = `/account/bevestigen?terug=${encodeURIComponent(path)}`;
    const res = await submitForm(agent, page, { terug: path, password: patient.password, code: '123456' }, '/account/bevestigen');
    expect(res.status).to.equal(400);
    expect(res.text).to.include('Er is geen geldige code. Vraag een nieuwe code aan met &#39;Stuur code naar +31 6 ••••••78&#39;.');
    expect(res.text).not.to.include('Stuur nieuwe code');
  });

  it('says when SMS come again, not to ask a new code, while a cap refuses any', async () => {
    await world.close();
    world = await startSmsWorld({ SMS_MAX_PER_ACCOUNT_PER_HOUR: '1' }); // the sign-in's SMS fills it
    patient = await patientWithSms(world.rt);
    const agent = await fullySignedIn();
    const path = `${BASE}/uitzetten`;
    const page = `/account/bevestigen?terug=${encodeURIComponent(path)}`;
    const before = (await agent.get(page)).text;
    expect(before, 'no button that would be refused').not.to.include('Stuur code naar');
    expect(before).to.include('Vul ook een herstelcode in: een SMS met een code kunnen we je nu niet sturen.').and.not.include('met de knop hieronder');
    expect(before).to.match(/<p class="warning">Je kunt om \d\d:\d\d weer een code aanvragen\. Gebruik intussen een herstelcode, of bel de helpdesk via 030 – 737 0323\.<\/p>/);
    const res = await submitForm(agent, page, { terug: path, password: patient.password, code: '123456' }, '/account/bevestigen');
    expect(res.status).to.equal(400);
    expect(res.text).to.match(/Er is geen geldige code. Je kunt om \d\d:\d\d weer een code aanvragen. Gebruik intussen een herstelcode, of bel de helpdesk via 030 – 737 0323./);
    expect(res.text).not.to.include('Vraag een nieuwe code aan').and.not.include('Stuur code naar');
    expect(res.text.split('weer een code aanvragen').length, 'the cap said once, at the field and in the summary').to.be.at.most(3);
  });

  it('sends no code while the second step is locked, and says until when', async () => {
    const agent = await fullySignedIn();
    await pastSmsCooldown();
    const sent = world.vonage.messages.length;
    await lockSecondStep(world.rt, patient.id);
    const path = `${BASE}/uitzetten`;
    const page = `/account/bevestigen?terug=${encodeURIComponent(path)}`;
    expect((await submitForm(agent, page, { terug: path }, '/account/bevestigen/code')).headers.location).to.equal(page);
    const notice = (await agent.get(page)).text;
    expect(notice).to.match(/We sturen nu geen SMS, want er is te vaak een verkeerde code ingevuld\. Je kunt om \d\d:\d\d opnieuw een code aanvragen\./);
    expect(notice).not.to.include('We hebben een code gestuurd');
    expect(world.vonage.messages, 'no SMS').to.have.length(sent);
  });

  it('confirms under a new session id and CSRF secret: a copy of the cookie from before is not fresh', async () => {
    const agent = await fullySignedIn();
    const path = `${BASE}/uitzetten`;
    const sidOf = (cookies: string) => /karify\.sid=([^;]+)/.exec(cookies)?.[1];
    const before = await agent.get('/account');
    const copiedCookie = `karify.sid=${sidOf(String(before.request.cookies))}`;
    expect(sidOf(copiedCookie)).to.match(/^s%3A/);
    const oldToken = csrfTokenOf((await agent.get(`/account/bevestigen?terug=${encodeURIComponent(path)}`)).text);
    const confirmed = await confirm(agent, path);
    expect(confirmed.headers.location).to.equal(path);
    const newSid = sidOf(String(confirmed.headers['set-cookie']));
    expect(newSid, 'a new session id').to.be.a('string').and.not.equal(sidOf(copiedCookie));
    expect((await agent.get(path)).status).to.equal(200);
    // The copy from before the confirmation reaches nothing now.
    const copy = await world.rt.agent().get(path).set('Cookie', copiedCookie);
    expect(copy.headers.location).to.match(/^\/inloggen/);
    // A form of the page before the confirmation carries a token of the old secret: refused.
    const stale = await agent.post('/account/twee-stappen/uitzetten').type('form').send({ _csrf: oldToken });
    expect(stale.status).to.equal(403);
  });
});
