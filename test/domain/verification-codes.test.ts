import { expect } from 'chai';
import { cryptoRandom } from '../../src/domain/random';
import { createVerificationCodes, hmacSha256, type VerificationCodes } from '../../src/domain/verification-codes';
import type { Database } from '../../src/infra/database';
import { closeTestDatabase, openTestDatabase } from '../support/test-database';
import { TestClock } from '../support/clock';

async function createUser(db: Database, email: string): Promise<number> {
  const [row] = await db('users')
    .insert({ email, name: 'Test', password_hash: 'x', created_at: 0, updated_at: 0 })
    .returning('id');
  return (row as { id: number }).id;
}

const PHONE = '+31612345678';

describe('verification codes', () => {
  let db: Database;
  let clock: TestClock;
  let codes: VerificationCodes;
  let userId: number;
  /** Every keyed hash computed: one per code stored, one per code compared. */
  let hashes: number;
  beforeEach(async () => {
    db = await openTestDatabase();
    clock = new TestClock();
    const hmac = hmacSha256(Buffer.from('k'.repeat(32)));
    hashes = 0;
    codes = createVerificationCodes({
      db, clock, random: cryptoRandom, hashKey: Buffer.from('k'.repeat(32)), ttlMs: 10 * 60_000, maxAttempts: 5,
      keyedHash: (text) => {
        hashes += 1;
        return hmac(text);
      },
    });
    userId = await createUser(db, 'anna@example.nl');
  });
  afterEach(() => closeTestDatabase(db));

  const wrongFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('issues a 6-digit code that verifies once', async () => {
    const code = await codes.issue(userId, 'setup', PHONE);
    expect(code).to.match(/^\d{6}$/);
    expect(await codes.verify(userId, 'setup', code, PHONE)).to.equal('ok');
    expect(await codes.verify(userId, 'setup', code, PHONE)).to.equal('missing');
  });

  it('checks a code only against the number it was sent to', async () => {
    const code = await codes.issue(userId, 'phone_change', '+31612345602');
    expect(await codes.verify(userId, 'phone_change', code, '+31612345601')).to.equal('missing');
    expect(await codes.verify(userId, 'phone_change', code, null)).to.equal('missing');
    expect(await codes.verify(userId, 'phone_change', code, '+31612345602')).to.equal('ok');
  });

  it('accepts the code typed with spaces, dashes or dots', async () => {
    const code = await codes.issue(userId, 'setup', null);
    expect(await codes.verify(userId, 'setup', ` ${code.slice(0, 3)} -${code.slice(3)}.`, null)).to.equal('ok');
  });

  it('accepts the code pasted with full-width or Arabic-Indic digits, a typographic dash or invisible marks', async () => {
    const fullWidth = (digits: string) => [...digits].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
    const code = await codes.issue(userId, 'setup', null);
    expect(await codes.verify(userId, 'setup', fullWidth(code), null)).to.equal('ok');
    const next = await codes.issue(userId, 'setup', null);
    expect(await codes.verify(userId, 'setup', `${next.slice(0, 3)}\u2011${next.slice(3)}`, null)).to.equal('ok');
    const arabicIndic = (digits: string) => [...digits].map((d) => String.fromCharCode(0x0660 + Number(d))).join('');
    const third = await codes.issue(userId, 'setup', null);
    expect(await codes.verify(userId, 'setup', `\u200f${arabicIndic(third)}\u200b`, null), 'Arabic-Indic digits, marks copied along').to.equal('ok');
  });

  it('binds the code to its purpose and user', async () => {
    const other = await createUser(db, 'bram@example.nl');
    const code = await codes.issue(userId, 'setup', null);
    expect(await codes.verify(userId, 'sign_in', code, null)).to.equal('missing');
    expect(await codes.verify(other, 'setup', code, null)).to.equal('missing');
    expect(await codes.verify(userId, 'setup', code, null)).to.equal('ok');
  });

  it('says wrong for a wrong code and keeps the right one valid', async () => {
    const code = await codes.issue(userId, 'setup', null);
    expect(await codes.verify(userId, 'setup', wrongFor(code), null)).to.equal('wrong');
    expect(await codes.verify(userId, 'setup', code, null)).to.equal('ok');
  });

  it('refuses a code after 10 minutes', async () => {
    const code = await codes.issue(userId, 'setup', null);
    const other = await codes.issue(userId, 'sign_in', null);
    clock.advance(10 * 60_000 - 1);
    expect(await codes.verify(userId, 'sign_in', other, null)).to.equal('ok');
    clock.advance(1);
    expect(await codes.verify(userId, 'setup', code, null)).to.equal('expired');
    expect((await codes.liveCode(userId, 'setup'))?.phone ?? null).to.equal(null);
  });

  it('refuses the old code once a new one was issued', async () => {
    const old = await codes.issue(userId, 'sign_in', null);
    let fresh = await codes.issue(userId, 'sign_in', null);
    while (fresh === old) fresh = await codes.issue(userId, 'sign_in', null);
    expect(await codes.verify(userId, 'sign_in', old, null)).to.equal('wrong');
    expect(await codes.verify(userId, 'sign_in', fresh, null)).to.equal('ok');
  });

  it('kills the code at the fifth wrong try', async () => {
    const code = await codes.issue(userId, 'setup', null);
    for (let i = 0; i < 4; i += 1) expect(await codes.verify(userId, 'setup', wrongFor(code), null)).to.equal('wrong');
    expect(await codes.verify(userId, 'setup', wrongFor(code), null)).to.equal('exhausted');
    expect(await codes.verify(userId, 'setup', code, null)).to.equal('missing');
  });

  it('lets exactly one of two concurrent verifications of the same code succeed', async () => {
    const code = await codes.issue(userId, 'setup', null);
    const results = await Promise.all([1, 2, 3].map(() => codes.verify(userId, 'setup', code, null)));
    expect(results.filter((r) => r === 'ok')).to.have.length(1);
  });

  it('compares at most 5 guesses of a code however many arrive at once, and refuses the right one after them', async () => {
    const code = await codes.issue(userId, 'sign_in', PHONE);
    hashes = 0;
    const guesses = Array.from({ length: 60 }, (_, i) => (i === 40 ? code : wrongFor(String(Number(code) + i))));
    const results = await Promise.all(guesses.map((guess) => codes.verify(userId, 'sign_in', guess, PHONE)));
    expect(hashes, 'comparisons').to.be.at.most(5);
    expect(results[40]).not.to.equal('ok');
    expect(results.filter((r) => r === 'wrong')).to.have.length(4);
    expect(results.filter((r) => r === 'ok')).to.have.length(0);
    expect(await codes.verify(userId, 'sign_in', code, PHONE), 'the code is dead').to.equal('missing');
  });

  it('stores a keyed hash, never the code', async () => {
    const code = await codes.issue(userId, 'setup', '+31612345678');
    const row = await db('verification_codes').where({ user_id: userId }).first();
    expect(row.code_hash).to.match(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.to.include(code);
  });

  it('remembers where the live code went, and discards it on request', async () => {
    await codes.issue(userId, 'setup', '+31612345678');
    expect((await codes.liveCode(userId, 'setup'))?.phone ?? null).to.equal('+31612345678');
    await codes.discard(userId, 'setup');
    expect((await codes.liveCode(userId, 'setup'))?.phone ?? null).to.equal(null);
  });

  it('a code generated but not saved is not valid', async () => {
    const code = codes.generate();
    expect(await codes.verify(userId, 'setup', code, null)).to.equal('missing');
    await codes.save(userId, 'setup', code, null);
    expect(await codes.verify(userId, 'setup', code, null)).to.equal('ok');
  });
});
