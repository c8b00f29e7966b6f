/**
 * The text of an SMS with a code: the sentence in the patient's language, then the origin-bound
 * line of the WICG's "Origin-bound one-time codes delivered via SMS" (`@host #code`). Phones and
 * browsers that read it offer the code for autofill only on that site, never on a look-alike one,
 * and the patient sees which site the code is for.
 */
export function smsCodeText(sentence: string, code: string, host: string): string {
  return `${sentence}\n\n@${host} #${code}`;
}
