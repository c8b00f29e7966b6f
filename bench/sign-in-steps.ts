import { parseArgs } from 'node:util';
import { createPasswordHasher } from '../src/domain/passwords';
import { startFakeVonage } from '../test/support/fake-vonage';
import { temporaryDir } from '../test/support/redis-server';
import { type BackendName, prepareBackend, startApp } from './backends';
import { codeBook, CookieJar, csrfTokenOf, mapLimit, type Reply, send } from './http-client';
import { REPO_DIR } from './options';
import { buildApp, cpuMsOf, productionNodeOptions } from './processes';
import { BENCH_PASSWORD, benchPatients, seedDatabase } from './seed';

/**
 * Where a full sign-in's CPU goes: each request of it made for every patient in turn (a few at
 * once), with the app's CPU time (from /proc) per request of each step. A password-only patient's
 * password step is shown beside the SMS patient's, so the SMS part (its limits, the code's row,
 * the Vonage call) stands out.
 * Usage: npx tsx bench/sign-in-steps.ts [--backend sqlite|redis-postgres] [--patients 300] [--at-once 8] [--rounds 3]
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'sqlite' },
      patients: { type: 'string', default: '300' },
      'at-once': { type: 'string', default: '8' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const count = Number(values.patients);
  const atOnce = Number(values['at-once']);
  buildApp(REPO_DIR);
  const temp = temporaryDir('karify-steps-');
  const fake = await startFakeVonage();
  const backend = await prepareBackend(values.backend as BackendName, temp.path);
  if ('skipped' in backend) throw new Error(backend.skipped);
  const patients = benchPatients({ web: count, halfSession: 1, sms: count });
  await seedDatabase(backend.database, patients, await createPasswordHasher().hash(BENCH_PASSWORD));
  const { app, base } = await startApp({ appDir: REPO_DIR, entry: 'dist/src/server.js', loader: 'node', nodeArgs: productionNodeOptions(REPO_DIR), backend, vonageUrl: fake.url, logDir: temp.path });
  const codeOf = codeBook(fake);
  const check = (reply: Reply, wanted: string | number) => {
    if ((typeof wanted === 'number' ? reply.status : reply.location) !== wanted) throw new Error(`expected ${wanted}, got ${reply.status} ${reply.location}`);
  };
  try {
    for (let round = 1; round <= Number(values.rounds); round += 1) {
      const step = async <T>(label: string, browsers: T[], work: (browser: T) => Promise<void>) => {
        const before = cpuMsOf(app.pid)!;
        await mapLimit(browsers, atOnce, work);
        const ms = (cpuMsOf(app.pid)! - before) / browsers.length;
        process.stdout.write(`  ${label.padEnd(34)} ${ms.toFixed(2).padStart(6)} ms CPU per request\n`);
        return ms;
      };
      process.stdout.write(`round ${round}\n`);
      const sms = patients.sms.map((patient) => ({ patient, jar: new CookieJar(), csrf: '' }));
      const web = patients.web.map((patient) => ({ patient, jar: new CookieJar(), csrf: '' }));
      type Browser = (typeof sms)[number];
      const page = async (browser: Browser, path: string) => {
        browser.csrf = csrfTokenOf((await send(base, path, browser.jar)).text);
      };
      const password = async (b: Browser, leadsTo: string) =>
        check(await send(base, '/inloggen', b.jar, { _csrf: b.csrf, email: b.patient.email, password: BENCH_PASSWORD }), leadsTo);
      let total = 0;
      total += await step('GET /inloggen (a new visitor)', sms, (b) => page(b, '/inloggen'));
      total += await step('POST /inloggen (SMS two-step)', sms, (b) => password(b, '/inloggen/code'));
      total += await step('GET /inloggen/code', sms, (b) => page(b, '/inloggen/code'));
      total += await step('POST /inloggen/code', sms, async (b) => check(await send(base, '/inloggen/code', b.jar, { _csrf: b.csrf, code: codeOf(b.patient.phone!) }), '/werkblad'));
      total += await step('GET /werkblad (the first)', sms, async (b) => check(await send(base, '/werkblad', b.jar), 200));
      process.stdout.write(`  ${'one full sign-in'.padEnd(34)} ${total.toFixed(2).padStart(6)} ms CPU\n`);
      await step('GET /werkblad (again)', sms, async (b) => check(await send(base, '/werkblad', b.jar), 200));
      await step('GET /inloggen (password only)', web, (b) => page(b, '/inloggen'));
      await step('POST /inloggen (password only)', web, (b) => password(b, '/werkblad'));
      await new Promise((resolve) => setTimeout(resolve, 1500)); // past the SMS cooldown for the next round
    }
  } finally {
    await app.stop();
    await backend.stop();
    await fake.stop();
    temp.remove();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
