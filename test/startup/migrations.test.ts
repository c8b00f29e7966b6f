import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import knex from 'knex';
import { createDatabase, DatabaseStartError, migrateToLatest, sqliteFileProblem, type Database } from '../../src/infra/database';
import { createLogger } from '../../src/infra/logger';
import { startPostgresServer, type TestPostgresServer } from '../support/postgres-server';
import { stopProcess, temporaryDir } from '../support/redis-server';
import { releaseTestDatabase, testDatabaseEnv } from '../support/test-database';
import { exitWithin, startServerProcess } from './server-process';

function recordingLogger() {
  const lines: string[] = [];
  return { lines, logger: createLogger('info', { write: (line: string) => void lines.push(line) }) };
}

async function setKnexLock(db: Database, locked: boolean): Promise<void> {
  await db('knex_migrations_lock').update({ is_locked: locked ? 1 : 0 });
}

describe('start-up: migrating the database', function () {
  this.timeout(90_000);

  describe('two instances starting at once on a fresh PostgreSQL database', () => {
    let pg: TestPostgresServer;
    before(async () => {
      pg = await startPostgresServer('karify_migrate_race');
    });
    after(() => pg?.stop());

    it('both start: the second waits for the first, says so, and finds nothing left to do', async () => {
      const admin = knex({ client: 'pg', connection: pg.url, pool: { min: 0, max: 1 } });
      try {
        // A few rounds: the race has several windows (knex creating its own tables, taking its lock).
        for (let round = 1; round <= 4; round += 1) {
          const name = `karify_race_${round}`;
          await admin.raw('CREATE DATABASE ??', [name]);
          const url = new URL(pg.url);
          url.pathname = `/${name}`;
          const instances = [recordingLogger(), recordingLogger()].map((log) => ({ ...log, db: createDatabase({ url: url.toString(), sqliteFile: '' }, log.logger) }));
          try {
            const results = await Promise.allSettled(instances.map(({ db, logger }) => migrateToLatest(db, { logger, pollMs: 100 })));
            expect(results.map((r) => (r.status === 'rejected' ? `${(r.reason as Error).name}: ${(r.reason as Error).message}` : 'started')), `round ${round}`).to.deep.equal(['started', 'started']);
            const logs = instances.map(({ lines }) => lines.join(''));
            expect(logs.filter((log) => log.includes('another instance is migrating the database; waiting')), `round ${round}: one waited`).to.have.length(1);
            expect(logs.join(''), 'knex\'s advice to unlock').not.to.include('migrate:unlock');
            const applied = (await instances[0]!.db('knex_migrations').count({ n: '*' }).first())!;
            expect(Number(applied.n)).to.equal(fs.readdirSync(path.resolve(__dirname, '..', '..', 'migrations')).filter((f) => f.endsWith('.ts')).length);
          } finally {
            await Promise.all(instances.map(({ db }) => db.destroy()));
          }
        }
      } finally {
        await admin.destroy();
      }
    });
  });

  describe('knex\'s migration lock held by another instance (or npm run migrate), on the database under test', () => {
    let env: Record<string, string>;
    let db: Database;
    let log: ReturnType<typeof recordingLogger>;
    beforeEach(async () => {
      env = await testDatabaseEnv();
      log = recordingLogger();
      db = createDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, sqliteFile: '' } : { sqliteFile: env.SQLITE_FILE! }, log.logger);
      await migrateToLatest(db);
    });
    afterEach(async () => {
      await db.destroy();
      await releaseTestDatabase(env);
    });

    it('waits, saying so, and goes on once the lock is released', async () => {
      await setKnexLock(db, true);
      const release = setTimeout(() => void setKnexLock(db, false), 1200);
      try {
        const started = Date.now();
        await migrateToLatest(db, { logger: log.logger, pollMs: 100, waitMs: 20_000 });
        expect(Date.now() - started).to.be.at.least(1100);
      } finally {
        clearTimeout(release);
      }
      expect(log.lines.join('')).to.include('"msg":"another instance is migrating the database; waiting"').and.not.include('migrate:unlock');
    });

    it('a lock never released: fails after the wait with a message that says when (only) to release it', async () => {
      await setKnexLock(db, true);
      const started = Date.now();
      const error = await migrateToLatest(db, { pollMs: 100, waitMs: 1000 }).then(() => undefined, (err: Error) => err);
      expect(error).to.be.instanceOf(DatabaseStartError);
      expect(error!.message).to.include('Another instance (or npm run migrate) is still migrating the database after 1 s')
        .and.include('If none is running, a migration was interrupted');
      expect(Date.now() - started).to.be.within(900, 5000);
    });
  });

  describe('an SQLite file this user cannot write', () => {
    it('says so, naming the file and its folder, where knex would say MigrationLocked and advise to unlock', () => {
      const file = '/var/lib/karify/karify.sqlite3';
      // The errors as they come: knex's lock error wrapping SQLite's refusal (the folder writable,
      // the file not), and SQLite's own when the folder is not writable either, or not there.
      const locked = Object.assign(new Error('update `knex_migrations_lock` set `is_locked` = ? where `is_locked` = ? - SQLITE_READONLY: attempt to write a readonly database'), { name: 'MigrationLocked' });
      const readonly = Object.assign(new Error('SQLITE_READONLY: attempt to write a readonly database'), { code: 'SQLITE_READONLY', errno: 8 });
      const cantOpen = Object.assign(new Error('SQLITE_CANTOPEN: unable to open database file'), { code: 'SQLITE_CANTOPEN', errno: 14 });
      for (const err of [locked, readonly]) {
        expect(sqliteFileProblem(err, file)?.message).to.match(/^The SQLite database \/var\/lib\/karify\/karify\.sqlite3 \(SQLITE_FILE\) cannot be written by the user Karify runs as \(.+\): SQLITE_READONLY\. /)
          .and.include('its folder /var/lib/karify (SQLite keeps karify.sqlite3-wal and karify.sqlite3-shm beside it)')
          .and.include('ls -la /var/lib/karify');
      }
      expect(sqliteFileProblem(cantOpen, file)?.message).to.include('cannot be opened by the user Karify runs as');
      expect(sqliteFileProblem(Object.assign(new Error('Migration table is already locked'), { name: 'MigrationLocked' }), file)).to.equal(undefined);
    });

    it('the real server on a file it may not write: exits 1 with that message', async () => {
      // chmod does not stop root: as root, the server runs as nobody on root's file; otherwise
      // as this user on a file it made read-only.
      const asRoot = process.getuid?.() === 0;
      const dir = temporaryDir('karify-readonly-');
      try {
        fs.chmodSync(dir.path, 0o777); // a folder it may write, a file it may not: knex's MigrationLocked before the fix
        const file = path.join(dir.path, 'karify.sqlite3');
        const db = createDatabase({ sqliteFile: file });
        await migrateToLatest(db);
        await db.destroy();
        fs.chmodSync(file, asRoot ? 0o644 : 0o444);
        // nobody's HOME: tsx keeps its cache under the temporary folder.
        const server = startServerProcess({ SQLITE_FILE: file, PORT: '0', HOME: '/tmp' }, asRoot ? { uid: 65534, gid: 65534 } : {});
        try {
          const exit = await exitWithin(server, 30_000);
          expect(exit, server.output()).to.deep.equal({ code: 1, signal: null });
          expect(server.output()).to.include(`Karify could not start: The SQLite database ${file} (SQLITE_FILE) cannot be written by the user Karify runs as`)
            .and.not.include('migrate:unlock');
        } finally {
          await stopProcess(server, 'SIGKILL');
        }
      } finally {
        dir.remove();
      }
    });
  });
});
