import os from 'node:os';
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

export interface Argon2 {
  hash: typeof hash;
  verify: typeof verify;
}

export interface PasswordHasherDeps {
  options?: PasswordHasherOptions;
  /**
   * Hashes running at once. Each holds `memoryCost` KiB and a thread-pool thread: more than the
   * CPUs only adds memory, and leaves no thread for the database driver, which shares that pool.
   */
  maxConcurrent?: number;
  argon2?: Argon2;
}

/** Runs at most `limit` tasks at once; the rest wait in arrival order. */
export function createGate(limit: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next(); // the slot passes straight to the next task
      else running -= 1;
    }
  };
}

export function createPasswordHasher(deps: PasswordHasherDeps = {}): PasswordHasher {
  const argon2 = deps.argon2 ?? { hash, verify };
  const argonOptions = { algorithm: Algorithm.Argon2id, ...(deps.options ?? DEFAULT_ARGON2_OPTIONS) };
  const gate = createGate(deps.maxConcurrent ?? os.availableParallelism());
  let dummyHash: Promise<string> | undefined;

  const hasher: PasswordHasher = {
    hash: (password) => gate(() => argon2.hash(password, argonOptions)),
    async verify(passwordHash, password) {
      try {
        return await gate(() => argon2.verify(passwordHash, password, argonOptions));
      } catch {
        return false; // malformed stored hash: treat as a mismatch, never as a crash
      }
    },
    async verifyDummy(password) {
      dummyHash ??= hasher.hash('dummy-password-for-unknown-accounts');
      await hasher.verify(await dummyHash, password);
      return false;
    },
  };
  return hasher;
}
