import type { Request } from 'express';
import { CHALLENGE_TTL_MS } from '../../domain/passkey-ceremonies';

/** What a challenge was given for: one given for another purpose is refused. */
export type ChallengePurpose = 'register' | 'sign_in' | 'second_step' | 'confirm';

export interface PasskeyChallenge {
  purpose: ChallengePurpose;
  challenge: string;
  expiresAt: number;
  /** Registration: the handle the new passkey is made with. */
  userHandle?: string;
}

/**
 * The challenge of the options just given to the browser, bound to this session and its purpose
 * for 5 minutes. A newer one replaces it: only the last options a session asked for can be used.
 */
export function keepChallenge(req: Request, purpose: ChallengePurpose, challenge: string, now: number, userHandle?: string): void {
  req.session.passkeyChallenge = { purpose, challenge, expiresAt: now + CHALLENGE_TTL_MS, ...(userHandle ? { userHandle } : {}) };
}

/**
 * Takes the challenge out of the session (it serves one answer, whatever the outcome): returned
 * when it was given for `purpose` and is still valid. The store claims it again before it is
 * verified, for requests of the same session that race each other (see PasskeyStore.claimChallenge).
 */
export function takeChallenge(req: Request, purpose: ChallengePurpose, now: number): PasskeyChallenge | undefined {
  const kept = req.session.passkeyChallenge;
  delete req.session.passkeyChallenge;
  return kept && kept.purpose === purpose && now <= kept.expiresAt ? kept : undefined;
}
