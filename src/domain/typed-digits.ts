/** Dashes and minus signs that phones and word processors put where a patient typed or pasted "-". */
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63]/g;

/**
 * What a patient typed or pasted, as the digits and separators a parser knows: full-width digits
 * and spaces (East Asian keyboards, NFKC) and the typographic dashes (an en dash from a letter, a
 * non-breaking hyphen from a phone's contact card) become plain ones.
 */
export function foldTypedDigits(input: string): string {
  return input.normalize('NFKC').replace(DASHES, '-');
}
