import { type FieldError, hasControlCharacters } from '../../http/forms';
import type { Translate } from '../../i18n';

export const SEARCH_MIN_LENGTH = 2;
export const SEARCH_MAX_LENGTH = 100;
export const REASON_MAX_LENGTH = 500;

export function validateSearch(query: string, t: Translate): FieldError[] {
  const text = query.trim();
  if (text === '') return [{ field: 'query', message: t('deskPatients.search.errors.required') }];
  if ([...text].length < SEARCH_MIN_LENGTH) return [{ field: 'query', message: t('deskPatients.search.errors.tooShort', { min: SEARCH_MIN_LENGTH }) }];
  if ([...text].length > SEARCH_MAX_LENGTH || hasControlCharacters(text)) return [{ field: 'query', message: t('deskPatients.search.errors.invalid') }];
  return [];
}

/** Why the desk changes a patient's account: recorded with the change, like the admin command's --reason. */
export function validateReason(fields: { reason: string; identityChecked?: string }, needsIdentityCheck: boolean, t: Translate): FieldError[] {
  const errors: FieldError[] = [];
  if (needsIdentityCheck && fields.identityChecked !== 'ja') errors.push({ field: 'identityChecked', message: t('deskPatients.action.errors.identity') });
  const reason = fields.reason.trim();
  if (reason === '') errors.push({ field: 'reason', message: t('deskPatients.action.errors.reasonRequired') });
  else if ([...reason].length > REASON_MAX_LENGTH) errors.push({ field: 'reason', message: t('deskPatients.action.errors.reasonTooLong', { max: REASON_MAX_LENGTH }) });
  else if (hasControlCharacters(reason)) errors.push({ field: 'reason', message: t('deskPatients.action.errors.reasonInvalid') });
  return errors;
}
