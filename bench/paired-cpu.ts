import { runLoad, type Step } from './load';
import { cpuMsOf } from './processes';

/** A server under load: its process (for its CPU time) and the requests a block sends it. */
export interface CpuSubject {
  pid: number;
  base: string;
  steps: Step[];
}

export interface PairedCpu {
  /** CPU µs per request of A and of B, one value per block. */
  a: number[];
  b: number[];
  /** B ÷ A per pair of blocks. */
  ratios: number[];
}

/**
 * CPU time per request of two servers measured in alternating blocks (A B, B A, …), so a machine
 * that speeds up or slows down during the run changes both alike: the ratio per pair of
 * neighbouring blocks stays put, where two rows measured a minute apart can differ by half.
 */
export async function pairedCpu(a: CpuSubject, b: CpuSubject, spec: { connections: number; blocks: number; perBlock: number; warmupBlocks: number }): Promise<PairedCpu> {
  const block = async (subject: CpuSubject): Promise<number> => {
    const before = cpuMsOf(subject.pid);
    const result = await runLoad(subject.base, { connections: spec.connections, amount: spec.perBlock, steps: subject.steps });
    const after = cpuMsOf(subject.pid);
    if (Object.keys(result.unexpected).length > 0) throw new Error(`unexpected answers ${JSON.stringify(result.unexpected)}`);
    if (before === undefined || after === undefined) throw new Error('CPU time is read from /proc (Linux only)');
    return ((after - before) * 1000) / result.count;
  };
  for (let i = 0; i < spec.warmupBlocks; i += 1) {
    await block(a);
    await block(b);
  }
  const paired: PairedCpu = { a: [], b: [], ratios: [] };
  for (let i = 0; i < spec.blocks; i += 1) {
    const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
    const one = await block(first);
    const two = await block(second);
    const [cpuA, cpuB] = first === a ? [one, two] : [two, one];
    paired.a.push(cpuA);
    paired.b.push(cpuB);
    paired.ratios.push(cpuB / cpuA);
  }
  return paired;
}

/** The p-quantile (0–1) of the values, by nearest rank. */
export function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((m, n) => m - n);
  return sorted[Math.round(p * (sorted.length - 1))]!;
}

/** "median (IQR low–high)". */
export function medianWithIqr(values: number[], digits: number): string {
  return `${quantile(values, 0.5).toFixed(digits)} (IQR ${quantile(values, 0.25).toFixed(digits)}–${quantile(values, 0.75).toFixed(digits)})`;
}
