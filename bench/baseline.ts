import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { freeLoopbackPort } from '../test/support/redis-server';
import { budget, LoadResult, percentile, runLoad, withCpu } from './load';
import { REPO_DIR } from './options';
import { startNodeChild, waitUntilReady } from './processes';

/** The framework ceiling: a bare Express "hello" page in its own production-mode child process. */
export async function bareExpress(options: { smoke: boolean; connections: number; warmupSeconds: number; durationSeconds: number; logDir: string }): Promise<LoadResult> {
  const port = await freeLoopbackPort();
  const child = startNodeChild(path.join(REPO_DIR, 'bench', 'hello-server.ts'), {
    cwd: REPO_DIR,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: String(port) },
    logFile: path.join(options.logDir, 'hello.log'),
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitUntilReady(child, `${base}/`);
    const steps = [{ method: 'GET' as const, path: '/', expect: 200 }];
    await runLoad(base, { connections: options.connections, ...budget(options, 'warmup'), steps });
    return await withCpu(child.pid, () => runLoad(base, { connections: options.connections, ...budget(options, 'measure'), steps }));
  } finally {
    await child.stop();
  }
}

/**
 * The raw argon2id ceiling: the same hash and parameters verified directly in a fresh Node
 * process, with as many verifications in flight as the bench has connections.
 */
export async function argon2Ceiling(options: { hash: string; password: string; connections: number; warmupSeconds: number; durationSeconds: number }): Promise<LoadResult> {
  const args = ['--import', 'tsx', path.join(REPO_DIR, 'bench', 'argon2-ceiling.ts'), options.hash, options.password,
    String(options.connections), String(options.warmupSeconds), String(options.durationSeconds)];
  const env = { PATH: process.env.PATH, ...(process.env.UV_THREADPOOL_SIZE ? { UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE } : {}) };
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: REPO_DIR, env, maxBuffer: 64 * 1024 * 1024 });
  const { count, seconds, cpuMs, latenciesMs } = JSON.parse(stdout.trim().split('\n').pop()!) as { count: number; seconds: number; cpuMs: number; latenciesMs: number[] };
  const latency = { p50: percentile(latenciesMs, 50), p99: percentile(latenciesMs, 99) };
  return { count, seconds, rps: count / seconds, ...latency, unexpected: {}, cpuMsPerRequest: count > 0 ? cpuMs / count : undefined };
}
