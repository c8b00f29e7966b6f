import { expect } from 'chai';
import { cookieSet, csrfTokenOf, doubleClick, sessionFormOf, signIn, submitForm } from '../../support/forms';
import { storedSessionFields } from '../../support/page-access';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';

const EXPIRED_NOTICE = '<p class="warning" role="alert">Het formulier was verlopen, daarom hebben we je vraag nog niet verstuurd. Controleer je gegevens en verstuur je vraag opnieuw.</p>';

/**
 * The Vragenformulier sent after the session it was opened in timed out: the page again with what
 * was typed and why nothing was sent, nothing stored, the session ended (no sign-in state in the
 * store, a new session id); then sent again from that page, it is stored.
 */
async function expectKeptAfterTimeout(rt: TestRuntime, agent: ReturnType<TestRuntime['agent']>, token: string, sessionCookie: string) {
  const question = 'Mijn code komt niet aan. <b>Wat nu?</b>';
  const late = await agent.post('/hulp/vragenformulier').type('form').send({ _csrf: token, name: 'Cas', email: 'cas@example.nl', question });
  expect(`${late.status} ${late.headers.location ?? ''}`, 'the page again, not the sign-in page').to.equal('403 ');
  expect(late.text).to.include('<title>Vragenformulier – Karify</title>').and.include(EXPIRED_NOTICE).and.not.include('aria-invalid');
  expect(late.text).to.include('Mijn code komt niet aan. &lt;b&gt;Wat nu?&lt;/b&gt;</textarea>');
  expect(late.text).to.include('value="Cas"').and.include('value="cas@example.nl"');
  expect(await rt.services.helpQuestions.list(), 'the ended session\'s token sends nothing').to.deep.equal([]);
  expect(cookieSet(late), 'a new session id').to.match(/^karify\.sid=/).and.not.equal(sessionCookie);
  const signInState = (await storedSessionFields(rt)).flat().filter((field) => field === 'auth' || field === 'passport');
  expect(signInState, 'no sign-in state survives in the store').to.deep.equal([]);

  const signInPage = await agent.get('/inloggen');
  expect(signInPage.text, 'the sign-in page says why, and is not the code page').to.include('Je sessie is verlopen. Log opnieuw in.').and.include('name="password"');
  const sent = await agent.post('/hulp/vragenformulier').type('form').send({ _csrf: csrfTokenOf(late.text), name: 'Cas', email: 'cas@example.nl', question });
  expect(sent.headers.location).to.equal('/hulp/vragenformulier');
  expect((await rt.services.helpQuestions.list()).map((q) => ({ userId: q.userId, question: q.question }))).to.deep.equal([{ userId: null, question }]);
}

describe('help: the Vragenformulier (J7)', () => {
  it('stores a question for the clinic, with errors next to the fields', async () => {
    const rt = await startTestRuntime();
    try {
      const agent = rt.agent();
      const empty = await submitForm(agent, '/hulp/vragenformulier', { name: '', email: 'x', question: '' });
      expect(empty.status).to.equal(400);
      expect(empty.text).to.include('Vul je naam in').and.include('Vul een e-mailadres in zoals').and.include('Vul je vraag in');
      const ok = await submitForm(agent, '/hulp/vragenformulier', { name: 'Cas', email: 'cas@example.nl', question: 'Ik krijg geen SMS.' });
      expect(ok.headers.location).to.equal('/hulp/vragenformulier');
      expect((await agent.get('/hulp/vragenformulier')).text, 'said once').to.include('we hebben je vraag ontvangen');
      expect((await agent.get('/hulp/vragenformulier')).text, 'not again on a refresh').not.to.include('we hebben je vraag ontvangen');
      const stored = await rt.services.helpQuestions.list();
      expect(stored[0]).to.include({ name: 'Cas', email: 'cas@example.nl', question: 'Ik krijg geen SMS.' });

      const longestName = `${'Ö'.repeat(99)}😀`; // 100 characters, 101 UTF-16 units
      const tooLong = await submitForm(agent, '/hulp/vragenformulier', { name: `${longestName}x`, email: 'cas@example.nl', question: 'Nog een vraag.' });
      expect(tooLong.status).to.equal(400);
      expect(tooLong.text).to.include('Je naam mag hoogstens 100 tekens lang zijn.');
      const longest = await submitForm(agent, '/hulp/vragenformulier', { name: longestName, email: 'cas@example.nl', question: 'Nog een vraag.' });
      expect(longest.headers.location, 'a name of 100 characters').to.equal('/hulp/vragenformulier');
    } finally {
      await rt.close();
    }
  });

  it('reads a question of 2,000 characters in any script, and shows a longer one again with its text; far beyond, "Terug" leads to the form', async () => {
    const rt = await startTestRuntime();
    try {
      const agent = rt.agent();
      const longest = '问'.repeat(1000) + '😀'.repeat(1000); // 3 and 4 UTF-8 bytes, each 9 and 12 as a form
      const ok = await submitForm(agent, '/hulp/vragenformulier', { name: 'Cas', email: 'cas@example.nl', question: longest });
      expect(ok.headers.location, 'the longest question that may be asked').to.equal('/hulp/vragenformulier');
      expect((await rt.services.helpQuestions.list())[0]!.question).to.equal(longest);

      expect((await agent.get('/hulp/vragenformulier')).text).to.include('we hebben je vraag ontvangen'); // the page it leads to
      const tooLong = await submitForm(agent, '/hulp/vragenformulier', { name: 'Cas', email: 'cas@example.nl', question: `${longest}😀` });
      expect(tooLong.status).to.equal(400);
      expect(tooLong.text).to.include('aria-invalid="true"').and.include(`${longest}😀</textarea>`);

      const page = await agent.get('/hulp/vragenformulier');
      const huge = await agent.post('/hulp/vragenformulier').type('form').set('Host', 'karify.test').set('Referer', 'http://karify.test/hulp/vragenformulier')
        .send({ _csrf: csrfTokenOf(page.text), name: 'Cas', email: 'cas@example.nl', question: 'x'.repeat(70_000) });
      expect(huge.status).to.equal(413);
      expect(huge.text).to.include('<a href="/hulp/vragenformulier">Terug</a>');
      const elsewhere = await agent.post('/hulp/vragenformulier').type('form').set('Referer', 'https://elders.example/hulp/vragenformulier')
        .send({ _csrf: csrfTokenOf(page.text), question: 'x'.repeat(70_000) });
      expect(elsewhere.text, 'another site\'s page is not linked').to.include('<a href="/">Terug</a>');
      const doubleSlash = await agent.post('/hulp/vragenformulier').type('form').set('Host', 'karify.test').set('Referer', 'http://karify.test//elders.example/x')
        .send({ _csrf: csrfTokenOf(page.text), question: 'x'.repeat(70_000) });
      expect(doubleSlash.text, '//elders.example/x would be another site').to.include('<a href="/">Terug</a>');
    } finally {
      await rt.close();
    }
  });

  it('counts a line break as one character, as typed (browsers send it as two), and keeps the question with its lines', async () => {
    const rt = await startTestRuntime();
    try {
      const lines = Array.from({ length: 40 }, (_, i) => `${String(i).padStart(2, '0')} ${'v'.repeat(46)}`); // 40 × 49
      const typed = lines.join('\n'); // 1999 characters as typed, 2038 as sent
      const ok = await submitForm(rt.agent(), '/hulp/vragenformulier', { name: 'Cas', email: 'cas@example.nl', question: lines.join('\r\n') });
      expect(ok.headers.location, 'under the 2000 the hint promises').to.equal('/hulp/vragenformulier');
      expect((await rt.services.helpQuestions.list())[0]!.question).to.equal(typed);
      const tooLong = await submitForm(rt.agent(), '/hulp/vragenformulier', { name: 'Cas', email: 'cas@example.nl', question: `${typed}\r\nxx` }); // 2002 as typed
      expect(tooLong.status).to.equal(400);
    } finally {
      await rt.close();
    }
  });

  it('says so when the browser keeps no cookies, keeping the question typed, not yet sent', async () => {
    const rt = await startTestRuntime();
    try {
      const form = sessionFormOf((await rt.agent().get('/hulp/vragenformulier')).text);
      const question = 'Ik krijg geen SMS meer sinds ik een nieuwe telefoon heb.';
      const refused = await rt.agent().post('/hulp/vragenformulier').type('form').send({ ...form, name: 'Cas', email: 'cas@example.nl', question });
      expect(refused.status).to.equal(403);
      expect(refused.text).to.include('<p class="warning" role="alert">Je browser bewaart geen cookies van deze site, daarom hebben we je vraag nog niet verstuurd. Zet cookies aan voor deze site en verstuur je vraag opnieuw.</p>');
      expect(refused.text).to.include(`${question}</textarea>`).and.include('value="Cas"');
      expect(await rt.services.helpQuestions.list(), 'nothing stored').to.deep.equal([]);
    } finally {
      await rt.close();
    }
  });

  it('keeps a question typed on a page left open for longer than its session lasts, and sends it with the page shown again', async () => {
    const rt = await startTestRuntime();
    try {
      const token = csrfTokenOf((await rt.agent().get('/hulp/vragenformulier')).text);
      const agent = rt.agent(); // the session and its cookie ran out while the patient typed
      const question = 'Ik krijg geen SMS meer sinds ik een nieuwe telefoon heb. <b>Wat nu?</b>';
      const late = await agent.post('/hulp/vragenformulier').type('form').send({ _csrf: token, name: 'Cas', email: 'cas@example.nl', question });
      expect(late.status).to.equal(403);
      // Nothing is wrong with what was typed: a notice, not an error at a field.
      expect(late.text).to.include('<title>Vragenformulier – Karify</title>').and.not.include('aria-invalid');
      expect(late.text).to.include('<p class="warning" role="alert">Het formulier was verlopen, daarom hebben we je vraag nog niet verstuurd. Controleer je gegevens en verstuur je vraag opnieuw.</p>');
      expect(late.text).to.include('Ik krijg geen SMS meer sinds ik een nieuwe telefoon heb. &lt;b&gt;Wat nu?&lt;/b&gt;</textarea>');
      expect(late.text).to.include('value="Cas"').and.include('value="cas@example.nl"');
      expect(await rt.services.helpQuestions.list(), 'nothing stored yet').to.deep.equal([]);

      const sent = await agent.post('/hulp/vragenformulier').type('form').send({ _csrf: csrfTokenOf(late.text), name: 'Cas', email: 'cas@example.nl', question });
      expect(sent.headers.location).to.equal('/hulp/vragenformulier');
      expect((await rt.services.helpQuestions.list()).map((q) => q.question)).to.deep.equal([question]);
    } finally {
      await rt.close();
    }
  });

  it('says how long a question may be, and leads from "Bedankt" back to where the patient was: the code page of a half sign-in', async () => {
    const rt = await startTestRuntime();
    try {
      const patient = await rt.createPatient();
      await rt.services.twoFactor.enableSms(patient.id, '+31612345678', rt.services.recoveryCodes.generate());
      const agent = rt.agent();
      expect((await signIn(agent, patient.email, patient.password)).headers.location).to.equal('/inloggen/code');
      const form = await agent.get('/hulp/vragenformulier');
      expect(form.text).to.include('<p class="hint" id="question-hint">Hoogstens 2000 tekens. Vul nooit je wachtwoord of een code in.</p>');
      const backToSignIn = /<p><a href="([^"]+)">Terug naar inloggen<\/a><\/p>/.exec(form.text)?.[1];
      expect((await agent.get(backToSignIn!)).headers.location, 'the form leads back to the code page').to.equal('/inloggen/code');
      const visitor = rt.agent();
      const visitorBack = /<p><a href="([^"]+)">Terug naar inloggen<\/a><\/p>/.exec((await visitor.get('/hulp/vragenformulier')).text)?.[1];
      expect((await visitor.get(visitorBack!)).headers.location, 'and a visitor to the sign-in page').to.equal('/inloggen');
      await submitForm(agent, '/hulp/vragenformulier', { name: 'Cas', email: patient.email, question: 'Ik krijg geen SMS.' });
      const thanks = await agent.get('/hulp/vragenformulier');
      const back = /<p><a href="([^"]+)">Verder<\/a><\/p>/.exec(thanks.text)?.[1];
      expect(back, 'a way on from "Bedankt"').to.be.a('string');
      expect((await agent.get(back!)).headers.location, 'the half sign-in goes on at its code page').to.equal('/inloggen/code');
    } finally {
      await rt.close();
    }
  });

  it('keeps a question typed from the code page\'s help box after the half session ran out, sends nothing then, and ends the half session', async () => {
    const rt = await startTestRuntime();
    try {
      const patient = await rt.createPatient();
      await rt.services.twoFactor.enableSms(patient.id, '+31612345678', rt.services.recoveryCodes.generate());
      const agent = rt.agent();
      const password = await signIn(agent, patient.email, patient.password);
      expect(password.headers.location).to.equal('/inloggen/code');
      expect((await agent.get('/inloggen/code')).text, 'the help box links the Vragenformulier').to.include('<a href="/hulp/vragenformulier">');
      const token = csrfTokenOf((await agent.get('/hulp/vragenformulier')).text);
      rt.clock.advanceMinutes(10);
      rt.clock.advance(1000);
      await expectKeptAfterTimeout(rt, agent, token, cookieSet(password)!);
      expect((await agent.get('/inloggen/code')).headers.location, 'no half session left').to.equal('/inloggen');
    } finally {
      await rt.close();
    }
  });

  it('keeps a question typed by a signed-in patient idle for longer than the idle timeout, sends nothing then, and signs them out', async () => {
    const rt = await startTestRuntime();
    try {
      const patient = await rt.createPatient();
      const agent = rt.agent();
      const signedIn = await signIn(agent, patient.email, patient.password);
      const token = csrfTokenOf((await agent.get('/hulp/vragenformulier')).text);
      rt.clock.advanceMinutes(31);
      await expectKeptAfterTimeout(rt, agent, token, cookieSet(signedIn)!);
      expect((await agent.get('/werkblad')).headers.location, 'signed out').to.equal('/inloggen');
    } finally {
      await rt.close();
    }
  });

  it('shows the "session expired" page, not the form with what was sent, for another site\'s form or a body no form sends; in a signed-in session the form again, or the "out of date" page for another site\'s', async () => {
    const rt = await startTestRuntime();
    try {
      const fields = { _csrf: 'x'.repeat(64), name: 'Cas', email: 'boef@example.com', question: 'Bel mij op 0900 1234.' };
      const post = (agent = rt.agent()) => agent.post('/hulp/vragenformulier');
      const expectSessionPage = (res: { status: number; text: string; headers: Record<string, unknown> }, what: string) => {
        expect(res.status, what).to.equal(403);
        expect(res.text, what).to.include('<h1>Je sessie is verlopen</h1>').and.not.include('Bel mij op');
        expect(res.headers['set-cookie'], `${what}: no session made`).to.equal(undefined);
      };
      expectSessionPage(await post().set('Sec-Fetch-Site', 'cross-site').type('form').send(fields), 'Sec-Fetch-Site: cross-site');
      expectSessionPage(await post().set('Origin', 'https://boef.example').type('form').send(fields), 'another Origin');
      expectSessionPage(await post().set('Origin', 'null').type('form').send(fields), 'Origin: null');
      expectSessionPage(await post().type('json').send(fields), 'JSON');
      const ownPage = await post().set('Sec-Fetch-Site', 'same-origin').type('form').send(fields);
      expect(ownPage.text, 'this site\'s own form').to.include('Bel mij op 0900 1234.');

      const patient = await rt.createPatient();
      const signedIn = rt.agent();
      await signIn(signedIn, patient.email, patient.password);
      const tabFromBefore = await post(signedIn).type('form').send(fields);
      expect(tabFromBefore.status).to.equal(403);
      expect(tabFromBefore.text, 'a tab opened before signing in: the question is kept, not sent').to.include('Bel mij op 0900 1234.').and.include('daarom hebben we je vraag nog niet verstuurd');
      const again = await submitForm(signedIn, '/hulp/vragenformulier', { name: 'Cas', email: 'cas@example.nl', question: 'Bel mij op 0900 1234.' });
      expect(again.headers.location, 'the form shown again works').to.equal('/hulp/vragenformulier');
      const otherSite = await post(signedIn).set('Sec-Fetch-Site', 'cross-site').type('form').send(fields);
      expect(otherSite.status).to.equal(403);
      expect(otherSite.text, 'another site\'s form in a live session').to.include('<h1>Deze pagina was verouderd</h1>').and.not.include('Bel mij op');
      expect((await signedIn.get('/werkblad')).status, 'still signed in').to.equal(200);
    } finally {
      await rt.close();
    }
  });

  it('does not say a question was sent because the address says so (a link from someone else)', async () => {
    const rt = await startTestRuntime();
    try {
      for (const address of ['/hulp/vragenformulier?verstuurd=1', '/hulp/vragenformulier?gewijzigd=sent']) {
        const page = await rt.agent().get(address);
        expect(page.text).not.to.include('we hebben je vraag ontvangen');
        expect(page.text).to.include('name="question"');
      }
    } finally {
      await rt.close();
    }
  });

  it('stores a question sent twice (a double click, at once or a moment later) once, and the page it leads to says it was sent', async () => {
    const rt = await startTestRuntime();
    try {
      const agent = rt.agent();
      const sent = '/hulp/vragenformulier';
      await doubleClick(agent, '/hulp/vragenformulier', { name: 'Cas', email: 'cas@example.nl', question: 'Ik krijg geen SMS.' }, { first: sent, second: [sent] });
      expect(await rt.services.helpQuestions.list(), 'one question for the helpdesk').to.have.length(1);
      expect((await agent.get(sent)).text, 'the page it leads to says so').to.include('we hebben je vraag ontvangen');
      // A second click that comes after the first was answered (the session now holds its notice) is the same form.
      const token = csrfTokenOf((await agent.get(sent)).text);
      const fields = { _csrf: token, name: 'Cas', email: 'cas@example.nl', question: 'Dubbel?' };
      expect((await agent.post(sent).type('form').send(fields)).headers.location).to.equal(sent);
      const late = await agent.post(sent).type('form').send(fields);
      expect(`${late.status} ${late.headers.location}`).to.equal(`302 ${sent}`);
      expect(await rt.services.helpQuestions.list(), 'the late click stored nothing').to.have.length(2);
      // A notice whose page was not the next one shown is forgotten: it is not said later.
      await agent.get('/inloggen');
      expect((await agent.get(sent)).text).not.to.include('we hebben je vraag ontvangen');
      // Another question from the same visitor is a question of its own.
      await submitForm(agent, '/hulp/vragenformulier', { name: 'Cas', email: 'cas@example.nl', question: 'En ook geen e-mail.' });
      expect(await rt.services.helpQuestions.list()).to.have.length(3);
    } finally {
      await rt.close();
    }
  });
});
