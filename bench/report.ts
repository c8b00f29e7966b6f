import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BackendName } from './backends';
import type { Measurement } from './scenarios';
import type { PageWeight } from './weights';

export interface Row {
  name: string;
  backend?: BackendName;
  result?: Measurement;
  ratio?: { to: string; value: number };
  /** More about the row, for the note column. */
  note?: string;
  /** Peak resident memory (VmHWM) of the app process after this row, MB. */
  peakRssMb?: number;
  skipped?: string;
  error?: string;
}

export interface Target {
  backend: string;
  name: string;
  measured: string;
  pass: boolean;
}

export interface Report {
  generatedAt: string;
  mode: 'full' | 'smoke';
  machine: { cpu: string; cores: number; node: string; os: string; memoryGb: number };
  settings: { connections: number; durationSeconds: number; warmupSeconds: number; sessions: number; halfSessions: number; app: string; appDir: string };
  rows: Row[];
  pageWeights: Array<PageWeight & { backend: BackendName }>;
  targets: Target[];
}

export function machine(): Report['machine'] {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
  };
}

const fixed = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? '' : n.toFixed(digits));
const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '' : n < 10 ? n.toFixed(1) : n.toFixed(0));

const HEADINGS = ['row', 'req/s', 'p50 ms', 'p99 ms', 'ratio', 'CPU ms/req', 'peak RSS MB', 'note'];

function cells(row: Row): string[] {
  const label = row.backend ? `${row.backend}: ${row.name}` : row.name;
  if (row.skipped) return [label, '', '', '', '', '', '', `skipped: ${row.skipped}`];
  if (!row.result) return [label, '', '', '', '', '', fixed(row.peakRssMb), `ERROR: ${row.error ?? 'not measured'}`];
  const r = row.result;
  const ratio = row.ratio ? `${row.ratio.value.toFixed(2)} × ${row.ratio.to}` : '';
  const note = [r.unit ? `per ${r.unit}` : '', `${r.count} in ${r.seconds.toFixed(1)} s`, row.note ?? '', row.error ? `ERROR: ${row.error}` : '']
    .filter(Boolean).join(', ');
  return [label, fixed(r.rps), ms(r.p50), ms(r.p99), ratio, fixed(r.cpuMsPerRequest, 2), fixed(row.peakRssMb), note];
}

function weightCells(w: PageWeight & { backend: string }): string[] {
  return [`${w.backend}: ${w.page}`, String(w.status), (w.htmlGzip / 1024).toFixed(1), (w.cssGzip / 1024).toFixed(1), (w.totalGzip / 1024).toFixed(1)];
}

function textTable(headings: string[], rows: string[][]): string {
  const widths = headings.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(headings), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function markdownTable(headings: string[], rows: string[][]): string {
  const escape = (c: string) => c.replace(/\|/g, '\\|');
  const align = (i: number) => (i === 0 || (i === headings.length - 1 && headings[i] === 'note') ? ' --- ' : ' ---: ');
  return [`| ${headings.join(' | ')} |`, `|${headings.map((_, i) => align(i)).join('|')}|`,
    ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`)].join('\n');
}

const WEIGHT_HEADINGS = ['page', 'status', 'HTML KB gz', 'CSS KB gz', 'total KB gz'];
const TARGET_HEADINGS = ['backend', 'target', 'measured', 'result'];
const targetCells = (t: Target, smoke: boolean) => [t.backend, t.name, t.measured, smoke ? `${t.pass ? 'PASS' : 'FAIL'} (not enforced)` : t.pass ? 'PASS' : 'FAIL'];

export function printReport(report: Report): string {
  const smoke = report.mode === 'smoke';
  const m = report.machine;
  return [
    `Karify bench (${report.mode}), ${report.generatedAt}: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${report.settings.connections} connections`,
    '',
    textTable(HEADINGS, report.rows.map(cells)),
    '',
    textTable(WEIGHT_HEADINGS, report.pageWeights.map(weightCells)),
    '',
    textTable(TARGET_HEADINGS, report.targets.map((t) => targetCells(t, smoke))),
  ].join('\n');
}

export function markdownReport(report: Report): string {
  const m = report.machine;
  return [
    `# Benchmark results (${report.mode})`,
    '',
    `${report.generatedAt} — ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, ${m.os}.`,
    `Loopback, autocannon, ${report.settings.connections} connections, ${report.settings.durationSeconds} s per row after ${report.settings.warmupSeconds} s warm-up; the app runs with NODE_ENV=production as a child process (${report.settings.app}).`,
    'Ratios: the sign-in page and the Werkblad against the stack ceiling of the same backend (the app\'s middleware stack doing almost nothing, bench/stack-server.ts) by CPU time per request, ceiling ÷ page, the median over pairs of alternating blocks of app and ceiling (bench/paired-cpu.ts); the full sign-in\'s CPU time in raw argon2id verifications; the other rows by requests per second.',
    '',
    markdownTable(HEADINGS, report.rows.map(cells)),
    '',
    '## Page weight (gzip)',
    '',
    markdownTable(WEIGHT_HEADINGS, report.pageWeights.map(weightCells)),
    '',
    '## Targets',
    '',
    markdownTable(TARGET_HEADINGS, report.targets.map((t) => targetCells(t, report.mode === 'smoke'))),
    '',
  ].join('\n');
}

export function writeReport(report: Report, dir: string): { json: string; md: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'latest.json');
  const md = path.join(dir, 'latest.md');
  fs.writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(md, markdownReport(report));
  return { json, md };
}
