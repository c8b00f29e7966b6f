import fs from 'node:fs';
import path from 'node:path';
import { freeLoopbackPort } from '../test/support/redis-server';
import { appEnvironment, type Backend } from './backends';
import { childProfiler, PROFILE_HOOK } from './profiler';
import { CookieJar, mapLimit, send } from './http-client';
import { budget, type LoadResult, runLoad, type Step, withCpu } from './load';
import { withEachSession } from './scenarios';
import { type BenchOptions, REPO_DIR } from './options';
import { startNodeChild, waitUntilReady } from './processes';

/** The stack ceiling (bench/stack-server.ts) of one backend, running as a child process. */
export interface StackCeiling {
  base: string;
  pid: number;
  /** With --profile: one CPU profile of each measured phase, like the app's. */
  profiler?: ReturnType<typeof childProfiler>;
  stop(): Promise<void>;
}

/**
 * Starts the stack ceiling on the backend's database and session store, with the app's
 * environment and Node options, its two pages padded to the sizes of the app's pages.
 */
export async function startStackCeiling(options: {
  backend: Backend;
  nodeArgs: string[];
  vonageUrl: string;
  logDir: string;
  pageBytes: number;
  signedInBytes: number;
  profileDir?: string;
}): Promise<StackCeiling> {
  const port = await freeLoopbackPort();
  if (options.profileDir) fs.mkdirSync(options.profileDir, { recursive: true });
  const env = {
    ...appEnvironment(options.backend, port, options.vonageUrl),
    CEILING_PAGE_BYTES: String(options.pageBytes),
    CEILING_SIGNED_IN_BYTES: String(options.signedInBytes),
    ...(options.profileDir ? { BENCH_PROFILE_DIR: options.profileDir } : {}),
  };
  const child = startNodeChild(path.join(REPO_DIR, 'bench', 'stack-server.ts'), {
    cwd: REPO_DIR,
    env,
    nodeArgs: [...options.nodeArgs, ...(options.profileDir ? ['--require', PROFILE_HOOK] : [])],
    logFile: path.join(options.logDir, `stack-ceiling-${options.backend.name}.log`),
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(child, `${base}/page`);
  } catch (err) {
    await child.stop();
    throw err;
  }
  const profiler = options.profileDir ? childProfiler(child.pid, options.profileDir, `${options.backend.name}-stack-ceiling`) : undefined;
  return { base, pid: child.pid, profiler, stop: () => child.stop() };
}

/**
 * The anonymous page, for a visitor whose session (made for the form's CSRF token) exists: what
 * the sign-in page is compared with, measured the same way.
 */
export async function ceilingPageSteps(ceiling: StackCeiling): Promise<Step[]> {
  const jar = new CookieJar();
  await send(ceiling.base, '/page', jar);
  return [{ method: 'GET', path: '/page', expect: 200, headers: { cookie: jar.header() } }];
}

/**
 * The page for signed-in sessions (the same patients as the Werkblad row), spread over the
 * connections: what the Werkblad is compared with.
 */
export async function ceilingSignedInSteps(ceiling: StackCeiling, emails: string[]): Promise<Step[]> {
  const cookies = await mapLimit(emails, 8, async (email) => {
    const jar = new CookieJar();
    const reply = await send(ceiling.base, `/enter?email=${encodeURIComponent(email)}`, jar);
    if (reply.status !== 204) throw new Error(`stack ceiling: signing in ${email} answered ${reply.status}`);
    return jar.header();
  });
  return withEachSession('/signed-in', cookies);
}

/** Warm-up, then the measured load with the ceiling's CPU time per request. */
export async function measureCeiling(ceiling: StackCeiling, options: BenchOptions, steps: Step[], name: string): Promise<LoadResult> {
  const { connections } = options;
  await runLoad(ceiling.base, { connections, ...budget(options, 'warmup'), steps });
  ceiling.profiler?.start();
  try {
    return await withCpu(ceiling.pid, () => runLoad(ceiling.base, { connections, ...budget(options, 'measure'), steps }));
  } finally {
    await ceiling.profiler?.stop(name);
  }
}
