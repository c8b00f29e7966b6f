import { expect } from 'chai';
import type { Request } from 'express';
import { keepChallenge, takeChallenge } from '../../../src/components/passkey-ceremony/challenge';
import { CHALLENGE_TTL_MS } from '../../../src/domain/passkey-ceremonies';

/** A request with nothing but a session, as the challenge functions read it. */
const requestWithSession = () => ({ session: {} }) as unknown as Request;

/** An answer as the browser sends it: the client data names the challenge it signed. */
const answerTo = (challenge: string) => ({ response: { clientDataJSON: Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge })).toString('base64url') } });

describe('passkey ceremony: the challenges a session keeps', () => {
  const start = 1_000_000;

  it('takes a challenge once, for its purpose and its 5 minutes', () => {
    const req = requestWithSession();
    keepChallenge(req, 'confirm', 'c1', start);
    expect(takeChallenge(req, 'confirm', answerTo('c1'), start + CHALLENGE_TTL_MS)).to.deep.equal({ kept: { purpose: 'confirm', challenge: 'c1', expiresAt: start + CHALLENGE_TTL_MS } });
    expect(takeChallenge(req, 'confirm', answerTo('c1'), start), 'used').to.deep.equal({ refusal: 'not_given' });
  });

  it('says "expired" only for a challenge that ran out', () => {
    const req = requestWithSession();
    keepChallenge(req, 'second_step', 'old', start);
    keepChallenge(req, 'sign_in', 'other-page', start);
    keepChallenge(req, 'second_step', 'newer', start + CHALLENGE_TTL_MS + 1); // asked again after the first ran out
    expect(takeChallenge(req, 'second_step', answerTo('old'), start + CHALLENGE_TTL_MS + 2)).to.deep.equal({ refusal: 'expired' });
    expect(takeChallenge(req, 'second_step', answerTo('other-page'), start + 1), 'another page\'s').to.deep.equal({ refusal: 'not_given' });
    expect(takeChallenge(req, 'second_step', answerTo('never-given'), start + 1), 'another session\'s').to.deep.equal({ refusal: 'not_given' });
    expect(takeChallenge(req, 'second_step', { response: { clientDataJSON: 'not-json' } }, start + 1), 'unreadable').to.deep.equal({ refusal: 'not_given' });
    expect(takeChallenge(req, 'second_step', answerTo('newer'), start + CHALLENGE_TTL_MS + 2)).to.have.property('kept');
  });

  it('keeps the three newest, so an expired one never takes a live one\'s place', () => {
    const req = requestWithSession();
    keepChallenge(req, 'sign_in', 'c1', start);
    for (const [i, name] of ['c2', 'c3', 'c4'].entries()) keepChallenge(req, 'sign_in', name, start + CHALLENGE_TTL_MS + i);
    expect(req.session.passkeyChallenges!.map((kept) => kept.challenge)).to.deep.equal(['c4', 'c3', 'c2']);
    expect(takeChallenge(req, 'sign_in', answerTo('c1'), start + CHALLENGE_TTL_MS + 5), 'pushed out by newer ones').to.deep.equal({ refusal: 'not_given' });
  });
});
