import { expect } from 'chai';
import type { Store } from 'express-session';
import { listen } from '../support/http-client';
import { appWith, connectionReset, startTestRuntime, type TestRuntime } from '../support/runtime';

/** `name=value` of each cookie a response sets, for the next request's Cookie header. */
const cookiesOf = (response: Response) => response.headers.getSetCookie().map((line) => line.split(';')[0]!).join('; ');

describe('a redirect is sent once the session it changed is stored (src/http/redirect-after-save.ts)', () => {
  let rt: TestRuntime;
  before(async () => (rt = await startTestRuntime()));
  after(() => rt.close());

  /** The runtime's session store with each write `delayMs` later, or failing from the `failingFrom`th on; writes counted. */
  function storeWriting(how: { delayMs: number } | { failingFrom: number }) {
    const writes = { begun: 0 };
    const store = Object.create(rt.sessionStore) as Store;
    store.set = (sid, session, callback) => {
      writes.begun += 1;
      if ('failingFrom' in how && writes.begun >= how.failingFrom) return callback?.(connectionReset());
      setTimeout(() => rt.sessionStore.set(sid, session, callback), 'delayMs' in how ? how.delayMs : 0);
    };
    return { store, writes };
  }

  /** The sign-in page through `url`: its cookie and form fields. */
  async function signInForm(url: string) {
    const page = await fetch(`${url}/inloggen`);
    const html = await page.text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1]!;
    return { cookie: cookiesOf(page), fields: { _csrf: field('_csrf'), shownAt: field('shownAt') } };
  }

  const post = (url: string, cookie: string, fields: Record<string, string>) =>
    fetch(url, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

  it('answers a sign-in only when its new session is stored: the page asked for as soon as the redirect is seen (as NetSurf does) finds it', async () => {
    const patient = await rt.createPatient();
    const { store } = storeWriting({ delayMs: 150 });
    const server = await listen(appWith(rt, { sessionStore: store }));
    try {
      const form = await signInForm(server.url);
      // fetch answers as soon as the status and headers arrive, before the rest of the response.
      const answer = await post(`${server.url}/inloggen`, form.cookie, { ...form.fields, email: patient.email, password: patient.password });
      expect(answer.status).to.equal(302);
      const sid = /^karify[^=]*=s%3A([^.]+)\./.exec(cookiesOf(answer))![1]!;
      const stored = await new Promise((resolve, reject) => rt.sessionStore.get(sid, (err, session) => (err ? reject(err) : resolve(session))));
      expect(stored, 'the new session stored when the redirect arrives').to.have.nested.property('passport.user');
      const next = await fetch(`${server.url}${answer.headers.get('location')}`, { redirect: 'manual', headers: { cookie: cookiesOf(answer) } });
      expect([next.status, next.headers.get('location')], 'the Werkblad, not "sign in"').to.deep.equal([200, null]);
      await Promise.all([answer.text(), next.text()]);
    } finally {
      await server.close();
    }
  });

  it('writes nothing for a redirect that changed nothing', async () => {
    const { store, writes } = storeWriting({ delayMs: 0 });
    const server = await listen(appWith(rt, { sessionStore: store }));
    try {
      const answer = await fetch(`${server.url}/werkblad`, { redirect: 'manual' });
      expect([answer.status, answer.headers.get('location')]).to.deep.equal([302, '/inloggen']);
      expect(writes.begun).to.equal(0);
    } finally {
      await server.close();
    }
  });

  it('shows the error page, not a redirect to a change that was lost, when the store cannot save the session', async () => {
    const patient = await rt.createPatient();
    // passport stores the new session itself as it signs the patient in; the sign-in's level comes after.
    const { store } = storeWriting({ failingFrom: 2 });
    const [plain, server] = await Promise.all([listen(rt.app), listen(appWith(rt, { sessionStore: store }))]);
    try {
      const form = await signInForm(plain.url);
      const answer = await post(`${server.url}/inloggen`, form.cookie, { ...form.fields, email: patient.email, password: patient.password });
      expect([answer.status, answer.headers.get('location')]).to.deep.equal([503, null]);
      expect(await answer.text()).to.include('<title>');
    } finally {
      await Promise.all([plain.close(), server.close()]);
    }
  });
});
