import { expect } from 'chai';
import type supertest from 'supertest';
import { csrfTokenOf, signIn } from '../../support/forms';
import { askOptions, PASSKEYS, patientWithPasskey } from '../../support/passkeys';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';

/**
 * What public/js/passkeys.js posts (the options, as JSON, and the passkey's answer in the field
 * `credential`), posted the ways a broken client or an attacker posts it: never a 5xx or a leak,
 * always a Dutch answer, and nothing changed (test/resilience/hostile-input.test.ts does the forms).
 */
const NONSENSE = [
  '', 'x', 'null', '[]', '{}', '"public-key"', '{"__proto__":{"admin":true}}',
  JSON.stringify({ id: 'a', rawId: 'a', type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 1, signature: [] } }),
  JSON.stringify({ id: '../../etc', rawId: '../../etc', type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 'e30', signature: 'e30' } }),
  JSON.stringify({ id: 'YQ', rawId: 'YQ', type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 'e30', signature: 'e30', userHandle: 'YQ' } }),
  JSON.stringify({ id: 'YQ', rawId: 'YQ', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'oA' } }),
  `{"a":${'['.repeat(2000)}${']'.repeat(2000)}}`,
  'z'.repeat(9000),
];

const TWO_STEP_ADD = `${PASSKEYS}/toevoegen`;
const leaks = (html: string) => /\n\s+at \S|node_modules|\.ts:\d+|TypeError|SyntaxError|SQLITE_/.test(html);

describe('passkeys: hostile input to what the script posts', function () {
  this.timeout(60_000);
  let rt: TestRuntime;
  let world: Awaited<ReturnType<typeof patientWithPasskey>>;
  before(async () => {
    rt = await startTestRuntime();
    world = await patientWithPasskey(rt);
  });
  after(() => rt.close());

  const stored = async () => ({ passkeys: await rt.db('passkeys').select('*').orderBy('id'), settings: await rt.db('two_factor_settings').select('*') });

  /** Each nonsense answer, after fresh options: a Dutch 400 page with `message`, nothing changed, `still` still true. */
  async function nonsenseIsRefused(agent: supertest.Agent, page: string, optionsPath: string, action: string, message: string, still: () => Promise<boolean>, extra: Record<string, string> = {}) {
    const token = csrfTokenOf((await agent.get(page)).text);
    const before = await stored();
    for (const credential of NONSENSE) {
      await askOptions(agent, optionsPath, token);
      const res = await agent.post(action).type('form').send({ _csrf: token, ...extra, credential });
      const what = `${action} ${credential.slice(0, 30)}`;
      expect(res.status, what).to.equal(400);
      expect(res.text, what).to.include('<html lang="nl"').and.include(message);
      expect(leaks(res.text), what).to.equal(false);
      expect(await still(), what).to.equal(true);
    }
    const repeated = await agent.post(action).type('form').send(`_csrf=${token}&credential=a&credential=b`);
    expect(repeated.status).to.equal(400);
    expect(await stored()).to.deep.equal(before);
  }

  it('the options: the token in the header only, JSON back, a name checked like the form\'s', async () => {
    const agent = world.agent;
    const page = await agent.get(TWO_STEP_ADD);
    const token = csrfTokenOf(page.text);
    for (const path of ['/inloggen/toegangssleutel/opties', '/account/bevestigen/toegangssleutel/opties', `${PASSKEYS}/toevoegen/opties`]) {
      const noToken = await agent.post(path).type('form').send({ _csrf: 'wrong', name: 'x' });
      expect(noToken.status, path).to.equal(403);
      expect(noToken.text).to.include('<html lang="nl"');
    }
    const json = await agent.post(`${PASSKEYS}/toevoegen/opties`).set('X-CSRF-Token', token).set('Content-Type', 'application/json').send(JSON.stringify({ name: 'Laptop' }));
    expect(json.status, 'a JSON body is not read: no name').to.equal(400);
    expect(json.body.message).to.equal('Geef je toegangssleutel een naam.');
    const repeated = await agent.post(`${PASSKEYS}/toevoegen/opties`).set('X-CSRF-Token', token).type('form').send('name=a&name=b');
    expect(repeated.status).to.equal(400);
    const huge = await askOptions(agent, `${PASSKEYS}/toevoegen/opties`, token, { name: 'n'.repeat(70_000) }); // over BODY_LIMIT_BYTES
    expect(huge.status).to.equal(413);
    expect(leaks(huge.text)).to.equal(false);
    const anonymous = await rt.agent().post('/inloggen/code/toegangssleutel/opties').set('X-CSRF-Token', token).send();
    expect(anonymous.status, 'no session, no token').to.equal(403);
  });

  it('the sign-in page\'s answer', async () => {
    const agent = rt.agent();
    const signedOut = async () => (await agent.get('/werkblad')).headers.location === '/inloggen';
    await nonsenseIsRefused(agent, '/inloggen', '/inloggen/toegangssleutel/opties', '/inloggen/toegangssleutel', 'Het gebruik van je toegangssleutel is niet gelukt', signedOut);
  });

  it('the second step\'s answer', async () => {
    const agent = rt.agent();
    expect((await signIn(agent, world.patient.email, world.patient.password)).headers.location).to.equal('/inloggen/code');
    const half = async () => (await agent.get('/werkblad')).headers.location === '/inloggen/code';
    await nonsenseIsRefused(agent, '/inloggen/code', '/inloggen/code/toegangssleutel/opties', '/inloggen/code/toegangssleutel', 'Het gebruik van je toegangssleutel is niet gelukt', half);
  });

  it('the fresh confirmation\'s answer', async () => {
    rt.clock.advanceMinutes(11);
    const returnTo = '/account/wachtwoord';
    const notFresh = async () => (await world.agent.get(returnTo)).status === 302;
    await nonsenseIsRefused(world.agent, `/account/bevestigen?terug=${encodeURIComponent(returnTo)}`, '/account/bevestigen/toegangssleutel/opties', '/account/bevestigen',
      'Het gebruik van je toegangssleutel is niet gelukt', notFresh, { terug: returnTo, password: world.patient.password });
  });

});
