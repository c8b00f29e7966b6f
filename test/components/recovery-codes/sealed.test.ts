import crypto from 'node:crypto';
import { expect } from 'chai';
import { openCodes, sealCodes } from '../../../src/components/recovery-codes/output';
import { createSecretBox } from '../../../src/domain/secret-box';

describe('recovery codes sealed in the session (components/recovery-codes)', () => {
  const box = createSecretBox(crypto.randomBytes(32));
  const codes = ['3937693737', '6490462090'];

  it('opens the codes with the time they were made', () => {
    const sealed = sealCodes(box, { codes, madeAt: 1_800_000_000_000 });
    expect(sealed).not.to.include(codes[0]);
    expect(openCodes(box, sealed)).to.deep.equal({ codes, madeAt: 1_800_000_000_000 });
  });

  it('opens codes sealed before the time was kept (a session from before an update), without a time', () => {
    expect(openCodes(box, box.seal(codes.join(',')))).to.deep.equal({ codes });
  });
});
