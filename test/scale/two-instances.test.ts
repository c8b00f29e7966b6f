import { expect } from 'chai';
import { startFakeVonage } from '../support/fake-vonage';
import { csrfTokenOf, expectDoubleClickAnswers } from '../support/forms';
import { HttpClient } from '../support/http-client';
import { type Instance, startTwoInstances } from '../support/instances';
import { authenticatorFor, registerPasskey } from '../support/passkeys';
import { startPostgresServer, TestPostgresServer } from '../support/postgres-server';
import { startRedisServer, TestRedisServer } from '../support/redis-server';
import { lastCode, patientWithSms } from '../support/two-factor';

describe('two app instances on one Redis and one PostgreSQL (scale-out)', function () {
  this.timeout(60_000);
  let redis: TestRedisServer;
  let pg: TestPostgresServer;
  let vonage: Awaited<ReturnType<typeof startFakeVonage>>;
  let a: Instance;
  let b: Instance;

  before(async () => {
    [redis, pg, vonage] = await Promise.all([startRedisServer(), startPostgresServer('karify_scale'), startFakeVonage()]);
    [a, b] = await startTwoInstances({ DATABASE_URL: pg.url, REDIS_URL: redis.url }, vonage);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await Promise.all([redis?.stop(), pg?.stop(), vonage?.stop()]);
  });

  it('signs in with the password on A, the SMS code on B, and reaches the Werkblad on A', async () => {
    const patient = await patientWithSms(a.rt, '+31611111111');
    const browser = new HttpClient();
    const password = await browser.submit(`${a.url}/inloggen`, { email: patient.email, password: patient.password });
    expect(password.location).to.equal('/inloggen/code');
    const code = await browser.submit(`${b.url}/inloggen/code`, { code: lastCode(vonage) });
    expect(code.location).to.equal('/werkblad');
    const workspace = await browser.get(`${a.url}/werkblad`);
    expect(workspace.status).to.equal(200);
    expect(workspace.text).to.include('Werkblad');
  });

  it('gives passkey options on A and takes the answer on B; 50 copies of the answer at both at once (one browser\'s session) sign in once, all led where the first went', async () => {
    const patient = await a.rt.createPatient({ email: 'passkey@example.nl' });
    await a.rt.services.twoFactor.enablePasskey(patient.id, []);
    const authenticator = authenticatorFor(a.rt);
    await registerPasskey(a.rt, patient, authenticator);
    const browser = new HttpClient();
    const token = csrfTokenOf((await browser.get(`${a.url}/inloggen`)).text);
    const options = await browser.post(`${a.url}/inloggen/toegangssleutel/opties`, {}, { 'x-csrf-token': token });
    expect(options.status).to.equal(200);
    const body = { _csrf: token, credential: JSON.stringify(authenticator.get(JSON.parse(options.text))) };
    // Each copy keeps its own cookies, so the one that signed in can be followed (one jar would keep whichever answer came last).
    const copies = Array.from({ length: 50 }, () => browser.copy());
    const results = await Promise.all(copies.map((copy, i) => copy.post(`${(i % 2 === 0 ? b : a).url}/inloggen/toegangssleutel`, body)));
    // The same form from the same session: a double click through the load balancer, handled once.
    expect(results.map((r) => r.location)).to.deep.equal(Array(50).fill('/werkblad'));
    const events = await a.rt.services.audit.listForUser(patient.id);
    expect(events.filter((e) => e.type === 'sign_in'), 'one sign-in').to.have.length(1);
    expect(events.filter((e) => e.type === 'second_step_failed'), 'no copy checked as a replay').to.have.length(0);
    // A browser keeps one jar, so the first answer's new session cookie is what it holds; here each
    // copy holds only what its own answer set: the first's (or a late repeat's) has the session.
    const open = await Promise.all(copies.map(async (copy) => (await copy.get(`${a.url}/werkblad`)).status));
    const signedIn = copies[open.indexOf(200)];
    expect(signedIn, 'a copy holds the new session').not.to.equal(undefined);
    expect((await signedIn!.get(`${b.url}/werkblad`)).status).to.equal(200);
  });

  it('checks a code sent twice at once to A and B (a double click through the load balancer) once, and records no failure', async () => {
    const patient = await patientWithSms(a.rt, '+31633333333');
    const browser = new HttpClient();
    await browser.submit(`${a.url}/inloggen`, { email: patient.email, password: patient.password });
    const token = csrfTokenOf((await browser.get(`${a.url}/inloggen/code`)).text);
    const body = { _csrf: token, code: lastCode(vonage) };
    const copies = [browser.copy(), browser.copy()];
    const results = await Promise.all(copies.map((copy, i) => copy.post(`${[a, b][i]!.url}/inloggen/code`, body)));
    expectDoubleClickAnswers(results.map((r) => `${r.status} ${r.location}`), '/werkblad', ['/werkblad', '/inloggen']);
    const events = (await a.rt.services.audit.listForUser(patient.id)).map((e) => e.type);
    expect(events.filter((type) => type === 'sign_in')).to.have.length(1);
    expect(events).to.not.include('second_step_failed');
  });

  it('refuses on B a recovery code used on A', async () => {
    const patient = await patientWithSms(a.rt, '+31622222222');
    const first = new HttpClient();
    await first.submit(`${a.url}/inloggen`, { email: patient.email, password: patient.password });
    const used = await first.submit(`${a.url}/inloggen/herstelcode`, { recoveryCode: patient.recoveryCodes[0]! });
    expect(used.location).to.equal('/inloggen/herstelcode-gebruikt');

    const second = new HttpClient();
    await second.submit(`${b.url}/inloggen`, { email: patient.email, password: patient.password });
    const again = await second.submit(`${b.url}/inloggen/herstelcode`, { recoveryCode: patient.recoveryCodes[0]! });
    expect(again.status).to.equal(400);
    expect(again.text).to.include('Deze herstelcode klopt niet of is al gebruikt');
  });

  it('counts limits across both: the SMS cooldown and the sign-in lock', async () => {
    const patient = await patientWithSms(a.rt, '+31633333333');
    const browser = new HttpClient();
    await browser.submit(`${a.url}/inloggen`, { email: patient.email, password: patient.password });
    const sent = vonage.messages.length;
    const resend = await browser.submit(`${b.url}/inloggen/code`, {}, `${b.url}/inloggen/code/nieuwe-code`);
    expect(resend.location).to.equal('/inloggen/code');
    const page = await browser.get(`${b.url}/inloggen/code`);
    expect(page.text).to.match(/<p class="warning" role="status">We hebben geen nieuwe code gestuurd, want je hebt net al een code gekregen\. Je kunt om \d\d:\d\d een nieuwe code aanvragen met &#39;Stuur nieuwe code&#39;\.<\/p>/);
    expect(vonage.messages.length).to.equal(sent); // the cooldown started on A holds on B

    const attacker = new HttpClient();
    for (let i = 0; i < 5; i += 1) {
      const target = i % 2 === 0 ? a.url : b.url;
      await attacker.submit(`${target}/inloggen`, { email: 'victim@example.nl', password: 'wrong-password-123' });
    }
    const locked = await attacker.submit(`${b.url}/inloggen`, { email: 'victim@example.nl', password: 'wrong-password-123' });
    expect(locked.status).to.equal(429);
  });
});
