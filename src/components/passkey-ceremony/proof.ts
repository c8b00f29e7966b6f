import type { Request, Response } from 'express';
import type { Proof, SecondFactorResult } from '../../domain/second-factor';
import { secondFactorMessage } from '../one-time-code/messages';
import { takeChallenge, type ChallengePurpose } from './challenge';
import { readAssertion } from './credential';

export type PasskeyProof = Extract<Proof, { kind: 'passkey' }>;

/**
 * The passkey a form was sent with, as a second-factor proof for the challenge this session was
 * given for `purpose`; otherwise the locale key of what to tell the patient. The challenge it
 * answers is used up either way.
 */
export function passkeyProof(req: Request, purpose: ChallengePurpose, now: number): { proof: PasskeyProof } | { problem: string } {
  const response = readAssertion(req.body);
  if (!response) return { problem: 'passkeyCeremony.failed' };
  const kept = takeChallenge(req, purpose, response, now);
  if (!kept) return { problem: 'passkeyCeremony.expired' };
  return { proof: { kind: 'passkey', response, challenge: kept.challenge } };
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
