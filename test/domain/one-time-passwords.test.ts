import { expect } from 'chai';
import { asGivenOneTimePassword, oneTimePassword, passwordToCheck } from '../../src/domain/one-time-passwords';
import { cryptoRandom } from '../../src/domain/random';

describe('one-time passwords as typed back', () => {
  const GIVEN = 'k7mq-2x9d-hh4p-wq3e-8ntz';

  it('reads one typed in capitals, with spaces or other dashes (en, em, non-breaking, minus) for the dashes, or without them, as it was given', () => {
    for (const typed of [GIVEN, 'K7MQ-2X9D-HH4P-WQ3E-8NTZ', 'k7mq 2x9d hh4p wq3e 8ntz', ' k7mq2x9dhh4pwq3e8ntz ', 'K7mq–2x9d—hh4p‑wq3e−8ntz']) {
      expect(asGivenOneTimePassword(typed), typed).to.equal(GIVEN);
    }
    const made = oneTimePassword(cryptoRandom);
    expect(asGivenOneTimePassword(made.toUpperCase())).to.equal(made);
  });

  it('leaves anything else as typed: other letters, another length, a password of one\'s own', () => {
    for (const typed of ['k7mq-2x9d-hh4p-wq3e-8ntl', 'k7mq-2x9d-hh4p-wq3e-8nt', 'k7mq-2x9d-hh4p-wq3e-8ntzz', 'Blauwe Tulp Fietst 7', '']) {
      expect(asGivenOneTimePassword(typed), typed).to.equal(typed);
    }
  });

  it('checks an account\'s own password exactly as typed, and a one-time one as it was given', () => {
    const typed = 'K7MQ 2X9D HH4P WQ3E 8NTZ';
    expect(passwordToCheck({ oneTimePasswordUntil: null }, typed)).to.equal(typed);
    expect(passwordToCheck({ oneTimePasswordUntil: 1 }, typed), 'also after it ran out: the refusal says so').to.equal(GIVEN);
  });
});
