import { expect } from 'chai';
import type supertest from 'supertest';
import type { User } from '../../src/domain/users';
import { csrfTokenOf, signIn } from './forms';
import type { TestRuntime } from './runtime';
import { confirmPassword, recoveryCodesIn } from './two-factor';
import { SoftAuthenticator, type CeremonyOverrides } from './webauthn-authenticator';

export const TWO_STEP = '/account/twee-stappen';
export const PASSKEYS = `${TWO_STEP}/toegangssleutels`;

/** A software authenticator for the origin the runtime's passkeys belong to. */
export const authenticatorFor = (rt: TestRuntime, settings: { counts?: boolean } = {}) => new SoftAuthenticator({ origin: rt.config.webauthn.origin, ...settings });

/** What public/js/passkeys.js does first: POST the options URL, the page's CSRF token in X-CSRF-Token. */
export function askOptions(agent: supertest.Agent, url: string, token: string, body?: Record<string, string>) {
  const request = agent.post(url).set('X-CSRF-Token', token).set('Accept', 'application/json');
  return body ? request.type('form').send(body) : request.send();
}

/** Adds a passkey through the pages as the script does (options, then the form with the new credential). */
export async function addPasskey(agent: supertest.Agent, authenticator: SoftAuthenticator, name = 'iPhone van Cas', overrides: CeremonyOverrides = {}) {
  const page = await agent.get(`${PASSKEYS}/toevoegen`);
  expect(page.status, `add page: ${page.headers.location}`).to.equal(200);
  const token = csrfTokenOf(page.text);
  const options = await askOptions(agent, `${PASSKEYS}/toevoegen/opties`, token, { name });
  expect(options.status, options.text).to.equal(200);
  const credential = authenticator.create(options.body, overrides);
  return agent.post(`${PASSKEYS}/toevoegen`).type('form').send({ _csrf: token, name, credential: JSON.stringify(credential) });
}

/** From the sign-in page, a passkey alone: options, then the answer. */
export async function passkeySignIn(agent: supertest.Agent, authenticator: SoftAuthenticator, overrides: CeremonyOverrides = {}) {
  const token = csrfTokenOf((await agent.get('/inloggen')).text);
  const options = await askOptions(agent, '/inloggen/toegangssleutel/opties', token);
  expect(options.status, options.text).to.equal(200);
  const credential = authenticator.get(options.body, overrides);
  const res = await agent.post('/inloggen/toegangssleutel').type('form').send({ _csrf: token, credential: JSON.stringify(credential) });
  return Object.assign(res, { credential, token });
}

/**
 * A patient whose only second step is a passkey, added through the pages (two-step was off, so
 * adding it turned two-step on); signed in, codes saved. Returns the recovery codes shown.
 */
export async function patientWithPasskey(rt: TestRuntime, name = 'iPhone van Cas') {
  const patient = await rt.createPatient();
  const agent = rt.agent();
  expect((await signIn(agent, patient.email, patient.password)).headers.location).to.equal('/werkblad');
  await confirmPassword(agent, patient.password, `${PASSKEYS}/toevoegen`);
  const authenticator = authenticatorFor(rt);
  const added = await addPasskey(agent, authenticator, name);
  expect(added.status, added.text.slice(0, 300)).to.equal(302);
  expect(added.headers.location).to.equal(`${PASSKEYS}/herstelcodes`);
  const codesPage = await agent.get(`${PASSKEYS}/herstelcodes`);
  const recoveryCodes = recoveryCodesIn(codesPage.text).map((code) => code.replace(' ', ''));
  expect(recoveryCodes).to.have.length(10);
  const saved = await agent.post(`${PASSKEYS}/herstelcodes`).type('form').send({ _csrf: csrfTokenOf(codesPage.text) });
  expect(saved.headers.location).to.equal(`${TWO_STEP}`);
  return { patient, agent, authenticator, recoveryCodes };
}

/** A passkey for `user` made through the domain (for patients whose other method is set up the same way). */
export async function registerPasskey(rt: TestRuntime, user: Pick<User, 'id' | 'email' | 'name'>, authenticator: SoftAuthenticator, name = 'Laptop') {
  const { options, userHandle } = await rt.services.passkeyCeremonies.registrationOptions(user);
  const checked = await rt.services.passkeyCeremonies.verifyRegistration(authenticator.create(options), options.challenge, userHandle);
  if (!checked.ok) throw new Error(`registration refused: ${checked.refusal}`);
  return rt.services.passkeys.add(user.id, name, checked.value);
}

/** The types of the patient's security events, oldest first. */
export async function eventTypes(rt: TestRuntime, userId: number): Promise<string[]> {
  return (await rt.services.audit.listForUser(userId)).map((e) => e.type).reverse();
}

/** The kinds of the patient's Berichten, oldest first. */
export async function messageKinds(rt: TestRuntime, userId: number): Promise<string[]> {
  return (await rt.services.messages.listForUser(userId)).map((m) => m.kind).reverse();
}

/** The e-mail alerts queued for the patient, oldest first: what and the text. */
export async function mailedAlerts(rt: TestRuntime, userId: number): Promise<{ kind: string; text: string }[]> {
  return rt.db('mail_outbox').where({ user_id: userId }).orderBy('id').select('kind', 'text_body as text');
}

/**
 * The form for adding a passkey is in a page only for the script to put in (a script element of
 * its own, which no browser shows; text browsers show a hidden form): without JavaScript, no
 * field or button to add one.
 */
export function expectPasskeyFormForScriptOnly(html: string): void {
  expect(html).to.match(/<script type="text\/html" data-passkey-form>\n<form method="post" [^>]*data-passkey-register=/);
  const outsideScripts = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');
  expect(outsideScripts, 'no form outside it').not.to.include('data-passkey-register').and.not.include('name="name"');
}
