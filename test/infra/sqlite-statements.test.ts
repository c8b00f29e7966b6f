import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import sqlite3 from 'sqlite3';
import { createDatabase } from '../../src/infra/database';
import { keepStatementsPrepared } from '../../src/infra/sqlite-statements';

/** An in-memory connection whose statements stay prepared, and the SQL it has prepared so far. */
async function connection(size?: number, file = ':memory:') {
  const db = new sqlite3.Database(file);
  const prepared: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string, ...rest: unknown[]) => {
    prepared.push(sql);
    return (prepare as (...args: unknown[]) => sqlite3.Statement)(sql, ...rest);
  }) as typeof db.prepare;
  keepStatementsPrepared(db, size);
  const all = promisify((sql: string, params: unknown[], cb: (err: Error | null, rows: unknown[]) => void) => db.all(sql, params, cb));
  const get = promisify((sql: string, params: unknown[], cb: (err: Error | null, row: unknown) => void) => db.get(sql, params, cb));
  const run = (sql: string, params: unknown[] = []) =>
    new Promise<{ lastID?: number; changes?: number }>((resolve, reject) =>
      db.run(sql, params, function (err) {
        if (err) reject(err);
        else resolve({ lastID: this.lastID, changes: this.changes });
      }),
    );
  await run('create table items (id integer primary key, name text unique)');
  prepared.length = 0;
  return { db, prepared, all, get, run };
}

describe('SQLite statements kept prepared (src/infra/sqlite-statements.ts)', () => {
  it('prepares a statement once and runs it again with other values', async () => {
    const c = await connection();
    for (const name of ['a', 'b', 'c']) await c.run('insert into items (name) values (?)', [name]);
    for (const id of [1, 2, 3]) expect(await c.all('select name from items where id = ?', [id])).to.have.length(1);
    expect(c.prepared).to.deep.equal(['insert into items (name) values (?)', 'select name from items where id = ?']);
  });

  it('gives run its own lastID and changes, get the first row, all every row', async () => {
    const c = await connection();
    expect(await c.run('insert into items (name) values (?)', ['a'])).to.deep.equal({ lastID: 1, changes: 1 });
    expect(await c.run('insert into items (name) values (?)', ['b'])).to.deep.equal({ lastID: 2, changes: 1 });
    expect((await c.run('update items set name = name || ?', ['!'])).changes).to.equal(2);
    expect(await c.get('select name from items order by id', [])).to.deep.equal({ name: 'a!' });
    expect(await c.get('select name from items where id = ?', [9])).to.equal(undefined);
    expect(await c.all('select name from items order by id', [])).to.deep.equal([{ name: 'a!' }, { name: 'b!' }]);
  });

  it('answers a statement that cannot be prepared with its error, and keeps nothing of it', async () => {
    const c = await connection();
    for (let i = 0; i < 2; i++) {
      const err = await c.all('select * from missing where id = ?', [1]).then(() => undefined, (e: Error) => e);
      expect(err?.message).to.match(/no such table: missing/);
    }
    expect(c.prepared, 'prepared again, not taken from the cache').to.have.length(2);
    await c.run('create table missing (id integer)');
    expect(await c.all('select * from missing where id = ?', [1])).to.deep.equal([]);
  });

  it('keeps a statement usable after it failed on a constraint', async () => {
    const c = await connection();
    await c.run('insert into items (name) values (?)', ['a']);
    const err = await c.run('insert into items (name) values (?)', ['a']).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.match(/UNIQUE constraint failed/);
    expect((await c.run('insert into items (name) values (?)', ['b'])).lastID).to.equal(2);
    expect(c.prepared).to.deep.equal(['insert into items (name) values (?)']);
  });

  it('lets go of the database after a statement found it locked (SQLITE_BUSY): its lock ends and later writes are committed', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'karify-busy-')), 'busy.sqlite3');
    const c = await connection(undefined, file);
    const other = new sqlite3.Database(file);
    const exec = (sql: string) => new Promise<void>((resolve, reject) => other.exec(sql, (err) => (err ? reject(err) : resolve())));
    try {
      await c.run('pragma busy_timeout = 0');
      await exec('begin exclusive');
      for (const statement of [() => c.all('insert into items (name) values (?) returning id', ['a']), () => c.run('insert into items (name) values (?)', ['a'])]) {
        const err = await statement().then(() => undefined, (e: Error & { code?: string }) => e);
        expect(err?.code).to.equal('SQLITE_BUSY');
      }
      await exec('commit');
      await c.run('insert into items (name) values (?)', ['b']);
      await exec('begin immediate'); // refused while the connection above still held its write lock
      const seen = await new Promise<unknown[]>((resolve, reject) => other.all('select name from items', (err, rows) => (err ? reject(err) : resolve(rows))));
      await exec('commit');
      expect(seen, 'the write after the lock was committed').to.deep.equal([{ name: 'b' }]);
      expect(await c.all('insert into items (name) values (?) returning id', ['c']), 'the failed statement works again').to.deep.equal([{ id: 2 }]);
    } finally {
      await new Promise((resolve) => other.close(resolve));
      await new Promise((resolve) => c.db.close(resolve));
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('finalizes the least recently used statement beyond its size, and everything when the connection closes', async () => {
    const c = await connection(2);
    const select = (column: string) => c.all(`select ${column} from items`, []);
    await select('id');
    await select('name');
    await select('id'); // used last: kept
    await select('id, name'); // evicts "name"
    await select('id');
    await select('name');
    expect(c.prepared).to.deep.equal(['select id from items', 'select name from items', 'select id, name from items', 'select name from items']);
    await promisify((cb: (err: Error | null) => void) => c.db.close(cb))();
  });

  it('keeps one copy of a statement prepared twice at once, so the connection still closes', async () => {
    const c = await connection();
    const rows = await Promise.all([1, 2, 3].map((id) => c.all('select * from items where id = ?', [id])));
    expect(rows).to.deep.equal([[], [], []]);
    expect(c.prepared).to.have.length(3);
    expect(await c.all('select * from items where id = ?', [4])).to.deep.equal([]);
    expect(c.prepared, 'the kept copy is used').to.have.length(3);
    await promisify((cb: (err: Error | null) => void) => c.db.close(cb))();
  });

  it('lets knex return inserted ids and changed rows, run transactions, and close the database', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'karify-statements-'));
    const db = createDatabase({ sqliteFile: path.join(dir, 'db.sqlite3') });
    try {
      await db.schema.createTable('things', (t) => {
        t.increments('id');
        t.string('name');
      });
      expect(await db('things').insert({ name: 'a' })).to.deep.equal([1]);
      expect(await db('things').insert({ name: 'b' })).to.deep.equal([2]);
      expect(await db('things').where({ id: 2 }).update({ name: 'c' })).to.equal(1);
      await db.transaction(async (trx) => {
        await trx('things').insert({ name: 'd' });
        await trx('things').where({ id: 1 }).del();
      });
      await db.transaction(async (trx) => {
        await trx('things').insert({ name: 'e' });
        throw new Error('roll back');
      }).catch(() => undefined);
      expect(await db('things').orderBy('id').pluck('name')).to.deep.equal(['c', 'd']);
    } finally {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
