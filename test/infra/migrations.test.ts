import { expect } from 'chai';
import { createDatabase, type Database } from '../../src/infra/database';
import { testDatabaseEnv } from '../support/test-database';

const LOCKOUTS = '20261203000001_second_step_lockouts.ts';
const SETTINGS = '20261203000002_two_factor_settings.ts';
const USER_LANGUAGE = '20261204000003_user_language.ts';
const DESK = '20261204000004_staff_desk.ts';
const NAME_SEARCH = '20261205000002_user_name_search.ts';
const FOLD_ACCENTS = '20261205000003_search_folds_accents.ts';
const PAGING_INDEXES = '20261205000004_paging_indexes.ts';
const ONE_TIME_PASSWORD_UNTIL = '20261206000004_staff_one_time_password_until.ts';
const DROP_MUST_CHANGE_PASSWORD = '20261206000005_staff_drop_must_change_password.ts';
const PATIENT_ONE_TIME_PASSWORD = '20261206000006_users_one_time_password_until.ts';

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

  it('moves the second-step method to its own table, and users keeps only who the patient is', async () => {
    await migrateUpTo(SETTINGS);
    const base = { name: 'P', password_hash: 'x', created_at: 5, updated_at: 6 };
    const ids = await db('users')
      .insert([
        { ...base, email: 'sms@example.nl', two_factor_method: 'sms', two_factor_phone: '+31612345678', two_factor_enabled_at: 100 },
        { ...base, email: 'app@example.nl', two_factor_method: 'totp', two_factor_enabled_at: 200, totp_secret_encrypted: 'v1.a.b.c', totp_last_step: 42 },
        { ...base, email: 'off@example.nl' },
      ])
      .returning('id')
      .then((rows) => rows.map((row) => (row as { id: number }).id));
    await db('modules').insert({ user_id: ids[0], position: 1, title: 'Piekeren', kind: 'package' });

    await db.migrate.latest();

    const rows = (await db('two_factor_settings').orderBy('user_id')).map((r) => ({ ...r, enabled_at: Number(r.enabled_at), updated_at: Number(r.updated_at), totp_last_step: r.totp_last_step === null ? null : Number(r.totp_last_step) }));
    expect(rows).to.deep.equal([
      { user_id: ids[0], method: 'sms', phone: '+31612345678', totp_secret_encrypted: null, totp_last_step: null, enabled_at: 100, updated_at: 6 },
      { user_id: ids[1], method: 'totp', phone: null, totp_secret_encrypted: 'v1.a.b.c', totp_last_step: 42, enabled_at: 200, updated_at: 6 },
    ]);
    expect(Object.keys(await db('users').columnInfo()).sort()).to.deep.equal(['created_at', 'disabled', 'email', 'id', 'language', 'name', 'name_search', 'one_time_password_until', 'password_hash', 'session_generation', 'updated_at']);
    expect(await db('modules').where({ user_id: ids[0] })).to.have.length(1);
  });

  it('gives every patient Dutch as their language, and undoing it loses no row of theirs', async () => {
    await migrateUpTo(USER_LANGUAGE);
    const [id] = await db('users')
      .insert({ email: 'a@example.nl', name: 'A', password_hash: 'x', created_at: 0, updated_at: 0 })
      .returning('id')
      .then((rows) => rows.map((row) => (row as { id: number }).id));
    await db('recovery_codes').insert({ user_id: id, code_hash: 'h', created_at: 0 });
    await db('mail_outbox').insert({ user_id: id, kind: 'password_changed', to_address: 'a@example.nl', language: 'nl', subject: 's', text_body: 't', message_id: 'm', status: 'pending', next_attempt_at: 0, created_at: 0 });

    await db.migrate.up(); // the language migration alone: down() undoes just it
    expect(await db('users').pluck('language')).to.deep.equal(['nl']);
    await db.migrate.down(); // drops the column: on SQLite by copying the table, which must not cascade
    expect(Object.keys(await db('users').columnInfo())).not.to.include('language');
    expect(await db('recovery_codes').where({ user_id: id })).to.have.length(1);
    expect(await db('mail_outbox').where({ user_id: id })).to.have.length(1);
  });

  it('gives every patient their name as the desk searches it (Unicode lower case), and undoing it loses no row of theirs', async () => {
    await migrateUpTo(NAME_SEARCH);
    const [id] = await db('users')
      .insert({ email: 'o@example.nl', name: 'Ömer ÖZTÜRK', password_hash: 'x', created_at: 0, updated_at: 0 })
      .returning('id')
      .then((rows) => rows.map((row) => (row as { id: number }).id));
    await db('recovery_codes').insert({ user_id: id, code_hash: 'h', created_at: 0 });

    await db.migrate.up();
    expect(await db('users').pluck('name_search')).to.deep.equal(['ömer öztürk']);
    await db.migrate.down();
    expect(Object.keys(await db('users').columnInfo())).not.to.include('name_search');
    expect(await db('recovery_codes').where({ user_id: id })).to.have.length(1);
  });

  it('gives every patient their name as the desk searches it without accents, and back', async () => {
    await migrateUpTo(FOLD_ACCENTS);
    await db('users').insert({ email: 'o@example.nl', name: 'Ömer ÖZTÜRK', name_search: 'ömer öztürk', password_hash: 'x', created_at: 0, updated_at: 0 });
    await db.migrate.up();
    expect(await db('users').pluck('name_search')).to.deep.equal(['omer ozturk']);
    await db.migrate.down();
    expect(await db('users').pluck('name_search')).to.deep.equal(['ömer öztürk']);
  });

  it('adds and removes the indexes the pages of Berichten and Beveiligingsactiviteit go by', async () => {
    const indexes = async (table: string): Promise<string[]> =>
      db.client.config.client === 'pg'
        ? db('pg_indexes').where({ tablename: table }).pluck('indexname')
        : (await db.raw(`PRAGMA index_list('${table}')`) as Array<{ name: string }>).map((row) => row.name);
    const added = ['messages_user_id_id_index', 'security_events_user_id_id_index'];
    await migrateUpTo(PAGING_INDEXES);
    await db.migrate.up();
    expect([...(await indexes('messages')), ...(await indexes('security_events'))]).to.include.members(added);
    await db.migrate.down();
    expect([...(await indexes('messages')), ...(await indexes('security_events'))]).not.to.include.members([added[0]]).and.not.to.include.members([added[1]]);
  });

  it('gives the questions asked before the desk existed the status open, and keeps every one', async () => {
    await migrateUpTo(DESK);
    const [user] = await db('users').insert({ email: 'a@example.nl', name: 'A', password_hash: 'x', created_at: 0, updated_at: 0 }).returning('id');
    const userId = (user as { id: number }).id;
    await db('help_questions').insert([
      { user_id: userId, name: 'A', email: 'a@example.nl', question: 'Eerste vraag', created_at: 1 },
      { user_id: null, name: 'B', email: 'b@example.nl', question: 'Tweede vraag', created_at: 2 },
    ]);

    await db.migrate.latest();

    const rows = await db('help_questions').orderBy('id').select('user_id', 'question', 'status', 'handled_at', 'handled_by', 'note');
    expect(rows).to.deep.equal([
      { user_id: userId, question: 'Eerste vraag', status: 'open', handled_at: null, handled_by: null, note: null },
      { user_id: null, question: 'Tweede vraag', status: 'open', handled_at: null, handled_by: null, note: null },
    ]);
    for (const table of ['staff', 'staff_two_factor_settings', 'staff_recovery_codes', 'staff_second_step_lockouts', 'staff_audit_events', 'desk_sessions']) {
      expect(await db.schema.hasTable(table), table).to.equal(true);
    }
  });

  it('gives a one-time password given before it was dated seven days from the migration, and none to an own password', async () => {
    await migrateUpTo(ONE_TIME_PASSWORD_UNTIL);
    const staff = (email: string, oneTime: boolean) =>
      ({ email, name: email, password_hash: 'x', role: 'desk', must_change_password: oneTime, created_at: 0, updated_at: 0 });
    await db('staff').insert([staff('eenmalig@kliniek.nl', true), staff('eigen@kliniek.nl', false)]);
    const before = Date.now();

    await db.migrate.up();

    const rows = await db('staff').orderBy('email').select('email', 'one_time_password_until');
    const until = Number(rows[0].one_time_password_until);
    expect(until - before, 'seven days').to.be.within(7 * 86_400_000, 7 * 86_400_000 + 60_000);
    expect(rows[1]).to.deep.equal({ email: 'eigen@kliniek.nl', one_time_password_until: null });
    await db.migrate.down();
    expect(await db.schema.hasColumn('staff', 'one_time_password_until')).to.equal(false);
  });

  it('drops must_change_password without touching the staff member\'s second step, and gives it back from the one-time password\'s end', async () => {
    await migrateUpTo(DROP_MUST_CHANGE_PASSWORD);
    const staff = (email: string, until: number | null) =>
      ({ email, name: email, password_hash: 'x', role: 'desk', must_change_password: until !== null, one_time_password_until: until, created_at: 0, updated_at: 0 });
    await db('staff').insert([staff('eenmalig@kliniek.nl', 5_000), staff('eigen@kliniek.nl', null)]);
    const [own] = await db('staff').where({ email: 'eigen@kliniek.nl' }).pluck('id');
    await db('staff_two_factor_settings').insert({ staff_id: own, method: 'totp', enabled_at: 1, updated_at: 1 });

    await db.migrate.up();

    expect(await db.schema.hasColumn('staff', 'must_change_password')).to.equal(false);
    const rows = await db('staff').orderBy('email').select('email', 'one_time_password_until');
    expect(rows.map((row) => [row.email, row.one_time_password_until && Number(row.one_time_password_until)])).to.deep.equal([
      ['eenmalig@kliniek.nl', 5_000],
      ['eigen@kliniek.nl', null],
    ]);
    expect(await db('staff_two_factor_settings').pluck('staff_id'), 'the second step is still there').to.deep.equal([own]);
    await db.migrate.down();
    const back = await db('staff').orderBy('email').select('email', 'must_change_password');
    expect(back.map((row) => [row.email, Boolean(row.must_change_password)])).to.deep.equal([['eenmalig@kliniek.nl', true], ['eigen@kliniek.nl', false]]);
  });

  it('gives patients a one-time password\'s end, none for the passwords they have, and takes it away again without touching their second step', async () => {
    await migrateUpTo(PATIENT_ONE_TIME_PASSWORD);
    const [id] = await db('users').insert({ email: 'a@example.nl', name: 'A', password_hash: 'x', created_at: 0, updated_at: 0 }).returning('id').then((rows) => rows.map((row) => (row as { id: number }).id));
    await db('two_factor_settings').insert({ user_id: id, method: 'totp', enabled_at: 1, updated_at: 1 });

    await db.migrate.up();
    expect(await db('users').where({ id }).first('one_time_password_until')).to.deep.equal({ one_time_password_until: null });
    await db('users').where({ id }).update({ one_time_password_until: 5_000 });

    await db.migrate.down();
    expect(await db.schema.hasColumn('users', 'one_time_password_until')).to.equal(false);
    expect(await db('two_factor_settings').where({ user_id: id }).pluck('method'), 'no cascade').to.deep.equal(['totp']);
  });

});
