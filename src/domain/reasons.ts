/**
 * Why the clinic changed an account, at the desk or with the admin command: required, one line,
 * recorded with the change (the patient's activity, the desk's Logboek).
 */
export const REASON_MAX_LENGTH = 500;

export type ReasonProblem = 'required' | 'too_long' | 'invalid_characters';

// Control characters (tabs, line breaks) and the bidirectional overrides that could reorder a log line.
const UNWANTED = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

export function reasonProblem(input: string): ReasonProblem | null {
  const reason = input.trim();
  if (reason === '') return 'required';
  if ([...reason].length > REASON_MAX_LENGTH) return 'too_long';
  if (UNWANTED.test(reason)) return 'invalid_characters';
  return null;
}
