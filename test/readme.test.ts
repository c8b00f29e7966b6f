import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { productionNodeOptions } from '../bench/processes';

const ROOT = path.resolve(__dirname, '..');

describe('README', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  it('documents every environment variable the config module reads', () => {
    const source = fs.readFileSync(path.join(ROOT, 'src/config/index.ts'), 'utf8');
    const variables = [...source.matchAll(/read\.\w+\('([A-Z_]+)'/g)].map((m) => m[1]!);
    expect(variables.length).to.be.greaterThan(30);
    const table = new Set([...readme.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!));
    for (const variable of variables) expect(table.has(variable), variable).to.equal(true);
  });

  it('names the test command that .ci/run runs', () => {
    const ci = fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
    const command = 'npm install && npm run test:all';
    expect(ci).to.include(command);
    expect(readme).to.include(command);
  });

  it('deploys with the command npm run start:production runs, which the bench measures', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const unit = fs.readFileSync(path.join(ROOT, 'deploy/karify.service'), 'utf8');
    const execStart = /^ExecStart=\/usr\/bin\/(.+)$/m.exec(unit)?.[1];
    expect(execStart).to.equal(scripts['start:production']);
    expect(productionNodeOptions(ROOT)).to.deep.equal(scripts['start:production']!.split(' ').slice(1, -1));
    expect(readme).to.include(scripts['start:production']);
  });

  it('counts the SQLite statements of a full sign-in as bench/count-statements.ts counts them today', async function () {
    this.timeout(60_000);
    const claimed = /A full sign-in is (\d+) statements \(`bench\/count-statements\.ts`: ([\d +]+)\)/.exec(readme.replace(/\s+/g, ' '));
    expect(claimed, 'the sentence in Benchmarks').not.to.equal(null);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/count-statements.ts'], { cwd: ROOT });
    const counted = (label: string) => Number(new RegExp(`^${label.replace(/[()/]/g, '\\$&')}: (\\d+) SQL statements$`, 'm').exec(stdout)?.[1]);
    const steps = ['GET /inloggen (anonymous)', 'POST /inloggen (two-step on: half session, SMS)', 'GET /inloggen/code', 'POST /inloggen/code (right code)', 'GET /werkblad'].map(counted);
    expect(steps.join(' + '), 'per request').to.equal(claimed![2]!.trim());
    expect(steps.reduce((a, b) => a + b, 0), 'in all').to.equal(Number(claimed![1]));
  });
});
