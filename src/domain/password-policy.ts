import { loadOnce } from '../infra/load-once';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

export type PasswordProblem = 'required' | 'too_short' | 'too_long' | 'invalid_characters' | 'common' | 'personal' | 'guessable';

// Control and bidirectional-override characters: nobody could type such a password again.
const UNTYPEABLE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFD]/;

// Words every Dutch password list starts with; the common list is mostly English.
const LOCAL_COMMON_WORDS = ['wachtwoord', 'welkom', 'geheim', 'karify', 'healthspace', 'hallo', 'zomer', 'winter'];

/**
 * The block list and the guessability estimate, loaded on the first new password: they take
 * about 20 MB, and most servers go a long time without anyone choosing a password.
 */
const loadGuessability = loadOnce(async () => {
  const [{ ZxcvbnFactory }, { adjacencyGraphs, dictionary }] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]);
  return {
    commonPasswords: new Set(dictionary['passwords-common'].map((word) => word.toLowerCase())),
    zxcvbn: new ZxcvbnFactory({ dictionary: { ...dictionary, localCommon: LOCAL_COMMON_WORDS }, graphs: adjacencyGraphs }),
  };
});

/**
 * NIST SP 800-63B style: length limits and a block list, no composition rules.
 * Resolves to the first problem found, or null when the password is acceptable.
 */
export async function checkPassword(password: string, personal: { email?: string; name?: string } = {}): Promise<PasswordProblem | null> {
  if (password.length === 0) return 'required';
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return 'too_short';
  if (length > PASSWORD_MAX_LENGTH) return 'too_long';
  if (UNTYPEABLE.test(password)) return 'invalid_characters';
  const { commonPasswords, zxcvbn } = await loadGuessability();
  if (commonPasswords.has(password.toLowerCase())) return 'common';

  const userInputs = personalWords(personal);
  const lowered = password.toLowerCase();
  if (userInputs.some((word) => word.length >= 4 && lowered.includes(word))) return 'personal';

  // zxcvbn's matching is quadratic; its estimate for the first 100 characters is plenty.
  const result = zxcvbn.check(password.slice(0, 100), userInputs);
  if (result.score < 2) return 'guessable';
  return null;
}

function personalWords({ email, name }: { email?: string; name?: string }): string[] {
  const words: string[] = [];
  if (email) words.push(...email.toLowerCase().split(/[@.+_-]/));
  if (name) words.push(...name.toLowerCase().split(/\s+/));
  return words.filter((word) => word.length >= 3);
}
