import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import knex from 'knex';
import { rawRequest } from './support/http-client';
import { freeLoopbackPort } from './support/redis-server';

const ROOT = path.resolve(__dirname, '..');

async function eventually(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('condition not reached in time');
}

/** The production build (npm run build → node dist/src/server.js) runs the same app as npm start. */
describe('production build', function () {
  this.timeout(240_000);
  // Inside the checkout, as dist/ is: the build finds views/, public/ and migrations/ from there.
  const outDir = path.join(ROOT, `.build-test-${process.pid}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'karify-build-'));
  const sqliteFile = path.join(dataDir, 'karify.sqlite3');
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    SQLITE_FILE: sqliteFile,
    SESSION_SECRET: crypto.randomBytes(32).toString('base64url'),
    TOTP_ENCRYPTION_KEY: crypto.randomBytes(32).toString('hex'),
    SMS_PROVIDER: 'vonage',
    VONAGE_API_KEY: 'test-key',
    VONAGE_API_SECRET: 'test-secret',
    SMTP_URL: 'smtp://127.0.0.1:2525',
    MAIL_FROM: 'Karify <noreply@example.nl>',
    PUBLIC_URL: 'https://karify.example.nl',
    LOG_LEVEL: 'warn',
  };
  const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8' });

  before(() => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT, stdio: 'inherit' });
  });
  after(() => {
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shares the schema history with the TypeScript sources: migrated by one, up to date for the other', async () => {
    expect(run(['--import', 'tsx', 'src/cli/migrate.ts', '--help']), '--help: the usage, nothing migrated').to.match(/^Usage: npm run migrate\n/);
    expect(fs.existsSync(sqliteFile), 'no database made by --help').to.equal(false);
    expect(run(['--import', 'tsx', 'src/cli/migrate.ts'])).to.match(/^Applied: .*_foundation\.ts/);
    expect(run([path.join(outDir, 'src', 'cli', 'migrate.js')]).trim()).to.equal('The database is up to date.');
    const db = knex({ client: 'sqlite3', connection: { filename: sqliteFile }, useNullAsDefault: true });
    try {
      const names = (await db('knex_migrations').pluck('name')) as string[];
      expect(names).to.deep.equal(fs.readdirSync(path.join(ROOT, 'migrations')).filter((f) => f.endsWith('.ts')).sort());
    } finally {
      await db.destroy();
    }
  });

  it('serves the sign-in page with its stylesheet, and stops cleanly on SIGTERM', async () => {
    const port = await freeLoopbackPort();
    const child = spawn(process.execPath, [path.join(outDir, 'src', 'server.js')], { cwd: ROOT, env: { ...env, PORT: String(port), LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      await eventually(async () => (await fetch(`${base}/healthz`)).ok);
      const page = await fetch(`${base}/inloggen`);
      expect(page.status).to.equal(200);
      const html = await page.text();
      expect(html).to.contain('<html lang="nl">').and.contain('Inloggen');
      const css = html.match(/href="(\/css\/app\.css\?v=[0-9a-f]+)"/)?.[1];
      expect(css, 'stylesheet link').to.be.a('string');
      expect((await fetch(`${base}${css}`)).status).to.equal(200);
      const oversized = await rawRequest(port, `GET /inloggen HTTP/1.1\r\nHost: localhost\r\nCookie: k=${'x'.repeat(20_000)}\r\n\r\n`);
      expect(oversized, 'headers over the limit: the Dutch page').to.match(/^HTTP\/1\.1 431 /).and.include('Verzoek te groot');
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
      expect(log, 'the unreadable request logged').to.include('"msg":"unreadable request"');
      expect(log, 'the start-up line names the address patients use').to.include(`Karify listening on http://127.0.0.1:${port}, for patients at https://karify.example.nl`);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
