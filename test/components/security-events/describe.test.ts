import { expect } from 'chai';
import { describeDevice, describeEvent, EVENT_DESCRIPTION_KEYS } from '../../../src/components/security-events/describe';
import type { SecurityEventType } from '../../../src/domain/audit';
import { createTranslator, createTranslators } from '../../../src/i18n';
import { unionMembers } from '../../support/source-types';
import { CHROME_WINDOWS, FIREFOX_LINUX, SAFARI_IPHONE } from '../../support/user-agents';

describe('security events in plain words (the patient\'s activity page, the desk\'s view of a patient)', () => {
  const t = createTranslator();
  const allTypes = unionMembers('src/domain/audit.ts', 'SecurityEventType') as SecurityEventType[];

  it('knows every SecurityEventType declared in src/domain/audit.ts, and no other', () => {
    expect(allTypes).to.include.members(['sign_in', 'second_step_locked', 'recovery_code_used']);
    expect(Object.keys(EVENT_DESCRIPTION_KEYS)).to.have.members(allTypes);
  });

  it('has a plain Dutch description for every event type', () => {
    const descriptions = allTypes.map((type) => describeEvent(t, { type, details: null }));
    for (const [i, text] of descriptions.entries()) {
      expect(text, allTypes[i]).to.be.a('string').and.not.match(/activity\.|\{\{|returned an object/);
      expect(text, allTypes[i]).to.match(/^[A-Z]/);
    }
    expect(new Set(descriptions).size, 'every type has its own description').to.equal(allTypes.length);
    expect(describeEvent(t, { type: 'sign_in', details: null })).to.equal('Ingelogd');
    expect(describeEvent(t, { type: 'sign_in_failed', details: null })).to.equal('Inloggen mislukt (verkeerd wachtwoord)');
    expect(describeEvent(t, { type: 'second_step_failed', details: null })).to.equal('Verkeerde code bij inloggen');
    expect(describeEvent(t, { type: 'second_step_locked', details: null })).to.equal('Inloggen in twee stappen tijdelijk geblokkeerd');
    expect(describeEvent(t, { type: 'recovery_code_used', details: null })).to.equal('Herstelcode gebruikt');
    // A recovery code also confirms changes: the activity says which use it was.
    expect(describeEvent(t, { type: 'recovery_code_used', details: { purpose: 'sign_in', remaining: 9 } })).to.equal('Herstelcode gebruikt om in te loggen');
    expect(describeEvent(t, { type: 'recovery_code_used', details: { purpose: 'confirm', remaining: 8 } })).to.equal('Herstelcode gebruikt om een wijziging te bevestigen');
  });

  it('speaks about the patient, not to them, on the desk\'s view of a patient', () => {
    const details = [null, { by: 'desk' }, { by: 'admin-cli' }, { purpose: 'confirm' }, { purpose: 'phone_change' }, { purpose: 'sign_in' }];
    const addressing = /\b(je|jij|jouw|you|your)\b/i;
    for (const language of ['nl', 'en'] as const) {
      const translate = createTranslators()[language];
      for (const type of [...allTypes, 'unheard_of' as SecurityEventType]) {
        for (const detail of details) {
          const text = describeEvent(translate, { type, details: detail }, 'desk');
          expect(text, `${language} ${type} ${JSON.stringify(detail)}`).not.to.match(addressing);
        }
      }
    }
    expect(describeEvent(t, { type: 'account_disabled', details: { by: 'desk' } }, 'desk')).to.equal('Account uitgeschakeld door de balie');
    expect(describeEvent(t, { type: 'account_disabled', details: { by: 'desk' } }), 'the patient\'s own page').to.equal('Account uitgeschakeld door de helpdesk van je zorgaanbieder');
    // The reason is what the staff member typed: it never picks another description.
    expect(describeEvent(t, { type: 'account_disabled', details: { by: 'desk', staffId: 1, reason: 'admin-cli' } }, 'desk')).to.equal('Account uitgeschakeld door de balie');
    expect(describeEvent(t, { type: 'account_enabled', details: { by: 'desk', staffId: 1, reason: 'admin-cli' } })).to.equal(describeEvent(t, { type: 'account_enabled', details: { by: 'desk' } }));
  });

  it('names the method when the event has one, and ignores a method it does not know', () => {
    expect(describeEvent(t, { type: 'sign_in', details: { method: 'sms' } })).to.equal('Ingelogd met SMS-code');
    expect(describeEvent(t, { type: 'sign_in', details: { method: 'password' } })).to.equal('Ingelogd met wachtwoord');
    expect(describeEvent(t, { type: 'sign_in', details: { method: 'recovery_code' } })).to.equal('Ingelogd met herstelcode');
    expect(describeEvent(t, { type: 'two_factor_enabled', details: { method: 'sms' } }))
      .to.equal('Authenticatie in twee stappen ingeschakeld (met SMS-code)');
    expect(describeEvent(t, { type: 'sign_in', details: { method: 'carrier-pigeon' } })).to.equal('Ingelogd');
    expect(describeEvent(t, { type: 'sign_in', details: { method: '<b>x</b>' } })).to.equal('Ingelogd');
    // An event without a method text of its own keeps its description.
    expect(describeEvent(t, { type: 'password_changed', details: { method: 'sms' } })).to.equal('Wachtwoord gewijzigd');
  });

  it('uses a more precise description for known reasons and purposes', () => {
    expect(describeEvent(t, { type: 'sign_in_failed', details: { reason: 'password' } })).to.equal('Inloggen mislukt (verkeerd wachtwoord)');
    expect(describeEvent(t, { type: 'sign_in_failed', details: { reason: 'disabled' } })).to.equal('Inloggen geweigerd (account uitgeschakeld)');
    // A signed-in patient's wrong password when confirming a change is no failed sign-in.
    expect(describeEvent(t, { type: 'confirmation_failed', details: { reason: 'password' } })).to.equal('Bevestigen mislukt (verkeerd wachtwoord)');
    expect(describeEvent(createTranslators().en, { type: 'confirmation_failed', details: { reason: 'password' } })).to.equal('Confirmation failed (wrong password)');
    expect(describeEvent(t, { type: 'confirmation_failed', details: { reason: 'disabled' } })).to.equal('Bevestigen geweigerd (account uitgeschakeld)');
    expect(describeEvent(t, { type: 'second_step_failed', details: { reason: 'wrong_recovery_code' } })).to.equal('Verkeerde herstelcode bij inloggen');
    expect(describeEvent(t, { type: 'two_factor_code_wrong', details: { purpose: 'setup', result: 'wrong' } }))
      .to.match(/^Verkeerde verificatiecode bij het instellen/);
    expect(describeEvent(t, { type: 'account_created', details: { by: 'admin-cli' } })).to.equal('Account aangemaakt door je zorgaanbieder');
  });

  it('describes the browser in plain Dutch', () => {
    expect(describeDevice(t, CHROME_WINDOWS)).to.equal('Chrome op Windows');
    expect(describeDevice(t, SAFARI_IPHONE)).to.equal('Safari op iPhone');
    expect(describeDevice(t, FIREFOX_LINUX)).to.equal('Firefox op Linux');
    expect(describeDevice(t, 'w3m/0.5.3')).to.equal('w3m');
    expect(describeDevice(t, 'curl/8.5.0')).to.equal('onbekende browser');
    expect(describeDevice(t, null)).to.equal('onbekende browser');
  });
});
