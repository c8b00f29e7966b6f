import type { Request } from 'autocannon';
import { CookieJar, mapLimit, passwordStep } from './http-client';
import { budget, headerValues, LoadResult, runLoad, Step } from './load';
import type { BenchOptions } from './options';
import { BENCH_PASSWORD, BenchPatients } from './seed';

/** What the scenarios of one backend share: the running app and its patients. */
export interface AppUnderTest {
  base: string;
  options: BenchOptions;
  patients: BenchPatients;
  /** The CSRF cookie and a token for it (the secret lives in its own cookie, not in the session). */
  visitor: { jar: CookieJar; csrf: string };
  /** The latest SMS code the fake Vonage server received for a number. */
  codeOf(phone: string): string;
  /** Runs the measured phase of a row: adds the app's CPU time per request (and profiles it). */
  measured(work: () => Promise<LoadResult>): Promise<LoadResult>;
}

export interface Measurement extends LoadResult {
  /** What one "request" of the row is, when not a single HTTP request. */
  unit?: string;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const SESSION_COOKIE = '__Host-karify.sid';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** Adds a check of the Location header to a redirect step. */
function expectLocation(step: Step, location: string, wrong: Record<string, number>): Step {
  const inner = step.onResponse;
  return {
    ...step,
    onResponse(status, body, context, headers) {
      const got = headerValues(headers, 'location')[0] ?? '';
      if (status === step.expect && got !== location) wrong[`303→${got}`] = (wrong[`303→${got}`] ?? 0) + 1;
      if (typeof inner === 'function') inner(status, body, context, headers);
    },
  };
}

/** Warm-up (not measured) then the measured load, over the same steps. */
async function measure(app: AppUnderTest, steps: Step[]): Promise<LoadResult> {
  const { connections } = app.options;
  await runLoad(app.base, { connections, ...budget(app.options, 'warmup'), steps });
  return app.measured(() => runLoad(app.base, { connections, ...budget(app.options, 'measure'), steps }));
}

const merge = (result: LoadResult, wrong: Record<string, number>): LoadResult => ({
  ...result,
  unexpected: { ...result.unexpected, ...wrong },
});

export function signInPage(app: AppUnderTest): Promise<Measurement> {
  return measure(app, [{ method: 'GET', path: '/inloggen', expect: 200 }]);
}

/** Signs in `count` web patients the way a browser does; returns their cookie headers. */
export async function signedInSessions(app: AppUnderTest, count: number): Promise<string[]> {
  const patients = app.patients.web.slice(0, count);
  return mapLimit(patients, 8, async (patient) => {
    const { jar, location } = await passwordStep(app.base, app.visitor, patient.email, BENCH_PASSWORD);
    if (location !== '/werkblad') throw new Error(`sign-in of ${patient.email} led to ${location}`);
    return jar.header();
  });
}

export async function werkblad(app: AppUnderTest, cookies: string[]): Promise<Measurement> {
  let next = 0;
  return measure(app, [{
    method: 'GET',
    path: '/werkblad',
    expect: 200,
    setupRequest(request) {
      request.headers = { ...request.headers, cookie: cookies[next++ % cookies.length] };
      return request;
    },
  }]);
}

/** POST /inloggen with the right password, for the web patients in turn: argon2id, a new session, an audit row. */
export async function passwordStepLoad(app: AppUnderTest): Promise<Measurement> {
  const wrong: Record<string, number> = {};
  const patients = app.patients.web;
  let next = 0;
  const step: Step = {
    method: 'POST',
    path: '/inloggen',
    headers: { ...FORM, cookie: app.visitor.jar.header() },
    expect: 303,
    setupRequest(request) {
      const patient = patients[next++ % patients.length]!;
      request.body = form({ _csrf: app.visitor.csrf, email: patient.email, password: BENCH_PASSWORD });
      return request;
    },
  };
  return merge(await measure(app, [expectLocation(step, '/werkblad', wrong)]), wrong);
}

/** Half sessions (password accepted, SMS sent) and their codes, each to be used once. */
export async function halfSessions(app: AppUnderTest, count: number): Promise<Array<{ cookie: string; code: string }>> {
  const patients = app.patients.halfSession.slice(0, count);
  if (patients.length < count) throw new Error(`only ${patients.length} half-session patients for ${count} half sessions`);
  return mapLimit(patients, 16, async (patient) => {
    const { jar, location } = await passwordStep(app.base, app.visitor, patient.email, BENCH_PASSWORD);
    if (location !== '/inloggen/code') throw new Error(`password step of ${patient.email} led to ${location}`);
    return { cookie: jar.header(), code: app.codeOf(patient.phone!) };
  });
}

/** POST /inloggen/code with the right code: each request uses a prepared half session once. */
export async function smsCodeStep(app: AppUnderTest, prepared: Array<{ cookie: string; code: string }>): Promise<Measurement> {
  const wrong: Record<string, number> = {};
  const { connections } = app.options;
  let next = 0;
  const step = expectLocation({
    method: 'POST',
    path: '/inloggen/code',
    headers: FORM,
    expect: 303,
    setupRequest(request) {
      const half = prepared[next++];
      if (!half) throw new Error('the prepared half sessions ran out');
      request.headers = { ...request.headers, cookie: half.cookie };
      request.body = form({ _csrf: app.visitor.csrf, code: half.code });
      return request;
    },
  }, '/werkblad', wrong);
  const warmup = Math.max(connections, Math.floor(prepared.length * 0.1));
  await runLoad(app.base, { connections, amount: warmup, steps: [step] });
  const result = await app.measured(() => runLoad(app.base, { connections, amount: prepared.length - warmup, steps: [step] }));
  return merge(result, wrong);
}

interface JourneyContext {
  patient?: number;
  started?: number;
  sid?: string;
}

const sessionCookieFrom = (headers: Request['headers']) =>
  headerValues(headers, 'set-cookie').map((line) => line.split(';')[0]!).find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));

/**
 * The whole journey as a browser makes it: sign-in page, password, code page, code, Werkblad.
 * Patients with SMS two-step are taken in turn; the code is read from the fake Vonage server.
 */
export async function fullSignIn(app: AppUnderTest): Promise<Measurement> {
  const wrong: Record<string, number> = {};
  const patients = app.patients.sms;
  const csrfCookie = app.visitor.jar.header();
  const durations: number[] = [];
  let measuring = false;
  let next = 0;
  const ctx = (context: object) => context as JourneyContext;
  const withSid = (context: object) => `${csrfCookie}; ${ctx(context).sid ?? ''}`;
  const keepSid: Step['onResponse'] = (_status, _body, context, headers) => {
    const sid = sessionCookieFrom(headers);
    if (sid) ctx(context).sid = sid;
  };

  const steps: Step[] = [
    {
      method: 'GET', path: '/inloggen', expect: 200,
      setupRequest(request, context) {
        Object.assign(ctx(context), { patient: next++ % patients.length, started: performance.now(), sid: undefined });
        request.headers = { ...request.headers, cookie: csrfCookie };
        return request;
      },
    },
    expectLocation({
      method: 'POST', path: '/inloggen', headers: FORM, expect: 303, onResponse: keepSid,
      setupRequest(request, context) {
        const patient = patients[ctx(context).patient!]!;
        request.headers = { ...request.headers, cookie: csrfCookie };
        request.body = form({ _csrf: app.visitor.csrf, email: patient.email, password: BENCH_PASSWORD });
        return request;
      },
    }, '/inloggen/code', wrong),
    {
      method: 'GET', path: '/inloggen/code', expect: 200,
      setupRequest(request, context) {
        request.headers = { ...request.headers, cookie: withSid(context) };
        return request;
      },
    },
    expectLocation({
      method: 'POST', path: '/inloggen/code', headers: FORM, expect: 303, onResponse: keepSid,
      setupRequest(request, context) {
        const patient = patients[ctx(context).patient!]!;
        request.headers = { ...request.headers, cookie: withSid(context) };
        request.body = form({ _csrf: app.visitor.csrf, code: app.codeOf(patient.phone!) });
        return request;
      },
    }, '/werkblad', wrong),
    {
      method: 'GET', path: '/werkblad', expect: 200,
      setupRequest(request, context) {
        request.headers = { ...request.headers, cookie: withSid(context) };
        return request;
      },
      onResponse(status, _body, context) {
        const started = ctx(context).started;
        if (measuring && status === 200 && started !== undefined) durations.push(performance.now() - started);
      },
    },
  ];

  const { connections } = app.options;
  await runLoad(app.base, { connections, ...budget(app.options, 'warmup', steps.length), steps });
  measuring = true;
  const result = await app.measured(() => runLoad(app.base, { connections, ...budget(app.options, 'measure', steps.length), steps }));
  measuring = false;
  const sorted = durations.sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
  return {
    ...merge(result, wrong),
    cpuMsPerRequest: result.cpuMsPerRequest === undefined ? undefined : (result.cpuMsPerRequest * result.count) / Math.max(1, sorted.length),
    unit: 'sign-in (5 requests)',
    count: sorted.length,
    rps: sorted.length / result.seconds,
    p50: at(0.5),
    p99: at(0.99),
  };
}
