import type { BackendName } from './backends';
import type { Row, Target } from './report';
import type { PageWeight } from './weights';

/** The rows every backend is compared with. */
export const REFERENCE_ROW = {
  baseline: 'bare Express (hello page)',
  ceiling: 'raw argon2id verify (ceiling)',
} as const;

export const ROW = {
  stackCeilingPage: 'stack ceiling, anonymous page',
  stackCeilingSignedIn: 'stack ceiling, signed-in page',
  signInPage: 'sign-in page (GET, anonymous)',
  werkblad: 'Werkblad (signed in)',
  passwordStep: 'password step (POST, argon2id)',
  smsStep: 'SMS code step (POST)',
  fullSignIn: 'full sign-in (password + code + Werkblad)',
} as const;

/** What the page rows and the full sign-in are measured against, as the report's ratio column says it. */
export const RATIO_TO = {
  stackCeiling: 'stack ceiling (CPU)',
  bareExpress: 'bare Express',
  argon2Rate: 'argon2id ceiling',
  argon2Cpu: 'argon2id verify (CPU)',
} as const;

/**
 * The targets. Pages are compared with the stack ceiling of the same backend (bench/stack-server.ts:
 * the app's middleware stack doing almost nothing, a page of the same size) by CPU time per
 * request, ceiling ÷ page, which a busy machine disturbs far less than requests per second, and
 * in alternating blocks of the two (bench/paired-cpu.ts), so the machine's drift during a run
 * cancels out.
 */
export const TARGETS = {
  /** Sign-in page vs the ceiling's anonymous page, Werkblad vs its signed-in page. */
  pageOfStackCeiling: 0.8,
  /** Password step requests/s vs raw argon2id verifications/s. */
  passwordStepOfArgon2: 0.8,
  /** CPU of one full sign-in (5 requests) in argon2id verifications' CPU: at most this many. */
  fullSignInInArgon2Verifies: 1.5,
  p99Ms: 50,
  memoryMb: 150,
  pageBudgetBytes: 14 * 1024,
} as const;

/** The page requests whose p99 the latency target covers: the pages a patient waits for, not argon2id. */
const PAGE_ROWS: string[] = [ROW.signInPage, ROW.werkblad];

/** The targets, as ratios within the same run, per backend that ran. */
export function evaluateTargets(rows: Row[], weights: Array<PageWeight & { backend: BackendName }>, backends: BackendName[]): Target[] {
  const targets: Target[] = [];
  for (const backend of backends) {
    const find = (name: string) => rows.find((r) => r.backend === backend && r.name === name);
    const ratioTarget = (name: string, bound: 'min' | 'max', limit: number, to: string) => {
      const ratio = find(name)?.ratio?.value;
      const pass = ratio !== undefined && (bound === 'min' ? ratio >= limit : ratio <= limit);
      targets.push({ backend, name: `${name} ${bound === 'min' ? '≥' : '≤'} ${limit} × ${to}`, measured: ratio === undefined ? 'not measured' : `${ratio.toFixed(2)} ×`, pass });
    };
    ratioTarget(ROW.signInPage, 'min', TARGETS.pageOfStackCeiling, RATIO_TO.stackCeiling);
    ratioTarget(ROW.werkblad, 'min', TARGETS.pageOfStackCeiling, RATIO_TO.stackCeiling);
    ratioTarget(ROW.passwordStep, 'min', TARGETS.passwordStepOfArgon2, RATIO_TO.argon2Rate);
    ratioTarget(ROW.fullSignIn, 'max', TARGETS.fullSignInInArgon2Verifies, RATIO_TO.argon2Cpu);

    const p99s = PAGE_ROWS.map((name) => find(name)?.result?.p99);
    const worst = p99s.some((p) => p === undefined) ? undefined : Math.max(...(p99s as number[]));
    targets.push({ backend, name: `p99 of page requests (sign-in page, Werkblad) ≤ ${TARGETS.p99Ms} ms`, measured: worst === undefined ? 'not measured' : `${worst.toFixed(0)} ms`, pass: worst !== undefined && worst <= TARGETS.p99Ms });

    const peaks = rows.filter((r) => r.backend === backend && r.peakRssMb !== undefined).map((r) => r.peakRssMb!);
    const peak = peaks.length > 0 ? Math.max(...peaks) : undefined;
    targets.push({ backend, name: `peak memory of the app (VmHWM) ≤ ${TARGETS.memoryMb} MB`, measured: peak === undefined ? 'not measured' : `${peak.toFixed(0)} MB`, pass: peak !== undefined && peak <= TARGETS.memoryMb });

    const pages = weights.filter((w) => w.backend === backend);
    const heaviest = pages.reduce<PageWeight | undefined>((a, w) => (a && a.totalGzip >= w.totalGzip ? a : w), undefined);
    targets.push({
      backend,
      name: 'every page ≤ 14 KB gzip (HTML + CSS)',
      measured: heaviest ? `${(heaviest.totalGzip / 1024).toFixed(1)} KB (${heaviest.page})` : 'not measured',
      pass: heaviest !== undefined && heaviest.totalGzip <= TARGETS.pageBudgetBytes,
    });
  }
  return targets;
}
