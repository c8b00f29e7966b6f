import { createPasswordHasher, type PasswordHasher } from '../../src/domain/passwords';

/**
 * The real argon2id hasher, counting the verifications it runs (of passwords, including the
 * dummy one for unknown accounts, and of recovery codes): what a limit must keep below its number.
 * `dummy` counts the dummy ones alone.
 */
export function countingHasher(inner: PasswordHasher = createPasswordHasher()) {
  const count = { verify: 0, dummy: 0 };
  const hasher: PasswordHasher = {
    hash: (text) => inner.hash(text),
    verify(hash, text) {
      count.verify += 1;
      return inner.verify(hash, text);
    },
    verifyDummy(text) {
      count.verify += 1;
      count.dummy += 1;
      return inner.verifyDummy(text);
    },
  };
  return { hasher, count };
}

/**
 * The real hasher, which can hand out one hash made beforehand for everything it is asked to hash
 * while `quickly` runs: many accounts set up in seconds, where argon2id would take a minute.
 * Verification stays real, so the accounts' password is `text`'s.
 */
export function hasherWithQuickSetup(inner: PasswordHasher = createPasswordHasher()) {
  let madeBeforehand: string | null = null;
  const hasher: PasswordHasher = {
    hash: (text) => (madeBeforehand !== null ? Promise.resolve(madeBeforehand) : inner.hash(text)),
    verify: (hash, text) => inner.verify(hash, text),
    verifyDummy: (text) => inner.verifyDummy(text),
  };
  async function quickly<T>(text: string, work: () => Promise<T>): Promise<T> {
    madeBeforehand = await inner.hash(text);
    try {
      return await work();
    } finally {
      madeBeforehand = null;
    }
  }
  return { hasher, quickly };
}

/**
 * The real hasher, whose hashes wait, once `arm` was called, until `release`: a slow hash held
 * open while a test lands another change. `started` resolves when one is waiting.
 */
export function hasherHeldOpen(inner: PasswordHasher = createPasswordHasher()) {
  let armed = false;
  let hashStarted!: () => void;
  const started = new Promise<void>((resolve) => (hashStarted = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const hasher: PasswordHasher = {
    ...inner,
    async hash(text) {
      if (armed) {
        hashStarted();
        await released;
      }
      return inner.hash(text);
    },
  };
  return { hasher, started, release, arm: () => void (armed = true) };
}
