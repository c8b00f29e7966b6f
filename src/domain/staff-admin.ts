import type { AccountStores } from './account-stores';
import type { RequestOrigin } from './audit';
import type { NewStaffMember, StaffMember, StaffRole } from './staff';

/**
 * What an admin does to staff accounts, at the desk (src/features/desk-staff) or with the admin
 * command (src/cli): each with the stores of one transaction (`inTransaction`), so the change and
 * its row in the staff audit log land together. `by.staffId` is null for the admin command.
 */
type Stores = Pick<AccountStores, 'staff' | 'staffAudit' | 'staffTwoFactor'>;
type ResetStores = Stores & Pick<AccountStores, 'staffPasskeys'>;

export interface StaffActor {
  staffId: number | null;
  origin: RequestOrigin;
  details?: Record<string, string>;
}

export async function addStaffMember(stores: Stores, input: NewStaffMember, by: StaffActor): Promise<StaffMember> {
  const member = await stores.staff.create(input);
  await stores.staffAudit.record(by.staffId, 'staff_created', by.origin, { role: input.role, ...by.details }, { targetStaffId: member.id });
  return member;
}

/** The change asked would leave the desk without an active admin: nobody could manage staff any more. */
export class LastActiveAdminError extends Error {
  constructor() {
    super('this change would leave no active admin');
    this.name = 'LastActiveAdminError';
  }
}

/** Locks the active admins (see lockActiveAdmins) and refuses when `memberId` is the only one. */
async function keepAnotherActiveAdmin(stores: Stores, memberId: number): Promise<void> {
  const admins = await stores.staff.lockActiveAdmins();
  if (admins.length === 1 && admins[0] === memberId) throw new LastActiveAdminError();
}

/**
 * Disabling also ends their sessions (passport's deserialize); false when it already was so.
 * Throws LastActiveAdminError rather than disable the last active admin.
 */
export async function setStaffDisabled(stores: Stores, memberId: number, disabled: boolean, by: StaffActor): Promise<boolean> {
  if (disabled) await keepAnotherActiveAdmin(stores, memberId);
  const member = await stores.staff.findById(memberId);
  if (!member || member.disabled === disabled) return false;
  await stores.staff.setDisabled(memberId, disabled);
  await stores.staffAudit.record(by.staffId, disabled ? 'staff_disabled' : 'staff_enabled', by.origin, by.details, { targetStaffId: memberId });
  return true;
}

/** Throws LastActiveAdminError rather than take the last active admin's rights. */
export async function changeStaffRole(stores: Stores, memberId: number, role: StaffRole, by: StaffActor): Promise<boolean> {
  if (role !== 'admin') await keepAnotherActiveAdmin(stores, memberId);
  const member = await stores.staff.findById(memberId);
  if (!member || member.role === role) return false;
  await stores.staff.setRole(memberId, role);
  await stores.staffAudit.record(by.staffId, 'staff_role_changed', by.origin, { from: member.role, to: role, ...by.details }, { targetStaffId: memberId });
  return true;
}

/**
 * A staff member's own new password (`password_chosen` after a one-time one, or changed later),
 * with its row in the log. False when an admin changed the account since `member` was read (a new
 * one-time password, disabling: both end its sessions): that change stands.
 */
export async function setOwnStaffPassword(
  stores: Stores,
  member: Pick<StaffMember, 'id' | 'sessionGeneration'>,
  passwordHash: string,
  origin: RequestOrigin,
  event: 'password_chosen' | 'password_changed',
): Promise<boolean> {
  if (!(await stores.staff.lockIfUnchanged(member))) return false;
  await stores.staff.setOwnPassword(member.id, passwordHash);
  await stores.staffAudit.record(member.id, event, origin);
  return true;
}

/**
 * For a staff member who forgot their password: a one-time one in its place, working until
 * `until`, which they change at their next sign-in (after their app's code, when they have the
 * app), and every session ended. False when the account is disabled (it could not sign in with it)
 * or gone.
 */
export async function giveStaffOneTimePassword(stores: Stores, memberId: number, password: { hash: string; until: number }, by: StaffActor): Promise<boolean> {
  await stores.staff.lockForChange(memberId); // read after a disabling that commits first
  const member = await stores.staff.findById(memberId);
  if (!member || member.disabled) return false;
  await stores.staff.setOneTimePassword(memberId, password.hash, password.until);
  await stores.staff.bumpSessionGeneration(memberId);
  await stores.staffAudit.record(by.staffId, 'staff_password_reset', by.origin, by.details, { targetStaffId: memberId });
  return true;
}

/**
 * For a staff member who lost their app and codes: no app, no codes, no passkeys, every session
 * ended; at their next sign-in they set up the app again. Null when they had none; else how many
 * passkeys went (counted under the account's lock, so what is said is what was removed).
 */
export async function resetStaffTwoFactor(stores: ResetStores, memberId: number, by: StaffActor): Promise<{ passkeys: number } | null> {
  await stores.staff.lockForChange(memberId); // the account row first, as adding a passkey does (see resetTwoFactor)
  const passkeys = await stores.staffPasskeys.countForUser(memberId);
  if (!(await stores.staffTwoFactor.disable(memberId))) return null;
  await stores.staff.bumpSessionGeneration(memberId);
  await stores.staffAudit.record(by.staffId, 'staff_two_factor_reset', by.origin, by.details, { targetStaffId: memberId });
  return { passkeys };
}
