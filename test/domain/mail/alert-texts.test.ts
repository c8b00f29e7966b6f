import { expect } from 'chai';
import { createAlertComposer, type AlertInput, type MailAlertKind } from '../../../src/domain/mail/alert-texts';
import { createTranslators, loadLocale } from '../../../src/i18n';

const KINDS: MailAlertKind[] = [
  'two_factor_enabled', 'two_factor_disabled', 'two_factor_reset_by_clinic', 'phone_changed', 'method_switched',
  'recovery_codes_renewed', 'recovery_code_used', 'password_changed', 'second_step_locked', 'security_changed',
  'account_disabled', 'account_enabled', 'sessions_ended_by_clinic', 'passkey_added', 'passkey_removed',
];
/** Made by the clinic: its staff member's browser and network are not the patient's business. */
const BY_CLINIC = new Set<MailAlertKind>(['two_factor_reset_by_clinic', 'account_disabled', 'account_enabled', 'sessions_ended_by_clinic']);
const AT = Date.UTC(2026, 10, 25, 13, 5); // 14:05 in Amsterdam
const ORIGIN = { ip: '2001:db8:1:2::5', userAgent: 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36' };

describe('security alert texts', () => {
  const missing: unknown[] = [];
  const compose = createAlertComposer({ translators: createTranslators({ onMissing: (m) => missing.push(m) }), timeZone: 'Europe/Amsterdam' });
  const write = (kind: MailAlertKind, more: Partial<AlertInput> = {}) =>
    compose({ kind, language: 'nl', name: 'Anna', at: AT, origin: ORIGIN, details: {}, ...more });
  afterEach(() => expect(missing, 'translations missing').to.deep.equal([]));

  for (const language of ['nl', 'en'] as const) {
    it(`writes every kind in ${language}: a subject, a greeting, the facts, advice and the helpdesk`, () => {
      for (const kind of KINDS) {
        const { subject, text } = write(kind, { language });
        expect(subject, kind).to.be.a('string').and.not.include('mail.');
        expect(text, kind).to.match(language === 'nl' ? /^Beste Anna,\n\n/ : /^Dear Anna,\n\n/).and.include('030 – 737 0323').and.not.include('mail.');
        // With the zone: an e-mail may be read abroad.
        expect(text, kind).to.include(language === 'nl' ? 'Wanneer: 25 november 2026 om 14:05 CET' : 'When: 25 November 2026 at 14:05 CET');
        expect(text, kind).not.to.include('2001:db8:1:2::5');
        if (BY_CLINIC.has(kind)) expect(text, kind).to.include(language === 'nl' ? 'Door: je zorgaanbieder' : 'By: your care provider').and.not.include('2001:db8');
        else expect(text, kind).to.include('2001:db8:1::');
      }
    });
  }

  it('names the browser and system, and says the clinic made a change, never with the browser or network of its staff', () => {
    expect(write('password_changed').text).to.include('Browser: Chrome op Android');
    for (const kind of BY_CLINIC) {
      for (const origin of [{}, ORIGIN]) {
        const byClinic = write(kind, { origin }).text;
        expect(byClinic, kind).to.include('Door: je zorgaanbieder').and.not.include('Browser').and.not.include('IP-adres');
        expect(byClinic, `${kind}: the patient did not do it: no "was this you"`).not.to.include('Was jij dit?');
        expect(byClinic, kind).to.include('Heb jij hier niet om gevraagd?');
      }
    }
  });

  it('picks the body from the details: method, masked number, codes left, the end of the lock', () => {
    expect(write('two_factor_enabled', { details: { method: 'totp' } }).text).to.include('met je wachtwoord en een authenticatie-app.');
    expect(write('method_switched', { details: { method: 'sms' } }).text).to.include('Je gebruikt nu een code via SMS.');
    expect(write('method_switched', { details: { method: 'pigeon' } }).text).to.include('Er is gewijzigd hoe je de code').and.not.include('pigeon');
    expect(write('phone_changed', { details: { phone: '+31 6 ••••••78' } }).text).to.include('De codes gaan nu naar +31 6 ••••••78.');
    expect(write('phone_changed', { details: { phone: '+31612345678' } }).text, 'never a full number').to.include('naar het nieuwe nummer.').and.not.include('12345678');
    expect(write('recovery_code_used', { details: { remaining: 7 } }).text).to.include('Je hebt er nog 7 over.');
    expect(write('recovery_code_used', { details: { remaining: 2 } }).text).to.include('Je hebt er nog maar 2 over. Maak nieuwe herstelcodes');
    expect(write('recovery_code_used', { details: { remaining: 0 } }).text).to.include('Je hebt nu geen herstelcodes meer.');
    expect(write('passkey_added', { details: { passkey: 'iPhone van Cas' } }).text).to.include("De toegangssleutel 'iPhone van Cas' is aan je Karify account toegevoegd.");
    expect(write('passkey_removed', {}).text).to.include('Er is een toegangssleutel van je Karify account verwijderd.');
    expect(write('two_factor_enabled', { details: { method: 'passkey' } }).text).to.include('Voortaan log je in met je toegangssleutel.').and.not.include('met je wachtwoord en een toegangssleutel');
    const locked = write('second_step_locked', { details: { until: AT + 15 * 60_000 } }).text;
    expect(locked).to.include('tot 14:20 CET niemand inloggen').and.include('iemand anders misschien je wachtwoord');
    const lateLock = write('second_step_locked', { at: Date.UTC(2026, 10, 25, 22, 50), details: { until: Date.UTC(2026, 10, 25, 23, 5) } }).text;
    expect(lateLock, 'a lock that ends the next day says which day').to.include('tot 26 november 2026 00:05 CET niemand inloggen');
    const summer = write('password_changed', { at: Date.UTC(2026, 6, 1, 12, 0) }).text;
    expect(summer, 'summer time').to.include('Wanneer: 1 juli 2026 om 14:00 CEST');
  });

  it('says "nothing to do" only when there is nothing to do: not with few recovery codes left, nor after a lock', () => {
    expect(write('recovery_code_used', { details: { remaining: 7 } }).text).to.include('Was jij dit? Dan hoef je niets te doen.');
    for (const remaining of [2, 0]) {
      const text = write('recovery_code_used', { details: { remaining } }).text;
      expect(text, `${remaining} left`).to.include('Was jij dit? Maak dan nieuwe herstelcodes').and.not.include('niets te doen');
    }
    const locked = write('second_step_locked', { details: { until: AT + 15 * 60_000 } }).text;
    expect(locked).to.include('Was jij dit? Probeer het dan opnieuw als de blokkade voorbij is.').and.not.include('niets te doen');
    expect(write('second_step_locked', { language: 'en', details: {} }).text).to.include('If this was you, try again once the block has ended.');
  });

  it('says that a new passkey signs in without a password and without a code, and that the passkey must go if it was not the patient, in Dutch and English', () => {
    const dutch = write('passkey_added', { details: { passkey: 'iPhone van Cas' } }).text;
    expect(dutch).to.include("De toegangssleutel 'iPhone van Cas' is aan je Karify account toegevoegd. Daarmee kun je inloggen zonder wachtwoord en zonder code.");
    expect(dutch).to.include('Was jij dit niet? Dan kan iemand anders met die toegangssleutel inloggen op je account.')
      .and.include('Verwijder dan ook meteen de toegangssleutel via Mijn account en wijzig je wachtwoord.');
    const english = write('passkey_added', { language: 'en' }).text;
    expect(english).to.include('A passkey has been added to your Karify account. It lets you sign in without a password and without a code.');
    expect(english).to.include('remove the passkey in My account straight away and change your password.');
  });

  /** What the advice asks the patient to do, in the words of either language. */
  const advice = (text: string) => ({
    changePassword: /(wijzig|change) (dan )?(ook )?(direct |meteen )?(je|your) (wachtwoord|password)/i.test(text),
    removePasskey: /(verwijder|remove) (dan )?(ook )?(meteen )?de (toegangssleutel)|remove the passkey/i.test(text),
    callHelpdesk: text.includes('030 – 737 0323'),
  });

  for (const language of ['nl', 'en'] as const) {
    it(`asks the patient in ${language} to do what Berichten asks when the change was not theirs: a new password only where it helps`, () => {
      const inbox = (loadLocale(language) as { inbox: { kinds: Record<string, { action: string }>; unknown: { action: string } } }).inbox;
      for (const kind of KINDS) {
        const paragraphs = write(kind, { language, details: { passkey: 'iPhone van Cas' } }).text.split('\n\n');
        const notYou = paragraphs.find((paragraph) => /Was jij dit niet\?|Heb jij hier niet om gevraagd\?|If this was not you,|If you did not ask for this,/.test(paragraph))!;
        const berichten = kind === 'security_changed' ? inbox.unknown.action : inbox.kinds[kind]!.action;
        expect(advice(notYou), `${kind}: "${notYou}" and Berichten's "${berichten}"`).to.deep.equal(advice(berichten));
      }
    });
  }
});
