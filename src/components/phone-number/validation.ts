import type { Response } from 'express';
import { callingCodeOf, countryName, exampleMobileNumber, listCountries, parseMobileNumber, type PhoneError } from '../../domain/phone-numbers';
import { type FieldError, readFields } from '../../http/forms';
import { INTL_LOCALES, type Translate } from '../../i18n';

/** Land and Telefoonnummer, as the wizard and the number change ask them. */
const PHONE_FIELDS = ['country', 'phone'] as const;

const PHONE_ERROR_KEYS: Record<Exclude<PhoneError, 'unknown_country'>, string> = {
  required: 'phoneNumber.errors.required',
  invalid: 'phoneNumber.errors.invalid',
  not_mobile: 'phoneNumber.errors.not_mobile',
  country_not_allowed: 'phoneNumber.errors.country_not_allowed',
  other_country: 'phoneNumber.errors.other_country',
};

export type PhoneValidation = { errors: FieldError[]; e164?: string };

function validatePhone(
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
    numberCountry: result.country ? countryName(result.country, locale) : undefined,
    callingCode: result.country ? `+${callingCodeOf(result.country)}` : undefined,
    // The example is of the country chosen in Land: a Dutch one would be wrong for a Belgian number.
    example: exampleMobileNumber(fields.country) ?? exampleMobileNumber(allowedCountries[0] ?? 'NL'),
    allowed: new Intl.ListFormat(locale, { type: 'disjunction' }).format(allowedCountries.map((c) => countryName(c, locale))),
  });
  // A country chosen in Land that is not served is that field's error; a number of another country, the number's.
  const chosenRefused = result.error === 'country_not_allowed' && !allowedCountries.includes(fields.country.trim().toUpperCase());
  return { errors: [{ field: chosenRefused ? 'country' : 'phone', message }] };
}

/**
 * What the phone-number form shows: the countries an SMS can go to (SMS_ALLOWED_COUNTRIES), named
 * in the page's language, the Netherlands and Belgium first (any other would only be refused),
 * and the hint with an example number of each.
 */
export function phoneFormLocals(res: Response, allowedCountries: string[]) {
  const allowed = new Set(allowedCountries.map((c) => c.toUpperCase()));
  const countries = listCountries(INTL_LOCALES[res.locals.lang]).filter((c) => allowed.has(c.code));
  return { countries, numberHint: numberHint(countries, res.locals.t, INTL_LOCALES[res.locals.lang]) };
}

/** "Een mobiel nummer, bijvoorbeeld 06 12345678": with the country named after each example when Land offers several. */
function numberHint(countries: Array<{ code: string; name: string }>, t: Translate, locale: string): string {
  const examples = countries.flatMap((c) => {
    const example = exampleMobileNumber(c.code);
    return example ? [countries.length > 1 ? `${example} (${c.name})` : example] : [];
  });
  return t('phoneNumber.numberHint', { examples: new Intl.ListFormat(locale, { type: 'disjunction' }).format(examples) });
}

/** The submitted Land and Telefoonnummer: the values to show again, and the number in E.164 or the errors. */
export function readPhoneForm(body: unknown, res: Response, allowedCountries: string[]): PhoneValidation & { values: { country: string; phone: string } } {
  const fields = readFields(body, PHONE_FIELDS);
  const values = { country: fields.country, phone: fields.phone.trim() };
  return { values, ...validatePhone(values, allowedCountries, INTL_LOCALES[res.locals.lang], res.locals.t) };
}
