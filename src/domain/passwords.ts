import { Algorithm, hash, verify } from '@node-rs/argon2';

export interface PasswordHasherOptions {
  memoryCost: number; // KiB
  timeCost: number;
  parallelism: number;
}

// OWASP's argon2id minimum (SPEC §4).
export const DEFAULT_ARGON2_OPTIONS: PasswordHasherOptions = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** Spends the same time as a real verification; used when the account does not exist. */
  verifyDummy(password: string): Promise<false>;
}

export function createPasswordHasher(options: PasswordHasherOptions = DEFAULT_ARGON2_OPTIONS): PasswordHasher {
  const argonOptions = { algorithm: Algorithm.Argon2id, ...options };
  let dummyHash: Promise<string> | undefined;

  const hasher: PasswordHasher = {
    hash: (password) => hash(password, argonOptions),
    async verify(passwordHash, password) {
      try {
        return await verify(passwordHash, password, argonOptions);
      } catch {
        return false; // malformed stored hash: treat as a mismatch, never as a crash
      }
    },
    async verifyDummy(password) {
      dummyHash ??= hash('dummy-password-for-unknown-accounts', argonOptions);
      await hasher.verify(await dummyHash, password);
      return false;
    },
  };
  return hasher;
}
