import { expect } from 'chai';
import { createDatabase, type Database } from '../../src/infra/database';
import { testDatabaseEnv } from '../support/test-database';

const LOCKOUTS = '20261203000001_second_step_lockouts.ts';

/** Migrations that move data keep every patient's rows, on the database under test. */
describe('migrations', () => {
  let db: Database;
  beforeEach(async () => {
    const env = await testDatabaseEnv();
    db = createDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, sqliteFile: '' } : { sqliteFile: env.SQLITE_FILE! });
  });
  afterEach(() => db.destroy());

  async function migrateUpTo(name: string): Promise<void> {
    for (;;) {
      const [, pending] = (await db.migrate.list()) as [unknown, Array<{ file?: string } | string>];
      const next = pending[0];
      const file = typeof next === 'string' ? next : next?.file;
      if (!file || file === name) return;
      await db.migrate.up();
    }
  }

  it('moves the second-step failure count to its own table and loses no other row of the patient', async () => {
    await migrateUpTo(LOCKOUTS);
    const [locked, calm] = await db('users')
      .insert([
        { email: 'a@example.nl', name: 'A', password_hash: 'x', created_at: 0, updated_at: 0, second_step_failures: 3, second_step_locked_until: 1234 },
        { email: 'b@example.nl', name: 'B', password_hash: 'x', created_at: 0, updated_at: 0, second_step_failures: 0, second_step_locked_until: null },
      ])
      .returning('id')
      .then((rows) => rows.map((row) => (row as { id: number }).id));
    await db('modules').insert({ user_id: locked, position: 1, title: 'Ik heb ADHD', kind: 'module' });
    await db('recovery_codes').insert({ user_id: locked, code_hash: 'h', created_at: 0 });
    await db('security_events').insert({ user_id: calm, type: 'sign_in', created_at: 0 });

    await db.migrate.latest();

    expect(await db('second_step_lockouts').select('user_id', 'failures', 'locked_until').then((rows) => rows.map((r) => ({ ...r, locked_until: Number(r.locked_until) }))))
      .to.deep.equal([{ user_id: locked, failures: 3, locked_until: 1234 }]);
    expect(await db('modules').where({ user_id: locked })).to.have.length(1);
    expect(await db('recovery_codes').where({ user_id: locked })).to.have.length(1);
    expect(await db('security_events').where({ user_id: calm })).to.have.length(1);
    const columns = Object.keys(await db('users').columnInfo());
    expect(columns).not.to.include('second_step_failures');
    expect(await db('users').pluck('email')).to.have.members(['a@example.nl', 'b@example.nl']);
  });
});
