import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startFakeVonage } from '../support/fake-vonage';
import { HttpClient, listen } from '../support/http-client';
import { startPostgresServer } from '../support/postgres-server';
import { freeLoopbackPort, startRedisServer } from '../support/redis-server';
import { startTestRuntime } from '../support/runtime';
import { patientWithSms } from '../support/two-factor';

const ROOT = path.resolve(__dirname, '..', '..');

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('condition not reached in time');
}

describe('faults: the patient gets a clear page, nothing crashes, service comes back', function () {
  this.timeout(90_000);

  it('Redis stops mid-run: 503 "Tijdelijk niet beschikbaar", then recovery when it returns', async () => {
    const redis = await startRedisServer();
    const rt = await startTestRuntime({ REDIS_URL: redis.url });
    const server = await listen(rt.app);
    try {
      const patient = await rt.createPatient();
      const browser = new HttpClient();
      expect((await browser.submit(`${server.url}/inloggen`, { email: patient.email, password: patient.password })).location).to.equal('/werkblad');

      await redis.down();
      const during = await browser.get(`${server.url}/werkblad`);
      expect(during.status).to.equal(503);
      expect(during.text).to.include('Tijdelijk niet beschikbaar');
      expect(during.text).not.to.match(/ECONNREFUSED|Error:|at .*\.ts/);
      expect((await browser.get(`${server.url}/readyz`)).status).to.equal(503);
      expect((await browser.get(`${server.url}/healthz`)).status).to.equal(200);

      await redis.up();
      await eventually(async () => (await browser.get(`${server.url}/readyz`)).status === 200);
      // Redis lost its keys (no persistence in the test): the patient signs in again, and that works.
      const again = new HttpClient();
      expect((await again.submit(`${server.url}/inloggen`, { email: patient.email, password: patient.password })).location).to.equal('/werkblad');
      expect((await again.get(`${server.url}/werkblad`)).status).to.equal(200);
    } finally {
      await server.close();
      await rt.close();
      await redis.stop();
    }
  });

  it('Redis hangs (stopped, its connections open): a page waits at most REQUEST_TIMEOUT_SECONDS for the 503, and all goes on when it answers again', async () => {
    const redis = await startRedisServer();
    const rt = await startTestRuntime({ REDIS_URL: redis.url, REQUEST_TIMEOUT_SECONDS: '3', VONAGE_TIMEOUT_MS: '500' });
    const server = await listen(rt.app);
    try {
      const patient = await rt.createPatient();
      const browser = new HttpClient();
      expect((await browser.submit(`${server.url}/inloggen`, { email: patient.email, password: patient.password })).location).to.equal('/werkblad');

      redis.hang();
      const started = Date.now();
      const during = await browser.get(`${server.url}/werkblad`);
      const waited = Date.now() - started;
      expect(during.status).to.equal(503);
      expect(during.text).to.include('Tijdelijk niet beschikbaar').and.not.include('niet opgeslagen');
      expect(waited, 'ms until the answer').to.be.within(2_900, 6_000);

      redis.resume();
      await eventually(async () => (await browser.get(`${server.url}/werkblad`)).status === 200);
    } finally {
      redis.resume();
      await server.close();
      await rt.close();
      await redis.stop();
    }
  });

  it('the database becomes unreachable: 503, and the session survives until it is back', async () => {
    const pg = await startPostgresServer('karify_fault');
    const rt = await startTestRuntime({ DATABASE_URL: pg.url });
    const server = await listen(rt.app);
    try {
      const patient = await rt.createPatient();
      const browser = new HttpClient();
      await browser.submit(`${server.url}/inloggen`, { email: patient.email, password: patient.password });

      await pg.down();
      const during = await browser.get(`${server.url}/werkblad`);
      expect(during.status).to.equal(503);
      expect(during.text).to.include('Tijdelijk niet beschikbaar');
      expect((await browser.get(`${server.url}/readyz`)).status).to.equal(503);
      const signIn = await new HttpClient().get(`${server.url}/inloggen`);
      expect(signIn.status).to.be.oneOf([200, 503]);

      await pg.up();
      await eventually(async () => (await browser.get(`${server.url}/werkblad`)).status === 200);
    } finally {
      await server.close();
      await rt.close();
      await pg.stop();
    }
  });

  it('the database is unreachable while Redis counts sign-ins: a right password tried during it is no failed attempt, and signs in after it', async () => {
    const [pg, redis] = await Promise.all([startPostgresServer('karify_fault_throttle'), startRedisServer()]);
    const rt = await startTestRuntime({ DATABASE_URL: pg.url, REDIS_URL: redis.url, SIGNIN_FREE_FAILURES_PER_ACCOUNT: '3' });
    const server = await listen(rt.app);
    try {
      const patient = await rt.createPatient();
      await pg.down();
      for (let i = 0; i < 6; i += 1) {
        const during = await new HttpClient().submit(`${server.url}/inloggen`, { email: patient.email, password: patient.password });
        expect(during.status, `attempt ${i + 1} during the outage`).to.equal(503);
      }
      await pg.up();
      await eventually(async () => (await new HttpClient().get(`${server.url}/readyz`)).status === 200);
      const after = await new HttpClient().submit(`${server.url}/inloggen`, { email: patient.email, password: patient.password });
      expect(after.location, after.text.match(/<li><a href="#\w+">([^<]+)/)?.[1] ?? String(after.status)).to.equal('/werkblad');
    } finally {
      await server.close();
      await rt.close();
      await Promise.all([pg.stop(), redis.stop()]);
    }
  });

  it('a question sent while the database is away is shown back to copy on the 503 page, not lost', async () => {
    const [pg, redis] = await Promise.all([startPostgresServer('karify_fault_question'), startRedisServer()]);
    const rt = await startTestRuntime({ DATABASE_URL: pg.url, REDIS_URL: redis.url });
    const server = await listen(rt.app);
    try {
      const browser = new HttpClient();
      const form = `${server.url}/hulp/vragenformulier`;
      const token = /name="_csrf" value="([^"]+)"/.exec((await browser.get(form)).text)![1]!;
      await pg.down();
      const question = 'Ik krijg geen SMS meer sinds ik een nieuwe telefoon heb. Wat moet ik doen?';
      const res = await browser.post(form, { _csrf: token, name: 'Jan', email: 'jan@example.nl', question }, { referer: form });
      expect(res.status).to.equal(503);
      expect(res.text).to.include('<h1>Tijdelijk niet beschikbaar</h1>').and.include('Daarom is wat je verstuurde niet opgeslagen.');
      expect(res.text).to.include('<label for="kept-question">Je vraag</label>').and.include(`readonly>${question}</textarea>`);
      expect(res.text).to.include('href="/hulp/vragenformulier"');
    } finally {
      await pg.up().catch(() => undefined);
      await server.close();
      await rt.close();
      await Promise.all([pg.stop(), redis.stop()]);
    }
  });

  it('SIGTERM: stops accepting, finishes the request in flight, closes everything and exits 0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'karify-sigterm-'));
    const sqliteFile = path.join(dir, 'karify.sqlite3');
    const vonage = await startFakeVonage();
    const port = await freeLoopbackPort();
    const env = {
      NODE_ENV: 'test', SQLITE_FILE: sqliteFile, SMS_PROVIDER: 'vonage', VONAGE_API_KEY: 'test-key',
      VONAGE_API_SECRET: 'test-secret', VONAGE_REST_HOST: vonage.url, VONAGE_TIMEOUT_MS: '5000',
    };
    const setup = await startTestRuntime(env);
    const patient = await patientWithSms(setup, '+31644444444');
    await setup.close();

    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'silent', DATABASE_URL: '', REDIS_URL: '' },
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      await eventually(async () => (await fetch(`${base}/healthz`)).ok);
      const browser = new HttpClient();
      vonage.delayNext(1500); // the password step waits on the SMS: a request in flight
      const inFlight = browser.submit(`${base}/inloggen`, { email: patient.email, password: patient.password });
      await new Promise((r) => setTimeout(r, 500));
      child.kill('SIGTERM');
      const response = await inFlight;
      expect(response.location).to.equal('/inloggen/code');
      expect(await exited).to.equal(0);
      const refused = await fetch(`${base}/healthz`).then(() => false, () => true);
      expect(refused).to.equal(true);
      expect(vonage.messages).to.have.length(1);
    } finally {
      child.kill('SIGKILL');
      await vonage.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a restart mid-sign-in continues where the patient was', async () => {
    const vonage = await startFakeVonage();
    const env = {
      TEST_DB_KEY: `restart_sign_in_${Date.now()}`, SMS_PROVIDER: 'vonage', VONAGE_API_KEY: 'test-key',
      VONAGE_API_SECRET: 'test-secret', VONAGE_REST_HOST: vonage.url,
    };
    const first = await startTestRuntime(env);
    const patient = await patientWithSms(first, '+31655555555');
    const firstServer = await listen(first.app);
    const browser = new HttpClient();
    await browser.submit(`${firstServer.url}/inloggen`, { email: patient.email, password: patient.password });
    await firstServer.close();
    await first.close();

    const second = await startTestRuntime(env);
    const secondServer = await listen(second.app);
    try {
      const code = /\b(\d{6})\b/.exec(vonage.messages.at(-1)!.text)![1]!;
      const res = await browser.submit(`${secondServer.url}/inloggen/code`, { code });
      expect(res.location).to.equal('/werkblad');
    } finally {
      await secondServer.close();
      await second.close();
      await vonage.stop();
    }
  });
});
