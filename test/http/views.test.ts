import { expect } from 'chai';
import { csrfTokenOf, signIn } from '../support/forms';
import { startTestRuntime, TestRuntime } from '../support/runtime';

/*
 * Templates are rendered by EJS as Express runs it: a page includes its parts with
 * `include('partials/…', { … })`, and a part sees the page's locals plus what is passed to it.
 */
describe('views (EJS include)', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  it('gives a part the locals of the page and its parameters, also in parts that parts include', async () => {
    const agent = rt.agent();
    const page = await agent.get('/inloggen');
    expect(page.status).to.equal(200);
    // sign-in → page-start (title) → head: the title passed two includes down.
    expect(page.text).to.include('<title>Inloggen – Karify</title>');
    expect(page.text).to.include('<html lang="nl">');
    // text-field with its parameters, inside the page's form with the page's CSRF token.
    expect(csrfTokenOf(page.text)).to.have.length.greaterThan(10);
    expect(page.text).to.match(/<label for="email">E-mailadres<\/label>\s*<input id="email" name="email" type="email" value="" autocomplete="username webauthn" spellcheck="false">/);
    // page-end → footer: t with lng, otherLanguages and currentPath of the page.
    expect(page.text).to.include('<a href="/taal/en?terug=%2Finloggen" lang="en" hreflang="en">English</a>');

    // errors and values of the page, shown by error-summary and text-field.
    const failed = await agent.post('/inloggen').type('form').send({ _csrf: csrfTokenOf(page.text), email: 'cas@example.nl', password: '' });
    expect(failed.status).to.equal(400);
    expect(failed.text).to.include('<title>Fout: Inloggen – Karify</title>');
    expect(failed.text).to.include('<li><a href="#password">Vul je wachtwoord in.</a></li>');
    expect(failed.text).to.match(/<input id="email" name="email" type="email" value="cas@example.nl"/);
    expect(failed.text).to.match(/<input id="password" name="password" type="password" autocomplete="current-password" aria-describedby="password-error" aria-invalid="true">/);
  });

  it('gives the parts of the signed-in shell the user, the CSRF token and the page helpers', async () => {
    const patient = await rt.createPatient({ name: 'Cas <de> Vries' });
    const agent = rt.agent();
    await signIn(agent, patient.email, patient.password);
    const werkblad = await agent.get('/werkblad');
    expect(werkblad.status).to.equal(200);
    expect(werkblad.text).to.include('<p class="user-name">Cas &lt;de&gt; Vries</p>');
    expect(werkblad.text).to.include('<a href="/werkblad" aria-current="page">Werkblad</a>');
    expect(werkblad.text).to.match(/<form method="post" action="\/uitloggen"><input type="hidden" name="_csrf" value="[^"]+">/);
  });

  it('never renders a value from a polluted Object.prototype into a page or a part', async () => {
    const agent = rt.agent();
    const prototype = Object.prototype as Record<string, unknown>;
    prototype.hint = '<b>polluted</b>';
    prototype.inputmode = 'polluted-mode';
    prototype.notice = 'polluted notice';
    try {
      const page = await agent.get('/inloggen');
      const failed = await agent.post('/inloggen').type('form').send({ _csrf: csrfTokenOf(page.text), email: '', password: '' });
      for (const res of [page, failed]) {
        expect(res.text).to.include('<label for="email">E-mailadres</label>');
        expect(res.text).not.to.match(/polluted/);
        expect(res.text).not.to.include('-hint');
      }
    } finally {
      delete prototype.hint;
      delete prototype.inputmode;
      delete prototype.notice;
    }
  });
});
