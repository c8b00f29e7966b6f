import { expect } from 'chai';
import { staffLogRows } from '../../../src/components/staff-log/rows';
import type { StaffAuditEvent, StaffEventType } from '../../../src/domain/staff-audit';
import { createTranslators, loadLocale } from '../../../src/i18n';
import { unionMembers } from '../../support/source-types';

/** What the desk's password checks and the second step record as a failure's `details.reason`. */
const FAILURE_CODES = [
  'password',
  'disabled',
  ...unionMembers('src/domain/second-factor.ts', 'SecondFactorFailure'),
  ...unionMembers('src/domain/passkey-ceremonies.ts', 'PasskeyRefusal'),
];

/** The events staff type a reason or a note for; everywhere else the column stays empty. */
const TYPED: Partial<Record<StaffEventType, 'reason' | 'note'>> = {
  patient_two_factor_reset: 'reason',
  patient_disabled: 'reason',
  patient_enabled: 'reason',
  patient_sessions_ended: 'reason',
  patient_password_reset: 'reason',
  staff_disabled: 'reason',
  staff_enabled: 'reason',
  staff_role_changed: 'reason',
  staff_two_factor_reset: 'reason',
  staff_password_reset: 'reason',
  question_handled: 'note',
};

let nextId = 1;
const event = (type: StaffEventType, details: Record<string, unknown> | null): StaffAuditEvent => ({
  id: nextId++,
  type,
  staff: { id: 1, name: 'Bea Balie' },
  patient: null,
  targetStaff: null,
  questionId: null,
  details,
  ip: null,
  userAgent: null,
  createdAt: Date.UTC(2026, 10, 25, 13, 0),
});

describe('the staff log\'s rows (the desk\'s Logboek and a patient\'s desk actions)', () => {
  const { nl, en } = createTranslators();
  const rowOf = (t: typeof nl, e: StaffAuditEvent) => staffLogRows([e], { t, formatDate: String, formatTime: String })[0]!;

  it('says why a password, a code or a passkey was refused in the "what happened" column, in Dutch and English, and leaves the reason column empty', () => {
    const cases: Array<[StaffEventType, Record<string, unknown>, string, string]> = [
      ['sign_in_failed', { reason: 'password' }, 'Inloggen op de balie mislukt (verkeerd wachtwoord)', 'Signing in to the desk failed (wrong password)'],
      ['sign_in_failed', { reason: 'disabled' }, 'Inloggen op de balie mislukt (account uitgeschakeld)', 'Signing in to the desk failed (account disabled)'],
      ['sign_in_failed', { reason: 'one_time_password_expired' }, 'Inloggen op de balie mislukt (eenmalig wachtwoord verlopen)', 'Signing in to the desk failed (one-time password expired)'],
      ['confirmation_failed', { reason: 'password' }, 'Bevestigen op de balie mislukt (verkeerd wachtwoord)', 'Confirmation at the desk failed (wrong password)'],
      ['confirmation_failed', { reason: 'disabled' }, 'Bevestigen op de balie mislukt (account uitgeschakeld)', 'Confirmation at the desk failed (account disabled)'],
      ['second_step_failed', { reason: 'wrong_app_code', purpose: 'sign_in', method: 'totp' }, 'Verkeerde code bij inloggen op de balie', 'Wrong code when signing in to the desk'],
      ['second_step_failed', { reason: 'wrong_recovery_code', purpose: 'sign_in', method: 'recovery_code' }, 'Verkeerde herstelcode bij inloggen op de balie', 'Wrong recovery code when signing in to the desk'],
      ['second_step_failed', { reason: 'wrong_passkey', purpose: 'sign_in', method: 'passkey', refusal: 'replayed' }, 'Inloggen op de balie met een toegangssleutel mislukt', 'Signing in to the desk with a passkey failed'],
      ['second_step_failed', { reason: 'wrong_recovery_code', purpose: 'confirm', method: 'recovery_code' }, 'Verkeerde code bij het bevestigen van een wijziging', 'Wrong code when confirming a change'],
      ['second_step_failed', { reason: 'wrong_app_code', purpose: 'setup', method: 'totp' }, 'Verkeerde code bij het instellen van de app', 'Wrong code when setting up the app'],
      ['totp_replay_refused', { reason: 'replayed', purpose: 'confirm', method: 'totp' }, 'Code uit de app geweigerd: die was al gebruikt', 'Code from the app refused: it had already been used'],
    ];
    for (const [type, details, dutch, english] of cases) {
      const e = event(type, details);
      expect(rowOf(nl, e), `${type} ${JSON.stringify(details)}`).to.deep.include({ what: dutch, reason: null });
      expect(rowOf(en, e), `${type} ${JSON.stringify(details)}`).to.deep.include({ what: english, reason: null });
    }
  });

  it('tells a first own password (at the first sign-in) from a change later', () => {
    expect([rowOf(nl, event('password_chosen', null)).what, rowOf(nl, event('password_changed', null)).what]).to.deep.equal(['Eigen wachtwoord gekozen', 'Eigen wachtwoord gewijzigd']);
    expect([rowOf(en, event('password_chosen', null)).what, rowOf(en, event('password_changed', null)).what]).to.deep.equal(['Chose their own password', 'Changed their own password']);
  });

  it('never shows a failure\'s code, for any event, with any code it could be recorded with', () => {
    const leaves = (value: unknown): string[] => (typeof value === 'string' ? [value] : Object.values(value as object).flatMap(leaves));
    const texts = { nl: leaves(loadLocale('nl').staffLog), en: leaves(loadLocale('en').staffLog) };
    const allTypes = unionMembers('src/domain/staff-audit.ts', 'StaffEventType') as StaffEventType[];
    expect(allTypes).to.include.members(['sign_in_failed', 'second_step_failed', 'totp_replay_refused']);
    for (const type of allTypes.filter((each) => !TYPED[each])) {
      for (const code of FAILURE_CODES) {
        for (const [language, t] of [['nl', nl], ['en', en]] as const) {
          const row = rowOf(t, event(type, { reason: code, purpose: 'sign_in', method: 'totp', refusal: code }));
          expect(row.reason, `${language} ${type} ${code}`).to.equal(null);
          expect(texts[language], `${language} ${type} ${code}: a text of the locale, nothing added`).to.include(row.what);
          if (language === 'nl') expect(row.what, `${type} ${code}`).not.to.match(new RegExp(`(^|[^a-z_])${code}([^a-z_]|$)`));
        }
      }
    }
  });

  it('keeps the reasons and notes staff typed in the reason column, from the desk and from the admin command', () => {
    const typed: Array<[StaffEventType, Record<string, unknown>, string]> = [
      ['patient_two_factor_reset', { reason: 'Telefoon kwijt; paspoort gezien aan de balie' }, 'Telefoon kwijt; paspoort gezien aan de balie'],
      ['patient_disabled', { reason: 'Overleden' }, 'Overleden'],
      ['patient_enabled', { reason: 'Terug in behandeling' }, 'Terug in behandeling'],
      ['patient_sessions_ended', { reason: 'password' }, 'password'], // what was typed, whatever it says
      ['patient_password_reset', { reason: 'Wachtwoord vergeten; gebeld' }, 'Wachtwoord vergeten; gebeld'],
      ['staff_role_changed', { from: 'desk', to: 'admin', reason: 'Wordt teamleider' }, 'Wordt teamleider'],
      ['staff_disabled', { reason: 'Uit dienst' }, 'Uit dienst'],
      ['staff_enabled', { reason: 'Terug van verlof' }, 'Terug van verlof'],
      ['staff_two_factor_reset', { reason: 'App kwijt', by: 'admin-cli' }, 'App kwijt'],
      ['staff_password_reset', { reason: 'Wachtwoord vergeten' }, 'Wachtwoord vergeten'],
      ['question_handled', { note: 'Patiënt gebeld.' }, 'Patiënt gebeld.'],
    ];
    expect(typed.map(([type]) => type)).to.have.members(Object.keys(TYPED));
    for (const [type, details, shown] of typed) {
      expect(rowOf(nl, event(type, details)).reason, type).to.equal(shown);
      expect(rowOf(en, event(type, details)).reason, type).to.equal(shown);
    }
    expect(rowOf(nl, event('staff_created', { role: 'desk', by: 'admin-cli' })).reason, 'nothing typed').to.equal(null);
    expect(rowOf(nl, event('question_handled', { reason: 'password' })).reason, 'a question keeps its note, not a code').to.equal(null);
  });

  it('says in words which role a staff member was given and whether a role change gave or took an admin\'s rights, in Dutch and English', () => {
    const cases: Array<[StaffEventType, Record<string, unknown>, string, string]> = [
      ['staff_created', { role: 'desk' }, 'Medewerker toegevoegd met de rol balie', 'Added a staff member with the desk role'],
      ['staff_created', { role: 'admin', by: 'admin-cli' }, 'Medewerker toegevoegd met de rol beheerder', 'Added a staff member with the administrator role'],
      ['staff_role_changed', { from: 'desk', to: 'admin', reason: 'Wordt teamleider' }, 'Rol van medewerker gewijzigd van balie naar beheerder', "Changed a staff member's role from desk to administrator"],
      ['staff_role_changed', { from: 'admin', to: 'desk', reason: 'Geen teamleider meer' }, 'Rol van medewerker gewijzigd van beheerder naar balie', "Changed a staff member's role from administrator to desk"],
      // A row that does not say (or says something unknown) keeps the plain text: never a guess.
      ['staff_created', { role: 'baas' }, 'Medewerker toegevoegd', 'Added a staff member'],
      ['staff_role_changed', { to: 'admin', reason: 'Teamleider' }, 'Rol van medewerker gewijzigd', "Changed a staff member's role"],
    ];
    for (const [type, details, dutch, english] of cases) {
      expect(rowOf(nl, event(type, details)).what, `${type} ${JSON.stringify(details)}`).to.equal(dutch);
      expect(rowOf(en, event(type, details)).what, `${type} ${JSON.stringify(details)}`).to.equal(english);
    }
  });
});

