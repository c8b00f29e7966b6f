import path from 'node:path';
import { startFakeVonage } from '../test/support/fake-vonage';
import { temporaryDir } from '../test/support/redis-server';
import { prepareBackend, startApp } from './backends';
import { visitor } from './http-client';
import type { Step } from './load';
import { parseOptions } from './options';
import { buildApp } from './processes';
import { medianWithIqr, pairedCpu } from './paired-cpu';
import { AppUnderTest, signedInSessions, withEachSession } from './scenarios';
import { createPasswordHasher } from '../src/domain/passwords';
import { BENCH_PASSWORD, benchPatients, seedDatabase } from './seed';

/**
 * Paired A/B of the app's CPU time per request between two checkouts (e.g. this repository and a
 * copy with a proposed change in src/), for a busy machine where requests/s swing too much to
 * compare. Both apps run as production children, on SQLite or (--backend redis-postgres) each on a
 * PostgreSQL and Redis of its own; blocks of load alternate (bench/paired-cpu.ts)
 * and each block's CPU time of the app process (/proc, all threads) is divided by its requests.
 * Usage: npx tsx bench/ab-cpu.ts [--loader node|tsx-require|tsx-import] [--backend sqlite|redis-postgres] DIR_A DIR_B [werkblad|sign-in-page] [blocks] [requests per block]
 * (the production build, made in both folders, by default; an older checkout without one needs --loader tsx-require)
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const loaderAt = args.indexOf('--loader');
  const loaderArgs = loaderAt === -1 ? [] : args.splice(loaderAt, 2);
  const backendAt = args.indexOf('--backend');
  const backendName = backendAt === -1 ? 'sqlite' : args.splice(backendAt, 2)[1];
  if (backendName !== 'sqlite' && backendName !== 'redis-postgres') throw new Error('--backend takes sqlite or redis-postgres');
  const [dirA, dirB, target = 'werkblad', blocksText = '20', perBlockText = '1000'] = args;
  if (!dirA || !dirB) throw new Error('usage: npx tsx bench/ab-cpu.ts DIR_A DIR_B [werkblad|sign-in-page] [blocks] [requests per block]');
  const options = { ...parseOptions(['--connections', '8', ...loaderArgs]), sessions: 16 };
  const fake = await startFakeVonage();
  const hash = await createPasswordHasher().hash(BENCH_PASSWORD);
  const apps: Array<{ pid: number; base: string; steps: Step[]; stop(): Promise<void> }> = [];
  const backends: Array<{ stop(): Promise<void> }> = [];
  try {
    for (const dir of [dirA, dirB]) {
      if (options.loader === 'node') buildApp(path.resolve(dir));
      const temp = temporaryDir('karify-ab-');
      const backend = await prepareBackend(backendName, temp.path);
      if ('skipped' in backend) throw new Error(backend.skipped);
      backends.push(backend);
      const patients = benchPatients({ web: 16, halfSession: 0, sms: 0 });
      await seedDatabase(backend.database, patients, hash);
      const { app, base } = await startApp({ appDir: path.resolve(dir), entry: options.entry, loader: options.loader, nodeArgs: options.appNodeArgs, backend, vonageUrl: fake.url, logDir: temp.path });
      const aut: AppUnderTest = { base, options, patients, visitor: await visitor(base), codeOf: () => '', measured: (work) => work() };
      const cookies = target === 'werkblad' ? await signedInSessions(aut, 16) : [];
      const steps: Step[] = target === 'werkblad' ? withEachSession('/werkblad', cookies) : [{ method: 'GET', path: '/inloggen', expect: 200 }];
      apps.push({ pid: app.pid, base, steps, stop: () => app.stop() });
    }
    const paired = await pairedCpu(apps[0]!, apps[1]!, { connections: options.connections, blocks: Number(blocksText), perBlock: Number(perBlockText), warmupBlocks: 3 });
    process.stdout.write(`${target}: app CPU µs per request A ${medianWithIqr(paired.a, 0)}, B ${medianWithIqr(paired.b, 0)}; B/A ${medianWithIqr(paired.ratios, 3)}\n`);
  } finally {
    for (const app of apps) await app.stop();
    for (const backend of backends) await backend.stop();
    await fake.stop();
  }
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
