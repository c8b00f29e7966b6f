import fs from 'node:fs';
import path from 'node:path';
import type { FakeVonage } from '../test/support/fake-vonage';
import { Backend, BackendName, startApp } from './backends';
import { codeBook, visitor } from './http-client';
import type { BenchOptions } from './options';
import { LoadResult, withCpu } from './load';
import { memoryOf } from './processes';
import { childProfiler } from './profiler';
import type { Row } from './report';
import { AppUnderTest, fullSignIn, halfSessions, Measurement, passwordStepLoad, signedInSessions, signInPage, smsCodeStep, werkblad } from './scenarios';
import { benchPatients, seedDatabase } from './seed';
import { ROW } from './targets';
import { PageWeight, pageWeights } from './weights';

export interface BackendRun {
  backend: Backend;
  options: BenchOptions;
  fake: FakeVonage;
  hash: string;
  rows: Row[];
  weights: Array<PageWeight & { backend: BackendName }>;
  baselineRps: number;
  ceilingRps: number;
  tempDir: string;
  progress(text: string): void;
}

const describe = (unexpected: Record<string, number>) =>
  Object.entries(unexpected).map(([status, n]) => `${n}× ${status === '0' ? 'connection error/timeout' : status}`).join(', ');

/** Seeds the database, starts the app, and measures every row of one backend. */
export async function runBackend(run: BackendRun): Promise<void> {
  const { backend, options, rows } = run;
  const say = (text: string) => run.progress(`  [${backend.name}] ${text}`);
  const patients = benchPatients({
    web: Math.max(options.sessions, options.connections) + 1,
    halfSession: options.halfSessions + 1,
    sms: options.smsPatients,
  });
  say(`seeding ${patients.web.length + patients.halfSession.length + patients.sms.length} patients`);
  await seedDatabase(backend.database, patients, run.hash);
  const profileDir = options.profileDir && path.join(options.profileDir, backend.name);
  if (profileDir) fs.mkdirSync(profileDir, { recursive: true });
  const { app, base } = await startApp({ appDir: options.appDir, entry: options.entry, loader: options.loader, nodeArgs: options.appNodeArgs, backend, vonageUrl: run.fake.url, logDir: run.tempDir, profileDir });
  const peakMb = () => {
    const memory = memoryOf(app.pid);
    return memory ? memory.peak / 1024 ** 2 : undefined;
  };

  const profiler = profileDir ? childProfiler(app.pid, profileDir, backend.name) : undefined;
  let current = '';
  const measured = async (work: () => Promise<LoadResult>): Promise<LoadResult> => {
    if (!profiler) return withCpu(app.pid, work);
    profiler.start();
    try {
      return await withCpu(app.pid, work);
    } finally {
      say(`profile: ${await profiler.stop(current)}`);
    }
  };

  const row = async (id: string, name: string, ratioTo: 'bare Express' | 'argon2id ceiling', work: () => Promise<Measurement>) => {
    if (options.rows && !options.rows.has(id)) return;
    say(name);
    current = id;
    const entry: Row = { name, backend: backend.name };
    try {
      entry.result = await work();
      const reference = ratioTo === 'bare Express' ? run.baselineRps : run.ceilingRps;
      entry.ratio = { to: ratioTo, value: entry.result.rps / reference };
      if (Object.keys(entry.result.unexpected).length > 0) entry.error = `unexpected answers: ${describe(entry.result.unexpected)}`;
      else if (entry.result.count === 0) entry.error = 'nothing completed in the time given';
    } catch (err) {
      entry.error = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    }
    entry.peakRssMb = peakMb();
    rows.push(entry);
  };

  try {
    const aut: AppUnderTest = { base, options, patients, visitor: await visitor(base), codeOf: codeBook(run.fake), measured };
    await row('sign-in-page', ROW.signInPage, 'bare Express', () => signInPage(aut));
    await row('werkblad', ROW.werkblad, 'bare Express', async () => {
      say(`signing in ${options.sessions} sessions`);
      return werkblad(aut, await signedInSessions(aut, options.sessions));
    });
    await row('password-step', ROW.passwordStep, 'argon2id ceiling', () => passwordStepLoad(aut));
    await row('sms-step', ROW.smsStep, 'bare Express', async () => {
      say(`preparing ${options.halfSessions} half sessions (password step + SMS)`);
      return smsCodeStep(aut, await halfSessions(aut, options.halfSessions));
    });
    await row('full-sign-in', ROW.fullSignIn, 'argon2id ceiling', () => fullSignIn(aut));
    say('page weights');
    const weighed = await pageWeights(aut, { web: patients.web.at(-1)!.email, halfSession: patients.halfSession.at(-1)!.email });
    run.weights.push(...weighed.map((w) => ({ ...w, backend: backend.name })));
  } finally {
    await app.stop();
  }
}
