import type { Request, Response } from 'express';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Proof, SecondFactorResult } from '../../domain/second-factor';
import { secondFactorMessage } from '../one-time-code/messages';
import { takeChallenge, type ChallengePurpose, type ChallengeRefusal } from './challenge';
import { readAssertion, readAttestation } from './credential';

export type PasskeyProof = Extract<Proof, { kind: 'passkey' }>;

/** What to tell the person whose answer's challenge was not taken (locale keys), when using a passkey and when adding one. */
const USE_REFUSED: Record<ChallengeRefusal, string> = { expired: 'passkeyCeremony.expired', not_given: 'passkeyCeremony.tryAgain' };
const ADD_REFUSED: Record<ChallengeRefusal, string> = { expired: 'passkeyCeremony.expired', not_given: 'passkeyCeremony.add.errors.tryAgain' };

/**
 * The passkey a form was sent with, as a second-factor proof for the challenge this session was
 * given for `purpose`; otherwise the locale key of what to tell the patient. The challenge it
 * answers is used up either way.
 */
export function passkeyProof(req: Request, purpose: ChallengePurpose, now: number): { proof: PasskeyProof } | { problem: string } {
  const response = readAssertion(req.body);
  if (!response) return { problem: 'passkeyCeremony.failed' };
  const taken = takeChallenge(req, purpose, response, now);
  if ('refusal' in taken) return { problem: USE_REFUSED[taken.refusal] };
  return { proof: { kind: 'passkey', response, challenge: taken.kept.challenge } };
}

/**
 * The new passkey a form was sent with (public/js/passkeys.js), with the challenge and user handle
 * this session gave for it; otherwise the locale key of what to tell the person. The challenge it
 * answers is used up either way.
 */
export function newPasskeyAnswer(req: Request, now: number): { attestation: RegistrationResponseJSON; challenge: string; userHandle: string } | { problem: string } {
  const attestation = readAttestation(req.body);
  if (!attestation) return { problem: 'passkeyCeremony.add.errors.noPasskey' };
  const taken = takeChallenge(req, 'register', attestation, now);
  if ('refusal' in taken) return { problem: ADD_REFUSED[taken.refusal] };
  const { challenge, userHandle } = taken.kept;
  return userHandle ? { attestation, challenge, userHandle } : { problem: ADD_REFUSED.not_given };
}

/**
 * The passkey a form was sent with, checked by `check` (a second factor's check, under its
 * limits): null when it passed, otherwise what to tell the person, in their language.
 */
export async function passkeyProblem(
  req: Request,
  res: Response,
  purpose: ChallengePurpose,
  now: number,
  check: (proof: PasskeyProof) => Promise<SecondFactorResult>,
): Promise<string | null> {
  const given = passkeyProof(req, purpose, now);
  if ('problem' in given) return res.locals.t(given.problem);
  const result = await check(given.proof);
  return result.status === 'ok' ? null : secondFactorMessage(result, res.locals);
}
