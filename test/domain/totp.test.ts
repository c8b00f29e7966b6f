import { expect } from 'chai';
import type { RandomSource } from '../../src/domain/random';
import {
  formatTotpKey, generateTotpSecret, isTotpSecret, totpCodeAt, totpStep, totpUri, verifyTotp,
} from '../../src/domain/totp';
import { appCode, STEP_MS } from '../support/totp';

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890", in base32.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP (RFC 6238)', () => {
  it('makes a 160-bit secret from the random source, in base32', () => {
    const counting: RandomSource = { int: () => 0, bytes: (n) => Buffer.from(Array.from({ length: n }, (_, i) => i)) };
    const secret = generateTotpSecret(counting);
    expect(secret).to.equal('AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT'); // bytes 0..19
    expect(isTotpSecret(secret)).to.equal(true);
    expect(Buffer.from(secret).length * 5 / 8).to.equal(20);
  });

  it('computes the codes of the RFC test vectors (6 digits, 30 s, SHA-1)', () => {
    const vectors: [number, string][] = [
      [59, '287082'],
      [1111111109, '081804'],
      [1111111111, '050471'],
      [1234567890, '005924'],
      [2000000000, '279037'],
    ];
    for (const [seconds, code] of vectors) {
      expect(totpCodeAt(RFC_SECRET, seconds * 1000), String(seconds)).to.equal(code);
      expect(verifyTotp(RFC_SECRET, code, seconds * 1000)).to.equal(Math.floor(seconds / 30));
    }
  });

  it('accepts the step before, the current and the next step, and returns the step the code belongs to', () => {
    const now = Date.UTC(2026, 10, 25, 13, 0, 10);
    const step = totpStep(now);
    for (const delta of [-1, 0, 1]) {
      const code = appCode(RFC_SECRET, now + delta * STEP_MS);
      expect(verifyTotp(RFC_SECRET, code, now), `step ${delta}`).to.equal(step + delta);
    }
  });

  it('refuses codes two steps away, and anything that is not 6 digits', () => {
    const now = Date.UTC(2026, 10, 25, 13, 0, 10);
    for (const delta of [-2, 2, -3, 3]) {
      const code = appCode(RFC_SECRET, now + delta * STEP_MS);
      const nearby = [-1, 0, 1].map((d) => appCode(RFC_SECRET, now + d * STEP_MS));
      if (!nearby.includes(code)) expect(verifyTotp(RFC_SECRET, code, now), `step ${delta}`).to.equal(null);
    }
    const code = appCode(RFC_SECRET, now);
    for (const bad of ['', code.slice(1), `${code}0`, 'abcdef', ` ${code}`]) expect(verifyTotp(RFC_SECRET, bad, now), bad).to.equal(null);
  });

  it('builds the otpauth:// URI with issuer Karify and the e-mail address', () => {
    const uri = new URL(totpUri(RFC_SECRET, 'cas+test@example.nl'));
    expect(uri.protocol).to.equal('otpauth:');
    expect(uri.host).to.equal('totp');
    expect(decodeURIComponent(uri.pathname)).to.equal('/Karify:cas+test@example.nl');
    expect(Object.fromEntries(uri.searchParams)).to.deep.equal({
      issuer: 'Karify', secret: RFC_SECRET, algorithm: 'SHA1', digits: '6', period: '30',
    });
  });

  it('shows the key in groups of four', () => {
    expect(formatTotpKey('AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT')).to.equal('AAAQ EAYE AUDA OCAJ BIFQ YDIO B4IB CEQT');
  });
});
