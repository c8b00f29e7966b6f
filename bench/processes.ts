import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { withParentDeathSignal } from '../test/support/redis-server';

/** A Node child process (TypeScript through tsx) whose output goes to a log file, not a pipe. */
export interface NodeChild {
  child: ChildProcess;
  pid: number;
  logFile: string;
  exited: Promise<number | null>;
  /** The last lines of its log, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

export type Loader = 'tsx-import' | 'tsx-require' | 'node';

const LOADER_ARGS: Record<Loader, string[]> = {
  'tsx-import': ['--import', 'tsx'],
  'tsx-require': ['--require', 'tsx/cjs'],
  node: [],
};

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Runs `node --import tsx <script>` (or another loader) directly (not through the tsx CLI, which would put a second
 * process between us and the app), so `pid` is the process whose memory is measured. Logs go to
 * a file: a pipe that the busy bench process drains late would block the child's synchronous logging.
 */
export function startNodeChild(script: string, options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; nodeArgs?: string[]; loader?: Loader }): NodeChild {
  const log = fs.openSync(options.logFile, 'a');
  const args = [...(options.nodeArgs ?? []), ...LOADER_ARGS[options.loader ?? 'tsx-import'], script];
  const wrapped = withParentDeathSignal(process.execPath, args);
  const child = spawn(wrapped.command, wrapped.args, { cwd: options.cwd, env: options.env, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  live.add(child);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
  });
  const tail = () => {
    try {
      return fs.readFileSync(options.logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '';
    }
  };
  return {
    child,
    pid: child.pid!,
    logFile: options.logFile,
    exited,
    tail,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `url` until it answers 200; fails early when the child exits. */
export async function waitUntilReady(child: NodeChild, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void child.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`${path.basename(child.logFile)}: the process exited (code ${exitCode}) before it was ready:\n${child.tail()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s:\n${child.tail()}`);
}

let ticksPerSecond: number | undefined;

/**
 * CPU time (user + system, all threads) a process has used so far, in ms. Unlike requests per
 * second, CPU time per request hardly depends on what else the machine is doing.
 */
export function cpuMsOf(pid: number): number | undefined {
  try {
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** Resident memory of a process in bytes: now (VmRSS) and the peak so far (VmHWM). Linux only. */
export function memoryOf(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/**
 * The Node options production runs the app with: those of `npm run start:production` in the
 * app's package.json (`node <options> dist/src/server.js`), so the bench measures that command.
 */
export function productionNodeOptions(appDir: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const words = (pkg.scripts?.['start:production'] ?? '').split(/\s+/).filter(Boolean);
  return words[0] === 'node' ? words.slice(1).filter((word) => word.startsWith('--')) : [];
}

/** `npm run build` in the app's folder, so the bench measures what production runs. */
export function buildApp(appDir: string): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(appDir, 'tsconfig.build.json')], { cwd: appDir, stdio: 'inherit' });
}

/** How the app child is started, for the report. */
export function appCommand(options: { loader: Loader; entry: string; appNodeArgs: string[] }): string {
  return ['node', ...options.appNodeArgs, ...LOADER_ARGS[options.loader], options.entry].join(' ');
}
