import crypto from 'node:crypto';
import { expect } from 'chai';
import { loadConfig } from '../../src/config';
import { createSecretBox, SecretBoxError } from '../../src/domain/secret-box';

const SECRET = 'AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT';

function openError(box: ReturnType<typeof createSecretBox>, sealed: string): unknown {
  try {
    return box.open(sealed);
  } catch (err) {
    return err;
  }
}

describe('secret box (AES-256-GCM at rest)', () => {
  const key = crypto.randomBytes(32);

  it('opens what it sealed; the sealed form is versioned and hides the secret', () => {
    const box = createSecretBox(key);
    const sealed = box.seal(SECRET);
    expect(sealed).to.match(/^v1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    expect(sealed).not.to.include(SECRET);
    expect(Buffer.from(sealed.split('.')[2]!, 'base64url').toString('latin1')).not.to.include(SECRET);
    expect(box.open(sealed)).to.equal(SECRET);
  });

  it('uses a fresh random IV for every value', () => {
    const box = createSecretBox(key);
    const a = box.seal(SECRET);
    const b = box.seal(SECRET);
    expect(a).not.to.equal(b);
    expect(a.split('.')[1]).not.to.equal(b.split('.')[1]);
  });

  it('refuses to open with the wrong key: an error, not garbage', () => {
    const sealed = createSecretBox(key).seal(SECRET);
    const err = openError(createSecretBox(crypto.randomBytes(32)), sealed);
    expect(err).to.be.instanceOf(SecretBoxError);
    expect((err as Error).message).to.include('wrong key');
  });

  it('detects a changed value, an unknown version and a broken format', () => {
    const box = createSecretBox(key);
    const [version, iv, data, tag] = box.seal(SECRET).split('.') as [string, string, string, string];
    const flipped = Buffer.from(data, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    for (const bad of [
      [version, iv, flipped.toString('base64url'), tag].join('.'),
      ['v2', iv, data, tag].join('.'),
      [version, iv, data].join('.'),
      [version, 'AAAA', data, tag].join('.'),
      SECRET,
      '',
    ]) {
      expect(openError(box, bad), bad).to.be.instanceOf(SecretBoxError);
    }
  });

  it('wants a 32-byte key', () => {
    expect(() => createSecretBox(Buffer.alloc(16))).to.throw(/32-byte/);
  });

  it('gets its key from TOTP_ENCRYPTION_KEY, or in development from SESSION_SECRET', () => {
    const a = loadConfig({ TOTP_ENCRYPTION_KEY: 'a'.repeat(40) }).totpEncryptionKey;
    const b = loadConfig({ TOTP_ENCRYPTION_KEY: 'b'.repeat(40) }).totpEncryptionKey;
    const dev = loadConfig({}).totpEncryptionKey;
    const otherDev = loadConfig({ SESSION_SECRET: 'another-development-secret-of-some-length' }).totpEncryptionKey;
    for (const k of [a, b, dev, otherDev]) expect(k.length).to.equal(32);
    expect(new Set([a, b, dev, otherDev].map((k) => k.toString('hex'))).size).to.equal(4);
    expect(dev.equals(loadConfig({ SESSION_SECRET: undefined }).totpEncryptionKey)).to.equal(true);
  });
});
