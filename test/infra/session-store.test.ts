import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type supertest from 'supertest';
import { createLogger } from '../../src/infra/logger';
import { createSessionStore } from '../../src/infra/session-store';
import { signIn } from '../support/forms';
import { startPostgresServer, TestPostgresServer } from '../support/postgres-server';
import { startRedisServer, TestRedisServer } from '../support/redis-server';
import { startTestRuntime, TestEnv, TestRuntime } from '../support/runtime';
import { openTestDatabase, TEST_DATABASE } from '../support/test-database';

/** The session cookie a response set, as a Cookie header another client (or instance) can send. */
function sessionCookieOf(res: supertest.Response): string {
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const sid = setCookie.map((c) => /^karify\.sid=([^;]+)/.exec(c)?.[1]).find(Boolean);
  if (!sid) throw new Error(`response set no session cookie: ${JSON.stringify(setCookie)}`);
  return `karify.sid=${sid}`;
}

/**
 * Signs a new patient in on `first`, closes it, and opens `/werkblad` with the same cookie on a
 * second runtime built from the same configuration: the session must have lived in the store.
 */
async function signInThenRestart(env: TestEnv, check?: (rt: TestRuntime) => Promise<void>): Promise<supertest.Response> {
  const first = await startTestRuntime(env);
  let cookie: string;
  try {
    const patient = await first.createPatient({ email: `restart-${Date.now()}-${Math.random().toString(36).slice(2)}@example.nl` });
    const res = await signIn(first.agent(), patient.email, patient.password);
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/werkblad');
    cookie = sessionCookieOf(res);
    expect((await first.agent().get('/werkblad').set('Cookie', cookie)).status).to.equal(200);
    await check?.(first);
  } finally {
    await first.close();
  }
  const second = await startTestRuntime(env, { clock: first.clock });
  try {
    return await second.agent().get('/werkblad').set('Cookie', cookie);
  } finally {
    await second.close();
  }
}

/** A few wrong passwords lock the account on one runtime; a second runtime on the same store sees the lock. */
async function lockSurvivesRestart(env: TestEnv, inspect?: (rt: TestRuntime) => Promise<void>): Promise<void> {
  const limits = { ...env, SIGNIN_FREE_FAILURES_PER_ACCOUNT: '2', SIGNIN_LOCK_BASE_SECONDS: '600' };
  const first = await startTestRuntime(limits);
  const email = `locked-${Date.now()}@example.nl`;
  let password: string;
  try {
    const patient = await first.createPatient({ email });
    password = patient.password;
    const agent = first.agent();
    for (let i = 0; i < 2; i += 1) expect((await signIn(agent, email, 'wrong-password-x')).status).to.equal(400);
    expect((await signIn(agent, email, password)).status).to.equal(429);
    await inspect?.(first);
  } finally {
    await first.close();
  }
  const second = await startTestRuntime(limits);
  try {
    const res = await signIn(second.agent(), email, password);
    expect(res.status, 'the lock lives in the shared store, not in the first instance').to.equal(429);
    expect(res.text).to.match(/Te veel pogingen/);
  } finally {
    await second.close();
  }
}

describe('session store', () => {
  describe('SQLite file (the default)', () => {
    let dir: string;
    let env: TestEnv;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'karify-sqlite-'));
      env = { SQLITE_FILE: path.join(dir, 'karify.sqlite3') };
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('keeps a signed-in session across a restart', async () => {
      const res = await signInThenRestart(env, async (rt) => {
        const row = await rt.db('sessions').count({ n: '*' }).first();
        expect(Number(row?.n)).to.equal(1);
      });
      expect(res.status).to.equal(200);
      expect(res.text).to.include('Klik op een opdracht of pakket om deze te openen.');
    });

    it('does not accept a session id the store never issued', async () => {
      const rt = await startTestRuntime(env);
      try {
        const res = await rt.agent().get('/werkblad').set('Cookie', 'karify.sid=s%3Anot-a-session.invalid');
        expect(res.status).to.equal(302);
        expect(res.headers.location).to.equal('/inloggen');
      } finally {
        await rt.close();
      }
    });

    it('keeps sign-in locks across a restart', async () => {
      await lockSurvivesRestart(env);
    });
  });

  describe('Redis (REDIS_URL)', function () {
    this.timeout(30_000);
    let redis: TestRedisServer;
    let dir: string;
    let env: TestEnv;
    before(async () => {
      redis = await startRedisServer();
    });
    after(async () => {
      await redis?.stop();
    });
    // Sessions and limits in Redis; the patients themselves in a SQLite file both instances share.
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'karify-sqlite-'));
      env = { REDIS_URL: redis.url, SQLITE_FILE: path.join(dir, 'karify.sqlite3') };
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('stores sessions in Redis under karify:sess: and keeps them across a restart', async () => {
      const res = await signInThenRestart(env, async (rt) => {
        const keys = await rt.redis!.keys('karify:sess:*');
        type Stored = { passport?: unknown; auth?: { level: string; since: number } };
        const sessions = await Promise.all(keys.map(async (key) => ({ key, stored: JSON.parse((await rt.redis!.get(key)) ?? '{}') as Stored })));
        const signedIn = sessions.find((s) => s.stored.passport);
        expect(signedIn, 'the signed-in session').to.not.equal(undefined);
        expect(signedIn!.stored.auth?.level).to.equal('full');
        expect(signedIn!.stored.auth?.since).to.be.a('number');
        const ttl = await rt.redis!.ttl(signedIn!.key);
        expect(ttl, 'the key expires an hour after the absolute timeout, with its cookie').to.be.within(12 * 3600, 13 * 3600);
        const sqlRows = await rt.db('sessions').count({ n: '*' }).first();
        expect(Number(sqlRows?.n), 'nothing in the SQL session table').to.equal(0);
      });
      expect(res.status).to.equal(200);
      expect(res.text).to.include('Klik op een opdracht of pakket om deze te openen.');
    });

    it('keeps sign-in rate limits in Redis, shared between instances', async () => {
      await lockSurvivesRestart(env, async (rt) => {
        const keys = await rt.redis!.keys('*signin_*');
        expect(keys.some((k) => k.includes('signin_fail_account')), `limiter keys in Redis: ${keys.join(', ')}`).to.equal(true);
        expect(keys.some((k) => k.includes('signin_lock_account'))).to.equal(true);
      });
    });
  });

  describe('PostgreSQL (DATABASE_URL)', function () {
    this.timeout(60_000);
    let pg: TestPostgresServer;
    before(async () => {
      pg = await startPostgresServer();
    });
    after(async () => {
      await pg?.stop();
    });

    it('runs the migrations and keeps a signed-in session in PostgreSQL across a restart', async () => {
      const res = await signInThenRestart({ DATABASE_URL: pg.url }, async (rt) => {
        expect(rt.db.client.config.client).to.equal('pg');
        const migrations = (await rt.db('knex_migrations').select('name')).map((r: { name: string }) => r.name);
        const files = fs.readdirSync(path.join(__dirname, '..', '..', 'migrations')).filter((f) => /\.ts$/.test(f));
        expect(migrations).to.have.members(files);
        const rows = await rt.db('sessions').count({ n: '*' }).first();
        expect(Number(rows?.n)).to.equal(1);
      });
      expect(res.status).to.equal(200);
      expect(res.text).to.include('Klik op een opdracht of pakket om deze te openen.');
    });

    it('keeps sign-in locks in PostgreSQL across a restart', async () => {
      await lockSurvivesRestart({ DATABASE_URL: pg.url });
    });
  });
});

describe(`deleting expired sessions (${TEST_DATABASE})`, () => {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  async function until(condition: () => boolean, what: string): Promise<void> {
    for (let waited = 0; !condition(); waited += 10) {
      if (waited > 5_000) throw new Error(`timed out waiting for ${what}`);
      await pause(10);
    }
  }

  /** A store on its own database that cleans up every 20 ms, counting its DELETEs and its log lines. */
  async function cleaningStore() {
    const db = await openTestDatabase();
    const deletes: string[] = [];
    db.on('query', (query: { sql: string }) => {
      if (/^delete from [`"]sessions[`"]/i.test(query.sql)) deletes.push(query.sql);
    });
    const logLines: string[] = [];
    const logger = createLogger('warn', { write: (line: string) => logLines.push(line) });
    const store = createSessionStore({ db, logger, cleanupIntervalMs: 20 });
    return { db, deletes, logLines, store };
  }

  it('deletes on its interval and stops when the store closes (the runtime closes it before the database)', async () => {
    const { db, deletes, logLines, store } = await cleaningStore();
    try {
      await until(() => deletes.length >= 2, 'two cleanups');
      await store.close();
      const done = deletes.length;
      await pause(100);
      expect(deletes.length, 'cleanups after close').to.equal(done);
      expect(logLines).to.deep.equal([]);
    } finally {
      await db.destroy();
    }
  });

  it('logs a failed cleanup as one warning line and tries again, never a stack trace', async () => {
    const { db, deletes, logLines, store } = await cleaningStore();
    try {
      await until(() => deletes.length >= 1, 'the first cleanup');
      // The table gone, every DELETE fails. (Destroying the connection pool instead would race: a
      // cleanup that asks for a connection while the pool is being destroyed waits for knex's
      // 60-second acquire timeout.)
      await db.schema.renameTable('sessions', 'sessions_elsewhere');
      await until(() => logLines.length >= 2, 'two failed cleanups');
      await store.close();
      const entry = JSON.parse(logLines[0]!) as { level: number; msg: string; err: string };
      expect(entry.msg).to.equal('Deleting expired sessions failed');
      expect(entry.level).to.equal(40);
      expect(entry.err).not.to.match(/\n\s+at /);
    } finally {
      await db.destroy();
    }
  });
});
