import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import knex from 'knex';
import { findExecutable, freeLoopbackPort, spawnServer, SpawnedServer, stopProcess, temporaryDir } from './redis-server';

/** A real PostgreSQL server the test started and owns, with one empty database. */
export interface TestPostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/<database> (trust authentication, loopback only). */
  url: string;
  port: number;
  database: string;
  /** Takes the server down (fast shutdown), keeping its data; `up()` starts it again. */
  down(): Promise<void>;
  up(): Promise<void>;
  restart(): Promise<void>;
  /** Shuts it down and removes its data directory. Safe to call twice. */
  stop(): Promise<void>;
}

export const POSTGRES_MISSING_MESSAGE =
  'PostgreSQL is not installed: install the Debian package postgresql (apt-get install postgresql), or run npm run test:all as root';

const STARTUP_TIMEOUT_MS = 20_000;
const SUPERUSER = 'postgres';

/** The directory with initdb and postgres: Debian's /usr/lib/postgresql/<version>/bin (newest), else PATH. */
export function findPostgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs.readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a))
    : [];
  for (const version of versions) {
    const bin = path.join(root, version, 'bin');
    if (fs.existsSync(path.join(bin, 'initdb')) && fs.existsSync(path.join(bin, 'postgres'))) return bin;
  }
  const initdb = findExecutable('initdb');
  if (initdb && fs.existsSync(path.join(path.dirname(initdb), 'postgres'))) return path.dirname(initdb);
  return undefined;
}

function osUser(name: string): { uid: number; gid: number } | undefined {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
}

const silentLog = { warn() {}, error() {}, deprecate() {}, debug() {} };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts PostgreSQL on a free loopback port with a fresh cluster in a temporary directory.
 * initdb and postgres refuse to run as root, so as root they run as the `postgres` system user
 * (which the Debian package creates).
 */
export async function startPostgresServer(database = 'karify_test'): Promise<TestPostgresServer> {
  const bin = findPostgresBinDir();
  if (!bin) throw new Error(POSTGRES_MISSING_MESSAGE);
  const isRoot = process.getuid?.() === 0;
  const owner = isRoot ? osUser('postgres') : undefined;
  if (isRoot && !owner) throw new Error(`running as root, but there is no "postgres" system user to run PostgreSQL as. ${POSTGRES_MISSING_MESSAGE}`);
  const runuser = isRoot ? findExecutable('runuser') : undefined;
  if (isRoot && !runuser) throw new Error('running as root, but runuser (Debian package util-linux) is missing: it is needed to run initdb as postgres');

  const temp = temporaryDir('karify-pg-');
  const dir = temp.path;
  const dataDir = path.join(dir, 'data');
  if (owner) fs.chownSync(dir, owner.uid, owner.gid);
  const removeDir = () => temp.remove();

  const initdbArgs = [path.join(bin, 'initdb'), '-D', dataDir, '-U', SUPERUSER, '--auth=trust', '--no-sync', '-E', 'UTF8', '--no-locale'];
  const init = runuser
    ? spawnSync(runuser, ['-u', 'postgres', '--', ...initdbArgs], { encoding: 'utf8', cwd: dir })
    : spawnSync(initdbArgs[0]!, initdbArgs.slice(1), { encoding: 'utf8', cwd: dir });
  if (init.status !== 0) {
    removeDir();
    throw new Error(`initdb failed (${init.error?.message ?? `exit ${init.status}`}):\n${init.stdout ?? ''}${init.stderr ?? ''}`);
  }

  const port = await freeLoopbackPort();
  const url = `postgres://${SUPERUSER}@127.0.0.1:${port}/${database}`;
  let current: SpawnedServer | undefined;
  let stopped = false;

  const canConnect = async (db: string) => {
    const client = knex({ client: 'pg', connection: `postgres://${SUPERUSER}@127.0.0.1:${port}/${db}`, pool: { min: 0, max: 1 }, acquireConnectionTimeout: 1000, log: silentLog });
    try {
      await client.raw('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.destroy();
    }
  };

  const up = async () => {
    if (stopped) throw new Error('this PostgreSQL server was stopped for good; start a new one');
    if (current) return;
    // As root, node switches to the postgres user itself (spawn uid/gid): then the postmaster is our
    // direct child, gets our signals, and (through setpriv --pdeathsig) dies with this process.
    const server = spawnServer(path.join(bin, 'postgres'), [
      '-D', dataDir,
      '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `unix_socket_directories=${dir}`,
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
      '-c', 'max_connections=50',
      '-c', 'max_wal_size=128MB', // the WAL of hundreds of short-lived databases stays small
    ], { cwd: dir, uid: owner?.uid, gid: owner?.gid });
    current = server;
    let failure: string | undefined;
    void server.exited.then(({ code, signal }) => {
      failure = `exited early (code ${code}, signal ${signal})`;
    });
    void server.spawnError.then((err) => {
      failure = `could not be started: ${err.message}`;
    });
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (!(await canConnect('postgres'))) {
      if (failure !== undefined || Date.now() > deadline) {
        current = undefined;
        await stopProcess(server, 'SIGKILL');
        throw new Error(`PostgreSQL on port ${port} ${failure ?? 'did not accept connections in time'}:\n${server.output()}`);
      }
      await sleep(50);
    }
  };

  const down = async () => {
    const server = current;
    current = undefined;
    if (server) await stopProcess(server, 'SIGINT'); // SIGINT = fast shutdown: ends open connections
  };

  try {
    await up();
    const admin = knex({ client: 'pg', connection: `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`, pool: { min: 0, max: 1 }, log: silentLog });
    try {
      await admin.raw('create database ??', [database]);
    } finally {
      await admin.destroy();
    }
  } catch (err) {
    await down();
    removeDir();
    throw err;
  }

  return {
    url,
    port,
    database,
    down,
    up,
    async restart() {
      await down();
      await up();
    },
    async stop() {
      if (stopped) return;
      await down();
      stopped = true;
      removeDir();
    },
  };
}
