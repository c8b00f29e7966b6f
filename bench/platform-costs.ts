import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, createReadDatabase } from '../src/infra/database';

/**
 * What this machine charges for the building blocks of a request, in CPU time of this process:
 * a system call that wakes nobody, a round trip through libuv's thread pool (the way
 * node-sqlite3 and argon2 work), and one SQLite statement through knex with the app's own
 * connection settings (write connection and read pool), one at a time and 8 at once.
 * Usage: npx tsx bench/platform-costs.ts [operations]
 */
interface Cost {
  name: string;
  cpuUs: number;
  wallUs: number;
}

async function measure(name: string, count: number, inFlight: number, work: (i: number) => Promise<unknown>): Promise<Cost> {
  for (let i = 0; i < Math.min(200, count); i++) await work(i);
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < count) await work(next++);
  }));
  const cpu = process.cpuUsage(cpuBefore);
  return { name, cpuUs: (cpu.user + cpu.system) / count, wallUs: ((performance.now() - started) * 1000) / count };
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 3000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'karify-platform-'));
  const database = { sqliteFile: path.join(dir, 'costs.sqlite3') };
  const db = createDatabase(database);
  const reads = createReadDatabase(database, db);
  try {
    await db.schema.createTable('costs', (table) => {
      table.string('key').primary();
      table.integer('points');
    });
    const key = (i: number) => `k${i % 50}`;
    const costs = [
      await measure('system call that wakes nobody (fs.accessSync)', count, 1, async () => fs.accessSync(dir)),
      await measure('thread-pool round trip (fs.promises.access)', count, 1, () => fs.promises.access(dir)),
      await measure('SQLite read through knex, read pool', count, 1, (i) => reads('costs').where({ key: key(i) }).first()),
      await measure('SQLite read through knex, read pool, 8 at once', count, 8, (i) => reads('costs').where({ key: key(i) }).first()),
      await measure('SQLite upsert through knex, writer', count, 1, (i) => db('costs').insert({ key: key(i), points: 1 }).onConflict('key').merge()),
      await measure('SQLite upsert through knex, writer, 8 at once', count, 8, (i) => db('costs').insert({ key: key(i), points: 1 }).onConflict('key').merge()),
    ];
    const width = Math.max(...costs.map((c) => c.name.length));
    process.stdout.write(`${'operation'.padEnd(width)}  CPU µs/op  wall µs/op\n`);
    for (const c of costs) {
      process.stdout.write(`${c.name.padEnd(width)}  ${c.cpuUs.toFixed(0).padStart(9)}  ${c.wallUs.toFixed(0).padStart(10)}\n`);
    }
  } finally {
    await reads.destroy();
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
