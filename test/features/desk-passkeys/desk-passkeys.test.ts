import { expect } from 'chai';
import type supertest from 'supertest';
import { createStaffMember, DESK, deskPasswordStep, deskToken, eachTestWithStaffSignedIn, identityOf, signInAtDesk, type TestStaffMember } from '../../support/desk';
import { csrfTokenOf, doubleClick, submitForm } from '../../support/forms';
import { askOptions, authenticatorFor, expectPasskeyFormForScriptOnly, patientWithPasskey } from '../../support/passkeys';
import type { TestRuntime } from '../../support/runtime';
import type { SoftAuthenticator } from '../../support/webauthn-authenticator';

const PAGE = `${DESK}/toegangssleutels`;
const CODE = `${DESK}/code`;

/** Issue 17: staff use two-step with the app or a passkey; a passkey here is an extra way beside the app. */
describe('desk: a staff member\'s passkeys', () => {
  let rt: TestRuntime;
  let member: TestStaffMember;
  let desk: supertest.Agent;
  eachTestWithStaffSignedIn((signedIn) => ({ rt, member, desk } = signedIn), { name: 'Anna Jansen' });

  const staffEvents = async (staffId: number) => (await rt.services.staffAudit.list({ limit: 100 })).filter((e) => e.staff?.id === staffId).map((e) => e.type);

  /** The password and an app code on the page, then a passkey made by `authenticator` as public/js/passkeys.js does. */
  async function addPasskey(agent: supertest.Agent, authenticator: SoftAuthenticator, name = 'Werklaptop') {
    expect((await submitForm(agent, PAGE, identityOf(rt, member), `${PAGE}/bevestigen`)).headers.location).to.equal(PAGE);
    const token = csrfTokenOf((await agent.get(PAGE)).text);
    const options = await askOptions(agent, `${PAGE}/toevoegen/opties`, token, { name });
    expect(options.status, options.text).to.equal(200);
    return agent.post(`${PAGE}/toevoegen`).type('form').send({ _csrf: token, name, credential: JSON.stringify(authenticator.create(options.body)) });
  }

  /** The password step, then the passkey's answer to the options of the code page. */
  async function secondStepWithPasskey(authenticator: SoftAuthenticator, agent = rt.agent()) {
    expect((await deskPasswordStep(agent, member)).headers.location).to.equal(CODE);
    const page = await agent.get(CODE);
    const token = csrfTokenOf(page.text);
    const options = await askOptions(agent, `${CODE}/toegangssleutel/opties`, token);
    const credential = options.status === 200 ? authenticator.get(options.body) : null;
    const res = credential ? await agent.post(`${CODE}/toegangssleutel`).type('form').send({ _csrf: token, credential: JSON.stringify(credential) }) : options;
    return { page, options, res, credential, token, agent };
  }

  it('asks for the password and a code from the app first (under the desk\'s throttle and the second step\'s lock), then lists, adds and removes passkeys, each in the Logboek', async () => {
    expect((await desk.get(`${DESK}/patienten`)).text).to.include(`<a href="${PAGE}">Toegangssleutels</a>`);
    const first = await desk.get(PAGE);
    expect(first.text).to.include('Vul eerst je wachtwoord en een code uit je app in.').and.not.include('data-passkey-register');
    const wrong = await submitForm(desk, PAGE, { ...identityOf(rt, member), currentPassword: 'niet-mijn-wachtwoord-1' }, `${PAGE}/bevestigen`);
    expect(wrong.status).to.equal(400);
    expect(wrong.text).to.include('<li><a href="#currentPassword">Je huidige wachtwoord klopt niet.</a></li>');
    expect((await desk.get(`${PAGE}/bevestigen`)).headers.location, 'the refused confirmation\'s address leads back to the page').to.equal(PAGE);
    const passwordOnly = await submitForm(desk, PAGE, { currentPassword: member.password }, `${PAGE}/bevestigen`);
    expect(passwordOnly.text, 'the password alone is not enough').to.include('<li><a href="#code">Vul de verificatiecode in.</a></li>');
    const wrongCode = await submitForm(desk, PAGE, { ...identityOf(rt, member), code: '000000' }, `${PAGE}/bevestigen`);
    expect(wrongCode.text).to.include('<li><a href="#code">Deze code klopt niet.');
    const early = await askOptions(desk, `${PAGE}/toevoegen/opties`, await deskToken(desk, PAGE), { name: 'Te vroeg' });
    expect(early.status, 'no options before the password').to.equal(403);

    const added = await addPasskey(desk, authenticatorFor(rt));
    expect(added.headers.location, added.text.slice(0, 400)).to.equal(`${PAGE}`);
    const list = await desk.get(added.headers.location!);
    expect(list.text).to.include('Je toegangssleutel is toegevoegd.').and.include('<p class="passkey-name">Werklaptop</p>').and.include('Nog niet gebruikt');
    const [passkey] = await rt.services.staffPasskeys.listForUser(member.id);
    expect(await rt.services.passkeys.findByCredentialId(passkey!.credentialId), 'not a patient\'s passkey').to.equal(undefined);

    // "Verwijderen" asks first (WCAG 3.3.4): a link to a page with the question and the button.
    const removal = `${PAGE}/${passkey!.id}/verwijderen`;
    expect(list.text).to.include(`<a href="${removal}">Verwijderen<span class="visually-hidden"> van Werklaptop</span></a>`).and.not.include(`action="${removal}"`);
    const question = await desk.get(removal);
    expect(question.status).to.equal(200);
    expect(question.text).to.include('<h1>Toegangssleutel verwijderen</h1>').and.include('Wil je de toegangssleutel &#39;Werklaptop&#39; verwijderen?')
      .and.include(`<form method="post" action="${removal}">`).and.include(`<a href="${PAGE}">Terug naar Toegangssleutels</a>`);
    expect(await rt.services.staffPasskeys.countForUser(member.id), 'asking removes nothing').to.equal(1);
    expect((await desk.get(`${PAGE}/${passkey!.id + 1000}/verwijderen`)).status, 'no such passkey to ask about').to.equal(404);
    const removed = await submitForm(desk, removal, {});
    expect(removed.headers.location).to.equal(`${PAGE}`);
    expect(await rt.services.staffPasskeys.countForUser(member.id)).to.equal(0);
    expect((await submitForm(desk, PAGE, {}, `${PAGE}/${passkey!.id + 1000}/verwijderen`)).status, 'no such passkey').to.equal(404);
    expect(await staffEvents(member.id)).to.include.members(['passkey_added', 'passkey_removed', 'confirmation_failed', 'second_step_failed']);

    rt.clock.advanceMinutes(11);
    expect((await desk.get(PAGE)).text, 'both again after 10 minutes').to.include('Vul eerst je wachtwoord en een code uit je app in.');
  });

  it('ends the member\'s other desk sessions when a passkey is added or removed: also one the passkey signed in (a lost laptop or key)', async () => {
    const authenticator = authenticatorFor(rt);
    const elsewhere = await signInAtDesk(rt, member, rt.agent());
    expect((await addPasskey(desk, authenticator)).headers.location).to.equal(PAGE);
    expect((await elsewhere.get(`${DESK}/patienten`)).headers.location, 'signed out by the new passkey').to.equal(DESK);

    const { res, agent: thief } = await secondStepWithPasskey(authenticator);
    expect(res.headers.location).to.equal(`${DESK}/patienten`);
    const [passkey] = await rt.services.staffPasskeys.listForUser(member.id);
    expect((await submitForm(desk, PAGE, {}, `${PAGE}/${passkey!.id}/verwijderen`)).headers.location).to.equal(PAGE);
    expect((await thief.get(`${DESK}/patienten`)).headers.location, 'the session the passkey signed in ended with it').to.equal(DESK);
    expect((await desk.get(PAGE)).text, 'this one goes on').to.include('Je toegangssleutel is verwijderd.');
  });

  it('marks "Toegangssleutels" as the current page in the menu also when a form\'s errors are shown at the address it was sent to', async () => {
    const current = (html: string) => [...html.matchAll(/<a href="([^"]+)" aria-current="(page|true)">/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(current((await desk.get(PAGE)).text)).to.deep.equal([`${PAGE} page`]);
    const wrong = await submitForm(desk, PAGE, { ...identityOf(rt, member), currentPassword: 'niet-mijn-wachtwoord-1' }, `${PAGE}/bevestigen`);
    expect(wrong.status).to.equal(400);
    expect(current(wrong.text), 'the confirmation page, at /bevestigen').to.deep.equal([`${PAGE} page`]);
    expect((await submitForm(desk, PAGE, identityOf(rt, member), `${PAGE}/bevestigen`)).headers.location).to.equal(PAGE);
    const nameless = await submitForm(desk, PAGE, { name: '' }, `${PAGE}/toevoegen`);
    expect(nameless.status).to.equal(400);
    expect(current(nameless.text), 'the list, at /toevoegen').to.deep.equal([`${PAGE} page`]);
  });

  it('confirms under a new session id and CSRF secret (the desk\'s fresh level): a copy of the cookie from before reaches nothing', async () => {
    const sidOf = (cookies: string) => /karify\.balie=([^;]+)/.exec(cookies)?.[1];
    const before = await desk.get(PAGE);
    const copiedCookie = `karify.balie=${sidOf(String(before.request.cookies))}`;
    expect(sidOf(copiedCookie)).to.match(/^s%3A/);
    const oldToken = csrfTokenOf(before.text);
    const confirmed = await submitForm(desk, PAGE, identityOf(rt, member), `${PAGE}/bevestigen`);
    expect(confirmed.headers.location).to.equal(PAGE);
    expect(sidOf(String(confirmed.headers['set-cookie'])), 'a new session id').to.be.a('string').and.not.equal(sidOf(copiedCookie));
    expectPasskeyFormForScriptOnly((await desk.get(PAGE)).text);
    const copy = await rt.agent().get(PAGE).set('Cookie', copiedCookie);
    expect(copy.headers.location, 'the copy is signed out').to.equal(DESK);
    const stale = await desk.post(`${PAGE}/toevoegen`).type('form').send({ _csrf: oldToken, name: 'Werklaptop' });
    expect(stale.status, 'a form from before carries a token of the old secret').to.equal(403);
  });

  it('checks password and code once when "Doorgaan" is pressed twice, at once or a moment later: no replayed code in the Logboek', async () => {
    const identity = identityOf(rt, member);
    await doubleClick(desk, PAGE, identity, { first: PAGE, second: [PAGE] }, `${PAGE}/bevestigen`);
    const late = await desk.post(`${PAGE}/bevestigen`).type('form').send({ _csrf: await deskToken(desk, PAGE), ...identity });
    expect(`${late.status} ${late.headers.location}`).to.equal(`302 ${PAGE}`);
    expect(await staffEvents(member.id)).not.to.include.members(['totp_replay_refused']);
    expect(await staffEvents(member.id)).not.to.include('second_step_failed');
    expect((await desk.get(PAGE)).text, 'confirmed').to.include('data-passkey-register');
  });

  it('adds once when the new passkey is sent twice at once (a double click): both answers lead to the list, one entry in the Logboek', async () => {
    expect((await submitForm(desk, PAGE, identityOf(rt, member), `${PAGE}/bevestigen`)).headers.location).to.equal(PAGE);
    const token = csrfTokenOf((await desk.get(PAGE)).text);
    const options = await askOptions(desk, `${PAGE}/toevoegen/opties`, token, { name: 'Werklaptop' });
    const credential = JSON.stringify(authenticatorFor(rt).create(options.body));
    const answers = await Promise.all([0, 1].map(() => desk.post(`${PAGE}/toevoegen`).type('form').send({ _csrf: token, name: 'Werklaptop', credential })));
    expect(answers.map((res) => `${res.status} ${res.headers.location}`)).to.deep.equal([`302 ${PAGE}`, `302 ${PAGE}`]);
    expect(await rt.services.staffPasskeys.countForUser(member.id)).to.equal(1);
    expect((await staffEvents(member.id)).filter((type) => type === 'passkey_added')).to.have.length(1);
  });

  it('refuses a second passkey of the same name (case and spaces aside), before the browser makes one and at the form, keeping what was typed', async () => {
    const taken = 'Je hebt al een toegangssleutel met deze naam. Kies een andere naam.';
    expect((await addPasskey(desk, authenticatorFor(rt), 'Desk key')).headers.location).to.equal(PAGE);
    const token = csrfTokenOf((await desk.get(PAGE)).text);
    const options = await askOptions(desk, `${PAGE}/toevoegen/opties`, token, { name: ' desk  KEY ' });
    expect(options.status).to.equal(400);
    expect(options.body.message).to.equal(taken);
    const form = await desk.post(`${PAGE}/toevoegen`).type('form').send({ _csrf: token, name: ' desk  KEY ', credential: '' });
    expect(form.status).to.equal(400);
    expect(form.text).to.include(`<li><a href="#name">${taken}</a></li>`).and.include('<title>Fout: Toegangssleutels').and.include('value="desk  KEY"');
    // Options asked for another name, the form sent with the taken one: nothing added.
    const other = await askOptions(desk, `${PAGE}/toevoegen/opties`, token, { name: 'Tweede' });
    const swapped = await desk.post(`${PAGE}/toevoegen`).type('form').send({ _csrf: token, name: 'Desk key', credential: JSON.stringify(authenticatorFor(rt).create(other.body)) });
    expect(swapped.status).to.equal(400);
    expect(swapped.text).to.include(taken);
    expect((await rt.services.staffPasskeys.listForUser(member.id)).map((p) => p.name)).to.deep.equal(['Desk key']);
    expect((await staffEvents(member.id)).filter((type) => type === 'passkey_added')).to.have.length(1);
  });

  it('removes once when the form is sent twice at once (a double click): one entry in the Logboek', async () => {
    await addPasskey(desk, authenticatorFor(rt));
    const [passkey] = await rt.services.staffPasskeys.listForUser(member.id);
    const removed = `${PAGE}`;

    await doubleClick(desk, PAGE, {}, { first: removed, second: [removed] }, `${PAGE}/${passkey!.id}/verwijderen`);

    expect(await rt.services.staffPasskeys.countForUser(member.id)).to.equal(0);
    expect((await staffEvents(member.id)).filter((type) => type === 'passkey_removed')).to.have.length(1);
    expect((await desk.get(removed)).text).to.include('Je toegangssleutel is verwijderd.');
  });

  it('lets a passkey replace the app code at the desk\'s second step, once per answer; the code page offers it only then', async () => {
    const authenticator = authenticatorFor(rt);
    const before = await secondStepWithPasskey(authenticator);
    expect(before.page.text, 'no passkey offered without one').not.to.include('data-passkey-options');
    expect(before.options.status).to.equal(404);

    expect((await addPasskey(desk, authenticator)).status).to.equal(302);
    const { page, res, credential, agent } = await secondStepWithPasskey(authenticator);
    expect(page.text).to.include(`data-passkey-options="${CODE}/toegangssleutel/opties"`).and.include('Gebruik je toegangssleutel');
    expect(res.headers.location, res.text.slice(0, 300)).to.equal(`${DESK}/patienten`);
    expect((await agent.get(`${DESK}/patienten`)).status).to.equal(200);
    const [use] = await rt.services.staffAudit.list({ limit: 1 });
    expect(use).to.deep.include({ type: 'sign_in' });
    expect(use!.details).to.deep.equal({ method: 'passkey' });
    expect((await rt.services.staffPasskeys.listForUser(member.id))[0]!.lastUsedAt).to.equal(rt.clock.now());

    // The same answer again, in another half session: its challenge was used.
    const other = rt.agent();
    await deskPasswordStep(other, member);
    const replay = await other.post(`${CODE}/toegangssleutel`).type('form').send({ _csrf: csrfTokenOf((await other.get(CODE)).text), credential: JSON.stringify(credential) });
    expect(replay.status).to.equal(400);
    expect(replay.text).to.include('<p class="warning" role="alert">Het gebruik van je toegangssleutel is niet gelukt. Probeer het opnieuw.</p>')
      .and.not.include('Dat duurde te lang');
  });

  it('refuses a patient\'s passkey and another staff member\'s at the desk, and counts them as failures', async () => {
    const authenticator = authenticatorFor(rt);
    expect((await addPasskey(desk, authenticator)).status).to.equal(302);
    const colleague = await createStaffMember(rt, { name: 'Bea Bakker' });
    const colleagueDesk = await signInAtDesk(rt, colleague);
    const theirs = authenticatorFor(rt);
    member = colleague; // addPasskey and secondStepWithPasskey use `member`'s password
    expect((await addPasskey(colleagueDesk, theirs, 'Van Bea')).status).to.equal(302);
    const patient = await patientWithPasskey(rt);
    for (const stranger of [authenticator, patient.authenticator]) {
      const agent = rt.agent();
      await deskPasswordStep(agent, colleague);
      const token = csrfTokenOf((await agent.get(CODE)).text);
      const options = await askOptions(agent, `${CODE}/toegangssleutel/opties`, token);
      const foreign = stranger.get({ ...options.body, allowCredentials: undefined });
      const refused = await agent.post(`${CODE}/toegangssleutel`).type('form').send({ _csrf: token, credential: JSON.stringify(foreign) });
      expect(refused.status).to.equal(400);
      expect(refused.text, 'the title says it failed').to.match(/<title>Fout: [^<]+<\/title>/);
    }
    expect((await rt.services.staffAudit.list({ limit: 20 })).filter((e) => e.type === 'second_step_failed' && e.staff?.id === colleague.id)).to.have.length(2);
    expect((await secondStepWithPasskey(theirs)).res.headers.location, 'their own works').to.equal(`${DESK}/patienten`);
  });

  it('removes the passkeys when an admin turns off the staff member\'s app', async () => {
    expect((await addPasskey(desk, authenticatorFor(rt))).status).to.equal(302);
    const admin = await createStaffMember(rt, { role: 'admin' });
    const adminDesk = await signInAtDesk(rt, admin);
    const res = await submitForm(adminDesk, `${DESK}/medewerkers/${member.id}/app-uitzetten`, { reason: 'Telefoon en herstelcodes kwijt', ...identityOf(rt, admin) });
    expect(res.status).to.equal(302);
    expect(await rt.services.staffPasskeys.countForUser(member.id)).to.equal(0);
  });
});
