/** Dashes and minus signs that phones and word processors put where a patient typed or pasted "-". */
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63]/g;

/**
 * Characters that show nothing but come along with copied text: soft hyphen, zero-width space,
 * non-joiner and joiner, direction marks, word joiner, byte order mark. Not the bidirectional
 * embeddings, overrides and isolates, which no one types and which can disguise text: those stay,
 * and the input is refused.
 */
const INVISIBLE = /[\u00AD\u061C\u200B-\u200F\u2060\uFEFF]/g;

/** Digits of other scripts (Arabic-Indic, Persian, Devanagari, …) that NFKC leaves as they are. */
const OTHER_SCRIPT_DIGITS = /(?![0-9])\p{Nd}/gu;
const IS_DIGIT = /^\p{Nd}$/u;

/** Unicode puts each script's digits 0 to 9 in a row, so a digit's value is its distance from the row's start. */
function asciiDigit(digit: string): string {
  const code = digit.codePointAt(0)!;
  let zero = code;
  while (IS_DIGIT.test(String.fromCodePoint(zero - 1))) zero -= 1;
  return String((code - zero) % 10);
}

/**
 * What a patient typed or pasted, as the digits and separators a parser knows: full-width digits
 * and spaces (East Asian keyboards, NFKC), digits of other scripts (an Arabic keyboard), and the
 * typographic dashes (an en dash from a letter, a non-breaking hyphen from a phone's contact card)
 * become plain ones; invisible characters copied along (a zero-width space, a direction mark) go.
 */
export function foldTypedDigits(input: string): string {
  return input.normalize('NFKC').replace(INVISIBLE, '').replace(OTHER_SCRIPT_DIGITS, asciiDigit).replace(DASHES, '-');
}
