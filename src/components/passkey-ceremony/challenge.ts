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
 * How many challenges a session keeps. The sign-in page asks one for its e-mail field's
 * suggestions each time it is shown: a second tab, or the button pressed just after, must not
 * make the passkey picked in the first one fail.
 */
const KEPT_CHALLENGES = 3;

/**
 * The challenge of the options just given to the browser, bound to this session and its purpose
 * for 5 minutes. One that ran out stays while there is room (the newest are kept): an answer to
 * it is told that it came too late, not that it was never asked for.
 */
export function keepChallenge(req: Request, purpose: ChallengePurpose, challenge: string, now: number, userHandle?: string): void {
  const given: PasskeyChallenge = { purpose, challenge, expiresAt: now + CHALLENGE_TTL_MS, ...(userHandle ? { userHandle } : {}) };
  req.session.passkeyChallenges = [given, ...(req.session.passkeyChallenges ?? [])].slice(0, KEPT_CHALLENGES);
}

/** The challenge the browser signed, as its client data says. */
function challengeAnswered(answer: { response: { clientDataJSON: string } }): string | undefined {
  try {
    const clientData: unknown = JSON.parse(Buffer.from(answer.response.clientDataJSON, 'base64url').toString('utf8'));
    const challenge = (clientData as { challenge?: unknown } | null)?.challenge;
    return typeof challenge === 'string' ? challenge : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why an answer's challenge was not taken: it ran out, or this session did not give it for this
 * purpose (another page's, another session's, one used already or pushed out by newer ones).
 */
export type ChallengeRefusal = 'expired' | 'not_given';

/**
 * Takes the challenge the answer was made for out of the session (it serves one answer, whatever
 * the outcome): returned when it was given for `purpose` and is still valid, otherwise why not
 * (only one that ran out is 'expired'). The store claims it again before it is verified, for
 * requests of the same session that race each other (see PasskeyStore.claimChallenge).
 */
export function takeChallenge(
  req: Request,
  purpose: ChallengePurpose,
  answer: { response: { clientDataJSON: string } },
  now: number,
): { kept: PasskeyChallenge } | { refusal: ChallengeRefusal } {
  const answered = challengeAnswered(answer);
  const kept = req.session.passkeyChallenges ?? [];
  const match = answered === undefined ? undefined : kept.find((given) => given.challenge === answered);
  if (!match) return { refusal: 'not_given' };
  const rest = kept.filter((given) => given !== match);
  if (rest.length > 0) req.session.passkeyChallenges = rest;
  else delete req.session.passkeyChallenges;
  if (match.purpose !== purpose) return { refusal: 'not_given' };
  return now <= match.expiresAt ? { kept: match } : { refusal: 'expired' };
}
