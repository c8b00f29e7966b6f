import crypto from 'node:crypto';
import { expect } from 'chai';
import type supertest from 'supertest';
import { csrfTokenOf, submitForm } from '../support/forms';
import { PASSKEYS, patientWithPasskey } from '../support/passkeys';
import { listRoutes } from '../support/routes';
import {
  chooseSms, enterCode, enterPhone, enterSignInCode, passwordStep, patientWithSms, SETUP, signedInPatient, SmsWorld, startSmsWorld,
} from '../support/two-factor';
import { codeFor } from './support';
import { createStaffMember, DESK, deskPasswordStep, identityOf, signInAtDesk, type TestStaffMember } from '../support/desk';
import { appCode, chooseApp, keyFromPage, patientWithApp } from '../support/totp';

/**
 * GitHub issue 7: every form of the app, every field, posted the ways a broken client or an
 * attacker posts it. Never a 5xx; always the form again with the Dutch error summary (400) or a
 * Dutch 400/403/413/415 page; and nothing stored from a rejected request.
 */

type Agent = supertest.Agent;
type Patient = Awaited<ReturnType<typeof patientWithSms>>;

const KB = 1024;
const BODY_LIMIT = 64 * KB; // BODY_LIMIT_BYTES default (SPEC §4 "body size limit")
const MANAGE = '/account/twee-stappen';
const PHONES = {
  half: '+31611000001', verify: '+31611000004', recovery: '+31611000005', confirm: '+31611000006', fresh: '+31611000007', manage: '+31611000008', manageNew: '+31611000009',
  toAppStart: '+31611000010', toAppPair: '+31611000011', toSmsNew: '+31611000012',
};
const national = (e164: string) => `0${e164.slice(3)}`; // +31611000004 → 0611000004

// A crowd of hostile sign-ins from one IP must not turn into 429s halfway through the table.
const ENV = {
  SMS_RESEND_COOLDOWN_SECONDS: '1',
  SIGNIN_FREE_FAILURES_PER_IP: '100000',
  SIGNIN_FREE_FAILURES_PER_ACCOUNT: '1000',
  SMS_MAX_PER_IP_PER_HOUR: '100000',
};

// ---------------------------------------------------------------------------------------------
// Bodies. A fragment is one already-encoded `name=value` piece of an urlencoded body.

type Fragment = string | Buffer;
const enc = (name: string, value: string) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;

function joinFragments(fragments: Fragment[]): string | Buffer {
  if (fragments.every((f) => typeof f === 'string')) return fragments.join('&');
  return Buffer.concat(fragments.flatMap((f, i) => [...(i > 0 ? [Buffer.from('&')] : []), Buffer.from(f)]));
}

/** Splits a valid value in two, so hostile characters land inside an otherwise acceptable value. */
function halves(value: string): [string, string] {
  const at = Math.max(1, Math.floor(value.length / 2));
  return [value.slice(0, at), value.slice(at)];
}

type Expectation = 'form-error' | 'form-error-or-400-page' | 'too-large' | 'refused' | 'form-error-or-415';

interface FieldCase {
  name: string;
  expect: Expectation;
  /** The spoiled field as a body fragment; null leaves the field out. */
  spoil(field: string, valid: string): Fragment | null;
}

const inserted = (text: string) => (field: string, valid: string) => {
  const [a, b] = halves(valid);
  return enc(field, `${a}${text}${b}`);
};
/** Percent-encoded bytes that are not UTF-8, as a broken client sends them. */
const insertedEncodedBytes = (escapes: string) => (field: string, valid: string) => {
  const [a, b] = halves(valid);
  return `${encodeURIComponent(field)}=${encodeURIComponent(a)}${escapes}${encodeURIComponent(b)}`;
};
/** The same bytes raw in the body, not percent-encoded at all. */
const insertedRawBytes = (bytes: number[]) => (field: string, valid: string) => {
  const [a, b] = halves(valid);
  return Buffer.concat([Buffer.from(`${encodeURIComponent(field)}=${encodeURIComponent(a)}`), Buffer.from(bytes), Buffer.from(encodeURIComponent(b))]);
};

// What a patient can type or paste gets the form again with the message at the field (SPEC §4
// "every input validated"). What no browser sends (repeated fields, bytes that are not UTF-8) may
// instead get the plain Dutch 400 page: either way it is refused.
const FIELD_CASES: FieldCase[] = [
  { name: 'empty', expect: 'form-error', spoil: (f) => enc(f, '') },
  { name: 'missing', expect: 'form-error', spoil: () => null },
  { name: '6 KB long (under the body limit)', expect: 'form-error', spoil: (f) => enc(f, '7'.repeat(6 * KB)) },
  { name: '100 KB long', expect: 'too-large', spoil: (f) => enc(f, 'a'.repeat(100 * KB)) },
  { name: 'as field[]=a&field[]=b', expect: 'form-error-or-400-page', spoil: (f, v) => `${enc(`${f}[]`, v)}&${enc(`${f}[]`, v)}` },
  { name: 'as field=a&field=b', expect: 'form-error-or-400-page', spoil: (f, v) => `${enc(f, v)}&${enc(f, v)}` },
  { name: 'with \\u0000', expect: 'form-error', spoil: inserted('\u0000') },
  { name: 'with \\u001b[31m', expect: 'form-error', spoil: inserted('\u001b[31m') },
  { name: 'with \\u202e', expect: 'form-error', spoil: inserted('\u202e') },
  { name: 'with invalid UTF-8 %C3%28', expect: 'form-error-or-400-page', spoil: insertedEncodedBytes('%C3%28') },
  { name: 'with invalid UTF-8 %FF', expect: 'form-error-or-400-page', spoil: insertedEncodedBytes('%FF') },
  { name: 'with raw bytes C3 28', expect: 'form-error-or-400-page', spoil: insertedRawBytes([0xc3, 0x28]) },
  { name: 'with raw byte FF', expect: 'form-error-or-400-page', spoil: insertedRawBytes([0xff]) },
];

function multipart(fields: Record<string, string>): { type: string; body: string } {
  const boundary = `----karify${crypto.randomBytes(8).toString('hex')}`;
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  return { type: `multipart/form-data; boundary=${boundary}`, body: `${parts.join('')}--${boundary}--\r\n` };
}

interface TransportCase {
  name: string;
  expect: Expectation;
  /** Only for forms that read fields (a form without fields would simply be submitted). */
  withFieldsOnly?: boolean;
  send(agent: Agent, action: string, token: string, valid: Record<string, string>): supertest.Test;
}

const urlencoded = (fields: Record<string, string>) => Object.entries(fields).map(([k, v]) => enc(k, v)).join('&');

const TRANSPORT_CASES: TransportCase[] = [
  // The token inside a body the app does not read: the form cannot be trusted, nothing happens.
  { name: 'application/json, token in the body', expect: 'refused', send: (a, p, token, valid) => a.post(p).set('Content-Type', 'application/json').send(JSON.stringify({ _csrf: token, ...valid })) },
  { name: 'text/plain, token in the body', expect: 'refused', send: (a, p, token, valid) => a.post(p).set('Content-Type', 'text/plain').send(urlencoded({ _csrf: token, ...valid })) },
  {
    name: 'multipart/form-data, token in the body', expect: 'refused', send: (a, p, token, valid) => {
      const { type, body } = multipart({ _csrf: token, ...valid });
      return a.post(p).set('Content-Type', type).send(body);
    },
  },
  { name: 'urlencoded in a charset other than UTF-8', expect: 'refused', send: (a, p, token, valid) => a.post(p).set('Content-Type', 'application/x-www-form-urlencoded; charset=koi8-r').send(urlencoded({ _csrf: token, ...valid })) },
  // A valid token in a header gets past CSRF: the handler must still not read what it cannot parse.
  { name: 'application/json, token in X-CSRF-Token', expect: 'form-error-or-415', withFieldsOnly: true, send: (a, p, token, valid) => a.post(p).set('Content-Type', 'application/json').set('X-CSRF-Token', token).send(JSON.stringify(valid)) },
  { name: 'text/plain, token in X-CSRF-Token', expect: 'form-error-or-415', withFieldsOnly: true, send: (a, p, token, valid) => a.post(p).set('Content-Type', 'text/plain').set('X-CSRF-Token', token).send(urlencoded(valid)) },
  {
    name: 'multipart/form-data, token in X-CSRF-Token', expect: 'form-error-or-415', withFieldsOnly: true, send: (a, p, token, valid) => {
      const { type, body } = multipart(valid);
      return a.post(p).set('Content-Type', type).set('X-CSRF-Token', token).send(body);
    },
  },
  { name: 'body over BODY_LIMIT_BYTES', expect: 'too-large', send: (a, p, token, valid) => a.post(p).type('form').send(`${urlencoded({ _csrf: token, ...valid })}&pad=${'x'.repeat(BODY_LIMIT + 1)}`) },
  {
    name: 'more fields than the parameter limit', expect: 'refused', send: (a, p, token, valid) =>
      a.post(p).type('form').send([urlencoded({ _csrf: token, ...valid }), ...Array.from({ length: 60 }, (_, i) => `x${i}=1`)].join('&')),
  },
];

// ---------------------------------------------------------------------------------------------
// Judging answers.

const ERROR_PAGE_TITLES = ['Je sessie is verlopen', 'Dit verzoek klopt niet', 'Formulier te groot'];

function leaks(html: string): string | null {
  if (/\n\s+at \S/.test(html)) return 'a stack trace';
  if (/node_modules|\.ts:\d+|\.js:\d+|\/(?:work|home|src)\//.test(html)) return 'a file path';
  if (/\b(?:TypeError|ReferenceError|PayloadTooLargeError|UnsupportedMediaTypeError|ForbiddenError|SQLITE_\w+)\b/.test(html)) return 'an error class';
  return null;
}

function isDutchHtml(res: supertest.Response): boolean {
  return /^text\/html/.test(String(res.headers['content-type'])) && res.text.includes('<html lang="nl"');
}

const isFormError = (res: supertest.Response) =>
  res.status === 400 && isDutchHtml(res) && res.text.includes('class="error-summary"') && res.text.includes('Er is een probleem');
const isErrorPage = (res: supertest.Response, statuses: number[]) =>
  statuses.includes(res.status) && isDutchHtml(res) && ERROR_PAGE_TITLES.some((title) => res.text.includes(`<h1>${title}</h1>`));

/** What is wrong with an answer, or null when it is what the expectation allows. */
function judge(res: supertest.Response, expectation: Expectation): string | null {
  const got = `got ${res.status}${res.headers.location ? ` → ${res.headers.location}` : ''}`;
  if (res.status >= 500) return `${got} (a server error)`;
  const leak = res.text ? leaks(res.text) : null;
  if (leak) return `${got}, the page shows ${leak}`;
  switch (expectation) {
    case 'form-error':
      return isFormError(res) ? null : `${got}, expected 400 with the Dutch error summary`;
    case 'form-error-or-400-page':
      return isFormError(res) || isErrorPage(res, [400]) ? null : `${got}, expected 400 with the error summary or the Dutch 400 page`;
    case 'too-large':
      return res.status === 413 && isDutchHtml(res) && res.text.includes('<h1>Formulier te groot</h1>') ? null : `${got}, expected the Dutch 413 page`;
    case 'refused':
      return isErrorPage(res, [400, 403, 413, 415]) ? null : `${got}, expected a Dutch 400/403/413/415 page`;
    case 'form-error-or-415':
      return isFormError(res) || isErrorPage(res, [415]) ? null : `${got}, expected 400 with the error summary or a Dutch 415 page`;
  }
}

/** A path as the route table lists it: every id as 1. */
const asListed = (path: string) => path.replace(/\/\d+(?=\/|$)/g, '/1');

/**
 * Where the language link of a page leads back to (`/taal/en?terug=…`), when the page has one
 * and it is not a page that can be asked for (GET): a form's address that takes POST only is a 404.
 */
function languageLinkToPostOnly(res: supertest.Response, pages: ReadonlySet<string>): string | null {
  const back = /href="\/taal\/[a-z]+\?terug=([^"]+)"/.exec(res.text ?? '')?.[1];
  if (!back) return null;
  const path = decodeURIComponent(back.replace(/&amp;/g, '&')).split('?')[0]!;
  return pages.has(asListed(path)) ? null : `the language link leads back to ${path}, which no GET answers`;
}

// ---------------------------------------------------------------------------------------------
// The forms. Each is submitted by an agent in the state the form needs; `fields` is a submission
// the app would accept, so a hostile value that slips through shows as a success or a change.

interface Context {
  world: SmsWorld;
  anon: Agent;
  plain: { email: string; password: string };
  half: Agent;
  halfPatient: Patient;
  wizardMethod: Agent;
  wizardPhone: Agent;
  wizardVerify: Agent;
  wizardRecovery: Agent;
  /** At the wizard's Koppelen step (the app chosen). */
  wizardPair: Agent;
  confirm: Agent;
  confirmPatient: Patient;
  fresh: Agent;
  manage: Agent;
  /** Signed in with a temporary password from the clinic: kept on choosing their own. */
  ownPassword: Agent;
  // The desk (/balie): staff member 1 is a desk employee whose role the admin may change, the
  // admin is 2; patient 1 is `plain`, question 1 is asked in `before`.
  deskAnon: Agent;
  deskHalf: Agent;
  deskHalfMember: TestStaffMember;
  deskNew: Agent;
  deskPairing: Agent;
  deskPairingKey: string;
  deskRecovery: Agent;
  deskAdmin: Agent;
  /** The admin in a session of their own that has not given password and code on the passkeys page. */
  deskAdminUnconfirmed: Agent;
  admin: TestStaffMember;
  /** A patient whose only second step is passkey 1, freshly confirmed. */
  passkey: Agent;
  // Switching method (J6), each freshly confirmed: from SMS to the app, before and after its start
  // (the pairing's key shown), and from the app to SMS, before and after the new number's code.
  toAppStart: Agent;
  toAppPair: Agent;
  toAppPairKey: string;
  toSms: Agent;
  toSmsVerify: Agent;
}

interface FormSpec {
  action: string;
  /** A page this agent may see that carries a CSRF token. */
  page: string;
  agent(c: Context): Agent;
  fields(c: Context): Record<string, string>;
  /** Fields to attack (default: all of `fields`). */
  attack?: string[];
  /** Spoiling the key spoils the value field the same way (a repeated password). */
  mirror?: Record<string, string>;
  /** What the agent's own session shows; must not change either. */
  observe(c: Context): Promise<unknown>;
}

const location = async (agent: Agent, path: string) => {
  const res = await agent.get(path);
  return `${res.status} ${res.headers.location ?? ''}`;
};
const anonymous = (c: Context) => location(c.anon, '/werkblad');
const halfSession = async (c: Context) => [await location(c.half, '/inloggen/code'), await location(c.half, '/werkblad')];
/** Where `agent` is when it asks for `path`. */
const at = (agent: (c: Context) => Agent, path: string) => (c: Context) => location(agent(c), path);
const wizardAt = (agent: (c: Context) => Agent) => at(agent, SETUP);
const notFresh = (c: Context) => location(c.confirm, '/account/wachtwoord');
const freshAndSignedIn = async (c: Context) => [await location(c.fresh, '/account/wachtwoord'), await location(c.fresh, MANAGE)];
const choosingOwnPassword = (c: Context) => location(c.ownPassword, '/account/eigen-wachtwoord');
const changingPhone = (c: Context) => location(c.manage, `${MANAGE}/telefoonnummer-wijzigen/verificatie`);
const deskAnonymous = (c: Context) => location(c.deskAnon, `${DESK}/patienten`);
const deskHalfSession = async (c: Context) => [await location(c.deskHalf, `${DESK}/code`), await location(c.deskHalf, `${DESK}/patienten`)];
const deskAdminSignedIn = async (c: Context) => [await location(c.deskAdmin, `${DESK}/patienten`), await location(c.deskAdmin, `${DESK}/medewerkers`)];
const DESK_REASON = { identityChecked: 'ja', reason: 'Paspoort gecontroleerd aan de balie' };
const passkeyPatient = async (c: Context) => [await location(c.passkey, MANAGE), await location(c.passkey, `${PASSKEYS}/toevoegen`)];

const FORMS: FormSpec[] = [
  {
    action: '/inloggen', page: '/inloggen', agent: (c) => c.anon, observe: anonymous,
    fields: (c) => ({ email: c.plain.email, password: c.plain.password }),
  },
  {
    action: '/hulp/vragenformulier', page: '/hulp/vragenformulier', agent: (c) => c.anon, observe: anonymous,
    fields: () => ({ name: 'Jan de Vries', email: 'jan@example.nl', question: 'Ik krijg geen SMS met de code. Wat kan ik doen?' }),
  },
  {
    action: '/inloggen/code', page: '/inloggen/code', agent: (c) => c.half, observe: halfSession,
    fields: (c) => ({ code: codeFor(c.world.vonage, PHONES.half) }),
  },
  {
    action: '/inloggen/herstelcode', page: '/inloggen/herstelcode', agent: (c) => c.half, observe: halfSession,
    fields: (c) => ({ recoveryCode: c.halfPatient.recoveryCodes[0]! }),
  },
  { action: '/inloggen/code/nieuwe-code', page: '/inloggen/code', agent: (c) => c.half, observe: halfSession, fields: () => ({}) },
  { action: '/inloggen/annuleren', page: '/inloggen/code', agent: (c) => c.half, observe: halfSession, fields: () => ({}) },
  {
    action: `${SETUP}/methode`, page: `${SETUP}/methode`, agent: (c) => c.wizardMethod, observe: wizardAt((c) => c.wizardMethod),
    fields: () => ({ method: 'sms' }),
  },
  {
    action: `${SETUP}/telefoonnummer`, page: `${SETUP}/telefoonnummer`, agent: (c) => c.wizardPhone, observe: wizardAt((c) => c.wizardPhone),
    fields: () => ({ country: 'NL', phone: '06 11000014' }),
  },
  {
    action: `${SETUP}/verificatie`, page: `${SETUP}/verificatie`, agent: (c) => c.wizardVerify, observe: wizardAt((c) => c.wizardVerify),
    fields: (c) => ({ code: codeFor(c.world.vonage, PHONES.verify) }),
  },
  { action: `${SETUP}/verificatie/nieuwe-code`, page: `${SETUP}/verificatie`, agent: (c) => c.wizardVerify, observe: wizardAt((c) => c.wizardVerify), fields: () => ({}) },
  { action: `${SETUP}/herstelcodes`, page: `${SETUP}/herstelcodes`, agent: (c) => c.wizardRecovery, observe: wizardAt((c) => c.wizardRecovery), fields: () => ({}) },
  // "Ik heb de app gekoppeld": no field; the app's code is typed on the Verificatie step, as an SMS code is.
  { action: `${SETUP}/koppelen`, page: `${SETUP}/koppelen`, agent: (c) => c.wizardPair, observe: wizardAt((c) => c.wizardPair), fields: () => ({}) },
  {
    action: '/account/bevestigen', page: '/account/bevestigen?terug=%2Faccount%2Fwachtwoord', agent: (c) => c.confirm, observe: notFresh,
    fields: (c) => ({ terug: '/account/wachtwoord', password: c.confirmPatient.password, code: codeFor(c.world.vonage, PHONES.confirm) }),
    attack: ['password', 'code'], // `terug` is a hidden field with a safe fallback (safeReturnPath)
  },
  {
    action: '/account/bevestigen/code', page: '/account/bevestigen?terug=%2Faccount%2Fwachtwoord', agent: (c) => c.confirm, observe: notFresh,
    fields: () => ({ terug: '/account/wachtwoord' }), attack: [],
  },
  {
    action: '/account/wachtwoord', page: '/account/wachtwoord', agent: (c) => c.fresh, observe: freshAndSignedIn,
    fields: () => ({ newPassword: 'blauwe-giraffe-fietst-9', repeatPassword: 'blauwe-giraffe-fietst-9' }),
    mirror: { newPassword: 'repeatPassword' },
  },
  {
    action: '/account/eigen-wachtwoord', page: '/account/eigen-wachtwoord', agent: (c) => c.ownPassword, observe: choosingOwnPassword,
    fields: () => ({ newPassword: 'paarse-giraffe-fietst-9', repeatPassword: 'paarse-giraffe-fietst-9' }),
    mirror: { newPassword: 'repeatPassword' },
  },
  {
    action: `${MANAGE}/telefoonnummer-wijzigen`, page: `${MANAGE}/telefoonnummer-wijzigen`, agent: (c) => c.fresh, observe: freshAndSignedIn,
    fields: () => ({ country: 'NL', phone: '06 11000019' }),
  },
  {
    action: `${MANAGE}/telefoonnummer-wijzigen/verificatie`, page: `${MANAGE}/telefoonnummer-wijzigen/verificatie`, agent: (c) => c.manage, observe: changingPhone,
    fields: (c) => ({ code: codeFor(c.world.vonage, PHONES.manageNew) }),
  },
  { action: `${MANAGE}/telefoonnummer-wijzigen/verificatie/nieuwe-code`, page: `${MANAGE}/telefoonnummer-wijzigen/verificatie`, agent: (c) => c.manage, observe: changingPhone, fields: () => ({}) },
  {
    action: `${MANAGE}/overstappen/app`, page: `${MANAGE}/overstappen/app`, agent: (c) => c.toAppStart,
    observe: at((c) => c.toAppStart, `${MANAGE}/overstappen/app/koppelen`), fields: () => ({}),
  },
  {
    action: `${MANAGE}/overstappen/app/koppelen`, page: `${MANAGE}/overstappen/app/koppelen`, agent: (c) => c.toAppPair,
    observe: at((c) => c.toAppPair, `${MANAGE}/overstappen/app/koppelen`),
    fields: (c) => ({ code: appCode(c.toAppPairKey, c.world.rt.clock.now()) }),
  },
  {
    action: `${MANAGE}/overstappen/sms`, page: `${MANAGE}/overstappen/sms`, agent: (c) => c.toSms,
    observe: at((c) => c.toSms, `${MANAGE}/overstappen/sms/verificatie`), fields: () => ({ country: 'NL', phone: '06 11000021' }),
  },
  {
    action: `${MANAGE}/overstappen/sms/verificatie`, page: `${MANAGE}/overstappen/sms/verificatie`, agent: (c) => c.toSmsVerify,
    observe: at((c) => c.toSmsVerify, `${MANAGE}/overstappen/sms/verificatie`), fields: (c) => ({ code: codeFor(c.world.vonage, PHONES.toSmsNew) }),
  },
  {
    action: `${MANAGE}/overstappen/sms/verificatie/nieuwe-code`, page: `${MANAGE}/overstappen/sms/verificatie`, agent: (c) => c.toSmsVerify,
    observe: at((c) => c.toSmsVerify, `${MANAGE}/overstappen/sms/verificatie`), fields: () => ({}),
  },
  { action: `${MANAGE}/herstelcodes/nieuw`, page: `${MANAGE}/herstelcodes/nieuw`, agent: (c) => c.fresh, observe: freshAndSignedIn, fields: () => ({}) },
  { action: `${MANAGE}/herstelcodes`, page: MANAGE, agent: (c) => c.fresh, observe: freshAndSignedIn, fields: () => ({}) },
  { action: `${MANAGE}/uitzetten`, page: `${MANAGE}/uitzetten`, agent: (c) => c.fresh, observe: freshAndSignedIn, fields: () => ({}) },
  { action: '/account/beveiliging/uitloggen-op-andere-apparaten', page: '/account/beveiliging', agent: (c) => c.fresh, observe: freshAndSignedIn, fields: () => ({}) },
  { action: '/uitloggen', page: '/werkblad', agent: (c) => c.fresh, observe: freshAndSignedIn, fields: () => ({}) },
  {
    action: DESK, page: DESK, agent: (c) => c.deskAnon, observe: deskAnonymous,
    fields: (c) => ({ email: c.admin.email, password: c.admin.password }),
  },
  {
    action: `${DESK}/code`, page: `${DESK}/code`, agent: (c) => c.deskHalf, observe: deskHalfSession,
    fields: (c) => ({ code: appCode(c.deskHalfMember.secret, c.world.rt.clock.now()) }),
  },
  {
    action: `${DESK}/herstelcode`, page: `${DESK}/herstelcode`, agent: (c) => c.deskHalf, observe: deskHalfSession,
    fields: (c) => ({ recoveryCode: c.deskHalfMember.recoveryCodes[0]! }),
  },
  { action: `${DESK}/annuleren`, page: `${DESK}/code`, agent: (c) => c.deskHalf, observe: deskHalfSession, fields: () => ({}) },
  {
    action: `${DESK}/eerste-keer/wachtwoord`, page: `${DESK}/eerste-keer/wachtwoord`, agent: (c) => c.deskNew,
    observe: at((c) => c.deskNew, `${DESK}/eerste-keer/wachtwoord`),
    fields: () => ({ newPassword: 'groene-kikker-springt-7', repeatPassword: 'groene-kikker-springt-7' }),
    mirror: { newPassword: 'repeatPassword' },
  },
  {
    action: `${DESK}/eerste-keer/koppelen`, page: `${DESK}/eerste-keer/koppelen`, agent: (c) => c.deskPairing,
    observe: at((c) => c.deskPairing, `${DESK}/eerste-keer/koppelen`),
    fields: (c) => ({ code: appCode(c.deskPairingKey, c.world.rt.clock.now()) }),
  },
  {
    action: `${DESK}/eerste-keer/herstelcodes`, page: `${DESK}/eerste-keer/herstelcodes`, agent: (c) => c.deskRecovery,
    observe: at((c) => c.deskRecovery, `${DESK}/eerste-keer/herstelcodes`), fields: () => ({}),
  },
  { action: `${DESK}/patienten`, page: `${DESK}/patienten`, agent: (c) => c.deskAdmin, observe: deskAdminSignedIn, fields: () => ({ query: 'patient' }) },
  {
    action: `${DESK}/wachtwoord`, page: `${DESK}/wachtwoord`, agent: (c) => c.deskAdmin, observe: deskAdminSignedIn,
    fields: (c) => ({ ...identityOf(c.world.rt, c.admin), newPassword: 'groene-kikker-springt-7', repeatPassword: 'groene-kikker-springt-7' }),
    mirror: { newPassword: 'repeatPassword' },
  },
  {
    action: `${DESK}/toegangssleutels/bevestigen`, page: `${DESK}/toegangssleutels`, agent: (c) => c.deskAdminUnconfirmed,
    observe: async (c) => [await location(c.deskAdminUnconfirmed, `${DESK}/patienten`), (await c.deskAdminUnconfirmed.get(`${DESK}/toegangssleutels`)).text.includes('data-passkey-register')],
    fields: (c) => identityOf(c.world.rt, c.admin),
  },
  {
    action: `${DESK}/herstelcodes`, page: `${DESK}/herstelcodes`, agent: (c) => c.deskAdmin, observe: deskAdminSignedIn,
    fields: (c) => identityOf(c.world.rt, c.admin),
  },
  { action: `${DESK}/herstelcodes/nieuw`, page: `${DESK}/herstelcodes`, agent: (c) => c.deskAdmin, observe: deskAdminSignedIn, fields: () => ({}) },
  {
    // Without the passkey's answer the name is checked and the form comes back; `credential` is the script's.
    action: `${DESK}/toegangssleutels/toevoegen`, page: `${DESK}/toegangssleutels`, agent: (c) => c.deskAdmin, observe: deskAdminSignedIn,
    fields: () => ({ name: 'Werklaptop', credential: '' }), attack: ['name'],
  },
  { action: `${DESK}/toegangssleutels/1/verwijderen`, page: `${DESK}/toegangssleutels`, agent: (c) => c.deskAdmin, observe: deskAdminSignedIn, fields: () => ({}) },
  ...['twee-stappen-uitzetten', 'tijdelijk-wachtwoord', 'uitschakelen', 'inschakelen', 'overal-uitloggen'].map((action): FormSpec => ({
    action: `${DESK}/patienten/1/${action}`, page: `${DESK}/patienten/1/${action}`, agent: (c) => c.deskAdmin, observe: deskAdminSignedIn,
    fields: () => (['twee-stappen-uitzetten', 'tijdelijk-wachtwoord'].includes(action) ? DESK_REASON : { reason: DESK_REASON.reason }),
  })),
  { action: `${DESK}/vragen/1`, page: `${DESK}/vragen/1`, agent: (c) => c.deskAdmin, observe: deskAdminSignedIn, fields: () => ({ note: 'Patiënt gebeld.' }) },
  {
    action: `${DESK}/medewerkers/nieuw`, page: `${DESK}/medewerkers/nieuw`, agent: (c) => c.deskAdmin, observe: deskAdminSignedIn,
    fields: () => ({ name: 'Eva Evers', email: 'eva@kliniek.nl', role: 'desk' }),
  },
  { action: `${DESK}/medewerkers/1/rol`, page: `${DESK}/medewerkers/1`, agent: (c) => c.deskAdmin, observe: deskAdminSignedIn, fields: () => ({ role: 'admin', reason: 'Wordt teamleider' }) },
  ...['uitschakelen', 'inschakelen', 'eenmalig-wachtwoord', 'app-uitzetten'].map((action): FormSpec => ({
    action: `${DESK}/medewerkers/1/${action}`, page: `${DESK}/medewerkers/1/${action}`, agent: (c) => c.deskAdmin, observe: deskAdminSignedIn,
    fields: () => ({ reason: DESK_REASON.reason }),
  })),
  { action: `${DESK}/uitloggen`, page: `${DESK}/patienten`, agent: (c) => c.deskAdmin, observe: deskAdminSignedIn, fields: () => ({}) },
  {
    // Without the passkey's answer the name is checked and the form comes back; `credential` is the script's (below).
    action: `${PASSKEYS}/toevoegen`, page: `${PASSKEYS}/toevoegen`, agent: (c) => c.passkey, observe: passkeyPatient,
    fields: () => ({ name: 'Werklaptop', credential: '' }), attack: ['name'],
  },
  { action: `${PASSKEYS}/1/naam`, page: `${PASSKEYS}/1/naam`, agent: (c) => c.passkey, observe: passkeyPatient, fields: () => ({ name: 'Werklaptop' }) },
  { action: `${PASSKEYS}/1/verwijderen`, page: `${PASSKEYS}/1/verwijderen`, agent: (c) => c.passkey, observe: passkeyPatient, fields: () => ({}) },
  { action: `${PASSKEYS}/herstelcodes`, page: MANAGE, agent: (c) => c.passkey, observe: passkeyPatient, fields: () => ({}) },
];

/**
 * What public/js/passkeys.js posts: the options (JSON) and the passkey's answer. Their hostile
 * input (no token, nonsense answers, bodies too large) is tested in test/features/passkeys/hostile-input.test.ts.
 */
const BY_SCRIPT = [
  '/inloggen/toegangssleutel/opties',
  '/inloggen/toegangssleutel',
  '/inloggen/code/toegangssleutel/opties',
  '/inloggen/code/toegangssleutel',
  '/account/bevestigen/toegangssleutel/opties',
  `${PASSKEYS}/toevoegen/opties`,
  `${DESK}/code/toegangssleutel/opties`,
  `${DESK}/code/toegangssleutel`,
  `${DESK}/toegangssleutels/toevoegen/opties`,
];

/** Everything a rejected request must leave alone. Security events are left out: failed attempts are logged on purpose. */
async function storedState(c: Context) {
  const { db } = c.world.rt;
  const all = (table: string) => db(table).select('*').orderBy('id');
  return {
    users: await all('users'),
    recoveryCodes: await all('recovery_codes'),
    verificationCodes: await all('verification_codes'),
    helpQuestions: await all('help_questions'),
    messages: await all('messages'),
    staff: await all('staff'),
    staffRecoveryCodes: await all('staff_recovery_codes'),
    staffTwoFactor: await db('staff_two_factor_settings').select('*').orderBy('staff_id'),
    passkeys: await all('passkeys'),
    staffPasskeys: await all('staff_passkeys'),
    smsSent: c.world.vonage.messages.length,
  };
}

/** The first difference between two JSON-able values, as a path. */
function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      if (d) return d;
    }
  }
  return `${path || 'value'}: ${JSON.stringify(a)?.slice(0, 80)} → ${JSON.stringify(b)?.slice(0, 80)}`;
}

interface Attempt {
  label: string;
  expect: Expectation;
  send(): supertest.Test;
}

function attemptsFor(form: FormSpec, agent: Agent, token: string, valid: Record<string, string>): Attempt[] {
  const attempts: Attempt[] = [];
  const attacked = form.attack ?? Object.keys(valid);
  for (const field of attacked) {
    for (const fieldCase of FIELD_CASES) {
      const spoiled = new Set([field, ...(form.mirror?.[field] ? [form.mirror[field]] : [])]);
      const fragments: Fragment[] = [enc('_csrf', token)];
      for (const [name, value] of Object.entries(valid)) {
        const fragment = spoiled.has(name) ? fieldCase.spoil(name, valid[field]!) : enc(name, value);
        if (fragment !== null) fragments.push(fragment);
      }
      const body = joinFragments(fragments);
      // Sent as is: supertest would otherwise re-serialize a Buffer as if it were an object of fields.
      const send = () => agent.post(form.action).type('form').serialize((data) => data).send(body as string);
      attempts.push({ label: `${field} ${fieldCase.name}`, expect: fieldCase.expect, send });
    }
  }
  for (const transport of TRANSPORT_CASES) {
    if (transport.withFieldsOnly && attacked.length === 0) continue;
    attempts.push({ label: transport.name, expect: transport.expect, send: () => transport.send(agent, form.action, token, valid) });
  }
  return attempts;
}

describe('hostile input on every form (issue 7)', function () {
  this.timeout(60_000);
  const c = {} as Context;

  /** Signed in with the code sent to `phone`, or with `appSecret` the app's code. */
  async function fullySignedIn(patient: Patient, phone: string | { appSecret: string }): Promise<Agent> {
    const agent = c.world.rt.agent();
    await passwordStep(agent, patient.email, patient.password);
    const code = typeof phone === 'string' ? codeFor(c.world.vonage, phone) : appCode(phone.appSecret, c.world.rt.clock.now());
    expect((await enterSignInCode(agent, code)).headers.location).to.equal('/werkblad');
    return agent;
  }

  /** Signed in (see fullySignedIn) and confirmed with a recovery code to switch method (`returnTo`). */
  async function switchingMethod(patient: Patient, phone: string | { appSecret: string }, returnTo: string): Promise<Agent> {
    const agent = await fullySignedIn(patient, phone);
    await confirmedWithRecoveryCode(agent, patient, returnTo);
    return agent;
  }

  async function confirmedWithRecoveryCode(agent: Agent, patient: Patient, returnTo: string): Promise<void> {
    const page = `/account/bevestigen?terug=${encodeURIComponent(returnTo)}`;
    const res = await submitForm(agent, page, { terug: returnTo, password: patient.password, code: patient.recoveryCodes[0]! }, '/account/bevestigen');
    expect(res.headers.location).to.equal(returnTo);
  }

  before(async () => {
    c.world = await startSmsWorld(ENV);
    const { rt } = c.world;
    c.anon = rt.agent();
    c.plain = await rt.createPatient();

    c.halfPatient = await patientWithSms(rt, PHONES.half);
    c.half = rt.agent();
    await passwordStep(c.half, c.halfPatient.email, c.halfPatient.password);

    c.wizardMethod = (await signedInPatient(rt)).agent;
    c.wizardPhone = (await signedInPatient(rt)).agent;
    expect((await chooseSms(c.wizardPhone)).headers.location).to.equal(`${SETUP}/telefoonnummer`);
    c.wizardVerify = (await signedInPatient(rt)).agent;
    await chooseSms(c.wizardVerify);
    expect((await enterPhone(c.wizardVerify, national(PHONES.verify))).headers.location).to.equal(`${SETUP}/verificatie`);
    c.wizardRecovery = (await signedInPatient(rt)).agent;
    await chooseSms(c.wizardRecovery);
    await enterPhone(c.wizardRecovery, national(PHONES.recovery));
    expect((await enterCode(c.wizardRecovery, codeFor(c.world.vonage, PHONES.recovery))).headers.location).to.equal(`${SETUP}/herstelcodes`);

    c.wizardPair = (await signedInPatient(rt)).agent;
    expect((await chooseApp(c.wizardPair)).headers.location).to.equal(`${SETUP}/koppelen`);

    c.confirmPatient = await patientWithSms(rt, PHONES.confirm);
    c.confirm = await fullySignedIn(c.confirmPatient, PHONES.confirm);
    const page = '/account/bevestigen?terug=%2Faccount%2Fwachtwoord';
    expect((await submitForm(c.confirm, page, { terug: '/account/wachtwoord' }, '/account/bevestigen/code')).status).to.equal(302);

    const freshPatient = await patientWithSms(rt, PHONES.fresh);
    c.fresh = await fullySignedIn(freshPatient, PHONES.fresh);
    await confirmedWithRecoveryCode(c.fresh, freshPatient, '/account/wachtwoord');

    const managePatient = await patientWithSms(rt, PHONES.manage);
    c.manage = await fullySignedIn(managePatient, PHONES.manage);
    await confirmedWithRecoveryCode(c.manage, managePatient, `${MANAGE}/telefoonnummer-wijzigen`);
    c.passkey = (await patientWithPasskey(rt, 'Telefoon')).agent; // the first passkey of this database: id 1
    c.toAppStart = await switchingMethod(await patientWithSms(rt, PHONES.toAppStart), PHONES.toAppStart, `${MANAGE}/overstappen/app`);
    c.toAppPair = await switchingMethod(await patientWithSms(rt, PHONES.toAppPair), PHONES.toAppPair, `${MANAGE}/overstappen/app`);
    expect((await submitForm(c.toAppPair, `${MANAGE}/overstappen/app`, {})).headers.location).to.equal(`${MANAGE}/overstappen/app/koppelen`);
    c.toAppPairKey = keyFromPage((await c.toAppPair.get(`${MANAGE}/overstappen/app/koppelen`)).text);
    for (const name of ['toSms', 'toSmsVerify'] as const) {
      const patient = await patientWithApp(rt);
      c[name] = await switchingMethod(patient, { appSecret: patient.secret }, `${MANAGE}/overstappen/sms`);
    }
    const toSms = await submitForm(c.toSmsVerify, `${MANAGE}/overstappen/sms`, { country: 'NL', phone: national(PHONES.toSmsNew) });
    expect(toSms.headers.location).to.equal(`${MANAGE}/overstappen/sms/verificatie`);
    const forgetful = await rt.createPatient();
    await rt.services.users.setOneTimePassword(forgetful.id, await rt.services.hasher.hash('tijdelijk-wachtwoord-1'), rt.clock.now() + 86_400_000);
    c.ownPassword = rt.agent();
    expect((await submitForm(c.ownPassword, '/inloggen', { email: forgetful.email, password: 'tijdelijk-wachtwoord-1' })).headers.location).to.equal('/werkblad');
    const change = await submitForm(c.manage, `${MANAGE}/telefoonnummer-wijzigen`, { country: 'NL', phone: national(PHONES.manageNew) });
    expect(change.headers.location).to.equal(`${MANAGE}/telefoonnummer-wijzigen/verificatie`);

    expect((await createStaffMember(rt, { name: 'Dirk Dekker' })).id, 'staff member 1').to.equal(1);
    c.admin = await createStaffMember(rt, { role: 'admin' });
    await rt.services.helpQuestions.add({ userId: null, name: 'Bea', email: 'bea@example.nl', question: 'Help.', language: 'nl' }, '203.0.113.9');
    c.deskAnon = rt.agent();
    c.deskHalfMember = await createStaffMember(rt);
    c.deskHalf = rt.agent();
    await deskPasswordStep(c.deskHalf, c.deskHalfMember);
    const newcomer = await rt.services.staff.create({
      email: 'nieuw@kliniek.nl', name: 'Nina Nieuw', role: 'desk', passwordHash: await rt.services.hasher.hash('eenmalig-wachtwoord-1'), oneTimePasswordUntil: rt.clock.now() + 86_400_000,
    });
    c.deskNew = rt.agent();
    await deskPasswordStep(c.deskNew, { email: newcomer.email, password: 'eenmalig-wachtwoord-1' });
    const pairing = await createStaffMember(rt, { withApp: false });
    c.deskPairing = rt.agent();
    await deskPasswordStep(c.deskPairing, pairing);
    c.deskPairingKey = keyFromPage((await c.deskPairing.get(`${DESK}/eerste-keer/koppelen`)).text);
    const recovering = await createStaffMember(rt, { withApp: false });
    c.deskRecovery = rt.agent();
    await deskPasswordStep(c.deskRecovery, recovering);
    const key = keyFromPage((await c.deskRecovery.get(`${DESK}/eerste-keer/koppelen`)).text);
    const paired = await submitForm(c.deskRecovery, `${DESK}/eerste-keer/koppelen`, { code: appCode(key, rt.clock.now()) });
    expect(paired.headers.location).to.equal(`${DESK}/eerste-keer/herstelcodes`);
    c.deskAdmin = await signInAtDesk(rt, c.admin);
    c.deskAdminUnconfirmed = await signInAtDesk(rt, c.admin);
    // The admin gave their password and a code on the passkeys page, so its forms reach their handlers.
    const confirmed = await submitForm(c.deskAdmin, `${DESK}/toegangssleutels`, identityOf(rt, c.admin), `${DESK}/toegangssleutels/bevestigen`);
    expect(confirmed.headers.location).to.equal(`${DESK}/toegangssleutels`);
  });
  after(() => c.world?.close());

  it('covers every POST route of the app', () => {
    const posts = new Set(listRoutes(c.world.rt.app).filter(([method]) => method === 'POST').map(([, path]) => path));
    const listed = FORMS.map((f) => f.action);
    expect(listed.filter((action) => !posts.has(action)), 'forms in this table the app no longer has').to.deep.equal([]);
    const known = new Set([...listed, ...BY_SCRIPT]);
    expect([...posts].filter((path) => !known.has(path)), 'POST routes missing from this table').to.deep.equal([]);
  });

  for (const form of FORMS) {
    it(`POST ${form.action}: every hostile field and body is refused clearly and changes nothing`, async () => {
      const agent = form.agent(c);
      const page = await agent.get(form.page);
      expect(page.status, `GET ${form.page}`).to.equal(200);
      const token = csrfTokenOf(page.text);
      const failures: string[] = [];
      let stored = await storedState(c);
      let observed = await form.observe(c);
      // Sent without a Referer, as some browsers and every privacy setting do.
      const pages = new Set(listRoutes(c.world.rt.app).filter(([method]) => method === 'GET').map(([, path]) => path));
      for (const attempt of attemptsFor(form, agent, token, form.fields(c))) {
        const res = await attempt.send();
        const problem = judge(res, attempt.expect) ?? languageLinkToPostOnly(res, pages);
        if (problem) failures.push(`${attempt.label}: ${problem}`);
        const [storedNow, observedNow] = [await storedState(c), await form.observe(c)];
        const changed = firstDifference(stored, storedNow) ?? firstDifference(observed, observedNow);
        if (changed) failures.push(`${attempt.label}: changed ${changed}`);
        [stored, observed] = [storedNow, observedNow];
      }
      expect(failures, `POST ${form.action}`).to.deep.equal([]);
    });
  }

  // Last: proves the table's "valid" submissions really are accepted, so every refusal above
  // was the hostile field's doing. One form per agent whose state it ends.
  it('control: the untouched submissions of the table are accepted', async () => {
    const accepted: Record<string, string> = {
      '/hulp/vragenformulier': '/hulp/vragenformulier',
      '/inloggen': '/werkblad',
      '/inloggen/herstelcode': '/inloggen/herstelcode-gebruikt',
      [`${SETUP}/methode`]: `${SETUP}/telefoonnummer`,
      [`${SETUP}/telefoonnummer`]: `${SETUP}/verificatie`,
      [`${SETUP}/verificatie`]: `${SETUP}/herstelcodes`,
      [`${SETUP}/herstelcodes`]: `${SETUP}/klaar`,
      [`${SETUP}/koppelen`]: `${SETUP}/verificatie`,
      [`${MANAGE}/overstappen/app`]: `${MANAGE}/overstappen/app/koppelen`,
      [`${MANAGE}/overstappen/app/koppelen`]: MANAGE,
      [`${MANAGE}/overstappen/sms`]: `${MANAGE}/overstappen/sms/verificatie`,
      [`${MANAGE}/overstappen/sms/verificatie`]: MANAGE,
      '/account/bevestigen': '/account/wachtwoord',
      '/account/wachtwoord': '/account/wachtwoord',
      [`${MANAGE}/telefoonnummer-wijzigen`]: `${MANAGE}/telefoonnummer-wijzigen/verificatie`,
      [`${MANAGE}/telefoonnummer-wijzigen/verificatie`]: `${MANAGE}`,
      [DESK]: `${DESK}/code`,
      [`${DESK}/herstelcode`]: `${DESK}/herstelcode-gebruikt`,
      [`${DESK}/eerste-keer/wachtwoord`]: `${DESK}/eerste-keer/koppelen`,
      [`${DESK}/eerste-keer/koppelen`]: `${DESK}/eerste-keer/herstelcodes`,
      [`${DESK}/eerste-keer/herstelcodes`]: `${DESK}/patienten`,
      [`${DESK}/patienten`]: '200',
      [`${DESK}/herstelcodes`]: `${DESK}/herstelcodes/nieuw`,
      [`${DESK}/herstelcodes/nieuw`]: `${DESK}/herstelcodes`,
      [`${DESK}/patienten/1/overal-uitloggen`]: `${DESK}/patienten/1`,
      [`${DESK}/vragen/1`]: `${DESK}/vragen/1`,
      [`${DESK}/medewerkers/nieuw`]: `${DESK}/medewerkers/nieuw/toegevoegd`,
      [`${DESK}/medewerkers/1/rol`]: `${DESK}/medewerkers/1`,
      [`${PASSKEYS}/1/naam`]: `${MANAGE}`,
    };
    const results: Record<string, string> = {};
    for (const form of FORMS.filter((f) => f.action in accepted)) {
      const res = await submitForm(form.agent(c), form.page, form.fields(c), form.action);
      results[form.action] = res.status === 302 ? String(res.headers.location) : `${res.status}`;
    }
    expect(results).to.deep.equal(accepted);
  });

  it(`answers a body over BODY_LIMIT_BYTES (default ${BODY_LIMIT} bytes) with the Dutch 413 page, and reads one at the limit`, async () => {
    const agent = c.world.rt.agent();
    const token = csrfTokenOf((await agent.get('/hulp/vragenformulier')).text);
    const count = await c.world.rt.db('help_questions').count({ n: '*' }).first();
    const bodyOf = (size: number) => {
      const head = `${urlencoded({ _csrf: token, name: 'Jan', email: 'jan@example.nl' })}&question=`;
      return head + 'q'.repeat(size - head.length);
    };
    const atLimit = await agent.post('/hulp/vragenformulier').type('form').send(bodyOf(BODY_LIMIT));
    expect(judge(atLimit, 'form-error'), 'exactly at the limit: read, and refused as too long a question').to.equal(null);
    expect(atLimit.text).to.include('#question');
    const over = await agent.post('/hulp/vragenformulier').type('form').send(bodyOf(BODY_LIMIT + 1));
    expect(judge(over, 'too-large'), 'one byte over the limit').to.equal(null);
    expect(await c.world.rt.db('help_questions').count({ n: '*' }).first()).to.deep.equal(count);
  });

  it('answers a method no page uses with 405 and "Dit verzoek klopt niet", not with an expired session', async () => {
    const agent = c.world.rt.agent();
    for (const [method, path] of [['delete', '/inloggen'], ['put', '/account'], ['patch', '/balie'], ['options', '/werkblad']] as const) {
      const res = await agent[method](path);
      expect(res.status, `${method} ${path}`).to.equal(405);
      expect(res.headers.allow).to.equal('GET, HEAD, POST');
      expect(res.text, `${method} ${path}`).to.include('<h1>Dit verzoek klopt niet</h1>').and.not.include('sessie');
    }
  });
});
