import type { Response } from 'express';
import { countryName, listCountries, parseMobileNumber, type PhoneError } from '../../domain/phone-numbers';
import { type FieldError, readFields } from '../../http/forms';
import { INTL_LOCALES, type Translate } from '../../i18n';

/** Land and Telefoonnummer, as the wizard and the number change ask them. */
export const PHONE_FIELDS = ['country', 'phone'] as const;

const PHONE_ERROR_KEYS: Record<Exclude<PhoneError, 'unknown_country'>, string> = {
  required: 'phoneNumber.errors.required',
  invalid: 'phoneNumber.errors.invalid',
  not_mobile: 'phoneNumber.errors.not_mobile',
  country_not_allowed: 'phoneNumber.errors.country_not_allowed',
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
    return { errors: [{ field: 'country', message: t('phoneNumber.errors.country') }] };
  }
  const message = t(PHONE_ERROR_KEYS[result.error], {
    country: countryName(fields.country, locale),
    allowed: new Intl.ListFormat(locale, { type: 'disjunction' }).format(allowedCountries.map((c) => countryName(c, locale))),
  });
  // A country chosen in Land that is not served is that field's error; a number of another country, the number's.
  const chosenRefused = result.error === 'country_not_allowed' && !allowedCountries.includes(fields.country.trim().toUpperCase());
  return { errors: [{ field: chosenRefused ? 'country' : 'phone', message }] };
}

/**
 * What the phone-number form shows: the countries an SMS can go to (SMS_ALLOWED_COUNTRIES), named
 * in the page's language, the Netherlands and Belgium first. Any other would only be refused.
 */
export function phoneFormLocals(res: Response, allowedCountries: string[]) {
  const allowed = new Set(allowedCountries.map((c) => c.toUpperCase()));
  return { countries: listCountries(INTL_LOCALES[res.locals.lang]).filter((c) => allowed.has(c.code)) };
}

/** The submitted Land and Telefoonnummer: the values to show again, and the number in E.164 or the errors. */
export function readPhoneForm(body: unknown, res: Response, allowedCountries: string[]): PhoneValidation & { values: { country: string; phone: string } } {
  const fields = readFields(body, PHONE_FIELDS);
  const values = { country: fields.country, phone: fields.phone.trim() };
  return { values, ...validatePhone(values, allowedCountries, INTL_LOCALES[res.locals.lang], res.locals.t) };
}
