import type { Translate } from '.';

/**
 * Which variant of a text fits the details of a security change. Berichten (features/inbox) and
 * the e-mail alerts (domain/mail/alert-texts.ts) tell the patient about the same changes from the
 * same details, so they pick their texts with these. Keys are given in full, never built
 * (test/i18n/keys.test.ts).
 */
export interface TextChoice {
  key: string;
  values?: Record<string, string | number>;
}

export type ChoiceDetails = Record<string, string | number>;

export interface ChoiceFormatting {
  t: Translate;
  formatTime(epochMs: number): string;
}

export type TextPicker = (details: ChoiceDetails, f: ChoiceFormatting) => TextChoice;

export const plainText =
  (key: string): TextPicker =>
  () => ({ key });

/** A count or a time kept in the details (some stores keep it as text), or null. */
function wholeNumber(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}

/** The variant naming `param` (a passkey's name, a masked number) when the details carry it. */
export const naming =
  (param: string, keys: { plain: string; named: string }, accept: (value: string) => boolean = () => true): TextPicker =>
  (details) => {
    const value = details[param];
    return typeof value === 'string' && value.trim() !== '' && accept(value) ? { key: keys.named, values: { [param]: value } } : { key: keys.plain };
  };

/** The variant naming the method, in the words of `methodKeys`, when the details name one it knows. */
export const namingMethod =
  (methodKeys: Record<string, string>, keys: { plain: string; named: string }): TextPicker =>
  (details, { t }) => {
    const { method } = details;
    return typeof method === 'string' && Object.hasOwn(methodKeys, method) ? { key: keys.named, values: { method: t(methodKeys[method]!) } } : { key: keys.plain };
  };

/** A text of its own for some values of the detail `param`; any other value is left to `otherwise`. */
export const perDetail =
  (param: string, keysByValue: Record<string, string>, otherwise: TextPicker): TextPicker =>
  (details, f) => {
    const value = details[param];
    return typeof value === 'string' && Object.hasOwn(keysByValue, value) ? { key: keysByValue[value]! } : otherwise(details, f);
  };

/**
 * A text of its own for the methods in `methodKeys` (a passkey signs in without password and
 * code, so "you also enter a code" would be untrue); any other method is left to `otherwise`.
 */
export const perMethod = (methodKeys: Record<string, string>, otherwise: TextPicker): TextPicker => perDetail('method', methodKeys, otherwise);

/**
 * Who at the clinic made a change: its helpdesk at the desk (`by: 'desk'`) has a text of its own;
 * the admin command and older details without `by` get the text that only names the clinic.
 */
export const byDesk = (keys: { desk: string; clinic: string }): TextPicker => perDetail('by', { desk: keys.desk }, plainText(keys.clinic));

/** How many recovery codes are left after a use: none, a few (make new ones), or how many. */
export const recoveryCodesLeft =
  (few: number, keys: { plain: string; none: string; few: string; remaining: string }): TextPicker =>
  (details) => {
    const remaining = wholeNumber(details.remaining);
    if (remaining === null) return { key: keys.plain };
    if (remaining === 0) return { key: keys.none };
    return { key: remaining <= few ? keys.few : keys.remaining, values: { remaining } };
  };

/** Until when the second step is locked, as a time, when the details say. */
export const lockedUntil =
  (keys: { plain: string; until: string }): TextPicker =>
  (details, { formatTime }) => {
    const until = wholeNumber(details.until);
    return until === null ? { key: keys.plain } : { key: keys.until, values: { until: formatTime(until) } };
  };

type LockPlace = 'signIn' | 'setup' | 'change';

/**
 * Where the wrong codes that locked the second step were typed, from the check's purpose: at
 * sign-in; while setting two-step up (it is off: the text does not say signing in waits, nor that
 * it does not, as REQUIRE_TWO_FACTOR sends the patient to the wizard); or while confirming or
 * changing it (it is on, so signing in waits too). Older details have no purpose.
 */
function lockPlace(purpose: unknown): LockPlace {
  if (purpose === 'setup') return 'setup';
  return purpose === undefined || purpose === 'sign_in' ? 'signIn' : 'change';
}

/** The lock's text for where it was set off, with until when it lasts when the details say. */
export const lockedAt =
  (keys: Record<LockPlace, { plain: string; until: string }>): TextPicker =>
  (details, f) =>
    lockedUntil(keys[lockPlace(details.purpose)])(details, f);
