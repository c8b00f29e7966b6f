import { expect } from 'chai';
import type supertest from 'supertest';
import { startFakeVonage } from './fake-vonage';
import { signIn, submitForm } from './forms';
import type { BootstrapOptions } from '../../src/bootstrap';
import { startTestRuntime, TestEnv, TestRuntime } from './runtime';

export type FakeVonage = Awaited<ReturnType<typeof startFakeVonage>>;

export const SETUP = '/account/twee-stappen/instellen';

export interface SmsWorld {
  rt: TestRuntime;
  vonage: FakeVonage;
  close(): Promise<void>;
}

/** An app that sends SMS through the real Vonage SDK to a local fake Vonage server. */
export async function startSmsWorld(env: TestEnv = {}, options: BootstrapOptions = {}): Promise<SmsWorld> {
  const vonage = await startFakeVonage();
  const rt = await startTestRuntime({
    SMS_PROVIDER: 'vonage',
    VONAGE_API_KEY: 'test-key',
    VONAGE_API_SECRET: 'test-secret',
    VONAGE_REST_HOST: vonage.url,
    VONAGE_TIMEOUT_MS: '400',
    ...env,
  }, options);
  return {
    rt,
    vonage,
    async close() {
      await rt.close();
      await vonage.stop();
    },
  };
}

/**
 * A patient without two-step, signed in, who has just confirmed their password again (as
 * turning two-step on asks first). `{ fresh: false }` leaves that out.
 */
export async function signedInPatient(rt: TestRuntime, options: { fresh?: boolean } = {}) {
  const patient = await rt.createPatient();
  const agent = rt.agent();
  const res = await signIn(agent, patient.email, patient.password);
  expect(res.headers.location).to.equal('/werkblad');
  if (options.fresh !== false) await confirmPassword(agent, patient.password);
  return { patient, agent };
}

/** The fresh confirmation of a patient without two-step: the password only. */
export async function confirmPassword(agent: supertest.Agent, password: string, returnTo = SETUP) {
  const page = `/account/bevestigen?terug=${encodeURIComponent(returnTo)}`;
  const res = await submitForm(agent, page, { terug: returnTo, password }, '/account/bevestigen');
  expect(res.status, res.text.slice(0, 200)).to.equal(302);
  expect(res.headers.location).to.equal(returnTo);
  return res;
}

/** The 6-digit code in the newest SMS the fake Vonage server received. */
export function lastCode(vonage: FakeVonage): string {
  const message = vonage.messages.at(-1);
  const code = message && /\b(\d{6})\b/.exec(message.text)?.[1];
  if (!code) throw new Error('no SMS with a code was received');
  return code;
}

export function chooseSms(agent: supertest.Agent) {
  return submitForm(agent, `${SETUP}/methode`, { method: 'sms' });
}

export function enterPhone(agent: supertest.Agent, phone: string, country = 'NL') {
  return submitForm(agent, `${SETUP}/telefoonnummer`, { country, phone });
}

export function enterCode(agent: supertest.Agent, code: string) {
  return submitForm(agent, `${SETUP}/verificatie`, { code });
}

/** The recovery codes a page shows, as shown ('39376 93737'). */
export function recoveryCodesIn(html: string): string[] {
  return [...html.matchAll(/<code>(\d{5} \d{5})<\/code>/g)].map((m) => m[1]!);
}

/** Walks the wizard up to the recovery codes page; returns the recovery codes shown. */
export async function setupUntilRecoveryCodes(agent: supertest.Agent, vonage: FakeVonage, phone = '06 12345678'): Promise<string[]> {
  expect((await chooseSms(agent)).headers.location).to.equal(`${SETUP}/telefoonnummer`);
  expect((await enterPhone(agent, phone)).headers.location).to.equal(`${SETUP}/verificatie`);
  expect((await enterCode(agent, lastCode(vonage))).headers.location).to.equal(`${SETUP}/herstelcodes`);
  const page = await agent.get(`${SETUP}/herstelcodes`);
  return recoveryCodesIn(page.text);
}

/** The whole wizard: two-step SMS is on afterwards. Returns the recovery codes. */
export async function enableSmsTwoFactor(agent: supertest.Agent, vonage: FakeVonage, phone?: string): Promise<string[]> {
  const codes = await setupUntilRecoveryCodes(agent, vonage, phone);
  const confirm = await submitForm(agent, `${SETUP}/herstelcodes`, {});
  expect(confirm.headers.location).to.equal(`${SETUP}/klaar`);
  return codes;
}

/** A patient with two-step SMS already on (set through the domain, not the wizard). */
export async function patientWithSms(rt: TestRuntime, phone = '+31612345678') {
  const patient = await rt.createPatient();
  const recoveryCodes = rt.services.recoveryCodes.generate();
  await rt.services.twoFactor.enableSms(patient.id, phone, recoveryCodes);
  return { ...patient, recoveryCodes };
}

/** Password step for a patient with two-step on: the agent ends in a half session. */
export async function passwordStep(agent: supertest.Agent, email: string, password: string) {
  const res = await signIn(agent, email, password);
  expect(res.headers.location).to.equal('/inloggen/code');
  return res;
}

export function enterSignInCode(agent: supertest.Agent, code: string) {
  return submitForm(agent, '/inloggen/code', { code });
}

export function enterRecoveryCode(agent: supertest.Agent, recoveryCode: string) {
  return submitForm(agent, '/inloggen/herstelcode', { recoveryCode });
}

/** Locks the patient's second step for 15 minutes, as ten wrong codes in a row do. */
export async function lockSecondStep(rt: TestRuntime, userId: number): Promise<number> {
  const until = rt.clock.now() + 15 * 60_000;
  await rt.db('second_step_lockouts').insert({ user_id: userId, failures: 0, locked_until: until }).onConflict('user_id').merge();
  return until;
}

/** Past the SMS cooldown of the previous send, in worlds started with SMS_RESEND_COOLDOWN_SECONDS=1. */
export const pastSmsCooldown = () => new Promise((resolve) => setTimeout(resolve, 1100));

/** A patient with SMS two-step, signed in with both steps in a new browser. */
export async function signedInWithSms(world: SmsWorld, patient: { email: string; password: string }): Promise<supertest.Agent> {
  await pastSmsCooldown(); // past the SMS cooldown of the previous sign-in
  const agent = world.rt.agent();
  await passwordStep(agent, patient.email, patient.password);
  expect((await enterSignInCode(agent, lastCode(world.vonage))).headers.location).to.equal('/werkblad');
  return agent;
}

/** The password plus a fresh SMS code on the confirmation page; returns where it leads. */
export async function confirmWithSms(world: SmsWorld, agent: supertest.Agent, returnTo: string, password: string) {
  const page = `/account/bevestigen?terug=${encodeURIComponent(returnTo)}`;
  await pastSmsCooldown();
  const send = await submitForm(agent, page, { terug: returnTo }, '/account/bevestigen/code');
  expect(send.status).to.equal(302);
  return submitForm(agent, page, { terug: returnTo, password, code: lastCode(world.vonage) }, '/account/bevestigen');
}

/** The browser's session has ended: signed-in pages send it to the sign-in page. */
export async function expectSignedOut(agent: supertest.Agent): Promise<void> {
  expect((await agent.get('/werkblad')).headers.location).to.equal('/inloggen');
}
