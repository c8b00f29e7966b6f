import { expect } from 'chai';
import type supertest from 'supertest';
import { createStaffMember, DESK, identityOf, startWithStaffSignedIn } from '../../support/desk';
import { csrfTokenOf, signIn, submitForm } from '../../support/forms';
import { startTestRuntime, TestRuntime } from '../../support/runtime';
import { lockSecondStep, passwordStep, patientWithSms } from '../../support/two-factor';

/** The site's host, as the browser names it in the Host and Referer headers. */
const HOST = 'karify.test';

/** The href of the footer's language link on a page, as the browser reads it. */
function languageLinkOf(html: string): string {
  const match = /<a href="(\/taal\/[^"]+)" lang="[^"]+" hreflang="[^"]+">/.exec(html);
  if (!match) throw new Error('page has no language link');
  return match[1]!.replace(/&amp;/g, '&');
}

/** Follows the footer's language link of `page`: where it leads, and the page there. */
async function followLanguageLink(agent: supertest.Agent, page: supertest.Response) {
  const choose = await agent.get(languageLinkOf(page.text));
  expect(choose.status).to.equal(302);
  const location = choose.headers.location as string;
  return { location, page: await agent.get(location) };
}

describe('the language link returns to the same page, with its query', () => {
  let rt: TestRuntime;
  afterEach(() => rt?.close());

  it('keeps the confirmation\'s `terug`, so confirming in English still leads to the password page', async () => {
    rt = await startTestRuntime();
    const patient = await rt.createPatient();
    const agent = rt.agent();
    await signIn(agent, patient.email, patient.password);
    const asked = await agent.get('/account/wachtwoord');
    expect(asked.headers.location).to.equal('/account/bevestigen?terug=%2Faccount%2Fwachtwoord');
    const dutch = await agent.get(asked.headers.location as string);
    expect(languageLinkOf(dutch.text)).to.equal('/taal/en?terug=%2Faccount%2Fbevestigen%3Fterug%3D%252Faccount%252Fwachtwoord');

    const { location, page } = await followLanguageLink(agent, dutch);
    expect(location).to.equal('/account/bevestigen?terug=%2Faccount%2Fwachtwoord');
    expect(page.text).to.include('<html lang="en">').and.include('name="terug" value="/account/wachtwoord"');
    const confirmed = await agent.post('/account/bevestigen').type('form')
      .send({ _csrf: csrfTokenOf(page.text), terug: '/account/wachtwoord', password: patient.password });
    expect(confirmed.headers.location).to.equal('/account/wachtwoord');
  });

  it('keeps the desk\'s filter of the questions: "Alle" stays "Alle"', async () => {
    const signedIn = await startWithStaffSignedIn();
    rt = signedIn.rt;
    const dutch = await signedIn.desk.get(`${DESK}/vragen?status=alle`);
    expect(dutch.text).to.include('<title>Vragen: alle');
    const { location, page } = await followLanguageLink(signedIn.desk, dutch);
    expect(location).to.equal(`${DESK}/vragen?status=alle`);
    expect(page.text).to.include('<html lang="en">').and.match(/href="\/balie\/vragen\?status=alle" aria-current="true"/);
  });

  it('writes a query with quotes, angle brackets and ampersands percent-encoded into the link, and returns to it as it was', async () => {
    rt = await startTestRuntime();
    const agent = rt.agent();
    const path = '/inloggen?x=%22%3E%3Cscript%3E&y=1';
    const dutch = await agent.get(path);
    expect(dutch.status).to.equal(200);
    const href = languageLinkOf(dutch.text);
    expect(href).to.equal(`/taal/en?terug=${encodeURIComponent(path)}`);
    expect(href).not.to.match(/[<>"]/);
    const { location, page } = await followLanguageLink(agent, dutch);
    expect(location).to.equal(path);
    expect(page.text).to.include('<html lang="en">');
  });

  it('never leaves the site, also with a query in `terug`', async () => {
    rt = await startTestRuntime();
    const offSite = [
      '//evil.example?terug=/inloggen',
      '//evil.example/?x=1',
      '/\\evil.example?x=1',
      '/\t/evil.example?x=1',
      '\t//evil.example?x=1',
      ' /inloggen?x=1',
      'https://evil.example/inloggen?terug=/inloggen',
      '?terug=//evil.example',
      'evil.example/inloggen?x=1',
      '/inloggen?x=1\r\nLocation: //evil.example',
      '/inloggen?x=1\n//evil.example',
      '/inloggen?x=\\\\evil.example',
      '/inloggen?x=a b',
      '/inloggen?x=1#//evil.example',
      '/inloggen?x=<script>',
      '/inloggen?x=%zz',
      '/.//evil.example',
      '/./evil.example',
      '/%2E//evil.example',
      '/inloggen/..//evil.example',
      '/inloggen/../..',
      `/inloggen?x=${'a'.repeat(2000)}`,
    ];
    for (const terug of offSite) {
      const res = await rt.agent().get(`/taal/en?terug=${encodeURIComponent(terug)}`);
      expect(res.status, JSON.stringify(terug)).to.equal(302);
      expect(res.headers.location, JSON.stringify(terug)).to.equal('/');
    }
  });

  it('returns to a local path whose query only looks like another site, which stays on this site', async () => {
    rt = await startTestRuntime();
    for (const terug of ['/inloggen?terug=//evil.example', '/inloggen?x=https://evil.example/?a=1', '/?//evil.example', '/inloggen?x=%0D%0ALocation:%20//evil.example', '/inloggen?terug=/./x', '/.well-known/x']) {
      const res = await rt.agent().get(`/taal/en?terug=${encodeURIComponent(terug)}`);
      expect(res.headers.location, terug).to.equal(terug);
    }
  });

  describe('on a page that answers a form (a POST)', () => {
    it('leads to the page of the form shown again with its errors, also when the browser does not say where the form was sent from: the sign-in page', async () => {
      rt = await startTestRuntime();
      const agent = rt.agent();
      const page = await agent.get('/inloggen');
      const failed = await agent.post('/inloggen').type('form').send({ _csrf: csrfTokenOf(page.text), email: 'cas@example.nl', password: '' });
      expect(failed.status).to.equal(400);
      expect(languageLinkOf(failed.text)).to.equal('/taal/en?terug=%2Finloggen');
      const { page: english } = await followLanguageLink(agent, failed);
      expect(english.status).to.equal(200);
      expect(english.text).to.include('<html lang="en">').and.include('>Sign in</button>');
    });

    it('leads to the page the form was sent from, as the browser names it, with its query: the confirmation keeps its `terug`', async () => {
      rt = await startTestRuntime();
      const patient = await rt.createPatient();
      const agent = rt.agent();
      await signIn(agent, patient.email, patient.password);
      const page = '/account/bevestigen?terug=%2Faccount%2Fwachtwoord';
      const form = await agent.get(page);
      const wrong = await agent.post('/account/bevestigen').set('Host', HOST).set('Referer', `http://${HOST}${page}`).type('form')
        .send({ _csrf: csrfTokenOf(form.text), terug: '/account/wachtwoord', password: 'niet-mijn-wachtwoord' });
      expect(wrong.status).to.equal(400);
      expect(languageLinkOf(wrong.text)).to.equal(`/taal/en?terug=${encodeURIComponent(page)}`);
      const { page: english } = await followLanguageLink(agent, wrong);
      expect(english.text).to.include('<html lang="en">').and.include('name="terug" value="/account/wachtwoord"');
    });

    it('keeps the confirmation\'s `terug` also without the page the form was sent from (a second wrong password): the form is sent to its own address with it', async () => {
      rt = await startTestRuntime();
      const patient = await rt.createPatient();
      const agent = rt.agent();
      await signIn(agent, patient.email, patient.password);
      const page = '/account/bevestigen?terug=%2Faccount%2Fwachtwoord';
      const form = await agent.get(page);
      const action = /<form method="post" action="([^"]+)" novalidate>/.exec(form.text)![1]!.replace(/&amp;/g, '&');
      expect(action).to.equal(page);
      const wrong = await agent.post(action).type('form').send({ _csrf: csrfTokenOf(form.text), terug: '/account/wachtwoord', password: 'niet-mijn-wachtwoord' });
      expect(wrong.status).to.equal(400);
      expect(languageLinkOf(wrong.text)).to.equal(`/taal/en?terug=${encodeURIComponent(page)}`);
    });

    it('leads to a page that exists when the form\'s own address takes POST only: the lock\'s page after "Stuur nieuwe code"', async () => {
      rt = await startTestRuntime();
      const patient = await patientWithSms(rt);
      await lockSecondStep(rt, patient.id);
      const agent = rt.agent();
      await passwordStep(agent, patient.email, patient.password);
      const locked = await agent.get('/inloggen/code');
      const resend = await agent.post('/inloggen/code/nieuwe-code').set('Host', HOST).set('Referer', `http://${HOST}/inloggen/code`).type('form')
        .send({ _csrf: csrfTokenOf(locked.text) });
      expect(resend.status).to.equal(429);
      expect(languageLinkOf(resend.text)).to.equal('/taal/en?terug=%2Finloggen%2Fcode');
      const { page: english } = await followLanguageLink(agent, resend);
      expect(english.status).to.equal(200);
      expect(english.text).to.include('<html lang="en">').and.include('Signing in is blocked for a while');

      const withoutReferer = await agent.post('/inloggen/code/nieuwe-code').type('form').send({ _csrf: csrfTokenOf(locked.text) });
      expect(withoutReferer.status).to.equal(429);
      expect(languageLinkOf(withoutReferer.text), 'the page it is shown as (in English now)').to.equal('/taal/nl?terug=%2Finloggen%2Fcode');
    });

    it('leads where an error page\'s own link leads, never to a form\'s address that takes POST only: an out-of-date sign-out', async () => {
      rt = await startTestRuntime();
      const patient = await rt.createPatient();
      const agent = rt.agent();
      await signIn(agent, patient.email, patient.password);
      const outdated = await agent.post('/uitloggen').type('form').send({ _csrf: 'van-een-oudere-pagina' });
      expect(outdated.status).to.equal(403);
      expect(outdated.text).to.include('<h1>Je bent nog niet uitgelogd</h1>').and.include('<form method="post" action="/uitloggen">');
      expect(languageLinkOf(outdated.text), 'no Referer: the start, not /uitloggen').to.equal('/taal/en?terug=%2F');
      const fromPage = await agent.post('/uitloggen').set('Host', HOST).set('Referer', `http://${HOST}/account`).type('form').send({ _csrf: 'van-een-oudere-pagina' });
      expect(languageLinkOf(fromPage.text), 'the page the form was sent from').to.equal('/taal/en?terug=%2Faccount');
    });

    it('leads to the sign-in page after a refused passkey, sent to an address that takes POST only', async () => {
      rt = await startTestRuntime();
      const agent = rt.agent();
      const page = await agent.get('/inloggen');
      const refused = await agent.post('/inloggen/toegangssleutel').type('form').send({ _csrf: csrfTokenOf(page.text), credential: '{}' });
      expect(refused.status).to.equal(400);
      expect(languageLinkOf(refused.text)).to.equal('/taal/en?terug=%2Finloggen');
    });

    it('leads to the staff member\'s page after a refused change of role, sent to an address that takes POST only', async () => {
      const signedIn = await startWithStaffSignedIn({ role: 'admin' });
      rt = signedIn.rt;
      const member = await createStaffMember(rt);
      const page = `${DESK}/medewerkers/${member.id}`;
      const refused = await submitForm(signedIn.desk, page, { role: 'admin', reason: '' }, `${page}/rol`);
      expect(refused.status).to.equal(400);
      expect(languageLinkOf(refused.text)).to.equal(`/taal/en?terug=${encodeURIComponent(page)}`);
      expect(refused.text, 'the menu marks Medewerkers').to.match(/href="\/balie\/medewerkers" aria-current="true"/);
    });

    it('does not take the page the form was sent from from another site, or a path that would be another site', async () => {
      rt = await startTestRuntime();
      for (const referer of ['https://evil.example/werkblad', `http://${HOST}//evil.example/werkblad`, `http://${HOST}/\\evil.example/werkblad`, 'niet een adres']) {
        const agent = rt.agent();
        const page = await agent.get('/inloggen');
        const failed = await agent.post('/inloggen').set('Host', HOST).set('Referer', referer).type('form')
          .send({ _csrf: csrfTokenOf(page.text), email: 'cas@example.nl', password: '' });
        expect(failed.status, referer).to.equal(400);
        expect(languageLinkOf(failed.text), referer).to.equal('/taal/en?terug=%2Finloggen');
      }
    });

    it('leads to the page a form sent elsewhere is shown as, not to the address it was sent to: the desk\'s passkeys', async () => {
      const signedIn = await startWithStaffSignedIn();
      rt = signedIn.rt;
      const page = `${DESK}/toegangssleutels`;
      const wrong = await submitForm(signedIn.desk, page, { ...identityOf(rt, signedIn.member), currentPassword: 'niet-mijn-wachtwoord-1' }, `${page}/bevestigen`);
      expect(wrong.status).to.equal(400);
      expect(languageLinkOf(wrong.text)).to.equal(`/taal/en?terug=${encodeURIComponent(page)}`);
      const { page: english } = await followLanguageLink(signedIn.desk, wrong);
      expect(english.status).to.equal(200);
      expect(english.text).to.include('<html lang="en">');
    });
  });
});
