import { performance } from 'node:perf_hooks';
import { expect } from 'chai';
import { hasherWithQuickSetup } from '../support/counting-hasher';
import { DEFAULT_TEST_PASSWORD } from '../support/runtime';
import { patientWithSms, SmsWorld, startSmsWorld } from '../support/two-factor';
import { codeFor, CookieClient, HttpResult, listen, quantile } from './support';

/**
 * GitHub issue 7: LOAD_PATIENTS (default 100) patients at once, each in its own browser (cookie
 * jar) over real HTTP on the loopback interface: password, SMS code (through the real Vonage SDK
 * to the fake Vonage server), Werkblad, sign-out. Zero errors, everyone reaches the Werkblad.
 */

const PATIENTS = Number(process.env.LOAD_PATIENTS ?? 100);
const TIME_BOUND_MS = 120_000;

// The whole crowd comes from 127.0.0.1: the per-IP and global limits that protect a real
// deployment would throttle it (by design), so they are raised for this test only.
const ENV = {
  SMS_MAX_PER_IP_PER_HOUR: '100000',
  SMS_GLOBAL_DAILY_CAP: '10000000',
  SIGNIN_FREE_FAILURES_PER_IP: '100000',
  VONAGE_TIMEOUT_MS: '10000', // startSmsWorld's 400 ms is for the fault tests; a crowd queues longer
};

const phoneOf = (i: number) => `+31611${String(i).padStart(6, '0')}`;
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

class StepFailed extends Error {}

function step(name: string, res: HttpResult, status: number, location?: string | RegExp): HttpResult {
  const locationOk = location === undefined || (typeof location === 'string' ? res.location === location : location.test(res.location ?? ''));
  if (res.status !== status || !locationOk) {
    throw new StepFailed(`${name}: ${res.status}${res.location ? ` → ${res.location}` : ''} (expected ${status}${location ? ` → ${location}` : ''})`);
  }
  return res;
}

describe('load (issue 7)', function () {
  this.timeout(TIME_BOUND_MS);
  let world: SmsWorld;
  let server: Awaited<ReturnType<typeof listen>>;
  const patients: Array<{ email: string; phone: string }> = [];

  before(async () => {
    // Setup shortcut: 100 patients × 11 argon2id hashes would take a minute before the run even
    // starts. One hash, of the password, is made for real and given to every password and recovery
    // code set up; the run itself verifies every password with argon2id as usual.
    const { hasher, quickly } = hasherWithQuickSetup();
    world = await startSmsWorld(ENV, { hasher });
    await quickly(DEFAULT_TEST_PASSWORD, async () => {
      for (let i = 0; i < PATIENTS; i += 1) {
        const patient = await patientWithSms(world.rt, phoneOf(i));
        patients.push({ email: patient.email, phone: phoneOf(i) });
      }
    });
    server = await listen(world.rt.app);
  });
  after(async () => {
    await server?.close();
    await world?.close();
  });

  it(`takes ${PATIENTS} patients at once through password, SMS code, Werkblad and sign-out without an error`, async () => {
    const { vonage } = world;

    async function journey(patient: { email: string; phone: string }): Promise<number> {
      const browser = new CookieClient(server.url);
      const started = performance.now();
      const signInPage = step('GET /inloggen', await browser.get('/inloggen'), 200);
      step('POST /inloggen', await browser.post('/inloggen', { _csrf: csrfOf(signInPage.text), email: patient.email, password: DEFAULT_TEST_PASSWORD }), 302, '/inloggen/code');
      const codePage = step('GET /inloggen/code', await browser.get('/inloggen/code'), 200);
      const code = codeFor(vonage, patient.phone); // the SMS went out before the password step answered
      step('POST /inloggen/code', await browser.post('/inloggen/code', { _csrf: csrfOf(codePage.text), code }), 302, '/werkblad');
      const workspace = step('GET /werkblad', await browser.get('/werkblad'), 200);
      if (!workspace.text.includes('Klik op een opdracht of pakket om deze te openen.')) throw new StepFailed('GET /werkblad: not the Werkblad');
      const signInMs = performance.now() - started;
      step('POST /uitloggen', await browser.post('/uitloggen', { _csrf: csrfOf(workspace.text) }), 302, '/inloggen');
      step('GET /werkblad after sign-out', await browser.get('/werkblad'), 302, '/inloggen');
      return signInMs;
    }

    const started = performance.now();
    const outcomes = await Promise.allSettled(patients.map((patient) => journey(patient)));
    const seconds = (performance.now() - started) / 1000;

    const errors = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [`patient ${i}: ${(o.reason as Error).message}`] : []));
    const times = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    console.log(
      `      load: ${PATIENTS} patients, ${seconds.toFixed(1)} s, full sign-in p50 ${Math.round(quantile(times, 0.5))} ms, ` +
      `p99 ${Math.round(quantile(times, 0.99))} ms, ${errors.length} errors`,
    );
    expect(errors.slice(0, 10), `${errors.length} of ${PATIENTS} patients failed`).to.deep.equal([]);
    expect(times).to.have.length(PATIENTS);
    expect(new Set(vonage.messages.map((m) => m.to)).size, 'one SMS number per patient').to.equal(PATIENTS);
  });
});
