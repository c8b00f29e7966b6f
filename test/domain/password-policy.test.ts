import { expect } from 'chai';
import { checkPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../src/domain/password-policy';

describe('password policy (new passwords)', () => {
  // Random-looking, so only the length decides.
  const strong = (length: number) => 'Qz7#vLm2Rk9!wTp4Xn8$'.repeat(Math.ceil(length / 20)).slice(0, length);

  it('takes 8 to 256 characters, counted as characters', async () => {
    expect(await checkPassword('')).to.equal('required');
    expect(await checkPassword(strong(PASSWORD_MIN_LENGTH - 1))).to.equal('too_short');
    expect(await checkPassword(strong(PASSWORD_MIN_LENGTH))).to.equal(null);
    expect(await checkPassword(strong(PASSWORD_MAX_LENGTH))).to.equal(null);
    expect(await checkPassword(strong(PASSWORD_MAX_LENGTH + 1))).to.equal('too_long');
    expect(await checkPassword('🙂'.repeat(PASSWORD_MAX_LENGTH)), 'an emoji is one character, two UTF-16 units').not.to.equal('too_long');
  });

  it('refuses control and bidirectional-override characters, which nobody could type again', async () => {
    for (const bad of ['Qz7#vLm2\tRk9!', 'Qz7#vLm2\u0000Rk9!', 'Qz7#vLm2\u202ERk9!', 'Qz7#vLm2\u2066Rk9!']) {
      expect(await checkPassword(bad), JSON.stringify(bad)).to.equal('invalid_characters');
    }
  });

  it('refuses a password that holds the name or a part of the e-mail address', async () => {
    const personal = { email: 'marieke.jansen@example.nl', name: 'Marieke de Vries' };
    expect(await checkPassword('zeer-Jansen-Qz7#vLm2', personal)).to.equal('personal');
    expect(await checkPassword('zeer-vries-Qz7#vLm2', personal)).to.equal('personal');
    expect(await checkPassword('zeer-Qz7#vLm2-Rk9!', personal)).to.equal(null);
  });
});
