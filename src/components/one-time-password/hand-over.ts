import type { Request, Response } from 'express';
import type { Clock } from '../../domain/clock';
import { oneTimePassword, oneTimePasswordUntil } from '../../domain/one-time-passwords';
import type { PasswordHasher } from '../../domain/passwords';
import type { RandomSource } from '../../domain/random';
import type { SecretBox } from '../../domain/secret-box';
import { sayOnce } from '../../http/page-notice';

/**
 * Why the desk was given a one-time password to pass on: a new staff member's account, a staff
 * member's forgotten password, or a patient's.
 */
export type OneTimePasswordKind = 'added' | 'reset' | 'patient';

/** A new one-time password, its hash (slow: made before the transaction) and until when it works (`days` from now). */
export async function newOneTimePassword(deps: { random: RandomSource; hasher: PasswordHasher; clock: Clock }, days: number) {
  const password = oneTimePassword(deps.random);
  return { password, hash: await deps.hasher.hash(password), until: oneTimePasswordUntil(deps.clock.now(), days) };
}

/**
 * The one-time password is never stored, logged or put in an address: it waits sealed in the
 * staff member's session for the page (`to`) that shows it once (takeHandedOver), so that a double
 * click, whose second answer is the one the browser shows, still shows it.
 */
export function handOverOneTimePassword(req: Request, res: Response, secretBox: SecretBox, given: { id: number; kind: OneTimePasswordKind; password: string }, to: string): void {
  req.session.givenOneTimePassword = { id: given.id, kind: given.kind, sealedPassword: secretBox.seal(given.password) };
  res.redirect(to);
}

/**
 * The password handed over for this page (of `kind`, at `pathOf(id)`): once, and again after the
 * language link (the staff member may not have been able to read it). Null when there is none for
 * it, or it was shown already: then it is forgotten.
 */
export function takeHandedOver(req: Request, res: Response, secretBox: SecretBox, kind: OneTimePasswordKind, pathOf: (id: number) => string): { id: number; password: string } | null {
  const given = req.session.givenOneTimePassword;
  const forThisPage = given?.kind === kind && pathOf(given.id) === req.path;
  if (!given || !forThisPage || !sayOnce(req, res, given)) {
    if (forThisPage) delete req.session.givenOneTimePassword;
    return null;
  }
  return { id: given.id, password: secretBox.open(given.sealedPassword) };
}
