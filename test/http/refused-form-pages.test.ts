import { expect } from 'chai';
import type supertest from 'supertest';
import { csrfTokenOf, signIn } from '../support/forms';
import { appWith, connectionReset, sameBrowserOn, sessionStoreReading, startTestRuntime, TestRuntime } from '../support/runtime';

const HOST = 'karify.test';

/** The addresses of forms that have no page of their own: a GET there answers 404. */
const POST_ONLY = [
  '/inloggen/code/nieuwe-code',
  '/account/bevestigen/code',
  '/account/twee-stappen/telefoonnummer-wijzigen/verificatie/nieuwe-code',
  '/account/twee-stappen/overstappen/sms/verificatie/nieuwe-code',
];

/** The href of the one link in the page's main text (the error pages have one). */
const linkOf = (html: string, text: string) => new RegExp(`<p><a href="([^"]*)">${text}</a></p>`).exec(html)?.[1];

function expectPage(res: supertest.Response, status: number, title: string): void {
  expect(res.status, res.headers.location).to.equal(status);
  expect(res.text).to.include(`<h1>${title}</h1>`);
}

describe('the page of a refused or failed form: true about the session, its link to a page that exists', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  /** A patient with SMS two-step on the code page; `codes` finish the second step. */
  async function onCodePage() {
    const patient = await rt.createPatient();
    const codes = rt.services.recoveryCodes.generate();
    await rt.services.twoFactor.enableSms(patient.id, '+31612345678', codes);
    const agent = rt.agent();
    expect((await signIn(agent, patient.email, patient.password)).headers.location).to.equal('/inloggen/code');
    return { agent, codes, token: csrfTokenOf((await agent.get('/inloggen/code')).text) };
  }

  it('says the page was out of date, not that the session expired, for "Stuur nieuwe code" in a tab left behind after signing in in another, and leads back to the code page', async () => {
    const { agent, codes, token } = await onCodePage();
    const otherTab = await agent.post('/inloggen/herstelcode').type('form').send({ _csrf: csrfTokenOf((await agent.get('/inloggen/herstelcode')).text), recoveryCode: codes[0] });
    expect(otherTab.headers.location).to.equal('/inloggen/herstelcode-gebruikt');
    const smsBefore = (await rt.services.outbox!.list()).length;

    const res = await agent.post('/inloggen/code/nieuwe-code').set('Host', HOST).set('Referer', `http://${HOST}/inloggen/code`).type('form').send({ _csrf: token });
    expectPage(res, 403, 'Deze pagina was verouderd');
    expect(res.text).to.include('<title>Deze pagina was verouderd – Karify</title>').and.not.include('sessie is verlopen');
    expect(res.text).to.include('Daarom hebben we er niets mee gedaan.');
    expect(linkOf(res.text, 'Ga verder')).to.equal('/inloggen/code');
    expect((await rt.services.outbox!.list()).length, 'no SMS sent').to.equal(smsBefore);
    expect((await agent.get('/werkblad')).status, 'still signed in').to.equal(200);
    expect((await agent.get('/inloggen/code')).status, 'the link leads to a page, not a 404').to.equal(302);

    await agent.get('/taal/en?terug=/werkblad');
    const english = await agent.post('/inloggen/code/nieuwe-code').type('form').send({ _csrf: token });
    expect(english.text).to.include('<h1>This page was out of date</h1>').and.not.include('session has expired');
  });

  it('never links the address a form was sent to, nor another site: the page it came from, or else the start', async () => {
    const patient = await rt.createPatient();
    const agent = rt.agent();
    const before = csrfTokenOf((await agent.get('/inloggen')).text); // a page left open before signing in
    await signIn(agent, patient.email, patient.password);
    const send = (path: string, referer?: string) => {
      const post = agent.post(path).set('Host', HOST).type('form');
      return (referer ? post.set('Referer', referer) : post).send({ _csrf: before });
    };
    for (const path of POST_ONLY) {
      expect((await agent.get(path)).status, `${path} has no page`).to.equal(404);
      const cases: Array<[string | undefined, string]> = [
        [`http://${HOST}/account/twee-stappen?van=tab`, '/account/twee-stappen?van=tab'],
        [undefined, '/'],
        ['https://elders.example/account', '/'],
        [`http://${HOST}//evil.example/x`, '/'],
        [`http://${HOST}/\\evil.example/x`, '/'],
      ];
      for (const [referer, link] of cases) {
        const res = await send(path, referer);
        expectPage(res, 403, 'Deze pagina was verouderd');
        expect(linkOf(res.text, 'Ga verder'), `${path} from ${referer}`).to.equal(link);
      }
    }
    expect((await agent.get('/werkblad')).status, 'still signed in').to.equal(200);
  });

  it('keeps "Je sessie is verlopen" where the session ended, its "Opnieuw beginnen" leading to the form\'s page or the start, on the desk to the desk\'s', async () => {
    const { agent, token } = await onCodePage();
    expect((await agent.post('/inloggen/annuleren').type('form').send({ _csrf: token })).headers.location).to.equal('/inloggen'); // in another tab
    const fromPage = await agent.post('/inloggen/code/nieuwe-code').set('Host', HOST).set('Referer', `http://${HOST}/inloggen/code`).type('form').send({ _csrf: token });
    expectPage(fromPage, 403, 'Je sessie is verlopen');
    expect(linkOf(fromPage.text, 'Opnieuw beginnen')).to.equal('/inloggen/code');
    expect((await agent.get('/inloggen/code')).headers.location, 'which sends on to the sign-in page').to.equal('/inloggen');

    const noReferer = await rt.agent().post('/inloggen/code/nieuwe-code').type('form').send({ _csrf: token });
    expectPage(noReferer, 403, 'Je sessie is verlopen');
    expect(linkOf(noReferer.text, 'Opnieuw beginnen')).to.equal('/');
    const desk = await rt.agent().post('/balie/code').type('form').send({ _csrf: token });
    expectPage(desk, 403, 'Je sessie is verlopen');
    expect(linkOf(desk.text, 'Opnieuw beginnen')).to.equal('/balie');
  });

  it('leads the server error page after a form back to the form\'s page, not to the address it was sent to; after a page asked for, to that page', async () => {
    const patient = await rt.createPatient();
    const agent = rt.agent();
    await signIn(agent, patient.email, patient.password);
    const token = csrfTokenOf((await agent.get('/account')).text);
    const failing = () => { throw new Error('kaboom'); };
    const auditFails = sameBrowserOn(appWith(rt, { services: { audit: { ...rt.services.audit, record: failing } } }), agent);
    const failed = await auditFails.post('/uitloggen').set('Host', HOST).set('Referer', `http://${HOST}/account`).type('form').send({ _csrf: token });
    expectPage(failed, 500, 'Er ging iets mis');
    expect(linkOf(failed.text, 'Opnieuw proberen')).to.equal('/account');
    const noReferer = await auditFails.post('/uitloggen').type('form').send({ _csrf: token });
    expectPage(noReferer, 500, 'Er ging iets mis');
    expect(linkOf(noReferer.text, 'Opnieuw proberen')).to.equal('/');

    const modulesFail = sameBrowserOn(appWith(rt, { services: { modules: { ...rt.services.modules, listForUser: failing } } }), agent);
    const page = await modulesFail.get('/werkblad?x=1');
    expectPage(page, 500, 'Er ging iets mis');
    expect(linkOf(page.text, 'Opnieuw proberen')).to.equal('/werkblad?x=1');
  });

  it('never links another site from the 503 page of a page asked for as //other.example/…', async () => {
    const patient = await rt.createPatient();
    const agent = rt.agent();
    await signIn(agent, patient.email, patient.password);
    const unreadable = sessionStoreReading(rt.sessionStore, (_sid, callback) => callback(connectionReset()));
    const res = await sameBrowserOn(appWith(rt, { sessionStore: unreadable }), agent).get('//evil.example/werkblad');
    expectPage(res, 503, 'Tijdelijk niet beschikbaar');
    expect(linkOf(res.text, 'Opnieuw proberen')).to.equal('/');
  });
});
