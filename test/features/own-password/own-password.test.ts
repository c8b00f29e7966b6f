import { expect } from 'chai';
import type supertest from 'supertest';
import { describeEvent } from '../../../src/components/security-events/describe';
import { createTranslators } from '../../../src/i18n';
import { doubleClick, signIn, submitForm } from '../../support/forms';
import { appWith, sameBrowserOn } from '../../support/runtime';
import { confirmPassword, enterRecoveryCode, enterSignInCode, expectSignedOut, lastCode, passwordStep, patientWithSms, startSmsWorld, type SmsWorld } from '../../support/two-factor';

const PAGE = '/account/eigen-wachtwoord';
const TEMPORARY = 'k7mq-2x9d-hh4p-wq3e-8ntz';
const OWN = 'blauwe-tulp-fietst-7';

describe('choosing one\'s own password after the clinic gave a temporary one', () => {
  let world: SmsWorld;
  beforeEach(async () => {
    world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1' });
  });
  afterEach(() => world.close());

  /** What `reset-password` and the desk leave: the temporary password, working until `until`. */
  async function giveTemporaryPassword(userId: number, until = world.rt.clock.now() + 7 * 86_400_000) {
    const { users, hasher } = world.rt.services;
    await users.setOneTimePassword(userId, await hasher.hash(TEMPORARY), until);
  }

  async function patientWithTemporaryPassword() {
    const patient = await world.rt.createPatient();
    await giveTemporaryPassword(patient.id);
    return patient;
  }

  async function signedInWithTemporary(email: string): Promise<supertest.Agent> {
    const agent = world.rt.agent();
    expect((await signIn(agent, email, TEMPORARY)).headers.location).to.equal('/werkblad');
    return agent;
  }

  it('keeps the patient on "Kies je eigen wachtwoord" until they choose one, by the password rules and not the temporary one', async () => {
    const patient = await patientWithTemporaryPassword();
    expect((await signIn(world.rt.agent(), patient.email, patient.password)).status, 'the old password no longer works').to.equal(400);
    const agent = await signedInWithTemporary(patient.email);
    for (const path of ['/werkblad', '/account', '/account/wachtwoord', '/account/twee-stappen', '/berichten']) {
      expect((await agent.get(path)).headers.location, path).to.equal(PAGE);
    }
    const page = await agent.get(PAGE);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<h1>Kies je eigen wachtwoord</h1>').and.include('Je zorgaanbieder heeft je een tijdelijk wachtwoord gegeven.');
    expect(page.text, 'the menus offer only signing out and the way back here: the other pages lead back here').to.include('action="/uitloggen"');
    expect(page.text).not.to.include('class="side-nav"').and.not.include('href="/account"');
    for (const open of ['/helpdesk', '/hulp/vragenformulier']) {
      expect((await agent.get(open)).text, `the way back from ${open}`).to.include(`<a href="${PAGE}">Verder met instellen</a>`);
    }

    const empty = await submitForm(agent, PAGE, { newPassword: '', repeatPassword: '' });
    expect(empty.status).to.equal(400);
    expect(empty.text).to.include('class="error-summary"');
    const mismatch = await submitForm(agent, PAGE, { newPassword: OWN, repeatPassword: `${OWN}x` });
    expect(mismatch.text).to.include('De twee wachtwoorden zijn niet hetzelfde');
    const common = await submitForm(agent, PAGE, { newPassword: 'password123', repeatPassword: 'password123' });
    expect(common.text).to.include('Dit wachtwoord wordt veel gebruikt');
    const same = await submitForm(agent, PAGE, { newPassword: TEMPORARY, repeatPassword: TEMPORARY });
    expect(same.status).to.equal(400);
    expect(same.text).to.include('Kies een ander wachtwoord dan het tijdelijke wachtwoord.').and.not.include(TEMPORARY);
    expect((await world.rt.services.users.findById(patient.id))!.oneTimePasswordUntil, 'nothing changed yet').not.to.equal(null);

    const chosen = await submitForm(agent, PAGE, { newPassword: OWN, repeatPassword: OWN });
    expect(chosen.headers.location).to.equal(PAGE);
    const done = await agent.get(PAGE);
    expect(done.text).to.include('Je wachtwoord is opgeslagen. Het tijdelijke wachtwoord werkt niet meer, en je bent op je andere apparaten uitgelogd.').and.include('href="/werkblad"').and.not.include('<form method="post" action="/account/eigen-wachtwoord"');
    expect(done.text, 'the menus again').to.include('class="side-nav"').and.include('href="/account"');
    expect(done.text, 'no recovery codes to urge').not.to.include('Nieuwe herstelcodes maken');
    expect((await agent.get('/werkblad')).status).to.equal(200);
    expect((await agent.get(PAGE)).headers.location, 'once chosen, the page leads on').to.equal('/werkblad');

    expect((await world.rt.services.users.findById(patient.id))!.oneTimePasswordUntil).to.equal(null);
    expect((await signIn(world.rt.agent(), patient.email, TEMPORARY)).status, 'the temporary password no longer works').to.equal(400);
    expect((await signIn(world.rt.agent(), patient.email, OWN)).headers.location).to.equal('/werkblad');
    expect((await world.rt.services.messages.listForUser(patient.id)).map((m) => m.kind)).to.deep.equal(['password_changed']);
  });

  it('shares the hourly limit of new passwords with the password change: the account\'s, not the form\'s', async () => {
    const patient = await world.rt.createPatient();
    const before = world.rt.agent();
    expect((await signIn(before, patient.email, patient.password)).headers.location).to.equal('/werkblad');
    await confirmPassword(before, patient.password, '/account/wachtwoord');
    for (let i = 0; i < 10; i += 1) {
      const same = await submitForm(before, '/account/wachtwoord', { newPassword: patient.password, repeatPassword: patient.password });
      expect(same.status, 'the same password again: tried, not changed').to.equal(400);
    }
    await giveTemporaryPassword(patient.id);
    const refused = await submitForm(await signedInWithTemporary(patient.email), PAGE, { newPassword: OWN, repeatPassword: OWN });
    expect(refused.status).to.equal(429);
    expect(refused.text).to.match(/Je hebt het afgelopen uur te vaak een nieuw wachtwoord geprobeerd\. Je kunt het om \d\d:\d\d opnieuw proberen\./);
    expect(refused.headers['retry-after'], 'the hour\'s end, rounded up to the minute').to.equal('3600');
  });

  it('lets the patient sign out from it, and ends their other sessions once they have chosen', async () => {
    const patient = await patientWithTemporaryPassword();
    const other = await signedInWithTemporary(patient.email);
    const agent = await signedInWithTemporary(patient.email);
    await submitForm(agent, PAGE, { newPassword: OWN, repeatPassword: OWN });
    expect((await other.get(PAGE)).headers.location, 'the other session ended').to.equal('/inloggen');
    expect((await agent.get('/werkblad')).status).to.equal(200);

    await giveTemporaryPassword(patient.id);
    const third = await signedInWithTemporary(patient.email);
    expect((await submitForm(third, PAGE, {}, '/uitloggen')).headers.location).to.equal('/inloggen');
    await expectSignedOut(third);
  });

  it('chooses the password once when the form is sent twice at once (a double click)', async () => {
    const patient = await patientWithTemporaryPassword();
    const agent = await signedInWithTemporary(patient.email);
    await doubleClick(agent, PAGE, { newPassword: OWN, repeatPassword: OWN }, { first: PAGE, second: [PAGE, '/werkblad'] });
    const notices = (await world.rt.services.messages.listForUser(patient.id)).filter((m) => m.kind === 'password_changed');
    expect(notices, 'one notice in Berichten').to.have.length(1);
    expect((await signIn(world.rt.agent(), patient.email, OWN)).headers.location).to.equal('/werkblad');
  });

  it('says a temporary password that ran out no longer works (only to whoever typed it), and records why', async () => {
    const patient = await world.rt.createPatient();
    await giveTemporaryPassword(patient.id, world.rt.clock.now() + 60_000);
    world.rt.clock.advanceMinutes(2);
    const refused = await signIn(world.rt.agent(), patient.email, TEMPORARY);
    expect(refused.status).to.equal(403);
    expect(refused.text).to.include('Dit tijdelijke wachtwoord werkt niet meer. Bel de helpdesk via 030 – 737 0323 voor een nieuw wachtwoord.');
    const wrong = await signIn(world.rt.agent(), patient.email, 'iets-anders-dan-dat-7');
    expect(wrong.status, 'a wrong password is told as ever').to.equal(400);
    expect(wrong.text).to.include('Het e-mailadres of wachtwoord klopt niet.');
    const failures = (await world.rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'sign_in_failed');
    expect(failures.map((e) => e.details)).to.deep.equal([{ reason: 'password' }, { reason: 'one_time_password_expired' }]);
  });

  it('says in the activity that the patient signed in with the temporary password, and with their own after it', async () => {
    const patient = await patientWithTemporaryPassword();
    const agent = await signedInWithTemporary(patient.email);
    await submitForm(agent, PAGE, { newPassword: OWN, repeatPassword: OWN });
    await signIn(world.rt.agent(), patient.email, OWN);
    const nl = createTranslators().nl;
    const signIns = (await world.rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'sign_in').reverse();
    expect(signIns.map((e) => describeEvent(nl, e))).to.deep.equal(['Ingelogd met tijdelijk wachtwoord', 'Ingelogd met wachtwoord']);
  });

  it('takes the temporary password typed in capitals or with spaces, as it may be read out; an own password only exactly', async () => {
    const patient = await patientWithTemporaryPassword();
    const agent = world.rt.agent();
    expect((await signIn(agent, patient.email, 'K7MQ 2X9D HH4P WQ3E 8NTZ')).headers.location).to.equal('/werkblad');
    const same = await submitForm(agent, PAGE, { newPassword: 'K7MQ-2X9D-HH4P-WQ3E-8NTZ', repeatPassword: 'K7MQ-2X9D-HH4P-WQ3E-8NTZ' });
    expect(same.text, 'not as a password of their own either').to.include('Kies een ander wachtwoord dan het tijdelijke wachtwoord.');

    const ownOfThatShape = 'tuba-fwet-smee-rdan-9876'; // of a one-time password's letters and shape
    expect((await submitForm(agent, PAGE, { newPassword: ownOfThatShape, repeatPassword: ownOfThatShape })).headers.location).to.equal(PAGE);
    expect((await signIn(world.rt.agent(), patient.email, ownOfThatShape.toUpperCase())).status, 'their own: exactly as chosen').to.equal(400);
    expect((await signIn(world.rt.agent(), patient.email, ownOfThatShape)).headers.location).to.equal('/werkblad');
  });

  it('lets a temporary password work until the millisecond it was given for, and not from then on', async () => {
    const [lastMoment, over] = [await world.rt.createPatient(), await world.rt.createPatient()];
    await giveTemporaryPassword(lastMoment.id, world.rt.clock.now() + 1);
    await giveTemporaryPassword(over.id, world.rt.clock.now());
    expect((await signIn(world.rt.agent(), lastMoment.email, TEMPORARY)).headers.location).to.equal('/werkblad');
    expect((await signIn(world.rt.agent(), over.email, TEMPORARY)).status).to.equal(403);
  });

  it('asks the second step first, and lets a recovery code\'s page say how many are left', async () => {
    const patient = await patientWithSms(world.rt);
    await giveTemporaryPassword(patient.id);
    const agent = world.rt.agent();
    await passwordStep(agent, patient.email, TEMPORARY);
    expect((await enterSignInCode(agent, lastCode(world.vonage))).headers.location).to.equal('/werkblad');
    expect((await agent.get('/werkblad')).headers.location).to.equal(PAGE);

    const withCode = world.rt.agent();
    await passwordStep(withCode, patient.email, TEMPORARY);
    const used = await enterRecoveryCode(withCode, patient.recoveryCodes[0]!);
    expect(used.headers.location).to.equal('/inloggen/herstelcode-gebruikt');
    expect((await withCode.get('/inloggen/herstelcode-gebruikt')).status).to.equal(200);
    expect((await withCode.get('/werkblad')).headers.location).to.equal(PAGE);
    for (const code of patient.recoveryCodes.slice(1, 7)) await world.rt.services.recoveryCodes.consume(patient.id, code);
    await submitForm(withCode, PAGE, { newPassword: OWN, repeatPassword: OWN });
    const saved = (await withCode.get(PAGE)).text;
    expect(saved, 'the urging of "Herstelcode gebruikt" again, with 3 left').to.include('Je hebt nog maar 3 herstelcodes. Maak nieuwe herstelcodes, zodat je altijd kunt inloggen.')
      .and.include('<a class="button" href="/account/twee-stappen/herstelcodes/nieuw">Nieuwe herstelcodes maken</a>');
    const nl = createTranslators().nl;
    const signIns = (await world.rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'sign_in').reverse();
    expect(signIns.map((e) => describeEvent(nl, e)), 'the activity').to.deep.equal(['Ingelogd met tijdelijk wachtwoord en SMS-code', 'Ingelogd met tijdelijk wachtwoord en herstelcode']);
  });

  it('leaves a new temporary password the clinic gave while the form was on its way as it is, and ends the session', async () => {
    const patient = await patientWithTemporaryPassword();
    const agent = await signedInWithTemporary(patient.email);
    const { services } = world.rt;
    // The clinic's change lands between the page's account and the form's transaction.
    const clinicFirst = appWith(world.rt, {
      services: {
        inTransaction: (async (work: Parameters<typeof services.inTransaction>[0]) => {
          await giveTemporaryPassword(patient.id);
          await services.users.bumpSessionGeneration(patient.id);
          return services.inTransaction(work);
        }) as typeof services.inTransaction,
      },
    });
    const page = await agent.get(PAGE);
    const sent = await sameBrowserOn(clinicFirst, agent).post(PAGE).type('form').send({ _csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1], newPassword: OWN, repeatPassword: OWN });
    expect(sent.headers.location).to.equal('/werkblad');
    expect((await agent.get('/werkblad')).headers.location, 'the session ended with the clinic\'s change').to.equal('/inloggen');
    expect((await world.rt.services.users.findById(patient.id))!.oneTimePasswordUntil, 'the clinic\'s password stands').not.to.equal(null);
    expect((await signIn(world.rt.agent(), patient.email, OWN)).status).to.equal(400);
    expect((await world.rt.services.messages.listForUser(patient.id)).map((m) => m.kind), 'no change announced').to.deep.equal([]);
  });

  it('under REQUIRE_TWO_FACTOR: their own password first, said to be saved, then setting up two-step', async () => {
    const required = await startSmsWorld({ REQUIRE_TWO_FACTOR: 'true' });
    try {
      const patient = await required.rt.createPatient();
      await required.rt.services.users.setOneTimePassword(patient.id, await required.rt.services.hasher.hash(TEMPORARY), required.rt.clock.now() + 86_400_000);
      const agent = required.rt.agent();
      await signIn(agent, patient.email, TEMPORARY);
      expect((await agent.get('/account/twee-stappen/instellen')).headers.location, 'the password first').to.equal(PAGE);
      expect((await submitForm(agent, PAGE, { newPassword: OWN, repeatPassword: OWN })).headers.location).to.equal(PAGE);
      expect((await agent.get(PAGE)).text).to.include('Je wachtwoord is opgeslagen.');
      expect((await agent.get('/werkblad')).headers.location, 'then two-step').to.equal('/account/twee-stappen/instellen');
      const confirmFirst = (await agent.get('/account/twee-stappen/instellen')).headers.location!;
      const confirmation = (await agent.get(confirmFirst)).text;
      expect(confirmation, 'with only signing out and the way back to two-step in the menus').to.include('action="/uitloggen"').and.include('<a href="/account/twee-stappen/instellen">Verder met instellen</a>');
      expect(confirmation).not.to.include('class="side-nav"');
    } finally {
      await required.close();
    }
  });

  it('sends a patient whose password is their own from the page to the Werkblad', async () => {
    const patient = await world.rt.createPatient();
    const agent = world.rt.agent();
    await signIn(agent, patient.email, patient.password);
    expect((await agent.get(PAGE)).headers.location).to.equal('/werkblad');
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await agent.get('/account/profiel')).text)?.[1] ?? '';
    expect((await agent.post(PAGE).type('form').send({ _csrf: csrf, newPassword: OWN, repeatPassword: OWN })).headers.location).to.equal('/werkblad');
    expect((await signIn(world.rt.agent(), patient.email, patient.password)).headers.location, 'nothing changed').to.equal('/werkblad');
  });
});
