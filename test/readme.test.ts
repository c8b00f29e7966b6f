import fs from 'node:fs';
import path from 'node:path';
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
});
