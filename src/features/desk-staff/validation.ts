import { isStaffRole, type StaffRole } from '../../domain/staff';
import { isPlausibleEmail, NAME_MAX_LENGTH } from '../../domain/users';
import { type FieldError, hasControlCharacters } from '../../http/forms';
import type { Translate } from '../../i18n';

export const STAFF_FIELDS = ['email', 'name', 'role'] as const;

/** In the order of the form's fields, as the error summary lists them. */
export function validateNewStaff(fields: Record<(typeof STAFF_FIELDS)[number], string>, t: Translate): { errors: FieldError[]; role?: StaffRole } {
  const errors: FieldError[] = [];
  const email = fields.email.trim();
  const name = fields.name.trim();
  if (name === '') errors.push({ field: 'name', message: t('deskStaff.errors.nameRequired') });
  else if ([...name].length > NAME_MAX_LENGTH || hasControlCharacters(name)) errors.push({ field: 'name', message: t('deskStaff.errors.nameInvalid') });
  if (email === '') errors.push({ field: 'email', message: t('deskStaff.errors.emailRequired') });
  else if (!isPlausibleEmail(email) || hasControlCharacters(email)) errors.push({ field: 'email', message: t('deskStaff.errors.emailInvalid') });
  const role = validateRole(fields.role, t, errors);
  return { errors, role };
}

/** `desk` or `admin`; otherwise an error at the role field, added to `errors`. */
export function validateRole(role: string, t: Translate, errors: FieldError[]): StaffRole | undefined {
  if (isStaffRole(role)) return role;
  errors.push({ field: 'role', message: t('deskStaff.errors.roleRequired') });
  return undefined;
}
