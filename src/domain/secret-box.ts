import crypto from 'node:crypto';
import { cryptoRandom, type RandomSource } from './random';

const ALGORITHM = 'aes-256-gcm';
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value that cannot be opened: wrong key, damaged, or not in a format we know. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

export type SecretBox = ReturnType<typeof createSecretBox>;

const encode = (b: Buffer) => b.toString('base64url');

/**
 * Encryption at rest for small secrets (the TOTP secret): AES-256-GCM with a random 12-byte IV
 * per value, stored as "v1.<iv>.<ciphertext>.<tag>" (base64url). The version is authenticated
 * too, and GCM's tag makes a wrong key or a changed value an error instead of garbage.
 */
export function createSecretBox(key: Buffer, random: RandomSource = cryptoRandom) {
  if (key.length !== 32) throw new Error('The secret box needs a 32-byte key (AES-256)');

  return {
    seal(plaintext: string): string {
      const iv = random.bytes(IV_BYTES);
      const cipher = crypto.createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(VERSION));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, encode(iv), encode(ciphertext), encode(cipher.getAuthTag())].join('.');
    },

    open(sealed: string): string {
      const parts = sealed.split('.');
      if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretBoxError('Sealed value has an unknown format');
      const [iv, ciphertext, tag] = parts.slice(1).map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretBoxError('Sealed value is damaged');
      try {
        const decipher = crypto.createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(VERSION));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError('Sealed value cannot be opened: wrong key (TOTP_ENCRYPTION_KEY) or damaged data');
      }
    },
  };
}
