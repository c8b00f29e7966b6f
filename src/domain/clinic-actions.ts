import type { AccountStores } from './account-stores';
import type { RequestOrigin } from './audit';
import type { TwoFactorStatus } from './two-factor';

/**
 * What the clinic does to a patient's account, with the admin command (src/cli) or at the desk
 * (src/features/desk-patients). Each takes the stores of one transaction (`inTransaction`), so the
 * change, its record in the patient's activity and its message in Berichten land together with
 * whatever the caller records beside them. `details` say who did it and why (never shown in a
 * message: see security-notifier.ts).
 */
type Stores = Pick<AccountStores, 'users' | 'twoFactor' | 'notifier' | 'passkeys'>;
type Details = Record<string, string | number>;

/**
 * Turns off two-step for a patient who lost phone and codes: no method, number, recovery or SMS
 * codes and no passkeys left (see two-factor.ts `disable`), every session ended. Returns how it
 * was and how many passkeys were removed, or null when it was off already (or a reset at the same
 * moment got there first): then nothing changed.
 */
export async function resetTwoFactor(
  stores: Stores,
  userId: number,
  origin: RequestOrigin,
  details: Details,
): Promise<{ status: Extract<TwoFactorStatus, { enabled: true }>; passkeys: number } | null> {
  const status = await stores.twoFactor.status(userId);
  if (!status.enabled) return null;
  const passkeys = await stores.passkeys.countForUser(userId);
  if (!(await stores.twoFactor.disable(userId))) return null;
  await stores.users.bumpSessionGeneration(userId); // signs them out everywhere
  await stores.notifier.notify(userId, 'two_factor_reset_by_clinic', origin, details);
  return { status, passkeys };
}

/** Disables (which also ends every session: see passport's deserialize) or enables again; false when it already was. */
export async function setPatientDisabled(stores: Stores, userId: number, disabled: boolean, origin: RequestOrigin, details: Details): Promise<boolean> {
  const user = await stores.users.findById(userId);
  if (!user || user.disabled === disabled) return false;
  await stores.users.setDisabled(userId, disabled);
  await stores.notifier.notify(userId, disabled ? 'account_disabled' : 'account_enabled', origin, details);
  return true;
}

/** Signs the patient out everywhere (a lost or shared device). */
export async function endPatientSessions(stores: Stores, userId: number, origin: RequestOrigin, details: Details): Promise<boolean> {
  await stores.users.bumpSessionGeneration(userId);
  await stores.notifier.notify(userId, 'sessions_ended_by_clinic', origin, details);
  return true;
}
