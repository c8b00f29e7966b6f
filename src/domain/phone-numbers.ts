import mobileExamples from 'libphonenumber-js/examples.mobile.json';
import {
  getCountries,
  getCountryCallingCode,
  getExampleNumber,
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/max';
import { foldTypedDigits } from './typed-digits';

export interface Country {
  code: string; // ISO 3166-1 alpha-2
  name: string; // in the language asked for
  callingCode: string; // without '+'
}

export type PhoneError = 'required' | 'invalid' | 'not_mobile' | 'country_not_allowed' | 'unknown_country' | 'other_country';

/** `country` with 'other_country': the allowed country whose mobile number it is (Land was set to another). */
export type ParsedPhone = { ok: true; e164: string; country: string } | { ok: false; error: PhoneError; country?: string };

const FIRST_COUNTRIES = ['NL', 'BE'];
/** Country names in Dutch unless a locale is given. */
const DEFAULT_COUNTRY_LOCALE = 'nl-NL';
const countriesByLocale = new Map<string, { list: Country[]; names: Map<string, string> }>();

function countriesIn(locale: string) {
  let countries = countriesByLocale.get(locale);
  if (!countries) {
    const names = new Intl.DisplayNames([locale], { type: 'region' });
    const all = getCountries().map((code) => ({
      code,
      name: names.of(code) ?? code,
      callingCode: getCountryCallingCode(code),
    }));
    const first = FIRST_COUNTRIES.map((code) => all.find((c) => c.code === code)).filter((c) => c !== undefined);
    const rest = all
      .filter((c) => !FIRST_COUNTRIES.includes(c.code))
      .sort((a, b) => a.name.localeCompare(b.name, locale));
    const list = [...first, ...rest];
    countries = { list, names: new Map(list.map((c) => [c.code, c.name])) };
    countriesByLocale.set(locale, countries);
  }
  return countries;
}

/**
 * Every country libphonenumber knows, named in `locale` (a BCP 47 tag such as 'nl-NL' or
 * 'en-GB'): the Netherlands and Belgium first, then the rest by name in that language.
 */
export function listCountries(locale: string = DEFAULT_COUNTRY_LOCALE): Country[] {
  return countriesIn(locale).list;
}

/** The name of the country with ISO code `code` in `locale`; the code itself if unknown. */
export function countryName(code: string, locale: string = DEFAULT_COUNTRY_LOCALE): string {
  return countriesIn(locale).names.get(code.trim().toUpperCase()) ?? code;
}

/** '32' for Belgium: the calling code, without '+'. */
export const callingCodeOf = (country: string): string => getCountryCallingCode(country as CountryCode);

/** A mobile number of `country` as its people write it (06 12345678 in the Netherlands), for hints and errors. */
export function exampleMobileNumber(country: string): string | undefined {
  const code = country.trim().toUpperCase();
  return isSupportedCountry(code) ? getExampleNumber(code, mobileExamples)?.formatNational() : undefined;
}

const MAX_INPUT_LENGTH = 40;
// Digits with the separators people type; a plus only in front.
const PLAUSIBLE_INPUT = /^\+?[\d\s().\-/]+$/;

/**
 * Parses what a patient typed as a mobile number of `countryCode`, or of the country the number
 * itself names when it starts with + or 00. Returns the number in E.164.
 */
export function parseMobileNumber(input: string, countryCode: string, allowedCountries: string[]): ParsedPhone {
  const text = foldTypedDigits(input).replace(/\s+/g, ' ').trim();
  if (text === '') return { ok: false, error: 'required' };
  if (text.length > MAX_INPUT_LENGTH || !PLAUSIBLE_INPUT.test(text)) return { ok: false, error: 'invalid' };

  const international = text.startsWith('+') || text.startsWith('00');
  const country = countryCode.trim().toUpperCase();
  if (!international && !isSupportedCountry(country)) return { ok: false, error: 'unknown_country' };

  const normalized = text.startsWith('00') ? `+${text.slice(2)}` : text;
  const parsed = international
    ? parsePhoneNumberFromString(normalized)
    : parsePhoneNumberFromString(normalized, { defaultCountry: country as CountryCode });
  const allowed = allowedCountries.map((c) => c.toUpperCase());
  const wrongLand = (error: PhoneError): ParsedPhone => {
    const elsewhere = international ? undefined : allowed.find((other) => other !== country && isMobile(parsePhoneNumberFromString(normalized, { defaultCountry: other as CountryCode })));
    return elsewhere ? { ok: false, error: 'other_country', country: elsewhere } : { ok: false, error };
  };
  if (!parsed || !parsed.isValid()) return wrongLand('invalid');
  if (!parsed.country || !allowed.includes(parsed.country)) return { ok: false, error: 'country_not_allowed' };
  if (!isMobile(parsed)) return wrongLand('not_mobile');

  return { ok: true, e164: parsed.number, country: parsed.country };
}

function isMobile(parsed: ReturnType<typeof parsePhoneNumberFromString>): boolean {
  const type = parsed?.isValid() ? parsed.getType() : undefined;
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
}

/** Whether SMS may go to this stored number (E.164): its country is on the allowlist now. */
export function isAllowedDestination(e164: string, allowedCountries: string[]): boolean {
  const country = parsePhoneNumberFromString(e164)?.country;
  return country !== undefined && allowedCountries.some((allowed) => allowed.toUpperCase() === country);
}

const BULLET = '•';

/** '+31612345678' → '+31 6 ••••••12': calling code, first national digit, last two digits. */
export function maskPhoneNumber(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (parsed) {
    const national = parsed.nationalNumber;
    if (national.length >= 4) {
      const hidden = BULLET.repeat(national.length - 3);
      return `+${parsed.countryCallingCode} ${national[0]} ${hidden}${national.slice(-2)}`;
    }
  }
  // Not a number we can split: show only the last two digits.
  const digits = e164.replace(/\D/g, '');
  return digits.length >= 4 ? `+${BULLET.repeat(digits.length - 2)}${digits.slice(-2)}` : BULLET.repeat(4);
}

/**
 * What a masked number shows around its bullets ('+31 6' and '12'), for words a screen reader
 * says instead of them; `start` is empty when only the last digits show. Null without digits.
 */
export function maskedPhoneEnds(masked: string): { start: string; end: string } | null {
  const match = new RegExp(`^(.*?)\\s*${BULLET}+(\\d+)$`).exec(masked);
  if (!match) return null;
  return { start: /\d/.test(match[1]!) ? match[1]! : '', end: match[2]! };
}
