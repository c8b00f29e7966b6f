import fs from 'node:fs';
import path from 'node:path';
import type { FakeVonage } from '../test/support/fake-vonage';
import { Backend, BackendName, startApp } from './backends';
import { codeBook, visitor } from './http-client';
import type { BenchOptions } from './options';
import { LoadResult, type Step, withCpu } from './load';
import { memoryOf } from './processes';
import { ceilingPageSteps, ceilingSignedInSteps, measureCeiling, type StackCeiling, startStackCeiling } from './stack-ceiling';
import { pairedCpu, quantile } from './paired-cpu';
import { childProfiler } from './profiler';
import type { Row } from './report';
import { AppUnderTest, fullSignIn, halfSessions, Measurement, passwordStepLoad, signedInSessions, signInPage, signInPageSteps, smsCodeStep, visitors, werkblad, withEachSession } from './scenarios';
import { benchPatients, seedDatabase } from './seed';
import { RATIO_TO, ROW } from './targets';
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
  /** CPU time of one raw argon2id verification, ms. */
  ceilingCpuMs?: number;
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

  type RatioTo = 'bare Express' | 'argon2id ceiling' | 'argon2id CPU' | 'stack ceiling';
  const row = async (id: string, name: string, ratioTo: RatioTo, work: () => Promise<Measurement>, at?: number): Promise<Row | undefined> => {
    if (options.rows && !options.rows.has(id)) return undefined;
    say(name);
    current = id;
    const entry: Row = { name, backend: backend.name };
    try {
      entry.result = await work();
      if (ratioTo === 'bare Express') entry.ratio = { to: RATIO_TO.bareExpress, value: entry.result.rps / run.baselineRps };
      if (ratioTo === 'argon2id ceiling') entry.ratio = { to: RATIO_TO.argon2Rate, value: entry.result.rps / run.ceilingRps };
      if (ratioTo === 'argon2id CPU' && entry.result.cpuMsPerRequest !== undefined && run.ceilingCpuMs) {
        entry.ratio = { to: RATIO_TO.argon2Cpu, value: entry.result.cpuMsPerRequest / run.ceilingCpuMs };
      }
      if (Object.keys(entry.result.unexpected).length > 0) entry.error = `unexpected answers: ${describe(entry.result.unexpected)}`;
      else if (entry.result.count === 0) entry.error = 'nothing completed in the time given';
    } catch (err) {
      entry.error = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    }
    if (id !== 'stack-ceiling') entry.peakRssMb = peakMb(); // the app's peak, not the ceiling's
    if (at === undefined) rows.push(entry);
    else rows.splice(at, 0, entry);
    return entry;
  };

  const first = rows.length;
  let ceiling: StackCeiling | undefined;
  try {
    const aut: AppUnderTest = { base, options, patients, visitor: await visitor(base), codeOf: codeBook(run.fake), measured };
    // The pages' sizes first: the stack ceiling pads its pages to them.
    say('page weights');
    const weighed = await pageWeights(aut, { web: patients.web.at(-1)!.email, halfSession: patients.halfSession.at(-1)!.email });
    run.weights.push(...weighed.map((w) => ({ ...w, backend: backend.name })));
    const bytesOf = (page: string) => weighed.find((w) => w.page === page)?.htmlBytes;
    if (!options.rows || options.rows.has('stack-ceiling')) {
      // Beside the app, on the same database and session store; only one of the two is loaded at a time.
      say('starting the stack ceiling');
      ceiling = await startStackCeiling({ backend, nodeArgs: options.appNodeArgs, vonageUrl: run.fake.url, logDir: run.tempDir, pageBytes: bytesOf('sign-in page') ?? 1500, signedInBytes: bytesOf('Werkblad') ?? 4000, profileDir: profileDir && path.join(profileDir, 'stack-ceiling') });
    }

    const signInPageRow = await row('sign-in-page', ROW.signInPage, 'stack ceiling', () => signInPage(aut));
    let werkbladCookies: string[] = [];
    const werkbladRow = await row('werkblad', ROW.werkblad, 'stack ceiling', async () => {
      say(`signing in ${options.sessions} sessions`);
      werkbladCookies = await signedInSessions(aut, options.sessions);
      return werkblad(aut, werkbladCookies);
    });
    if (ceiling) {
      const top = ceiling;
      const anonymousSteps = await ceilingPageSteps(top);
      const signedInSteps = await ceilingSignedInSteps(top, patients.web.slice(0, options.sessions).map((p) => p.email));
      const anonymous = await row('stack-ceiling', ROW.stackCeilingPage, 'stack ceiling', () => measureCeiling(top, options, anonymousSteps, 'page'), first);
      const signedIn = await row('stack-ceiling', ROW.stackCeilingSignedIn, 'stack ceiling', () => measureCeiling(top, options, signedInSteps, 'signed-in'), first + 1);
      if (anonymous) anonymous.note = `${bytesOf('sign-in page')}-byte page`;
      if (signedIn) signedIn.note = `${bytesOf('Werkblad')}-byte page`;
      const compare = async (page: Row | undefined, pageSteps: Step[], ceilingRow: Row | undefined, ceilingSteps: Step[]) => {
        if (!page?.result || !ceilingRow?.result) return;
        say(`${page.name} against the stack ceiling, ${options.pairedBlocks} pairs of alternating blocks`);
        const paired = await pairedCpu({ pid: app.pid, base, steps: pageSteps }, { pid: top.pid, base: top.base, steps: ceilingSteps }, {
          connections: options.connections, blocks: options.pairedBlocks, perBlock: options.pairedBlockRequests, warmupBlocks: 1,
        });
        page.ratio = { to: RATIO_TO.stackCeiling, value: quantile(paired.ratios, 0.5) };
        const ms = (us: number[]) => (quantile(us, 0.5) / 1000).toFixed(2);
        page.note = `paired blocks: ${ms(paired.a)} vs ceiling ${ms(paired.b)} ms CPU/req, ratio IQR ${quantile(paired.ratios, 0.25).toFixed(2)}–${quantile(paired.ratios, 0.75).toFixed(2)}`;
      };
      await compare(signInPageRow, signInPageSteps(aut), anonymous, anonymousSteps);
      await compare(werkbladRow, withEachSession('/werkblad', werkbladCookies), signedIn, signedInSteps);
      await top.stop();
      ceiling = undefined;
    }

    await row('password-step', ROW.passwordStep, 'argon2id ceiling', async () => {
      say(`preparing ${options.halfSessions} visitors with the sign-in page open`);
      return passwordStepLoad(aut, await visitors(aut, options.halfSessions));
    });
    await row('sms-step', ROW.smsStep, 'bare Express', async () => {
      say(`preparing ${options.halfSessions} half sessions (password step + SMS)`);
      return smsCodeStep(aut, await halfSessions(aut, options.halfSessions));
    });
    await row('full-sign-in', ROW.fullSignIn, 'argon2id CPU', () => fullSignIn(aut));
  } finally {
    await ceiling?.stop();
    await app.stop();
  }
}
