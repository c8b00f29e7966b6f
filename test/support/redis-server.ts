import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A real redis-server the test started and owns. */
export interface TestRedisServer {
  url: string;
  port: number;
  /** Takes the server down (as in an outage) without releasing the port; `up()` brings it back. */
  down(): Promise<void>;
  /** Starts it again on the same port, empty (nothing is persisted). */
  up(): Promise<void>;
  /** Stops the process where it is (SIGSTOP): connections stay open and nothing answers. `resume()` lets it go on. */
  hang(): void;
  resume(): void;
  /** down() then up(): a restart that loses every key. */
  restart(): Promise<void>;
  /** Shuts it down for good. Safe to call twice. */
  stop(): Promise<void>;
}

export const REDIS_MISSING_MESSAGE =
  'redis-server is not installed: install the Debian package redis-server (apt-get install redis-server), or run npm run test:all as root';

const STARTUP_TIMEOUT_MS = 10_000;
const SHUTDOWN_TIMEOUT_MS = 5_000;

/** Looks a program up on PATH (plus the usual system directories). */
export function findExecutable(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/bin', '/usr/bin', '/usr/sbin', '/bin', '/sbin', ...extraDirs];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A TCP port on 127.0.0.1 that nobody listens on right now. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * On Linux, `setpriv --pdeathsig KILL` makes the kernel kill the server when the test process
 * dies, however it dies (even SIGKILL). Elsewhere the 'exit' handler below has to do.
 */
export function withParentDeathSignal(command: string, args: string[]): { command: string; args: string[] } {
  const setpriv = process.platform === 'linux' ? findExecutable('setpriv') : undefined;
  return setpriv ? { command: setpriv, args: ['--pdeathsig', 'KILL', '--', command, ...args] } : { command, args };
}

const liveChildren = new Set<ChildProcess>();
const temporaryDirs = new Set<string>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
  for (const dir of temporaryDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory that is removed when it is released or, at the latest, when this process exits. */
export function temporaryDir(prefix: string): { path: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporaryDirs.add(dir);
  return {
    path: dir,
    remove() {
      temporaryDirs.delete(dir);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Spawns a server process that is registered to die with this process; keeps its last output for errors. */
export function spawnServer(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; uid?: number; gid?: number } = {},
) {
  const wrapped = withParentDeathSignal(command, args);
  const child = spawn(wrapped.command, wrapped.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  });
  liveChildren.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      resolve({ code, signal });
    });
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  return { child, exited, spawnError, output: () => output };
}

export type SpawnedServer = ReturnType<typeof spawnServer>;

/** Sends `signal`, waits for the exit, and uses SIGKILL if the process takes too long. */
export async function stopProcess(server: SpawnedServer, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill(signal);
  const timer = setTimeout(() => server.child.kill('SIGKILL'), SHUTDOWN_TIMEOUT_MS);
  try {
    await server.exited;
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One PING over a raw socket: true when Redis answers +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/** Starts redis-server on a free loopback port, in the foreground, saving nothing to disk. */
export async function startRedisServer(): Promise<TestRedisServer> {
  const binary = findExecutable('redis-server');
  if (!binary) throw new Error(REDIS_MISSING_MESSAGE);
  const port = await freeLoopbackPort();
  const temp = temporaryDir('karify-redis-');
  const dir = temp.path;
  let current: SpawnedServer | undefined;
  let stopped = false;

  const up = async () => {
    if (stopped) throw new Error('this redis-server was stopped for good; start a new one');
    if (current) return;
    const server = spawnServer(binary, [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', 'no',
      '--daemonize', 'no',
      '--dir', dir,
      '--loglevel', 'warning',
    ], { cwd: dir });
    current = server;
    const failed = Promise.race([
      server.exited.then(({ code, signal }) => `exited early (code ${code}, signal ${signal})`),
      server.spawnError.then((err) =>
        (err as NodeJS.ErrnoException).code === 'ENOENT' ? REDIS_MISSING_MESSAGE : `could not be started: ${err.message}`),
    ]);
    let failure: string | undefined;
    void failed.then((reason) => {
      failure = reason;
    });
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (!(await ping(port))) {
      if (failure !== undefined || Date.now() > deadline) {
        current = undefined;
        await stopProcess(server, 'SIGKILL');
        if (failure === REDIS_MISSING_MESSAGE) throw new Error(REDIS_MISSING_MESSAGE);
        throw new Error(`redis-server on port ${port} ${failure ?? 'did not answer in time'}:\n${server.output()}`);
      }
      await sleep(20);
    }
  };

  const down = async () => {
    const server = current;
    current = undefined;
    server?.child.kill('SIGCONT'); // a hung server cannot act on SIGTERM
    if (server) await stopProcess(server, 'SIGTERM');
  };

  await up();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    down,
    up,
    hang: () => void current?.child.kill('SIGSTOP'),
    resume: () => void current?.child.kill('SIGCONT'),
    async restart() {
      await down();
      await up();
    },
    async stop() {
      if (stopped) return;
      await down();
      stopped = true;
      temp.remove();
    },
  };
}
