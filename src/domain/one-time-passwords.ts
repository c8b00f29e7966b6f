import type { RandomSource } from './random';

/**
 * A one-time password: what the clinic gives an account whose owner forgot theirs (a patient at the
 * desk or by the admin command, a staff member by an admin). It works until a set time, and its
 * owner chooses their own before anything else.
 */

// Letters and digits that cannot be mistaken for one another when read out or copied by hand.
const ONE_TIME_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Five groups of four (about 99 bits), e.g. "k7mq-2x9d-…". */
export function oneTimePassword(random: RandomSource): string {
  const groups = Array.from({ length: 5 }, () => Array.from({ length: 4 }, () => ONE_TIME_ALPHABET[random.int(ONE_TIME_ALPHABET.length)]).join(''));
  return groups.join('-');
}

/**
 * A one-time password as it was given, from what its owner typed: read out at the desk or over the
 * phone, it may come back in capitals, or with spaces for the dashes or none. Text of its shape (20
 * of its letters and digits) becomes the form it was given in; anything else stays as typed.
 */
export function asGivenOneTimePassword(typed: string): string {
  const bare = typed.toLowerCase().replace(/[\s\p{Pd}\u2212]/gu, ''); // any dash a phone or a document may make of one
  if (bare.length !== 20 || [...bare].some((c) => !ONE_TIME_ALPHABET.includes(c))) return typed;
  return bare.match(/.{4}/g)!.join('-');
}

/** When a one-time password given `now` stops working: `days` later. */
export const oneTimePasswordUntil = (now: number, days: number) => now + days * 86_400_000;

/** Whether the account's password is its own, or a one-time one that still works or no longer does. */
export type PasswordState = 'own' | 'oneTime' | 'oneTimeExpired';

interface WithOneTimePassword {
  oneTimePasswordUntil: number | null;
}

/** Whether the clinic gave the password (working or not): its owner chooses their own before anything else. */
export const hasOneTimePassword = (account: WithOneTimePassword) => account.oneTimePasswordUntil !== null;

export function passwordState(account: WithOneTimePassword, now: number): PasswordState {
  if (account.oneTimePasswordUntil === null) return 'own';
  return now < account.oneTimePasswordUntil ? 'oneTime' : 'oneTimeExpired';
}

/** What to check against the account's password: a one-time one as it was given (asGivenOneTimePassword), the owner's own exactly as typed. */
export const passwordToCheck = (account: WithOneTimePassword, typed: string) => (hasOneTimePassword(account) ? asGivenOneTimePassword(typed) : typed);

/** For the sign-in check: the account's one-time password no longer works. */
export const oneTimePasswordExpired = (account: WithOneTimePassword, now: number) => passwordState(account, now) === 'oneTimeExpired';
