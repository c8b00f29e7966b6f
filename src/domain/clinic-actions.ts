import type { AccountStores } from './account-stores';
import type { RequestOrigin } from './audit';
import type { StaffEventType } from './staff-audit';
import type { TwoFactorStatus } from './two-factor';

/**
 * What the clinic does to a patient's account, with the admin command (src/cli) or at the desk
 * (src/features/desk-patients). Each takes the stores of one transaction (`inTransaction`), so the
 * change, its record in the patient's activity, its message in Berichten and its line in the
 * desk's Logboek (who and why) land together. Who did it and why are never shown in a message
 * (see security-notifier.ts).
 */
type Stores = Pick<AccountStores, 'users' | 'twoFactor' | 'notifier' | 'passkeys' | 'staffAudit'>;

/** Who acts: a staff member at the desk, or (`staffId` null) the admin command on the server. */
export interface ClinicActor {
  staffId: number | null;
  origin: RequestOrigin;
  reason: string;
}

/** Tells the patient (activity, Berichten, e-mail) and writes the Logboek line, for a change that was made. */
async function announce(
  stores: Stores,
  userId: number,
  kind: Parameters<Stores['notifier']['notify']>[1],
  staffEvent: StaffEventType,
  by: ClinicActor,
  details: Record<string, string> = {},
): Promise<void> {
  const actor: Record<string, string | number> = by.staffId === null ? { by: 'admin-cli' } : { by: 'desk', staffId: by.staffId };
  await stores.notifier.notify(userId, kind, by.origin, { ...actor, reason: by.reason, ...details });
  await stores.staffAudit.record(by.staffId, staffEvent, by.origin, { reason: by.reason }, { patientId: userId });
}

/**
 * Turns off two-step for a patient who lost phone and codes: no method, number, recovery or SMS
 * codes and no passkeys left (see two-factor.ts `disable`), every session ended. Returns how it
 * was and how many passkeys were removed, or null when it was off already (or a reset at the same
 * moment got there first): then nothing changed.
 *
 * The patient's row is locked first, as adding a passkey does: a passkey being added waits to be
 * removed with the rest instead of outliving the reset, and the two never lock the same rows in
 * opposite orders (which on PostgreSQL would end one of them as a deadlock).
 */
export async function resetTwoFactor(
  stores: Stores,
  userId: number,
  by: ClinicActor,
): Promise<{ status: Extract<TwoFactorStatus, { enabled: true }>; passkeys: number } | null> {
  await stores.users.lockForChange(userId);
  const status = await stores.twoFactor.status(userId);
  if (!status.enabled) return null;
  const passkeys = await stores.passkeys.countForUser(userId);
  if (!(await stores.twoFactor.disable(userId))) return null;
  await stores.users.bumpSessionGeneration(userId); // signs them out everywhere
  // The patient is told their passkeys went too, as when they turn two-step off themselves.
  await announce(stores, userId, 'two_factor_reset_by_clinic', 'patient_two_factor_reset', by, passkeys > 0 ? { removed: 'passkeys' } : {});
  return { status, passkeys };
}

/** Disables (which ends every session, so none comes back when it is enabled again) or enables again; false when it already was. */
export async function setPatientDisabled(stores: Stores, userId: number, disabled: boolean, by: ClinicActor): Promise<boolean> {
  const user = await stores.users.findById(userId);
  if (!user || user.disabled === disabled) return false;
  await stores.users.setDisabled(userId, disabled);
  await announce(stores, userId, disabled ? 'account_disabled' : 'account_enabled', disabled ? 'patient_disabled' : 'patient_enabled', by);
  return true;
}

/** Signs the patient out everywhere (a lost or shared device). */
export async function endPatientSessions(stores: Stores, userId: number, by: ClinicActor): Promise<boolean> {
  await stores.users.bumpSessionGeneration(userId);
  await announce(stores, userId, 'sessions_ended_by_clinic', 'patient_sessions_ended', by);
  return true;
}

/**
 * For a patient who forgot their password (after an identity check): a one-time one in its place,
 * working until `until`, which they change at their next sign-in (after their second step, when
 * they have one); every session ended. False when the account is disabled (it could not sign in
 * with it) or gone: then nothing changed.
 */
export async function givePatientOneTimePassword(stores: Stores, userId: number, password: { hash: string; until: number }, by: ClinicActor): Promise<boolean> {
  await stores.users.lockForChange(userId); // read after a disabling that commits first
  const user = await stores.users.findById(userId);
  if (!user || user.disabled) return false;
  await stores.users.setOneTimePassword(userId, password.hash, password.until);
  await stores.users.bumpSessionGeneration(userId);
  await announce(stores, userId, 'password_reset_by_clinic', 'patient_password_reset', by);
  return true;
}
