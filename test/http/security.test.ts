import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import supertest from 'supertest';
import { createLogger } from '../../src/infra/logger';
import { csrfTokenOf, signIn, submitForm } from '../support/forms';
import { appWith, connectionReset, PRODUCTION_ENV, sameBrowserOn, sessionStoreReading, startTestRuntime, TestRuntime } from '../support/runtime';
import { patientWithApp } from '../support/totp';

function setCookies(res: supertest.Response): string[] {
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []);
}

function cookieNamed(res: supertest.Response, name: string): string | undefined {
  return setCookies(res).find((c) => c.startsWith(`${name}=`));
}

/** "name=value" of a Set-Cookie line, for a Cookie header. */
function pair(setCookie: string): string {
  return setCookie.split(';')[0]!;
}

function attributes(setCookie: string): string[] {
  return setCookie.split(';').slice(1).map((a) => a.trim().toLowerCase());
}

/** Whatever would leak the inside of the server: stack frames, file paths, error class names. */
function expectNoLeaks(html: string, extra: string[] = []): void {
  expect(html).not.to.match(/\n\s+at \S/, 'stack trace');
  expect(html).not.to.match(/\/(?:work|home|usr|tmp|src)\/|node_modules|\.ts:\d+|\.js:\d+/, 'file path');
  expect(html).not.to.match(/\b(?:TypeError|ReferenceError|KnexTimeoutError|ForbiddenError|EBADCSRFTOKEN|PayloadTooLargeError|SQLITE_\w+)\b/);
  for (const text of extra) expect(html).not.to.include(text);
}

/** Inline script and inline style are what a strict CSP forbids; the pages must not need them. */
function expectNoInlineScriptOrStyle(html: string, where: string): void {
  expect(html, `${where}: <script> without src`).not.to.match(/<script\b(?![^>]*\ssrc=)/i);
  expect(html, `${where}: <style> element`).not.to.match(/<style\b/i);
  for (const tag of html.match(/<[a-zA-Z][^>]*>/g) ?? []) {
    expect(tag, `${where}: style attribute`).not.to.match(/\sstyle\s*=/i);
    expect(tag, `${where}: event handler attribute`).not.to.match(/\son[a-z]+\s*=/i);
    expect(tag, `${where}: javascript: URL`).not.to.match(/=\s*["']?\s*javascript:/i);
  }
}

function expectDutchPage(res: supertest.Response, status: number, title: string): void {
  expect(res.status).to.equal(status);
  expect(res.headers['content-type']).to.match(/^text\/html/);
  expect(res.text).to.match(/^<!DOCTYPE html>/i);
  expect(res.text).to.include('<html lang="nl"');
  expect(res.text).to.include(`<title>${title} – Karify</title>`);
  expect(res.text).to.match(new RegExp(`<h1>${title}</h1>`));
}

describe('security (SPEC §4)', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  async function signedInAgent(): Promise<supertest.Agent> {
    const patient = await rt.createPatient();
    const agent = rt.agent();
    const res = await signIn(agent, patient.email, patient.password);
    expect(res.status).to.equal(302);
    return agent;
  }

  describe('headers', () => {
    function expectSecurityHeaders(res: supertest.Response, where: string): void {
      const csp = String(res.headers['content-security-policy'] ?? '');
      const directives = new Map(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name!, values] as const;
      }));
      expect(directives.get('default-src'), `${where}: default-src`).to.deep.equal(["'none'"]);
      expect(directives.get('frame-ancestors'), `${where}: frame-ancestors`).to.deep.equal(["'none'"]);
      expect(csp, where).not.to.include("'unsafe-inline'");
      expect(csp, where).not.to.include("'unsafe-eval'");
      expect(directives.get('script-src'), `${where}: scripts only from files of this site (passkeys)`).to.deep.equal(["'self'"]);
      expect(directives.get('connect-src'), `${where}: scripts fetch only from this site`).to.deep.equal(["'self'"]);
      expect(res.headers['x-frame-options'], where).to.equal('DENY');
      expect(res.headers['x-content-type-options'], where).to.equal('nosniff');
      expect(res.headers['referrer-policy'], where).to.be.oneOf(['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin']);
      expect(res.headers['x-powered-by'], where).to.equal(undefined);
      const permissions = String(res.headers['permissions-policy'] ?? '').split(', ');
      for (const unused of ['camera=()', 'microphone=()', 'geolocation=()', 'payment=()']) expect(permissions, `${where}: ${unused}`).to.include(unused);
      expect(permissions, `${where}: passkeys on this site's pages`).to.include('publickey-credentials-get=(self)').and.include('publickey-credentials-create=(self)');
    }

    it('sends helmet headers with a strict CSP on public, signed-in and error pages', async () => {
      const anonymous = rt.agent();
      expectSecurityHeaders(await anonymous.get('/inloggen'), '/inloggen');
      expectSecurityHeaders(await anonymous.get('/bestaat-niet'), '404 page');
      const agent = await signedInAgent();
      expectSecurityHeaders(await agent.get('/werkblad'), '/werkblad');
      expectSecurityHeaders(await agent.get('/account'), '/account');
    });

    it('forbids caching of the sign-in page and of signed-in pages', async () => {
      const anonymous = await rt.agent().get('/inloggen');
      expect(anonymous.headers['cache-control']).to.equal('no-store');
      const agent = await signedInAgent();
      for (const url of ['/werkblad', '/account']) {
        const res = await agent.get(url);
        expect(res.status, url).to.equal(200);
        expect(res.headers['cache-control'], url).to.equal('no-store');
      }
      const failed = await submitForm(rt.agent(), '/inloggen', { email: 'x', password: '' });
      expect(failed.headers['cache-control'], 'error state too').to.equal('no-store');
    });

    it('lets browsers keep the stylesheet for a long time (its URL changes with its content)', async () => {
      const page = await rt.agent().get('/inloggen');
      const href = /<link rel="stylesheet" href="([^"]+)"/.exec(page.text)?.[1];
      expect(href).to.match(/^\/css\/app\.css\?v=[0-9a-f]+$/);
      for (const url of [href!, '/css/app.css']) {
        const css = await rt.agent().get(url);
        expect(css.status, url).to.equal(200);
        expect(css.headers['content-type'], url).to.match(/^text\/css/);
        const cacheControl = String(css.headers['cache-control']);
        expect(cacheControl, url).not.to.include('no-store');
        const maxAge = Number(/max-age=(\d+)/.exec(cacheControl)?.[1]);
        expect(maxAge, url).to.be.at.least(365 * 24 * 3600);
      }
    });

    it('serves the passkey scripts as files of this site, the SimpleWebAuthn bundle straight from the installed package', async () => {
      const page = await rt.agent().get('/inloggen');
      const sources = [...page.text.matchAll(/<script src="([^"]+)" defer><\/script>/g)].map((m) => m[1]!);
      expect(sources.map((src) => src.replace(/\?v=[0-9a-f]{10}$/, ''))).to.deep.equal(['/js/simplewebauthn-browser.umd.min.js', '/js/passkeys.js']);
      const installed = fs.readFileSync(path.join(path.dirname(require.resolve('@simplewebauthn/browser')), '..', 'dist', 'bundle', 'index.umd.min.js'), 'utf8');
      for (const src of sources) {
        const js = await rt.agent().get(src).buffer(true).parse((res, done) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => done(null, text));
        });
        expect(js.status, src).to.equal(200);
        expect(js.headers['content-type'], src).to.match(/^(application|text)\/javascript/);
        expect(Number(/max-age=(\d+)/.exec(String(js.headers['cache-control']))?.[1]), src).to.be.at.least(365 * 24 * 3600);
        if (src.includes('simplewebauthn')) expect(js.body, 'the installed file, not a copy').to.equal(installed);
      }
      expect((await rt.agent().get('/js/andere.js')).status, 'nothing else under /js').to.equal(404);
    });
  });

  describe('cookies', () => {
    it('marks the session cookie HttpOnly and SameSite=Lax; the sign-in form gets a session of an hour for its CSRF token', async () => {
      const patient = await rt.createPatient();
      const agent = rt.agent();
      const page = await agent.get('/inloggen');
      const anonymous = cookieNamed(page, 'karify.sid');
      expect(anonymous, 'session cookie for the form').to.be.a('string');
      expect(attributes(anonymous!)).to.include.members(['httponly', 'samesite=lax', 'path=/']);
      const expires = Date.parse(attributes(anonymous!).find((a) => a.startsWith('expires='))!.slice('expires='.length));
      expect(expires - Date.now()).to.be.within(59 * 60_000, 60 * 60_000 + 1000);
      expect(setCookies(await rt.agent().get('/over-karify')), 'a page without a form makes no session').to.deep.equal([]);

      const res = await agent.post('/inloggen').type('form').send({ _csrf: csrfTokenOf(page.text), email: patient.email, password: patient.password });
      expect(res.status).to.equal(302);
      const sid = cookieNamed(res, 'karify.sid');
      expect(sid, 'session cookie').to.be.a('string');
      expect(sid).not.to.equal(anonymous);
      expect(attributes(sid!)).to.include.members(['httponly', 'samesite=lax', 'path=/']);
      expect(attributes(sid!).some((a) => a.startsWith('domain='))).to.equal(false);
    });

    it('gives a new session id at the password step of a patient with two-step, and the old id does not reach the second step (session fixation)', async () => {
      const patient = await patientWithApp(rt);
      const page = await supertest(rt.app).get('/inloggen');
      const anonymous = cookieNamed(page, 'karify.sid');
      expect(anonymous, 'session cookie for the form').to.be.a('string');

      const res = await supertest(rt.app).post('/inloggen').set('Cookie', pair(anonymous!)).type('form')
        .send({ _csrf: csrfTokenOf(page.text), email: patient.email, password: patient.password });
      expect(res.headers.location).to.equal('/inloggen/code');
      const half = cookieNamed(res, 'karify.sid');
      expect(half, 'a session cookie with the half session').to.be.a('string');
      expect(pair(half!), 'a new session id').not.to.equal(pair(anonymous!));

      const withOld = await supertest(rt.app).get('/inloggen/code').set('Cookie', pair(anonymous!));
      expect(`${withOld.status} ${withOld.headers.location}`, 'the old id is no half session').to.equal('302 /inloggen');
      expect((await supertest(rt.app).get('/inloggen/code').set('Cookie', pair(half!))).status, 'the new id is').to.equal(200);
    });

    it('says once in the log, naming TRUST_PROXY, when production gets requests that are not HTTPS to it (no session cookie can be set)', async () => {
      const lines: string[] = [];
      const sink = new Writable({ write: (chunk, _encoding, done) => { lines.push(String(chunk)); done(); } });
      const warnings = () => lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.level === 40 && /TRUST_PROXY/.test(line.msg));
      for (const trustProxy of ['false', 'true']) {
        lines.length = 0;
        const prod = await startTestRuntime({ ...PRODUCTION_ENV, LOG_LEVEL: 'info', TRUST_PROXY: trustProxy }, { logger: createLogger('info', sink) });
        try {
          for (let i = 0; i < 2; i += 1) {
            const page = await supertest(prod.app).get('/inloggen').set('X-Forwarded-Proto', 'https');
            expect(cookieNamed(page, '__Host-karify.sid') !== undefined, `a session cookie with TRUST_PROXY=${trustProxy}`).to.equal(trustProxy === 'true');
          }
          expect(warnings().map((w) => w.msg), `TRUST_PROXY=${trustProxy}`).to.have.length(trustProxy === 'true' ? 0 : 1);
        } finally {
          await prod.close();
        }
      }
    });

    it('uses __Host- cookies with Secure in production behind a TLS proxy', async () => {
      const prod = await startTestRuntime(PRODUCTION_ENV);
      try {
        const patient = await prod.createPatient();
        const client = supertest(prod.app); // cookies are carried by hand: an agent never sends Secure cookies over http
        const page = await client.get('/inloggen').set('X-Forwarded-Proto', 'https');
        expect(page.status).to.equal(200);
        expect(String(page.headers['strict-transport-security'])).to.match(/max-age=\d{7,}/);
        const anonymous = cookieNamed(page, '__Host-karify.sid');
        expect(anonymous, `Set-Cookie: ${setCookies(page).join(' | ')}`).to.be.a('string');
        expect(attributes(anonymous!)).to.include.members(['secure', 'httponly', 'samesite=lax', 'path=/']);
        expect(setCookies(page).some((c) => c.startsWith('karify.'))).to.equal(false);

        const res = await client.post('/inloggen').set('X-Forwarded-Proto', 'https').set('Cookie', pair(anonymous!)).type('form')
          .send({ _csrf: csrfTokenOf(page.text), email: patient.email, password: patient.password });
        expect(res.status).to.equal(302);
        const sid = cookieNamed(res, '__Host-karify.sid');
        expect(sid, `Set-Cookie: ${setCookies(res).join(' | ')}`).to.be.a('string');
        const attrs = attributes(sid!);
        expect(attrs).to.include.members(['secure', 'httponly', 'samesite=lax', 'path=/']);
        expect(attrs.some((a) => a.startsWith('domain=')), '__Host- cookies have no Domain').to.equal(false);

        const workspace = await client.get('/werkblad').set('X-Forwarded-Proto', 'https').set('Cookie', pair(sid!));
        expect(workspace.status).to.equal(200);
      } finally {
        await prod.close();
      }
    });
  });

  describe('CSRF', () => {
    /** A sign-in form with a token that does not work: the page again, asking the password again (see test/features/sign-in). */
    const expectSignInAgain = (res: supertest.Response) => {
      expect(res.status).to.equal(403);
      expect(res.text).to.include('<title>Fout: Inloggen – Karify</title>').and.include('Het formulier was verlopen, daarom ben je niet ingelogd.');
    };

    it('refuses a sign-in form without a CSRF token: the sign-in page again, nobody signed in', async () => {
      const patient = await rt.createPatient();
      const agent = rt.agent();
      await agent.get('/inloggen');
      const res = await agent.post('/inloggen').type('form').send({ email: patient.email, password: patient.password });
      expectSignInAgain(res);
      expectNoLeaks(res.text);
      expect(cookieNamed(res, 'karify.sid'), 'not signed in').to.equal(undefined);
    });

    it('refuses a wrong CSRF token the same way', async () => {
      const patient = await rt.createPatient();
      const agent = rt.agent();
      const page = await agent.get('/inloggen');
      const [token, nonce] = csrfTokenOf(page.text).split('.');
      const wrong = `${token!.slice(0, -2)}${token!.endsWith('aa') ? 'bb' : 'aa'}.${nonce}`; // the token itself: the form's nonce is not checked
      const res = await agent.post('/inloggen').type('form').send({ _csrf: wrong, email: patient.email, password: patient.password });
      expectSignInAgain(res);
      expectNoLeaks(res.text);
      expect((await agent.get('/werkblad')).headers.location).to.equal('/inloggen');
    });

    it('refuses a token from another visitor (it is bound to the visitor\'s own secret)', async () => {
      const patient = await rt.createPatient();
      const other = await rt.agent().get('/inloggen');
      const agent = rt.agent();
      await agent.get('/inloggen');
      const res = await agent.post('/inloggen').type('form').send({ _csrf: csrfTokenOf(other.text), email: patient.email, password: patient.password });
      expect(res.status).to.equal(403);
    });

    it('renews the token when signing in: a token taken before no longer works after', async () => {
      const patient = await rt.createPatient();
      const agent = rt.agent();
      const before = csrfTokenOf((await agent.get('/inloggen')).text);
      const signedIn = await agent.post('/inloggen').type('form').send({ _csrf: before, email: patient.email, password: patient.password });
      expect(signedIn.headers.location).to.equal('/werkblad');
      const out = await agent.post('/uitloggen').type('form').send({ _csrf: before });
      // The session lives: it did not expire, and the patient is told they are still signed in.
      expectDutchPage(out, 403, 'Je bent nog niet uitgelogd');
      expect(out.text).to.include('Daarom ben je nog ingelogd.').and.not.include('sessie is verlopen');
      expect(out.text).to.match(/<form method="post" action="\/uitloggen"><input type="hidden" name="_csrf" value="[^"]+"><button type="submit" class="button">Uitloggen<\/button><\/form>/);
      expect((await agent.get('/werkblad')).status, 'still signed in').to.equal(200);
      const after = csrfTokenOf(out.text);
      expect(after).not.to.equal(before);
      expect((await agent.post('/uitloggen').type('form').send({ _csrf: after })).headers.location, 'the page\'s own button signs out').to.equal('/inloggen');
      // Pages a browser kept (Dillo shows them again with Back, whatever no-store says) go with the browser.
      expect((await agent.get('/inloggen')).text).to.include('Je bent uitgelogd. Deel je deze computer met anderen? Sluit dan ook je browser.');
    });

    it('renews the token at the second step, and at sign-out', async () => {
      const patient = await rt.createPatient();
      const codes = rt.services.recoveryCodes.generate();
      await rt.services.twoFactor.enableSms(patient.id, '+31612345678', codes);
      const agent = rt.agent();
      expect((await signIn(agent, patient.email, patient.password)).headers.location).to.equal('/inloggen/code');
      const half = csrfTokenOf((await agent.get('/inloggen/herstelcode')).text);
      const full = await agent.post('/inloggen/herstelcode').type('form').send({ _csrf: half, recoveryCode: codes[0] });
      expect(full.headers.location).to.equal('/inloggen/herstelcode-gebruikt');
      expectDutchPage(await agent.post('/uitloggen').type('form').send({ _csrf: half }), 403, 'Je bent nog niet uitgelogd');

      const signedIn = csrfTokenOf((await agent.get('/werkblad')).text);
      expect(signedIn).not.to.equal(half);
      expect((await agent.post('/uitloggen').type('form').send({ _csrf: signedIn })).status).to.equal(302);
      const signInAgain = await agent.post('/inloggen').type('form').send({ _csrf: signedIn, email: patient.email, password: patient.password });
      expectSignInAgain(signInAgain);
    });

    it('gives the new token with the new session, so the first page of a new level does not write the session again', async () => {
      const sessionWrites: string[] = [];
      rt.db.on('query', (query: { sql: string }) => {
        if (/^\s*(insert|update)\b[^;]*\bsessions\b/i.test(query.sql)) sessionWrites.push(query.sql);
      });
      const writesDuring = async (work: () => Promise<unknown>) => {
        sessionWrites.length = 0;
        await work();
        return sessionWrites.length;
      };
      const patient = await rt.createPatient();
      const agent = rt.agent();
      await signIn(agent, patient.email, patient.password);
      expect(await writesDuring(async () => expect(csrfTokenOf((await agent.get('/werkblad')).text)).to.be.a('string')), 'first Werkblad').to.equal(0);

      const withApp = await patientWithApp(rt);
      const half = rt.agent();
      expect((await signIn(half, withApp.email, withApp.password)).headers.location).to.equal('/inloggen/code');
      expect(await writesDuring(async () => expect(csrfTokenOf((await half.get('/inloggen/code')).text)).to.be.a('string')), 'first code page').to.equal(0);
    });

    it('refuses sign-out without a token, without saying that the living session expired', async () => {
      const agent = await signedInAgent();
      const res = await agent.post('/uitloggen').type('form').send({});
      expectDutchPage(res, 403, 'Dit verzoek klopt niet');
      expect(res.text).not.to.include('sessie is verlopen');
      expect((await agent.get('/werkblad')).status, 'still signed in').to.equal(200);
    });
  });

  describe('error pages', () => {
    it('shows a Dutch 404 page that leaks nothing', async () => {
      const res = await rt.agent().get('/bestaat-niet/../../etc/passwd?x=<b>');
      expectDutchPage(res, 404, 'Pagina niet gevonden');
      expectNoLeaks(res.text, ['<b>']);
      const signedIn = await signedInAgent();
      expectDutchPage(await signedIn.get('/werkblad/opdracht/99999'), 404, 'Pagina niet gevonden');
    });

    it('shows a Dutch 500 page that leaks nothing when something breaks', async () => {
      const listForUser = async () => {
        throw new Error('kaboom in /work/main/src/domain/modules.ts: select * from "modules"');
      };
      const agent = sameBrowserOn(appWith(rt, { services: { modules: { ...rt.services.modules, listForUser } } }), await signedInAgent());
      const res = await agent.get('/werkblad');
      expectDutchPage(res, 500, 'Er ging iets mis');
      expectNoLeaks(res.text, ['kaboom', 'select *']);
      expect(res.headers['cache-control']).to.equal('no-store');
    });

    it('shows the 503 "Tijdelijk niet beschikbaar" page when the database is gone, and keeps running', async () => {
      const agent = await signedInAgent();
      // Outside mocha an unhandled promise rejection ends the Node process: the server would be gone.
      const unhandled: string[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(String((reason as Error)?.message ?? reason));
      process.on('unhandledRejection', onUnhandled);
      try {
        await rt.db.destroy();
        const res = await agent.get('/werkblad');
        expectDutchPage(res, 503, 'Tijdelijk niet beschikbaar');
        expect(res.headers['retry-after']).to.match(/^\d+$/);
        expectNoLeaks(res.text, ['Unable to acquire', 'connection']);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(unhandled, 'unhandled promise rejections (each would crash a real server)').to.deep.equal([]);
        expect((await rt.agent().get('/inloggen')).status, 'pages without the database still work').to.equal(200);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });

    it('keeps the patient signed in after a session store hiccup (503 once, then back to normal)', async () => {
      let dropped = false;
      const failsOnce = sessionStoreReading(rt.sessionStore, (_sid, callback, get) => {
        if (dropped) return get();
        dropped = true; // fails once, like a dropped connection
        callback(connectionReset());
      });
      const agent = sameBrowserOn(appWith(rt, { sessionStore: failsOnce }), await signedInAgent());
      const res = await agent.get('/werkblad');
      expectDutchPage(res, 503, 'Tijdelijk niet beschikbaar');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const again = await agent.get('/werkblad');
      expect(again.status, 'the session was not thrown away because one read failed').to.equal(200);
    });

    it('refuses a body larger than BODY_LIMIT_BYTES with a Dutch 413 page', async () => {
      const small = await startTestRuntime({ BODY_LIMIT_BYTES: '32768' });
      try {
        const agent = small.agent();
        const page = await agent.get('/inloggen');
        const big = await agent.post('/inloggen').type('form').send({ _csrf: csrfTokenOf(page.text), email: 'a@example.nl', password: 'x'.repeat(33_000) });
        expectDutchPage(big, 413, 'Formulier te groot');
        expectNoLeaks(big.text);
        // Just under the limit is an ordinary form post.
        const fits = await agent.post('/inloggen').type('form').send({ _csrf: csrfTokenOf(page.text), email: 'a@example', password: 'x'.repeat(32_000) });
        expect(fits.status).to.equal(400);
      } finally {
        await small.close();
      }
    });

    it('answers malformed form input with 400 or 403, never 500', async () => {
      const patient = await rt.createPatient();
      const agent = rt.agent();
      const page = await agent.get('/inloggen');
      const token = csrfTokenOf(page.text);
      const cases: Array<[string, () => supertest.Test]> = [
        ['email[]=x', () => agent.post('/inloggen').type('form').send(`_csrf=${encodeURIComponent(token)}&email[]=x&password=y`)],
        ['email repeated', () => agent.post('/inloggen').type('form').send(`_csrf=${encodeURIComponent(token)}&email=a%40example.nl&email=b%40example.nl&password=y`)],
        ['password[]', () => agent.post('/inloggen').type('form').send(`_csrf=${encodeURIComponent(token)}&email=${encodeURIComponent(patient.email)}&password[]=${patient.password}`)],
        ['_csrf repeated', () => agent.post('/inloggen').type('form').send(`_csrf=${encodeURIComponent(token)}&_csrf=${encodeURIComponent(token)}&email=a%40example.nl&password=y`)],
        ['JSON body', () => agent.post('/inloggen').set('Content-Type', 'application/json').send(JSON.stringify({ _csrf: token, email: patient.email, password: patient.password }))],
        ['JSON with array', () => agent.post('/inloggen').set('Content-Type', 'application/json').send(JSON.stringify({ _csrf: token, email: ['x'] }))],
        ['broken percent-encoding', () => agent.post('/inloggen').type('form').send(`_csrf=${encodeURIComponent(token)}&email=%E0%A4%A&password=%`)],
        ['no body', () => agent.post('/inloggen')],
        ['control characters', () => agent.post('/inloggen').type('form').send(`_csrf=${encodeURIComponent(token)}&email=a%00%07%40example.nl&password=y`)],
      ];
      for (const [name, request] of cases) {
        const res = await request();
        expect(res.status, name).to.be.oneOf([400, 403]);
        expect(res.text, name).to.include('<html lang="nl"');
        expectNoLeaks(res.text);
        expect(cookieNamed(res, 'karify.sid'), `${name}: not signed in`).to.equal(undefined);
      }
    });
  });

  describe('pages', () => {
    /** Follows same-site links from the start pages (GET only) and returns every HTML page found. */
    async function crawl(agent: supertest.Agent, start: string[], limit = 80): Promise<Map<string, supertest.Response>> {
      const pages = new Map<string, supertest.Response>();
      const queue = [...start];
      while (queue.length > 0 && pages.size < limit) {
        const url = queue.shift()!;
        if (pages.has(url)) continue;
        const res = await agent.get(url);
        pages.set(url, res);
        if (!/^text\/html/.test(String(res.headers['content-type']))) continue;
        for (const [, href] of res.text.matchAll(/<a\b[^>]*\shref="([^"#]+)/g)) {
          const target = href!.replace(/&amp;/g, '&');
          if (!target.startsWith('/') || target.startsWith('//') || target.startsWith('/css/') || target === '/uitloggen') continue;
          if (!pages.has(target) && !queue.includes(target)) queue.push(target);
        }
      }
      return pages;
    }

    it('never contain inline script, inline style or event handlers, signed in or not', async () => {
      const anonymous = await crawl(rt.agent(), ['/inloggen', '/bestaat-niet']);
      const agent = await signedInAgent();
      const signedIn = await crawl(agent, ['/werkblad', '/account']);
      const all = [...anonymous, ...signedIn];
      expect(signedIn.size, 'the crawl reached the signed-in pages').to.be.at.least(5);
      for (const [url, res] of all) {
        expect(res.status, `${url} answers`).to.be.below(500);
        if (/^text\/html/.test(String(res.headers['content-type']))) expectNoInlineScriptOrStyle(res.text, url);
      }
      // Error states too.
      expectNoInlineScriptOrStyle((await submitForm(rt.agent(), '/inloggen', { email: 'x', password: '' })).text, 'sign-in with errors');
      expectNoInlineScriptOrStyle((await rt.agent().post('/inloggen').type('form').send({})).text, '403 page');
    });
  });
});
