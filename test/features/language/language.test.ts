import { expect } from 'chai';
import { csrfTokenOf, signIn } from '../../support/forms';
import { startTestRuntime, TestRuntime } from '../../support/runtime';
import { chooseSms, confirmPassword, enterPhone, SETUP } from '../../support/two-factor';

/** The href of the footer's language link on a page. */
function languageLinkOf(html: string): { href: string; lang: string; text: string } {
  const match = /<a href="(\/taal\/[^"]+)" lang="([^"]+)" hreflang="[^"]+">([^<]+)<\/a>/.exec(html);
  if (!match) throw new Error('page has no language link');
  return { href: match[1]!.replace(/&amp;/g, '&'), lang: match[2]!, text: match[3]! };
}

describe('language choice (issue 6)', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  it('shows Dutch to a browser that asks for English (w3m, lynx and many Dutch patients\' browsers do), until the patient chooses English', async () => {
    const asked = await rt.agent().get('/inloggen').set('Accept-Language', 'en-GB,en;q=0.9');
    expect(asked.text).to.include('<html lang="nl">');
    expect(asked.text).to.include('>Log in</button>');
    const res = await rt.agent().get('/inloggen').set('Cookie', 'karify.lang=en');
    expect(res.status).to.equal(200);
    expect(res.text).to.include('<html lang="en">');
    expect(res.text).to.include('<title>Sign in – Karify</title>');
    expect(res.text).to.match(/<label for="email">Email address<\/label>/);
    expect(res.text).to.match(/<label for="password">Password<\/label>/);
    expect(res.text).to.include('>Sign in</button>');
    expect(res.text).not.to.include('Wachtwoord');
  });

  it('shows Dutch without an Accept-Language header, and for a language it does not have', async () => {
    const plain = await rt.agent().get('/inloggen');
    expect(plain.text).to.include('<html lang="nl">');
    expect(plain.text).to.include('<title>Inloggen – Karify</title>');
    const french = await rt.agent().get('/inloggen').set('Accept-Language', 'fr-FR,fr;q=0.9,de;q=0.5');
    expect(french.text).to.include('<html lang="nl">');
    expect(french.text).to.include('>Log in</button>');
  });

  it('offers the other language in the footer, in that language, as a plain link back to the page', async () => {
    const dutch = await rt.agent().get('/inloggen');
    expect(languageLinkOf(dutch.text)).to.deep.equal({ href: '/taal/en?terug=%2Finloggen', lang: 'en', text: 'English' });
    expect(dutch.text).to.include('hreflang="en"');
    const english = await rt.agent().get('/inloggen').set('Cookie', 'karify.lang=en');
    expect(languageLinkOf(english.text)).to.deep.equal({ href: '/taal/nl?terug=%2Finloggen', lang: 'nl', text: 'Nederlands' });
  });

  it('keeps the chosen language in a cookie that wins over Accept-Language, and switches back', async () => {
    const agent = rt.agent();
    const dutch = await agent.get('/inloggen').set('Accept-Language', 'nl');
    const choose = await agent.get(languageLinkOf(dutch.text).href).set('Accept-Language', 'nl');
    expect(choose.status).to.equal(302);
    expect(choose.headers.location).to.equal('/inloggen');
    const cookie = String(choose.headers['set-cookie']);
    expect(cookie).to.match(/karify\.lang=en;/);
    expect(cookie).to.match(/HttpOnly/i).and.match(/SameSite=Lax/i).and.match(/Path=\//);

    const english = await agent.get('/inloggen').set('Accept-Language', 'nl');
    expect(english.text).to.include('<html lang="en">');
    expect(english.text).to.include('>Sign in</button>');

    const back = await agent.get(languageLinkOf(english.text).href).set('Accept-Language', 'en');
    expect(back.headers.location).to.equal('/inloggen');
    const dutchAgain = await agent.get('/inloggen').set('Accept-Language', 'en');
    expect(dutchAgain.text).to.include('<html lang="nl">');
    expect(dutchAgain.text).to.include('>Log in</button>');
  });

  it('keeps the language after signing in, on the shell pages', async () => {
    const patient = await rt.createPatient();
    const agent = rt.agent();
    await agent.get('/taal/en?terug=/inloggen');
    expect((await signIn(agent, patient.email, patient.password)).headers.location).to.equal('/werkblad');
    const workspace = await agent.get('/werkblad');
    expect(workspace.text).to.include('<html lang="en">');
    expect(workspace.text).to.include('Select a task or package to open it.');
    expect(languageLinkOf(workspace.text)).to.deep.equal({ href: '/taal/nl?terug=%2Fwerkblad', lang: 'nl', text: 'Nederlands' });
  });

  it('ignores an unknown language: no cookie, the page stays in its language', async () => {
    const agent = rt.agent();
    const res = await agent.get('/taal/fr?terug=/inloggen');
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/inloggen');
    expect(res.headers['set-cookie']).to.equal(undefined);
    expect((await agent.get('/inloggen')).text).to.include('<html lang="nl">');
    // A cookie with a language the app does not have is Dutch, whatever the browser asks.
    const forged = await rt.agent().get('/inloggen').set('Cookie', 'karify.lang=fr').set('Accept-Language', 'en');
    expect(forged.text).to.include('<html lang="nl">');
  });

  it('never redirects off the site', async () => {
    const offSite = [
      '//evil.example',
      'https://evil.example',
      'http://evil.example/inloggen',
      '/\\evil.example',
      '\\\\evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      'evil.example',
      'javascript:alert(1)',
      '',
    ];
    for (const terug of offSite) {
      const res = await rt.agent().get(`/taal/en?terug=${encodeURIComponent(terug)}`);
      expect(res.status, JSON.stringify(terug)).to.equal(302);
      expect(res.headers.location, JSON.stringify(terug)).to.equal('/');
    }
    const twice = await rt.agent().get('/taal/en?terug=/inloggen&terug=//evil.example');
    expect(twice.headers.location).to.equal('/');
    const missing = await rt.agent().get('/taal/en');
    expect(missing.headers.location).to.equal('/');
  });

  it('returns to a path with percent-encoded characters, as the footer link writes it', async () => {
    const agent = rt.agent();
    const missing = await agent.get('/pagina%20die%20niet%20bestaat');
    expect(missing.status).to.equal(404);
    const link = languageLinkOf(missing.text);
    expect(link.href).to.equal('/taal/en?terug=%2Fpagina%2520die%2520niet%2520bestaat');
    const res = await agent.get(link.href);
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/pagina%20die%20niet%20bestaat');
    const english = await agent.get(res.headers.location as string);
    expect(english.status).to.equal(404);
    expect(english.text).to.include('<html lang="en">').and.include('Page not found');
  });

  it('formats dates per language: a module handed in on the workspace', async () => {
    const patient = await rt.createPatient();
    const at = Date.UTC(2021, 1, 9, 12, 15); // 9 February 2021, 13:15 in Amsterdam
    await rt.services.modules.replaceForUser(patient.id, [
      { position: 1, title: 'Ik heb ADHD', kind: 'module', submittedAt: at },
      { position: 2, title: 'Wat is slapen?', kind: 'module', submittedAt: null },
    ]);
    const agent = rt.agent();
    await signIn(agent, patient.email, patient.password);
    const dutch = await agent.get('/werkblad');
    expect(dutch.text).to.include('Ingeleverd op 9 februari 2021 om 13:15').and.include('Beschikbaar');
    await agent.get('/taal/en?terug=/werkblad');
    const english = await agent.get('/werkblad');
    expect(english.text).to.include('Submitted on 9 February 2021 at 13:15').and.include('Available');
    expect(english.text).not.to.include('februari');
  });

  it('follows the error contract in English: 400, "Error: " title, messages in English', async () => {
    const agent = rt.agent();
    await agent.get('/taal/en?terug=/inloggen');
    const page = await agent.get('/inloggen');
    const res = await agent.post('/inloggen').type('form')
      .send({ _csrf: csrfTokenOf(page.text), email: 'cas@example', password: '' });
    expect(res.status).to.equal(400);
    expect(res.text).to.include('<html lang="en">');
    expect(res.text).to.include('<title>Error: Sign in – Karify</title>');
    expect(res.text).to.match(/class="error-summary"[\s\S]*<h2 id="error-summary-title">There is a problem<\/h2>/);
    expect(res.text).to.match(/href="#email">Enter an email address like name@example.com/);
    expect(res.text).to.match(/href="#password">Enter your password/);
    expect(res.text).to.match(/id="email-error"[^>]*><span class="visually-hidden">Error:<\/span> Enter an email address like name@example.com/);
    expect(res.text).to.match(/id="email" name="email" type="email" value="cas@example"/);
    expect(res.text).not.to.include('Fout');
  });

  it('names the countries of the phone-number form in the page language, in the list and in the messages', async () => {
    const patient = await rt.createPatient();
    const agent = rt.agent();
    await signIn(agent, patient.email, patient.password);
    await confirmPassword(agent, patient.password);
    await agent.get('/taal/en?terug=/werkblad');
    await chooseSms(agent);
    const english = await agent.get(`${SETUP}/telefoonnummer`);
    expect(english.text).to.include('<html lang="en">');
    const options = [...english.text.matchAll(/<option value="([A-Z]{2})"( selected)?>([^<]+)<\/option>/g)];
    expect(options.map((m) => m[3]), 'the countries an SMS can go to').to.deep.equal(['Netherlands (+31)', 'Belgium (+32)']);
    expect(options[0]![2]).to.equal(' selected');
    expect(english.text).not.to.match(/>(Nederland|België) \(/);

    const refused = await enterPhone(agent, '+49 151 23456789');
    expect(refused.status).to.equal(400);
    expect(refused.text).to.include('Use a mobile number from Netherlands or Belgium');

    await agent.get('/taal/nl?terug=/werkblad');
    const dutch = await agent.get(`${SETUP}/telefoonnummer`);
    expect(dutch.text).to.include('>Nederland (+31)</option>').and.include('>België (+32)</option>');
    expect((await enterPhone(agent, '+49 151 23456789')).text).to.include('Gebruik een mobiel nummer uit Nederland of België');
  });
});
