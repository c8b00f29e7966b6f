import { createPasswordHasher, type PasswordHasher } from '../../src/domain/passwords';

/**
 * The real argon2id hasher, counting the verifications it runs (of passwords, including the
 * dummy one for unknown accounts, and of recovery codes): what a limit must keep below its number.
 */
export function countingHasher(inner: PasswordHasher = createPasswordHasher()) {
  const count = { verify: 0 };
  const hasher: PasswordHasher = {
    hash: (text) => inner.hash(text),
    verify(hash, text) {
      count.verify += 1;
      return inner.verify(hash, text);
    },
    verifyDummy(text) {
      count.verify += 1;
      return inner.verifyDummy(text);
    },
  };
  return { hasher, count };
}
