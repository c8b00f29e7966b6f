import path from 'node:path';
import { productionNodeOptions } from './processes';

export const REPO_DIR = path.resolve(__dirname, '..');

/** The rows measured on each backend, by the ids --rows takes. */
export const ROW_IDS = ['sign-in-page', 'werkblad', 'password-step', 'sms-step', 'full-sign-in', 'stack-ceiling'];

export interface BenchOptions {
  smoke: boolean;
  /** Seconds of measured load per row (rows driven by a fixed amount of work ignore it). */
  durationSeconds: number;
  /** Seconds of unmeasured load before each row (JIT, template cache, connection pools). */
  warmupSeconds: number;
  connections: number;
  /** Signed-in sessions spread over the connections for the Werkblad row. */
  sessions: number;
  /** Half sessions prepared for the SMS code step row (each one is used once). */
  halfSessions: number;
  /** Patients with SMS two-step, used in turn by the full sign-in row. */
  smsPatients: number;
  /** The pages against the stack ceiling: pairs of alternating blocks, and requests per block. */
  pairedBlocks: number;
  pairedBlockRequests: number;
  backends: Array<'sqlite' | 'redis-postgres'>;
  /** The app to measure (a checkout with src/, views/, public/); this repository by default. */
  appDir: string;
  /**
   * How the app child runs: `node` runs the production build (`npm run build`, made by the bench
   * first); `tsx-import` is what `npm start` (the tsx CLI) does; `tsx-require` registers tsx for
   * require() only (no ESM loader thread).
   */
  loader: 'tsx-import' | 'tsx-require' | 'node';
  /** The app's entry file, relative to appDir; by default the one of the loader. */
  entry: string;
  /**
   * Node options for the app child: by default those of `npm run start:production` (loader
   * node); --app-node-args replaces them, for experiments.
   */
  appNodeArgs: string[];
  /** Where latest.json and latest.md go; smoke runs write to a temporary directory. */
  outDir?: string;
  /** Write a V8 CPU profile of the app child per backend into this directory. */
  profileDir?: string;
  /** Only these rows of each backend (ids as in ROW_IDS); all when unset. */
  rows?: Set<string>;
  /** Exit 1 when a target fails (the bench is not a test: by default it only reports). */
  strict: boolean;
  /** Hard limit for the whole run, after which it is aborted. */
  timeLimitSeconds: number;
}

const USAGE = `Usage: npm run bench -- [--smoke] [--duration S] [--warmup S] [--connections N] [--half-sessions N]
  [--only sqlite|redis-postgres] [--app-dir DIR] [--loader tsx-import|tsx-require|node] [--entry FILE] [--app-node-args "ARGS"]
  [--rows ${ROW_IDS.join(',')}] [--out DIR] [--profile DIR] [--strict]`;

function numberArg(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!value || !Number.isFinite(n) || n <= 0) throw new Error(`${name} needs a positive number\n${USAGE}`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions {
  const smoke = argv.includes('--smoke');
  let appNodeArgs: string[] | undefined;
  const options: Omit<BenchOptions, 'appNodeArgs'> = {
    smoke,
    // Smoke: the same code path with little load, to prove the bench works (CI), not to measure.
    durationSeconds: smoke ? 1 : 10,
    warmupSeconds: smoke ? 0.3 : 3,
    connections: smoke ? 8 : 32,
    sessions: smoke ? 8 : 64,
    halfSessions: smoke ? 40 : 2000,
    smsPatients: smoke ? 100 : 4000,
    pairedBlocks: smoke ? 2 : 12,
    pairedBlockRequests: smoke ? 100 : 1000,
    backends: ['sqlite', 'redis-postgres'],
    appDir: REPO_DIR,
    loader: 'node',
    entry: '',
    strict: false,
    timeLimitSeconds: smoke ? 150 : 1200,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const next = () => argv[++i];
    if (arg === '--smoke') continue;
    else if (arg === '--duration') options.durationSeconds = numberArg(arg, next());
    else if (arg === '--warmup') options.warmupSeconds = numberArg(arg, next());
    else if (arg === '--connections') options.connections = Math.round(numberArg(arg, next()));
    else if (arg === '--half-sessions') options.halfSessions = Math.round(numberArg(arg, next()));
    else if (arg === '--app-dir') options.appDir = path.resolve(next() ?? '.');
    else if (arg === '--entry') options.entry = next() ?? options.entry;
    else if (arg === '--app-node-args') appNodeArgs = (next() ?? '').split(' ').filter(Boolean);
    else if (arg === '--loader') {
      const loader = next();
      if (loader !== 'tsx-import' && loader !== 'tsx-require' && loader !== 'node') throw new Error(`--loader takes tsx-import, tsx-require or node\n${USAGE}`);
      options.loader = loader;
    } else if (arg === '--out') options.outDir = path.resolve(next() ?? '.');
    else if (arg === '--profile') options.profileDir = path.resolve(next() ?? 'bench/profiles');
    else if (arg === '--strict') options.strict = true;
    else if (arg === '--rows') {
      const ids = (next() ?? '').split(',').filter(Boolean);
      const unknown = ids.filter((id) => !ROW_IDS.includes(id));
      if (ids.length === 0 || unknown.length > 0) throw new Error(`--rows takes a comma-separated list of ${ROW_IDS.join(', ')}\n${USAGE}`);
      options.rows = new Set(ids);
    }
    else if (arg === '--only') {
      const backend = next();
      if (backend !== 'sqlite' && backend !== 'redis-postgres') throw new Error(`--only takes sqlite or redis-postgres\n${USAGE}`);
      options.backends = [backend];
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  options.entry ||= options.loader === 'node' ? 'dist/src/server.js' : 'src/server.ts';
  appNodeArgs ??= options.loader === 'node' ? productionNodeOptions(options.appDir) : [];
  return { ...options, appNodeArgs };
}
