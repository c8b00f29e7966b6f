import autocannon from 'autocannon';
import { PROXY_HEADERS } from './http-client';
import { cpuMsOf } from './processes';

/** One request of a load, with the status every answer must have. */
export interface Step extends autocannon.Request {
  expect: number;
}

export interface LoadSpec extends Budget {
  connections: number;
  /** `seconds` of load; or, instead, `amount` requests in total. */
  steps: Step[];
}

export interface LoadResult {
  count: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** Answers whose status was not the step's `expect`, by status ("0" = connection error). */
  unexpected: Record<string, number>;
  /** CPU time the server process spent per request (user + system, all its threads), ms. */
  cpuMsPerRequest?: number;
}

/** Runs `work` and adds the CPU time process `pid` spent per counted request. */
export async function withCpu(pid: number | undefined, work: () => Promise<LoadResult>): Promise<LoadResult> {
  const before = pid === undefined ? undefined : cpuMsOf(pid);
  const result = await work();
  const after = pid === undefined ? undefined : cpuMsOf(pid);
  if (before === undefined || after === undefined || result.count === 0) return result;
  return { ...result, cpuMsPerRequest: (after - before) / result.count };
}

export interface Budget {
  seconds?: number;
  amount?: number;
}

/**
 * How much load a phase gets. Full runs: a duration. Smoke runs: a few rounds per connection, so
 * that the run completes (and proves every row works) even on a slow or busy machine.
 */
export function budget(
  options: { smoke: boolean; connections: number; warmupSeconds: number; durationSeconds: number },
  phase: 'warmup' | 'measure',
  stepsPerRound = 1,
): Budget {
  if (options.smoke) return { amount: options.connections * stepsPerRound * (phase === 'warmup' ? 1 : 3) };
  return { seconds: phase === 'warmup' ? options.warmupSeconds : options.durationSeconds };
}

const HEADER_DEFAULTS = { ...PROXY_HEADERS, 'user-agent': 'karify-bench' };

/** Runs autocannon on 127.0.0.1 and checks every answer's status. */
export function runLoad(base: string, spec: LoadSpec): Promise<LoadResult> {
  const unexpected: Record<string, number> = {};
  const requests = spec.steps.map(({ expect, onResponse, ...request }) => ({
    ...request,
    headers: { ...HEADER_DEFAULTS, ...request.headers },
    onResponse(status: number, body: string, context: object, headers: autocannon.Request['headers']) {
      if (status !== expect) unexpected[status] = (unexpected[status] ?? 0) + 1;
      if (typeof onResponse === 'function') onResponse(status, body, context, headers);
    },
  }));
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: base,
        connections: spec.connections,
        ...(spec.amount ? { amount: spec.amount } : { duration: spec.seconds ?? 1 }),
        requests,
        timeout: 20,
      },
      (err, result) => {
        if (err) return reject(err);
        const count = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
        const errors = result.errors + result.timeouts;
        if (errors > 0) unexpected['0'] = errors;
        const seconds = result.duration;
        resolve({ count, seconds, rps: count / seconds, p50: result.latency.p50, p99: result.latency.p99, unexpected });
      },
    );
  });
}

/** Header value as autocannon hands it over (a string, or an array for repeated headers). */
export function headerValues(headers: autocannon.Request['headers'], name: string): string[] {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() !== name) continue;
    return Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
  }
  return [];
}

/** Percentile (0..100) of a list of numbers, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
