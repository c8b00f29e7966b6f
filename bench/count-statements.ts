import type { Knex } from 'knex';
import { startFakeVonage } from '../test/support/fake-vonage';
import { csrfTokenOf } from '../test/support/forms';
import { startPostgresServer } from '../test/support/postgres-server';
import { startRedisServer } from '../test/support/redis-server';
import { startTestRuntime } from '../test/support/runtime';

/**
 * Database statements (and Redis commands) per request on the benchmarked paths.
 * Usage: npx tsx bench/count-statements.ts [--redis-postgres]
 * SQLite statements are counted at the driver, so rate-limiter-flexible's (which bypass knex's
 * query events) are included; on PostgreSQL only knex queries are counted, on Redis every command.
 */
type Counter = { statements: string[]; redisCommands(): Promise<number> };

function countSqlite(): Counter {
  const statements: string[] = [];
  const record = (sql: unknown) => statements.push(String(sql).replace(/\s+/g, ' ').slice(0, 100));
  type Methods = Record<string, (...args: unknown[]) => unknown>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sqlite3 = require('sqlite3') as { Database: { prototype: Methods }; Statement: { prototype: Methods } };
  // The app's connections run their statements prepared (src/infra/sqlite-statements.ts): each run counts.
  for (const method of ['run', 'all', 'get']) {
    const original = sqlite3.Statement.prototype[method]!;
    sqlite3.Statement.prototype[method] = function (this: { sql: string }, ...args: unknown[]) {
      record(this.sql);
      return original.apply(this, args);
    };
  }
  const exec = sqlite3.Database.prototype.exec!;
  sqlite3.Database.prototype.exec = function (this: unknown, sql: unknown, ...rest: unknown[]) {
    record(sql);
    return exec.call(this, sql, ...rest);
  };
  return { statements, redisCommands: async () => 0 };
}

async function main(): Promise<void> {
  const onRedisPostgres = process.argv.includes('--redis-postgres');
  const fake = await startFakeVonage();
  const env: Record<string, string> = { SMS_PROVIDER: 'vonage', VONAGE_REST_HOST: fake.url, VONAGE_API_KEY: 'test-key', VONAGE_API_SECRET: 'test-secret' };
  const cleanup: Array<() => Promise<void>> = [() => fake.stop()];
  let counter: Counter;
  if (!onRedisPostgres) counter = countSqlite();
  else {
    const redis = await startRedisServer();
    const postgres = await startPostgresServer('karify_count');
    cleanup.push(() => redis.stop(), () => postgres.stop());
    Object.assign(env, { REDIS_URL: redis.url, DATABASE_URL: postgres.url });
    const { createClient } = await import('redis');
    const client = createClient({ url: redis.url });
    await client.connect();
    cleanup.unshift(async () => void (await client.quit()));
    counter = {
      statements: [],
      async redisCommands() {
        const info = await client.info('commandstats');
        return [...info.matchAll(/cmdstat_(\w+):calls=(\d+)/g)].filter((m) => m[1] !== 'info').reduce((sum, m) => sum + Number(m[2]), 0);
      },
    };
  }
  const rt = await startTestRuntime(env);
  cleanup.unshift(() => rt.close());
  if (onRedisPostgres) (rt.db as Knex).on('query', (q: { sql: string }) => counter.statements.push(q.sql.replace(/\s+/g, ' ').slice(0, 100)));

  const web = await rt.createPatient({ email: 'web@example.nl' });
  const sms = await rt.createPatient({ email: 'sms@example.nl' });
  await rt.db('two_factor_settings').insert({ user_id: sms.id, method: 'sms', phone: '+31612345678', enabled_at: Date.now(), updated_at: Date.now() });
  await rt.services.modules.replaceForUser(web.id, [{ position: 1, title: 'Module', kind: 'module', submittedAt: null }]);

  const measure = async (label: string, work: () => Promise<unknown>) => {
    counter.statements.length = 0;
    const before = await counter.redisCommands();
    await work();
    const redis = (await counter.redisCommands()) - before;
    process.stdout.write(`\n${label}: ${counter.statements.length} SQL statements${onRedisPostgres ? `, ${redis} Redis commands` : ''}\n`);
    for (const sql of counter.statements) process.stdout.write(`    ${sql}\n`);
  };
  const web1 = rt.agent();
  const csrf = csrfTokenOf((await web1.get('/inloggen')).text);
  await measure('GET /inloggen (anonymous)', () => rt.agent().get('/inloggen').expect(200));
  await measure('POST /inloggen (password only)', () => web1.post('/inloggen').type('form').send({ _csrf: csrf, email: web.email, password: web.password }).expect(302));
  await web1.get('/werkblad').expect(200);
  await measure('GET /werkblad', () => web1.get('/werkblad').expect(200));
  const sms1 = rt.agent();
  const csrf2 = csrfTokenOf((await sms1.get('/inloggen')).text);
  await measure('POST /inloggen (two-step on: half session, SMS)', () => sms1.post('/inloggen').type('form').send({ _csrf: csrf2, email: sms.email, password: sms.password }).expect(302));
  let csrf3 = '';
  await measure('GET /inloggen/code', async () => {
    csrf3 = csrfTokenOf((await sms1.get('/inloggen/code').expect(200)).text); // a new token: the half session has its own
  });
  const code = /\b(\d{6})\b/.exec(fake.messages.at(-1)!.text)![1]!;
  await measure('POST /inloggen/code (right code)', () => sms1.post('/inloggen/code').type('form').send({ _csrf: csrf3, code }).expect(302));
  for (const stop of cleanup) await stop();
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
