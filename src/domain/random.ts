import crypto from 'node:crypto';

/** Randomness as a dependency, so tests can make codes predictable without patching crypto. */
export interface RandomSource {
  /** A uniformly random integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  bytes(length: number): Buffer;
}

export const cryptoRandom: RandomSource = {
  int: (maxExclusive) => crypto.randomInt(maxExclusive),
  bytes: (length) => crypto.randomBytes(length),
};

/** A string of random decimal digits. */
export function randomDigits(random: RandomSource, length: number): string {
  let digits = '';
  for (let i = 0; i < length; i += 1) digits += String(random.int(10));
  return digits;
}
