import { expect } from 'chai';
import type supertest from 'supertest';
import { csrfTokenOf, submitForm } from '../../support/forms';
import {
  confirmWithSms,
  lastCode,
  passwordStep,
  patientWithSms,
  signedInWithSms,
  SmsWorld,
  startSmsWorld,
} from '../../support/two-factor';

/** The form of a second-step page, open in the browser: its token is taken now, the form sent later. */
async function openForm(agent: supertest.Agent, path: string) {
  const token = csrfTokenOf((await agent.get(path)).text);
  return (fields: Record<string, string>) => agent.post(path).type('form').send({ _csrf: token, ...fields });
}

/** Where the sign-in page sends a browser whose half session ended, and what it says there. */
async function expectHalfSessionEnded(agent: supertest.Agent, answer: supertest.Response): Promise<void> {
  expect(`${answer.status} ${answer.headers.location}`).to.equal('302 /inloggen');
  const page = await agent.get('/inloggen');
  expect(page.status, 'the sign-in page, not a redirect back to the second step').to.equal(200);
  expect(page.text).to.include('Je bent uitgelogd. Dat gebeurt bijvoorbeeld als je wachtwoord of je manier van inloggen op een ander apparaat is gewijzigd, of als je zorgaanbieder je heeft uitgelogd. Log opnieuw in.');
  expect((await agent.get('/inloggen/code')).headers.location).to.equal('/inloggen');
  expect((await agent.get('/werkblad')).headers.location).to.equal('/inloggen');
}

describe('sign-in, second step: a half session ends with the account\'s sessions (SPEC §4 sessions, J6, J11)', () => {
  let world: SmsWorld;
  let patient: Awaited<ReturnType<typeof patientWithSms>>;
  beforeEach(async () => {
    world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1' });
    patient = await patientWithSms(world.rt);
  });
  afterEach(() => world.close());

  it('does not sign in with a right recovery code after the patient changed the password elsewhere', async () => {
    const intruder = world.rt.agent();
    await passwordStep(intruder, patient.email, patient.password);
    const recoveryForm = await openForm(intruder, '/inloggen/herstelcode');

    const owner = await signedInWithSms(world, patient);
    expect((await confirmWithSms(world, owner, '/account/wachtwoord', patient.password)).headers.location).to.equal('/account/wachtwoord');
    const changed = await submitForm(owner, '/account/wachtwoord', { newPassword: 'blauwe-tulp-fietst-7', repeatPassword: 'blauwe-tulp-fietst-7' });
    expect(changed.status).to.equal(302);

    await expectHalfSessionEnded(intruder, await recoveryForm({ recoveryCode: patient.recoveryCodes[0]! }));
    expect(await world.rt.services.recoveryCodes.countRemaining(patient.id), 'the recovery code is still there').to.equal(10);
  });

  it('does not sign in with the right SMS code after the clinic ended the patient\'s sessions', async () => {
    const agent = world.rt.agent();
    await passwordStep(agent, patient.email, patient.password);
    const codeForm = await openForm(agent, '/inloggen/code');
    await world.rt.services.users.bumpSessionGeneration(patient.id);

    await expectHalfSessionEnded(agent, await codeForm({ code: lastCode(world.vonage) }));
  });

  it('says why a signed-in session ended on the next page: the patient\'s sessions were ended elsewhere', async () => {
    const other = await signedInWithSms(world, patient);
    await world.rt.services.users.bumpSessionGeneration(patient.id); // as a change on another device does

    const answer = await other.get('/werkblad');
    expect(`${answer.status} ${answer.headers.location}`).to.equal('302 /inloggen');
    const page = await other.get('/inloggen');
    expect(page.text).to.include('Je bent uitgelogd. Dat gebeurt bijvoorbeeld als je wachtwoord of je manier van inloggen op een ander apparaat is gewijzigd, of als je zorgaanbieder je heeft uitgelogd. Log opnieuw in.');
    expect((await other.get('/inloggen')).text, 'said once').not.to.include('sessies zijn beëindigd');
    expect((await other.get('/werkblad')).headers.location).to.equal('/inloggen');
  });

  it('shows a public page to a session ended elsewhere, as to anyone not signed in', async () => {
    const other = await signedInWithSms(world, patient);
    await world.rt.services.users.bumpSessionGeneration(patient.id);
    const help = await other.get('/hulp/twee-stappen');
    expect(help.status).to.equal(200);
    expect(help.text).not.to.include('Uitloggen');
    expect((await other.get('/werkblad')).headers.location).to.equal('/inloggen');
    expect((await other.get('/inloggen')).text, 'why, after the public page too').to.include('Je bent uitgelogd. Dat gebeurt bijvoorbeeld als je wachtwoord');
  });

  it('ends on the code page when the account was disabled meanwhile, without sending the browser round in circles', async () => {
    const agent = world.rt.agent();
    await passwordStep(agent, patient.email, patient.password);
    await world.rt.services.users.setDisabled(patient.id, true);

    await expectHalfSessionEnded(agent, await agent.get('/inloggen/code'));
  });
});
