import { maskPhoneNumber } from '../domain/phone-numbers';
import type { TwoFactorStatus } from '../domain/two-factor';
import type { User } from '../domain/users';
import { dateFormatter } from './dates';
import type { Column } from './table';

export type ListedUser = User & { twoFactor: TwoFactorStatus };

/** 'off', 'SMS (+31 6 ••••••78)' or 'app'; never the full phone number. */
export function describeTwoFactor(status: TwoFactorStatus): string {
  if (!status.enabled) return 'off';
  if (status.method === 'totp') return 'app';
  return status.phone ? `SMS (${maskPhoneNumber(status.phone)})` : 'SMS';
}

/** The columns of `list-users`; add a column here to show more about each patient. */
export function userColumns(timeZone: string): Column<ListedUser>[] {
  const date = dateFormatter(timeZone);
  return [
    { header: 'ID', value: (user) => String(user.id) },
    { header: 'E-mail', value: (user) => user.email },
    { header: 'Name', value: (user) => user.name },
    { header: 'Status', value: (user) => (user.disabled ? 'disabled' : 'enabled') },
    { header: 'Two-step', value: (user) => describeTwoFactor(user.twoFactor) },
    { header: 'Codes left', value: (user) => (user.twoFactor.enabled ? String(user.twoFactor.recoveryCodesLeft) : '-') },
    { header: 'Created', value: (user) => date(user.createdAt) },
  ];
}
