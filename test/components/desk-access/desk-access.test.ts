import { expect } from 'chai';
import supertest from 'supertest';
import { createStaffMember, DESK, deskPasswordStep, signInAtDesk, type TestStaffMember } from '../../support/desk';
import { signIn } from '../../support/forms';
import { listRoutes } from '../../support/routes';
import { appWith, sameBrowserOn, sessionStoreReading, startTestRuntime, TestRuntime } from '../../support/runtime';
import { patientWithSms } from '../../support/two-factor';

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/** Open to anyone: the Balie page itself (sign-in) and signing out. */
const PUBLIC = ['GET /balie', 'POST /balie', 'POST /balie/uitloggen'];
const SECOND_STEP = ['/balie/code', '/balie/code/toegangssleutel', '/balie/code/toegangssleutel/opties', '/balie/herstelcode', '/balie/annuleren'];
const ADMIN_ONLY = ['/balie/medewerkers', '/balie/logboek'];

const setCookies = (res: supertest.Response): string[] => ([] as string[]).concat(res.headers['set-cookie'] ?? []);

describe('the desk is apart from the patient portal: every /balie route, by who asks', function () {
  this.timeout(60_000);
  let rt: TestRuntime;
  let routes: [string, string][];
  let admin: TestStaffMember;
  let patientId: number;
  beforeEach(async () => {
    rt = await startTestRuntime();
    // Every route with :id filled in with 1: a patient 1, a question 1 and staff member 1 (the admin) exist.
    admin = await createStaffMember(rt, { role: 'admin' });
    patientId = (await patientWithSms(rt)).id;
    await rt.services.helpQuestions.add({ userId: null, name: 'Bea', email: 'bea@example.nl', question: 'Help.', language: 'nl' }, '203.0.113.9');
    // Ending the session (stopping halfway, signing out) last, so every other route meets the session as it was.
    const ending = (path: string) => ['/balie/annuleren', '/balie/uitloggen'].includes(path);
    const all = listRoutes(rt.app).filter(([, path]) => under(path, DESK));
    routes = [...all.filter(([, path]) => !ending(path)), ...all.filter(([, path]) => ending(path))];
  });
  afterEach(() => rt.close());

  /** Sends each route as this agent would: a GET, or a POST with the agent's own desk form token. */
  async function walk(agent: supertest.Agent, token: string) {
    const results: Array<{ route: string; status: number; location?: string; text: string }> = [];
    for (const [method, path] of routes) {
      const res = method === 'GET' ? await agent.get(path) : await agent.post(path).type('form').send({ _csrf: token, reason: 'x', note: 'x', role: 'desk' });
      results.push({ route: `${method} ${path}`, status: res.status, location: res.headers.location, text: res.text });
    }
    return results;
  }

  const tokenOf = async (agent: supertest.Agent, page = DESK) => /name="_csrf" value="([^"]+)"/.exec((await agent.get(page)).text)![1]!;

  it('finds the desk\'s routes in the app (a new one cannot be forgotten here)', () => {
    expect(routes.length).to.be.greaterThan(25);
    for (const route of [...PUBLIC, 'GET /balie/patienten', 'POST /balie/patienten/1/twee-stappen-uitzetten', 'POST /balie/vragen/1', 'POST /balie/medewerkers/nieuw']) {
      expect(routes.map(([m, p]) => `${m} ${p}`), route).to.include(route);
    }
  });

  it('sends the anonymous to the Balie page from every route but the public ones', async () => {
    const agent = rt.agent();
    for (const result of await walk(agent, await tokenOf(agent))) {
      if (PUBLIC.includes(result.route)) continue;
      expect([result.status, result.location], result.route).to.deep.equal([302, DESK]);
    }
  });

  it('does not let a signed-in patient in: their session is not even read on /balie', async () => {
    const patient = await rt.createPatient();
    const patientBrowser = rt.agent();
    expect((await signIn(patientBrowser, patient.email, patient.password)).headers.location).to.equal('/werkblad');
    // Counts the reads of the patients' session store (the desk has a store of its own).
    let patientSessionReads = 0;
    const counted = sessionStoreReading(rt.sessionStore, (_sid, _callback, get) => {
      patientSessionReads += 1;
      get();
    });
    const agent = sameBrowserOn(appWith(rt, { sessionStore: counted }), patientBrowser);
    const results = await walk(agent, await tokenOf(agent));
    for (const result of results) {
      if (PUBLIC.includes(result.route)) continue;
      expect([result.status, result.location], result.route).to.deep.equal([302, DESK]);
    }
    expect(patientSessionReads, 'the patient session was not read on /balie').to.equal(0);
    expect((await agent.get('/werkblad')).status, 'still signed in as a patient').to.equal(200);
    expect(patientSessionReads).to.equal(1);
  });

  it('keeps a half-signed-in staff member on the second step', async () => {
    const agent = rt.agent();
    expect((await deskPasswordStep(agent, admin)).headers.location).to.equal(`${DESK}/code`);
    for (const result of await walk(agent, await tokenOf(agent, `${DESK}/code`))) {
      const [, path] = result.route.split(' ') as [string, string];
      if (PUBLIC.includes(result.route) || SECOND_STEP.includes(path)) continue;
      expect([result.status, result.location], result.route).to.deep.equal([302, `${DESK}/code`]);
    }
  });

  it('gives desk staff a Dutch 403 page on every admin route, and lets admins in', async () => {
    const member = await createStaffMember(rt, { role: 'desk' });
    const agent = await signInAtDesk(rt, member);
    const adminOnly = (route: string) => ADMIN_ONLY.some((prefix) => under(route.split(' ')[1]!, prefix));
    const results = await walk(agent, await tokenOf(agent, `${DESK}/patienten`));
    expect(results.filter((r) => adminOnly(r.route)).length).to.be.greaterThan(6);
    for (const result of results.filter((r) => adminOnly(r.route))) {
      expect(result.status, result.route).to.equal(403);
      expect(result.text, result.route).to.include('<h1>Geen toegang</h1>').and.include('alleen voor beheerders');
    }
    expect(await rt.services.staff.findById(admin.id), 'nothing changed').to.deep.include({ role: 'admin', disabled: false, twoFactorMethod: 'totp' });

    const adminAgent = await signInAtDesk(rt, admin);
    const ownAccount = `${DESK}/medewerkers/${admin.id}`;
    for (const [method, path] of routes.filter(([m, p]) => m === 'GET' && adminOnly(`${m} ${p}`))) {
      const res = await adminAgent.get(path);
      // The admin's own account (the routes' id) is changed by another admin: its action pages lead back to it.
      // The one-time password's page, with no staff member just added, leads to the staff list.
      const expected = path.startsWith(`${ownAccount}/`) ? [302, ownAccount]
        : path === `${DESK}/medewerkers/nieuw/toegevoegd` ? [302, `${DESK}/medewerkers`] : [200, undefined];
      expect([res.status, res.headers.location], `${method} ${path}`).to.deep.equal(expected);
    }
  });

  it('refuses every desk form without its CSRF token, or with a patient\'s, and changes nothing', async () => {
    const agent = await signInAtDesk(rt, admin);
    const patientAgent = rt.agent();
    const patientToken = /name="_csrf" value="([^"]+)"/.exec((await patientAgent.get('/inloggen')).text)![1]!;
    const before = { staff: await rt.services.staff.list(), log: (await rt.services.staffAudit.list({ limit: 100 })).length, patient: await rt.services.twoFactor.status(patientId) };
    const posts = routes.filter(([method]) => method === 'POST');
    expect(posts.length).to.be.greaterThan(15);
    for (const [, path] of posts) {
      for (const token of [undefined, 'a'.repeat(64), patientToken]) {
        const res = await agent.post(path).type('form').send({ ...(token ? { _csrf: token } : {}), reason: 'x', note: 'x', role: 'desk', identityChecked: 'ja', email: 'x@example.nl', name: 'X' });
        expect(res.status, `${path} with ${token ? 'a wrong token' : 'no token'}`).to.equal(403);
        // The desk session lives: not "expired", but a form without a token, or from an older page
        // (for "Uitloggen", that the staff member is still signed in).
        const outdated = path === `${DESK}/uitloggen` ? '<h1>Je bent nog niet uitgelogd</h1>' : '<h1>Deze pagina was verouderd</h1>';
        expect(res.text).to.include(token ? outdated : '<h1>Dit verzoek klopt niet</h1>').and.not.include('sessie is verlopen');
      }
    }
    expect({ staff: await rt.services.staff.list(), log: (await rt.services.staffAudit.list({ limit: 100 })).length, patient: await rt.services.twoFactor.status(patientId) }).to.deep.equal(before);
    expect((await agent.get(`${DESK}/patienten`)).status, 'still signed in').to.equal(200);
  });

  it('answers a form of a page Dillo kept (an old token, the site\'s root as Referer) with a way back to the desk, and an old "Uitloggen" with "still signed in" and a button that works', async () => {
    const agent = await signInAtDesk(rt, admin);
    const fromKeptPage = (path: string, fields: Record<string, string> = {}) =>
      agent.post(path).set('Host', 'karify.test').set('Referer', 'http://karify.test/').type('form').send({ _csrf: 'a'.repeat(64), ...fields });
    const search = await fromKeptPage(`${DESK}/patienten`, { query: 'cas' });
    expect(search.status).to.equal(403);
    expect(/<p><a href="([^"]*)">Ga verder<\/a><\/p>/.exec(search.text)?.[1], 'the desk, not the patients\' sign-in').to.equal(DESK);

    const out = await fromKeptPage(`${DESK}/uitloggen`);
    expect(out.status).to.equal(403);
    expect(out.text).to.include('<h1>Je bent nog niet uitgelogd</h1>');
    expect((await agent.get(`${DESK}/patienten`)).status, 'still signed in').to.equal(200);
    const token = /action="\/balie\/uitloggen"><input type="hidden" name="_csrf" value="([^"]+)"/.exec(out.text)![1]!;
    const signedOut = await agent.post(`${DESK}/uitloggen`).type('form').send({ _csrf: token });
    expect([signedOut.status, signedOut.headers.location]).to.deep.equal([302, DESK]);
    expect((await agent.get(DESK)).text).to.include('Je bent uitgelogd. Deel je deze computer met anderen? Sluit dan ook je browser.');
    expect((await agent.get(`${DESK}/patienten`)).headers.location, 'signed out').to.equal(DESK);
  });

  it('never lets a staff session reach a patient page, and its cookie is not even sent there', async () => {
    const agent = await signInAtDesk(rt, admin);
    for (const page of ['/werkblad', '/account', '/berichten', '/account/twee-stappen']) {
      expect((await agent.get(page)).headers.location, page).to.equal('/inloggen');
    }
    const page = await agent.get(`${DESK}/patienten`);
    expect(page.status).to.equal(200);
    const stolen = (await rt.agent().get(DESK)).headers['set-cookie'] as unknown as string[];
    const value = stolen.find((c) => c.startsWith('karify.balie='))!.split(';')[0]!.split('=')[1]!;
    // Even sent by hand under the patients' name, a desk cookie does not pass their signature check.
    const forged = await rt.agent().get('/werkblad').set('Cookie', `karify.sid=${value}`);
    expect(forged.headers.location).to.equal('/inloggen');
  });

  it('does not take a patient\'s session cookie for a desk session, even under the desk\'s name', async () => {
    const patient = await rt.createPatient();
    const res = await signIn(rt.agent(), patient.email, patient.password);
    const value = setCookies(res).find((c) => c.startsWith('karify.sid='))!.split(';')[0]!.split('=')[1]!;
    const forged = await rt.agent().get(`${DESK}/patienten`).set('Cookie', `karify.balie=${value}`);
    expect([forged.status, forged.headers.location]).to.deep.equal([302, DESK]);
  });
});
