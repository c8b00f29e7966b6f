import { Algorithm, verify } from '@node-rs/argon2';
import { DEFAULT_ARGON2_OPTIONS } from '../src/domain/passwords';

/**
 * The raw argon2id ceiling: the app's verification (same library, parameters and hash) run
 * directly, with as many verifications in flight as the bench has connections, for a fixed time.
 * Usage: node --import tsx bench/argon2-ceiling.ts <hash> <password> <concurrency> <warmup s> <seconds>
 * Prints one JSON line: { count, seconds, cpuMs, latenciesMs }.
 */
async function main(): Promise<void> {
  const [hash = '', password = '', concurrencyText = '32', warmupText = '1', secondsText = '5'] = process.argv.slice(2);
  const options = { algorithm: Algorithm.Argon2id, ...DEFAULT_ARGON2_OPTIONS };
  const concurrency = Number(concurrencyText);
  const latencies: number[] = [];
  let measuring = false;
  let running = true;

  async function worker(): Promise<void> {
    while (running) {
      const started = performance.now();
      if (!(await verify(hash, password, options))) throw new Error('the hash does not match the password');
      if (measuring && running) latencies.push(performance.now() - started);
    }
  }

  const workers = Array.from({ length: concurrency }, worker);
  await new Promise((resolve) => setTimeout(resolve, Number(warmupText) * 1000));
  measuring = true;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, Number(secondsText) * 1000));
  // On a slow or busy machine, wait for at least one verification per worker.
  while (latencies.length < concurrency) await new Promise((resolve) => setTimeout(resolve, 10));
  running = false;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const count = latencies.length;
  await Promise.all(workers);
  process.stdout.write(`${JSON.stringify({ count, seconds, cpuMs, latenciesMs: latencies })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
