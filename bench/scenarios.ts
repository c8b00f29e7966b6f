import type { Request } from 'autocannon';
import { csrfTokenOf, formPage, mapLimit, passwordStep, visitor, type Visitor } from './http-client';
import { budget, headerValues, LoadResult, runLoad, Step } from './load';
import type { BenchOptions } from './options';
import { BENCH_PASSWORD, BenchPatients } from './seed';

/** What the scenarios of one backend share: the running app and its patients. */
export interface AppUnderTest {
  base: string;
  options: BenchOptions;
  patients: BenchPatients;
  /** A visitor who has the sign-in page open: its session (made for the form) and the form's token. */
  visitor: Visitor;
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
      if (status === step.expect && got !== location) wrong[`302→${got}`] = (wrong[`302→${got}`] ?? 0) + 1;
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

/**
 * The sign-in page, again, for a visitor who has it open: the session that holds the form's token
 * exists already. (A first visit also stores that session: one insert more.)
 */
export function signInPageSteps(app: AppUnderTest): Step[] {
  return [{ method: 'GET', path: '/inloggen', expect: 200, headers: { cookie: app.visitor.jar.header() } }];
}

export function signInPage(app: AppUnderTest): Promise<Measurement> {
  return measure(app, signInPageSteps(app));
}

/** Signs in `count` web patients the way a browser does; returns their cookie headers. */
export async function signedInSessions(app: AppUnderTest, count: number): Promise<string[]> {
  const patients = app.patients.web.slice(0, count);
  return mapLimit(patients, 8, async (patient) => {
    const { jar, location } = await passwordStep(app.base, patient.email, BENCH_PASSWORD);
    if (location !== '/werkblad') throw new Error(`sign-in of ${patient.email} led to ${location}`);
    return jar.header();
  });
}

/** GET `path`, each request with the next of the sessions' cookie headers. */
export function withEachSession(path: string, cookies: string[]): Step[] {
  let next = 0;
  return [{
    method: 'GET',
    path,
    expect: 200,
    setupRequest(request) {
      request.headers = { ...request.headers, cookie: cookies[next++ % cookies.length] };
      return request;
    },
  }];
}

export function werkblad(app: AppUnderTest, cookies: string[]): Promise<Measurement> {
  return measure(app, withEachSession('/werkblad', cookies));
}

/** Visitors with the sign-in page open, each to be used for one sign-in (which replaces its session). */
export function visitors(app: AppUnderTest, count: number): Promise<Visitor[]> {
  return mapLimit(Array.from({ length: count }), 16, () => visitor(app.base));
}

/**
 * POST /inloggen with the right password, for the web patients in turn: argon2id, a new session,
 * an audit row. Each request is a prepared visitor's, used once.
 */
export async function passwordStepLoad(app: AppUnderTest, prepared: Visitor[]): Promise<Measurement> {
  const wrong: Record<string, number> = {};
  const patients = app.patients.web;
  let next = 0;
  const step = expectLocation({
    method: 'POST',
    path: '/inloggen',
    headers: FORM,
    expect: 302,
    setupRequest(request) {
      const visitor = prepared[next];
      const patient = patients[next++ % patients.length]!;
      if (!visitor) throw new Error('the prepared visitors ran out');
      request.headers = { ...request.headers, cookie: visitor.jar.header() };
      request.body = form({ _csrf: visitor.csrf, email: patient.email, password: BENCH_PASSWORD });
      return request;
    },
  }, '/werkblad', wrong);
  return merge(await measureOnce(app, prepared.length, step), wrong);
}

/** Warm-up then measurement over `count` requests that each use a prepared session once. */
async function measureOnce(app: AppUnderTest, count: number, step: Step): Promise<LoadResult> {
  const { connections } = app.options;
  const warmup = Math.max(connections, Math.floor(count * 0.1));
  await runLoad(app.base, { connections, amount: warmup, steps: [step] });
  return app.measured(() => runLoad(app.base, { connections, amount: count - warmup, steps: [step] }));
}

/** Half sessions (password accepted, SMS sent) and their codes, each to be used once. */
export async function halfSessions(app: AppUnderTest, count: number): Promise<Array<{ cookie: string; csrf: string; code: string }>> {
  const patients = app.patients.halfSession.slice(0, count);
  if (patients.length < count) throw new Error(`only ${patients.length} half-session patients for ${count} half sessions`);
  return mapLimit(patients, 16, async (patient) => {
    const { jar, location } = await passwordStep(app.base, patient.email, BENCH_PASSWORD);
    if (location !== '/inloggen/code') throw new Error(`password step of ${patient.email} led to ${location}`);
    const { csrf } = await formPage(app.base, '/inloggen/code', jar); // the half session's own token
    return { cookie: jar.header(), csrf, code: app.codeOf(patient.phone!) };
  });
}

/** POST /inloggen/code with the right code: each request uses a prepared half session once. */
export async function smsCodeStep(app: AppUnderTest, prepared: Array<{ cookie: string; csrf: string; code: string }>): Promise<Measurement> {
  const wrong: Record<string, number> = {};
  let next = 0;
  const step = expectLocation({
    method: 'POST',
    path: '/inloggen/code',
    headers: FORM,
    expect: 302,
    setupRequest(request) {
      const half = prepared[next++];
      if (!half) throw new Error('the prepared half sessions ran out');
      request.headers = { ...request.headers, cookie: half.cookie };
      request.body = form({ _csrf: half.csrf, code: half.code });
      return request;
    },
  }, '/werkblad', wrong);
  return merge(await measureOnce(app, prepared.length, step), wrong);
}

interface JourneyContext {
  patient?: number;
  started?: number;
  sid?: string;
  /** The token of the form on the page the journey is on (it belongs to the session). */
  csrf?: string;
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
  const durations: number[] = [];
  let measuring = false;
  let next = 0;
  const ctx = (context: object) => context as JourneyContext;
  const withSid = (context: object) => ctx(context).sid ?? '';
  /** Keeps the session the response set, and the token of the form on the page it returned. */
  const keep: Step['onResponse'] = (_status, body, context, headers) => {
    const sid = sessionCookieFrom(headers);
    if (sid) ctx(context).sid = sid;
    if (body.includes('name="_csrf"')) ctx(context).csrf = csrfTokenOf(body);
  };

  // A new visitor each time (no cookie): the sign-in page makes the session its form's token lives in.
  const steps: Step[] = [
    {
      method: 'GET', path: '/inloggen', expect: 200, onResponse: keep,
      setupRequest(request, context) {
        Object.assign(ctx(context), { patient: next++ % patients.length, started: performance.now(), sid: undefined, csrf: undefined });
        const { cookie: _none, ...headers } = request.headers ?? {};
        request.headers = headers;
        return request;
      },
    },
    expectLocation({
      method: 'POST', path: '/inloggen', headers: FORM, expect: 302, onResponse: keep,
      setupRequest(request, context) {
        const patient = patients[ctx(context).patient!]!;
        request.headers = { ...request.headers, cookie: withSid(context) };
        request.body = form({ _csrf: ctx(context).csrf ?? '', email: patient.email, password: BENCH_PASSWORD });
        return request;
      },
    }, '/inloggen/code', wrong),
    {
      method: 'GET', path: '/inloggen/code', expect: 200, onResponse: keep,
      setupRequest(request, context) {
        request.headers = { ...request.headers, cookie: withSid(context) };
        return request;
      },
    },
    expectLocation({
      method: 'POST', path: '/inloggen/code', headers: FORM, expect: 302, onResponse: keep,
      setupRequest(request, context) {
        const patient = patients[ctx(context).patient!]!;
        request.headers = { ...request.headers, cookie: withSid(context) };
        request.body = form({ _csrf: ctx(context).csrf ?? '', code: app.codeOf(patient.phone!) });
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
