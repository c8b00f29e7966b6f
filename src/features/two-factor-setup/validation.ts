import type { Translate } from '../../i18n';
import type { FieldError } from '../../http/forms';
import { countryName, parseMobileNumber, type PhoneError } from '../../domain/phone-numbers';
import type { SetupMethod } from './wizard';

export function validateMethod(method: string, t: Translate): { errors: FieldError[]; method?: SetupMethod } {
  if (method === 'sms' || method === 'app') return { errors: [], method };
  return { errors: [{ field: 'method', message: t('twoFactor.method.errors.required') }] };
}

const PHONE_ERROR_KEYS: Record<Exclude<PhoneError, 'unknown_country'>, string> = {
  required: 'twoFactor.phone.errors.required',
  invalid: 'twoFactor.phone.errors.invalid',
  not_mobile: 'twoFactor.phone.errors.not_mobile',
  country_not_allowed: 'twoFactor.phone.errors.country_not_allowed',
};

export type PhoneValidation = { errors: FieldError[]; e164?: string };

export function validatePhone(
  fields: { country: string; phone: string },
  allowedCountries: string[],
  /** The page's language as a BCP 47 tag, for the country names in the messages. */
  locale: string,
  t: Translate,
): PhoneValidation {
  const result = parseMobileNumber(fields.phone, fields.country, allowedCountries);
  if (result.ok) return { errors: [], e164: result.e164 };
  if (result.error === 'unknown_country') {
    return { errors: [{ field: 'country', message: t('twoFactor.phone.errors.country') }] };
  }
  const message = t(PHONE_ERROR_KEYS[result.error], {
    country: countryName(fields.country, locale),
    allowed: new Intl.ListFormat(locale, { type: 'disjunction' }).format(allowedCountries.map((c) => countryName(c, locale))),
  });
  return { errors: [{ field: 'phone', message }] };
}
