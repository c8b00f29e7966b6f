import type { Request } from 'express';
import type { Proof } from '../../domain/second-factor';
import { takeChallenge, type ChallengePurpose } from './challenge';
import { readAssertion } from './credential';

export type PasskeyProof = Extract<Proof, { kind: 'passkey' }>;

/**
 * The passkey a form was sent with, as a second-factor proof for the challenge this session was
 * given for `purpose`; otherwise the locale key of what to tell the patient. The challenge is
 * used up either way.
 */
export function passkeyProof(req: Request, purpose: ChallengePurpose, now: number): { proof: PasskeyProof } | { problem: string } {
  const response = readAssertion(req.body);
  const kept = takeChallenge(req, purpose, now);
  if (!response) return { problem: 'passkeyCeremony.failed' };
  if (!kept) return { problem: 'passkeyCeremony.expired' };
  return { proof: { kind: 'passkey', response, challenge: kept.challenge } };
}
