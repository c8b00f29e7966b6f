import { Writable } from 'node:stream';
import { expect } from 'chai';
import type { Database } from '../../src/infra/database';
import { createLogger } from '../../src/infra/logger';
import { closeTestDatabase, openTestDatabase, TEST_DATABASE } from '../support/test-database';

/** SPEC §4: never a full phone number in a log; a failed statement's error is what gets logged. */
describe(`errors of failed statements on ${TEST_DATABASE}`, () => {
  let db: Database;
  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(() => closeTestDatabase(db));

  it('name the statement with its placeholders, not the values it was given', async () => {
    const phone = '+31612345678';
    const failures = [
      db('no_such_table').where({ phone }).first(),
      db.raw('insert into no_such_table (phone) values (?)', [phone]),
      db('verification_codes').insert({ user_id: 1, phone, purpose: 'setup' }), // misses required columns
    ];
    for (const failure of failures) {
      const error: unknown = await failure.then(() => null, (err: unknown) => err);
      expect(error).to.be.an('error');
      const message = String((error as Error).message);
      expect(message).to.match(/\?|\$1/); // SQLite's placeholder, PostgreSQL's
      expect(message).not.to.include(phone).and.not.include('612345678');
    }
  });

  it('are logged without the values of the row (PostgreSQL puts them in `detail`)', async () => {
    let output = '';
    const logger = createLogger('info', new Writable({ write: (chunk, _enc, done) => ((output += String(chunk)), done()) }));
    const error = await db('verification_codes').insert({ user_id: 1, phone: '+31612345678', purpose: 'setup' }).then(() => null, (err: Error) => err);
    logger.error({ err: error }, 'unhandled error');
    // The same for any error that carries such fields, on either database.
    logger.error({ err: Object.assign(new Error('null value in column "code_hash"'), { detail: 'Failing row contains (1, +31687654321).', where: 'x = +31687654321' }) }, 'unhandled error');
    expect(output).to.include('"message"').and.include('code_hash');
    expect(output).not.to.match(/612345678|687654321/);
  });

  it('log an error given as its message alone as that message, not as its characters one by one', () => {
    let output = '';
    const logger = createLogger('info', new Writable({ write: (chunk, _enc, done) => ((output += String(chunk)), done()) }));
    logger.warn({ err: 'connect ECONNREFUSED 127.0.0.1:5432' }, 'mail outbox not reachable; trying again');
    expect(JSON.parse(output).err).to.deep.equal({ message: 'connect ECONNREFUSED 127.0.0.1:5432' });
  });
});
