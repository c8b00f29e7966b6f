import { checkPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PasswordProblem } from '../domain/password-policy';
import { REASON_MAX_LENGTH, reasonProblem, type ReasonProblem } from '../domain/reasons';
import { isPlausibleEmail, NAME_MAX_LENGTH, normalizeEmail } from '../domain/users';
import { CommandFailure, UsageError } from './args';

const LIMIT_MAX = 10_000;

// The option checks below throw UsageError (exit code 2): a value typed wrong is wrong usage,
// found before anything is looked up. A password is not an option (it is read from standard
// input): one the rules refuse is a refusal, CommandFailure (exit code 1).

const PASSWORD_PROBLEMS: Record<PasswordProblem, string> = {
  required: 'it is empty.',
  too_short: `it is shorter than ${PASSWORD_MIN_LENGTH} characters.`,
  too_long: `it is longer than ${PASSWORD_MAX_LENGTH} characters.`,
  invalid_characters: 'it contains control characters that cannot be typed.',
  common: 'it is on the list of commonly used passwords.',
  personal: "it contains part of the account's name or e-mail address.",
  guessable: 'it is too easy to guess. A few unrelated words together make a strong password.',
};

export function validEmail(input: string): string {
  const email = normalizeEmail(input);
  if (!isPlausibleEmail(email)) throw new UsageError(`"${input}" does not look like an e-mail address.`);
  return email;
}

export function validName(input: string): string {
  const name = input.trim();
  const length = [...name].length;
  if (length === 0) throw new UsageError('The name is empty.');
  if (length > NAME_MAX_LENGTH) throw new UsageError(`The name is longer than ${NAME_MAX_LENGTH} characters.`);
  if (/\p{Cc}/u.test(name)) throw new UsageError('The name contains control characters (such as tabs or line breaks).');
  return name;
}

const REASON_PROBLEMS: Record<ReasonProblem, string> = {
  required: 'The reason is empty. Say why, for example which identity check was done at the desk.',
  too_long: `The reason is longer than ${REASON_MAX_LENGTH} characters.`,
  invalid_characters: 'The reason contains control characters (such as tabs or line breaks).',
};

/** Why the clinic changed an account: recorded with the change. */
export function validReason(input: string): string {
  const problem = reasonProblem(input);
  if (problem) throw new UsageError(REASON_PROBLEMS[problem]);
  return input.trim();
}

/** A row's ID as list commands show it. */
export function validId(input: string): number {
  const id = /^\d{1,12}$/.test(input.trim()) ? Number(input.trim()) : NaN;
  if (!(id >= 1 && Number.isSafeInteger(id))) throw new UsageError(`--id must be the ID of a row as listed, not "${input}".`);
  return id;
}

/** A whole number of rows to show, 1 to LIMIT_MAX. */
export function validLimit(input: string): number {
  const limit = /^\d{1,6}$/.test(input.trim()) ? Number(input.trim()) : NaN;
  if (!(limit >= 1 && limit <= LIMIT_MAX)) throw new UsageError(`--limit must be a whole number from 1 to ${LIMIT_MAX}, not "${input}".`);
  return limit;
}

export async function assertAcceptablePassword(password: string, personal: { email: string; name: string }): Promise<void> {
  const problem = await checkPassword(password, personal);
  if (problem) throw new CommandFailure(`Password refused: ${PASSWORD_PROBLEMS[problem]}`);
}
