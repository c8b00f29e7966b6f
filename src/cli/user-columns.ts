import { passwordState } from '../domain/one-time-passwords';
import { maskPhoneNumber } from '../domain/phone-numbers';
import type { TwoFactorStatus } from '../domain/two-factor';
import type { User } from '../domain/users';
import { dateFormatter, dateTimeFormatter } from './dates';
import type { Column } from './table';

export type ListedUser = User & { twoFactor: TwoFactorStatus; passkeys: number };

/** 'off', 'SMS (+31 6 ••••••78)', 'app' or 'passkey', and the passkeys besides; never the full phone number. */
export function describeTwoFactor(status: TwoFactorStatus, passkeys = 0): string {
  if (!status.enabled) return 'off';
  const count = passkeys === 1 ? '1 passkey' : `${passkeys} passkeys`;
  if (status.method === 'passkey') return count;
  const method = status.method === 'totp' ? 'app' : status.phone ? `SMS (${maskPhoneNumber(status.phone)})` : 'SMS';
  return passkeys > 0 ? `${method} + ${count}` : method;
}

/**
 * 'own', or the one-time password the clinic gave (`called`: "one-time" for staff, "temporary" as
 * patients are told) and until when it works, or since when it does not.
 */
export function passwordColumn<A extends { oneTimePasswordUntil: number | null }>(timeZone: string, now: number, called: 'one-time' | 'temporary'): Column<A> {
  const dateTime = dateTimeFormatter(timeZone);
  return {
    header: 'Password',
    value: (account) => {
      const state = passwordState(account, now);
      if (state === 'own') return 'own';
      return `${called}, ${state === 'oneTime' ? 'until' : 'expired'} ${dateTime(account.oneTimePasswordUntil!)}`;
    },
  };
}

/** The columns of `list-users`; add a column here to show more about each patient. */
export function userColumns(timeZone: string, now: number): Column<ListedUser>[] {
  const date = dateFormatter(timeZone);
  return [
    { header: 'ID', value: (user) => String(user.id) },
    { header: 'E-mail', value: (user) => user.email },
    { header: 'Name', value: (user) => user.name },
    { header: 'Status', value: (user) => (user.disabled ? 'disabled' : 'enabled') },
    { header: 'Two-step', value: (user) => describeTwoFactor(user.twoFactor, user.passkeys) },
    { header: 'Codes left', value: (user) => (user.twoFactor.enabled ? String(user.twoFactor.recoveryCodesLeft) : '-') },
    passwordColumn(timeZone, now, 'temporary'),
    { header: 'Created', value: (user) => date(user.createdAt) },
  ];
}
