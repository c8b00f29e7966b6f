import type { Translate } from '../../i18n';
import { FieldError, hasControlCharacters } from '../../http/forms';

export const NAME_FIELDS = ['name'] as const;
export const NAME_MAX_LENGTH = 50;

/**
 * The name a patient or staff member gives a passkey ("iPhone van Cas"): 1 to 50 characters, no
 * control characters, not `taken` (by another of their passkeys: see nameTaken).
 */
export function validateName(input: string, t: Translate, taken: (name: string) => boolean = () => false): { name: string; errors: FieldError[] } {
  const name = input.trim().replace(/\s+/g, ' ');
  if (name === '') return { name, errors: [{ field: 'name', message: t('passkeyCeremony.name.errors.required') }] };
  if ([...name].length > NAME_MAX_LENGTH) return { name, errors: [{ field: 'name', message: t('passkeyCeremony.name.errors.tooLong', { max: NAME_MAX_LENGTH }) }] };
  if (hasControlCharacters(name)) return { name, errors: [{ field: 'name', message: t('passkeyCeremony.name.errors.invalid') }] };
  if (taken(name)) return { name, errors: [{ field: 'name', message: t('passkeyCeremony.name.errors.taken') }] };
  return { name, errors: [] };
}

/** A passkey's id in a path: a positive whole number, or null. */
export function passkeyIdOf(param: unknown): number | null {
  return typeof param === 'string' && /^[1-9]\d{0,9}$/.test(param) ? Number(param) : null;
}
