import path from 'node:path';
import { spawnServer, stopProcess, type SpawnedServer } from '../support/redis-server';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The real server (`npm start`) in a child process with only `env` (and PATH, HOME): empty
 * DATABASE_URL and REDIS_URL win over a developer's .env. As root, `user` runs it as another user.
 */
export function startServerProcess(env: Record<string, string>, user: { uid?: number; gid?: number } = {}): SpawnedServer {
  return spawnServer(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: '', REDIS_URL: '', ...env },
    ...user,
  });
}

/** How the process ended, or 'still running' (then it is killed) when it has not within `ms`. */
export async function exitWithin(server: SpawnedServer, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'still running'>((resolve) => {
    timer = setTimeout(() => resolve('still running'), ms);
  });
  const result = await Promise.race([server.exited, timedOut]);
  clearTimeout(timer);
  if (result === 'still running') await stopProcess(server, 'SIGKILL');
  return result;
}

/** Waits until the output contains `text`; false when the process exits or `ms` pass first. */
export async function outputShows(server: SpawnedServer, text: string, ms = 20_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!server.output().includes(text)) {
    if (server.child.exitCode !== null || server.child.signalCode !== null || Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
