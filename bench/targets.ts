import type { BackendName } from './backends';
import type { Row, Target } from './report';
import type { PageWeight } from './weights';

/** The rows every backend is compared with. */
export const REFERENCE_ROW = {
  baseline: 'bare Express (hello page)',
  ceiling: 'raw argon2id verify (ceiling)',
} as const;

export const ROW = {
  signInPage: 'sign-in page (GET, anonymous)',
  werkblad: 'Werkblad (signed in)',
  passwordStep: 'password step (POST, argon2id)',
  smsStep: 'SMS code step (POST)',
  fullSignIn: 'full sign-in (password + code + Werkblad)',
} as const;

/** The page requests whose p99 the latency target covers: the pages a patient waits for, not argon2id. */
const PAGE_ROWS: string[] = [ROW.signInPage, ROW.werkblad];

const BUDGET_BYTES = 14 * 1024;
const MEMORY_MB = 150;
const P99_MS = 50;

/** The targets, as ratios within the same run, per backend that ran. */
export function evaluateTargets(rows: Row[], weights: Array<PageWeight & { backend: BackendName }>, backends: BackendName[]): Target[] {
  const targets: Target[] = [];
  for (const backend of backends) {
    const find = (name: string) => rows.find((r) => r.backend === backend && r.name === name);
    const ratioTarget = (name: string, min: number, to: string) => {
      const ratio = find(name)?.ratio?.value;
      targets.push({ backend, name: `${name} ≥ ${min} × ${to}`, measured: ratio === undefined ? 'not measured' : `${ratio.toFixed(2)} ×`, pass: ratio !== undefined && ratio >= min });
    };
    ratioTarget(ROW.werkblad, 0.35, 'bare Express');
    ratioTarget(ROW.signInPage, 0.5, 'bare Express');
    ratioTarget(ROW.passwordStep, 0.8, 'argon2id ceiling');

    const p99s = PAGE_ROWS.map((name) => find(name)?.result?.p99);
    const worst = p99s.some((p) => p === undefined) ? undefined : Math.max(...(p99s as number[]));
    targets.push({ backend, name: `p99 of page requests (sign-in page, Werkblad) ≤ ${P99_MS} ms`, measured: worst === undefined ? 'not measured' : `${worst.toFixed(0)} ms`, pass: worst !== undefined && worst <= P99_MS });

    const peaks = rows.filter((r) => r.backend === backend && r.peakRssMb !== undefined).map((r) => r.peakRssMb!);
    const peak = peaks.length > 0 ? Math.max(...peaks) : undefined;
    targets.push({ backend, name: `peak memory of the app (VmHWM) ≤ ${MEMORY_MB} MB`, measured: peak === undefined ? 'not measured' : `${peak.toFixed(0)} MB`, pass: peak !== undefined && peak <= MEMORY_MB });

    const pages = weights.filter((w) => w.backend === backend);
    const heaviest = pages.reduce<PageWeight | undefined>((a, w) => (a && a.totalGzip >= w.totalGzip ? a : w), undefined);
    targets.push({
      backend,
      name: 'every page ≤ 14 KB gzip (HTML + CSS)',
      measured: heaviest ? `${(heaviest.totalGzip / 1024).toFixed(1)} KB (${heaviest.page})` : 'not measured',
      pass: heaviest !== undefined && heaviest.totalGzip <= BUDGET_BYTES,
    });
  }
  return targets;
}
