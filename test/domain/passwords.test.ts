import { expect } from 'chai';
import { createGate, createPasswordHasher, type Argon2 } from '../../src/domain/passwords';

/** An argon2 stand-in whose calls finish only when the test says so. */
function heldArgon2() {
  const pending: Array<() => void> = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const held = <T>(value: T) => new Promise<T>((resolve) => {
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    pending.push(() => { inFlight -= 1; resolve(value); });
  });
  const argon2 = {
    hash: (password: string) => held(`hash:${password}`),
    verify: (stored: string, password: string) => held(stored === `hash:${password}`),
  } as unknown as Argon2;
  return { argon2, finishOne: () => pending.shift()?.(), pending: () => pending.length, mostInFlight: () => mostInFlight };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('password hasher', () => {
  it('runs at most maxConcurrent hashes at once and the rest in arrival order', async () => {
    const fake = heldArgon2();
    const hasher = createPasswordHasher({ argon2: fake.argon2, maxConcurrent: 2 });
    const finished: string[] = [];
    const all = ['a', 'b', 'c', 'd', 'e'].map((p) => hasher.hash(p).then((h) => finished.push(h)));
    await settle();
    expect(fake.pending()).to.equal(2);
    while (fake.pending() > 0) {
      fake.finishOne();
      await settle();
    }
    await Promise.all(all);
    expect(fake.mostInFlight()).to.equal(2);
    expect(finished).to.deep.equal(['hash:a', 'hash:b', 'hash:c', 'hash:d', 'hash:e']);
  });

  it('frees the slot of a verification that throws (a malformed stored hash is a mismatch)', async () => {
    let calls = 0;
    const argon2 = {
      hash: async (p: string) => `hash:${p}`,
      verify: async (stored: string, p: string) => {
        calls += 1;
        if (stored === 'garbage') throw new Error('invalid hash');
        return stored === `hash:${p}`;
      },
    } as unknown as Argon2;
    const hasher = createPasswordHasher({ argon2, maxConcurrent: 1 });
    expect(await hasher.verify('garbage', 'x')).to.equal(false);
    expect(await hasher.verify('hash:x', 'x')).to.equal(true);
    expect(await hasher.verifyDummy('x')).to.equal(false);
    expect(calls).to.equal(3);
  });

  it('uses argon2id with the OWASP minimum by default and verifies its own hashes', async () => {
    const hasher = createPasswordHasher();
    const stored = await hasher.hash('zonnige-dinsdag-42');
    expect(stored).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(stored, 'zonnige-dinsdag-42')).to.equal(true);
    expect(await hasher.verify(stored, 'zonnige-dinsdag-43')).to.equal(false);
  });

  it('gate: a task that rejects passes its slot on', async () => {
    const gate = createGate(1);
    const failing = gate(async () => { throw new Error('boom'); });
    const next = gate(async () => 'ran');
    expect(await failing.then(() => 'resolved', (err: Error) => err.message)).to.equal('boom');
    expect(await next).to.equal('ran');
  });
});
