import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { LABELS } from '../bench/backends';
import { REFERENCE_ROW, ROW } from '../bench/targets';

const ROOT = path.resolve(__dirname, '..');

function runSmoke(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // What `npm run bench -- --smoke` runs, without npm in between.
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

// The bench is not a test of speed: the smoke run only proves that every row still works, so
// the bench cannot rot unnoticed. Targets are printed but not enforced.
describe('bench smoke run (npm run bench -- --smoke)', function () {
  this.timeout(180_000);
  let run: Awaited<ReturnType<typeof runSmoke>>;

  before(async () => {
    run = await runSmoke();
  });

  it('exits 0', () => {
    expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(0);
  });

  it('prints the baseline, the argon2id ceiling and every row of both backends, each measured or skipped with a reason', () => {
    for (const name of Object.values(REFERENCE_ROW)) expect(run.stdout).to.include(name);
    for (const backend of Object.keys(LABELS)) {
      for (const name of Object.values(ROW)) {
        const line = run.stdout.split('\n').find((l) => l.startsWith(`${backend}: ${name}`));
        expect(line, `row "${backend}: ${name}"`).to.be.a('string');
        expect(line).to.match(/\d+ in \d+\.\d s|skipped: \S+/);
        expect(line).not.to.include('ERROR');
      }
    }
  });

  it('measures SQLite, weighs the pages and prints a verdict per target', () => {
    expect(run.stdout).to.match(/^sqlite: sign-in page\s+200/m);
    expect(run.stdout).to.match(/^sqlite: Werkblad\s+200/m);
    expect(run.stdout).to.match(/every page ≤ 14 KB gzip .* (PASS|FAIL) \(not enforced\)/);
  });
});
