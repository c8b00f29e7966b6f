import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { productionNodeOptions } from '../bench/processes';
import { loadConfig } from '../src/config';
import { validEmail } from '../src/cli/validation';

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

  it('gives a production configuration in deploy/karify.env.example that starts once the secrets are filled in, for the nginx site\'s host', () => {
    const example = fs.readFileSync(path.join(ROOT, 'deploy/karify.env.example'), 'utf8');
    const env = Object.fromEntries([...example.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    const secret = 'x'.repeat(48);
    const config = loadConfig({ ...env, SESSION_SECRET: secret, TOTP_ENCRYPTION_KEY: secret, VONAGE_API_KEY: 'key', VONAGE_API_SECRET: 'secret' });
    const site = fs.readFileSync(path.join(ROOT, 'deploy/nginx-karify.conf'), 'utf8');
    const hosts = new Set([...site.matchAll(/^\s*server_name (\S+);/gm)].map((m) => m[1]!));
    expect([...hosts]).to.deep.equal([new URL(config.webauthn.origin).hostname]);
  });

  it('shows admin commands with e-mail addresses the commands take', () => {
    const addresses = [...readme.matchAll(/npm run admin -- [\w-]+ [^\n]*?--email (\S+)/g)].map((m) => m[1]!);
    expect(addresses.length).to.be.greaterThan(5);
    for (const address of addresses) expect(() => validEmail(address), address).not.to.throw();
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
