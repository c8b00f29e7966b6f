import fs from 'node:fs';
import path from 'node:path';
import { createPasswordHasher } from '../src/domain/passwords';
import { startFakeVonage } from '../test/support/fake-vonage';
import { temporaryDir } from '../test/support/redis-server';
import { BackendName, LABELS, prepareBackend } from './backends';
import { argon2Ceiling, bareExpress } from './baseline';
import { parseOptions, REPO_DIR } from './options';
import { machine, printReport, Report, Row, writeReport } from './report';
import { BENCH_PASSWORD } from './seed';
import { evaluateTargets, REFERENCE_ROW, ROW } from './targets';
import { runBackend } from './backend-rows';
import { appCommand, buildApp } from './processes';
import type { PageWeight } from './weights';


const started = Date.now();
const progress = (text: string) => process.stderr.write(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  ${text}\n`);

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const watchdog = setTimeout(() => {
    progress(`bench: stopped after its time limit of ${options.timeLimitSeconds} s`);
    process.exit(1);
  }, options.timeLimitSeconds * 1000);
  watchdog.unref();

  if (options.loader === 'node') {
    progress(`bench: building the app (npm run build) in ${path.relative(process.cwd(), options.appDir) || '.'}`);
    buildApp(options.appDir);
  }
  const temp = temporaryDir('karify-bench-');
  if (options.profileDir) fs.mkdirSync(options.profileDir, { recursive: true });
  const rows: Row[] = [];
  const weights: Array<PageWeight & { backend: BackendName }> = [];
  const { connections, warmupSeconds, durationSeconds } = options;

  progress(`bench: ${options.smoke ? 'smoke' : 'full'} run, ${connections} connections, ${durationSeconds} s per row`);
  const hash = await createPasswordHasher().hash(BENCH_PASSWORD);

  progress('bench: bare Express baseline');
  const baseline = await bareExpress({ smoke: options.smoke, connections, warmupSeconds, durationSeconds, logDir: temp.path });
  rows.push({ name: REFERENCE_ROW.baseline, result: baseline });
  progress('bench: raw argon2id ceiling');
  const ceiling = await argon2Ceiling({ hash, password: BENCH_PASSWORD, connections, warmupSeconds, durationSeconds });
  rows.push({ name: REFERENCE_ROW.ceiling, result: ceiling });

  const fake = await startFakeVonage();
  try {
    for (const name of options.backends) {
      const backend = await prepareBackend(name, temp.path);
      if ('skipped' in backend) {
        progress(`bench: ${backend.label} rows skipped: ${backend.skipped}`);
        for (const row of Object.values(ROW)) rows.push({ name: row, backend: name, skipped: backend.skipped });
        continue;
      }
      progress(`bench: ${backend.label}`);
      try {
        await runBackend({ backend, options, fake, hash, rows, weights, baselineRps: baseline.rps, ceilingRps: ceiling.rps, ceilingCpuMs: ceiling.cpuMsPerRequest, tempDir: temp.path, progress });
      } finally {
        await backend.stop();
      }
    }
  } finally {
    await fake.stop();
  }

  const ran = options.backends.filter((b) => rows.some((r) => r.backend === b && !r.skipped));
  const report: Report = {
    generatedAt: new Date().toISOString(),
    mode: options.smoke ? 'smoke' : 'full',
    machine: machine(),
    settings: { connections, durationSeconds, warmupSeconds, sessions: options.sessions, halfSessions: options.halfSessions, app: appCommand(options), appDir: path.relative(REPO_DIR, options.appDir) || '.' },
    rows,
    pageWeights: weights,
    targets: evaluateTargets(rows, weights, ran),
  };
  process.stdout.write(`\n${printReport(report)}\n`);
  for (const name of options.backends.filter((b) => !ran.includes(b))) {
    process.stdout.write(`\n${LABELS[name]} rows were skipped: ${rows.find((r) => r.backend === name)?.skipped ?? 'not run'}\n`);
  }
  const outDir = options.outDir ?? (options.smoke ? path.join(temp.path, 'results') : path.join(REPO_DIR, 'bench', 'results'));
  const written = writeReport(report, outDir);
  process.stdout.write(`\nwritten: ${written.json}, ${written.md}${options.outDir || !options.smoke ? '' : ' (temporary, smoke run)'}\n`);

  const broken = rows.filter((r) => r.error);
  if (broken.length > 0) {
    process.stderr.write(`bench: ${broken.length} row(s) did not run cleanly\n`);
    return 1;
  }
  if (options.strict && report.targets.some((t) => !t.pass)) return 1;
  return 0;
}

main()
  .then((code) => process.exit(code))
  .catch((err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
