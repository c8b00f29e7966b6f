import crypto from 'node:crypto';
import { expect } from 'chai';
import { cryptoRandom, type RandomSource } from '../../src/domain/random';
import { createRecoveryCodes, type RecoveryCodes } from '../../src/domain/recovery-codes';
import type { Database } from '../../src/infra/database';
import { closeTestDatabase, openTestDatabase } from '../support/test-database';
import { TestClock } from '../support/clock';

const fakeHash = (salt: string, code: string) => crypto.createHash('sha256').update(salt + code).digest('hex');

describe('recovery codes', () => {
  let db: Database;
  let clock: TestClock;
  let recovery: RecoveryCodes;
  let userId: number;
  beforeEach(async () => {
    db = await openTestDatabase();
    clock = new TestClock();
    // A fast salted stand-in for argon2 keeps these tests quick; the last tests use the real default.
    recovery = createRecoveryCodes({
      db, clock, random: cryptoRandom,
      hashCode: async (code) => { const salt = cryptoRandom.bytes(4).toString('hex'); return `${salt}:${fakeHash(salt, code)}`; },
      verifyCode: async (hash, code) => hash.split(':')[1] === fakeHash(hash.split(':')[0]!, code),
    });
    const [row] = await db('users').insert({ email: 'a@example.nl', name: 'A', password_hash: 'x', created_at: 0, updated_at: 0 }).returning('id');
    userId = (row as { id: number }).id;
  });
  afterEach(() => closeTestDatabase(db));

  async function store(codes: string[]) {
    await recovery.replaceForUser(db, userId, await recovery.hashAll(codes));
  }

  it('generates 10 distinct codes of 10 digits', () => {
    const codes = recovery.generate();
    expect(codes).to.have.length(10);
    for (const code of codes) expect(code).to.match(/^\d{10}$/);
    expect(new Set(codes).size).to.equal(10);
  });

  it('draws again when the random source repeats itself', () => {
    // Yields the digits of 0000000000 twice, then 1111111111, 2222222222, ...
    let calls = 0;
    const repeating: RandomSource = { int: () => Math.max(0, Math.floor(calls++ / 10) - 1) % 10, bytes: () => Buffer.alloc(0) };
    const codes = createRecoveryCodes({ db, clock, random: repeating }).generate();
    expect(new Set(codes).size).to.equal(10);
  });

  it('formats codes in two groups of five and reads them back with spaces, dashes or dots, as SMS codes', () => {
    expect(recovery.formatForDisplay('3937693737')).to.equal('39376 93737');
    expect(recovery.normalize(' 39376 93737 ')).to.equal('3937693737');
    expect(recovery.normalize('39376-93737')).to.equal('3937693737');
    expect(recovery.normalize('39376.93737')).to.equal('3937693737');
    expect(recovery.normalize('39376\u201393737'), 'an en dash').to.equal('3937693737');
    expect(recovery.normalize('\uff13\uff19\uff13\uff17\uff16 \uff19\uff13\uff17\uff13\uff17'), 'full-width digits').to.equal('3937693737');
    expect(recovery.normalize('\u06f3\u06f9\u06f3\u06f7\u06f6\u200c \u06f9\u06f3\u06f7\u06f3\u06f7'), 'Persian digits, a zero-width non-joiner').to.equal('3937693737');
    expect(recovery.normalize('3937693')).to.equal(null);
    expect(recovery.normalize('39376937371')).to.equal(null);
    expect(recovery.normalize('39376 9373a')).to.equal(null);
  });

  it('accepts a code once, in grouped form too, and counts what is left', async () => {
    const codes = recovery.generate();
    await store(codes);
    expect(await recovery.countRemaining(userId)).to.equal(10);
    expect(await recovery.consume(userId, recovery.formatForDisplay(codes[3]!))).to.equal(true);
    expect(await recovery.consume(userId, codes[3]!)).to.equal(false);
    expect(await recovery.countRemaining(userId)).to.equal(9);
    const unknown = ['0000000000', '0000000001'].find((c) => !codes.includes(c))!;
    expect(await recovery.consume(userId, unknown)).to.equal(false);
  });

  it('checks a typed code only against the unused ones: each check is a slow hash', async () => {
    const codes = recovery.generate();
    await store(codes);
    for (const code of codes.slice(0, 7)) expect(await recovery.consume(userId, code)).to.equal(true);
    let checks = 0;
    const counting = createRecoveryCodes({
      db, clock, random: cryptoRandom,
      hashCode: async () => { throw new Error('not hashing here'); },
      verifyCode: async (hash, code) => { checks += 1; return hash.split(':')[1] === fakeHash(hash.split(':')[0]!, code); },
    });
    expect(await counting.findUnused(userId, codes[0]!), 'a used code').to.equal(null);
    expect(checks).to.equal(3);
    expect(await counting.findUnused(userId, codes[9]!)).to.be.a('number');
  });

  it('lets exactly one of concurrent uses of the same code succeed', async () => {
    const codes = recovery.generate();
    await store(codes);
    const results = await Promise.all([1, 2, 3].map(() => recovery.consume(userId, codes[0]!)));
    expect(results.filter(Boolean)).to.have.length(1);
    expect(await recovery.countRemaining(userId)).to.equal(9);
  });

  it('by default stores salted argon2id hashes that do not contain the codes, and verifies them', async () => {
    const real = createRecoveryCodes({ db, clock, random: cryptoRandom });
    const hashes = await real.hashAll(['1234567890', '1234567890', '5555566666']);
    expect(hashes[0]).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hashes[0]).not.to.equal(hashes[1]);
    for (const hash of hashes) expect(hash).not.to.include('1234567890').and.not.to.include('5555566666');
    await real.replaceForUser(db, userId, hashes.slice(1));
    expect(await real.consume(userId, '55555 66666')).to.equal(true);
    expect(await real.consume(userId, '55555 66666')).to.equal(false);
    expect(await real.countRemaining(userId)).to.equal(1);
  });

  it('replacing the codes makes the old ones stop working', async () => {
    const old = recovery.generate();
    await store(old);
    await store(recovery.generate().filter((c) => !old.includes(c)));
    expect(await recovery.consume(userId, old[0]!)).to.equal(false);
  });
});
