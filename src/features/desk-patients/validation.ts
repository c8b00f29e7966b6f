import { validateReason } from '../../components/desk-reason/validation';
import { type FieldError, hasControlCharacters } from '../../http/forms';
import type { Translate } from '../../i18n';

export const SEARCH_MIN_LENGTH = 2;
export const SEARCH_MAX_LENGTH = 100;

export function validateSearch(query: string, t: Translate): FieldError[] {
  const text = query.trim();
  if (text === '') return [{ field: 'query', message: t('deskPatients.search.errors.required') }];
  if ([...text].length < SEARCH_MIN_LENGTH) return [{ field: 'query', message: t('deskPatients.search.errors.tooShort', { min: SEARCH_MIN_LENGTH }) }];
  if ([...text].length > SEARCH_MAX_LENGTH || hasControlCharacters(text)) return [{ field: 'query', message: t('deskPatients.search.errors.invalid') }];
  return [];
}

/** The identity check (for a reset) and the reason, recorded with the change like the admin command's --reason. */
export function validateAction(fields: { reason: string; identityChecked?: string }, needsIdentityCheck: boolean, t: Translate): FieldError[] {
  const identity = needsIdentityCheck && fields.identityChecked !== 'ja' ? [{ field: 'identityChecked', message: t('deskPatients.action.errors.identity') }] : [];
  return [...identity, ...validateReason(fields.reason, t)];
}
