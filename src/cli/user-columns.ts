import type { User } from '../domain/users';
import type { Column } from './table';

/** The columns of `list-users`; add a column here to show more about each patient. */
export function userColumns(timeZone: string): Column<User>[] {
  const date = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return [
    { header: 'ID', value: (user) => String(user.id) },
    { header: 'E-mail', value: (user) => user.email },
    { header: 'Name', value: (user) => user.name },
    { header: 'Status', value: (user) => (user.disabled ? 'disabled' : 'enabled') },
    { header: 'Created', value: (user) => date.format(user.createdAt) },
  ];
}
