import { expect } from 'chai';
import supertest from 'supertest';
import { appWithStoresSwapped, DESK, failingStaffAudit, signInAtDesk, eachTestWithStaffSignedIn, type TestStaffMember } from '../../support/desk';
import { doubleClick, signIn, submitForm } from '../../support/forms';
import type { TestRuntime } from '../../support/runtime';

const QUESTIONS = `${DESK}/vragen`;

describe('desk: questions from the Vragenformulier', () => {
  let rt: TestRuntime;
  let member: TestStaffMember;
  let desk: supertest.Agent;
  eachTestWithStaffSignedIn((signedIn) => ({ rt, member, desk } = signedIn), { name: 'Anna Jansen' });

  /** Sends a question through the real Vragenformulier, as a visitor. */
  async function ask(name: string, question: string): Promise<number> {
    const res = await submitForm(rt.agent(), '/hulp/vragenformulier', { name, email: 'vrager@example.nl', question });
    expect(res.headers.location).to.equal('/hulp/vragenformulier');
    const [latest] = await rt.services.questions.list({ limit: 1 });
    rt.clock.advanceMinutes(1);
    return latest!.id;
  }

  const listed = (html: string) => [...html.matchAll(/<a href="\/balie\/vragen\/(\d+)"[^>]*>/g)].map((m) => Number(m[1]));

  it('says which list is empty: no open, no handled, no questions at all yet', async () => {
    const said = async (query: string) => /<\/nav>\s*<p>([^<]*)<\/p>/.exec((await desk.get(`${QUESTIONS}${query}`)).text)?.[1];
    expect(await said('')).to.equal('Er zijn geen open vragen.');
    expect(await said('?status=afgehandeld')).to.equal('Er zijn geen afgehandelde vragen.');
    expect(await said('?status=alle')).to.equal('Er zijn nog geen vragen.');
    await ask('Bea', 'Ik kan niet inloggen.');
    expect(await said('?status=afgehandeld'), 'one open question, none handled').to.equal('Er zijn geen afgehandelde vragen.');
    await desk.get(`/taal/en?terug=${encodeURIComponent(QUESTIONS)}`);
    expect(await said('?status=afgehandeld')).to.equal('There are no handled questions.');
  });

  it('lists open questions newest first, with filters for handled and all', async () => {
    const first = await ask('Bea', 'Ik kan niet inloggen.');
    const second = await ask('Cas', 'Mijn telefoon is kwijt.\nWat nu?');
    await rt.services.questions.markHandled(first, member.id, 'Gebeld.');
    const open = await desk.get(QUESTIONS);
    expect(open.status).to.equal(200);
    expect(open.text).to.include('<h1>Vragen: open</h1>');
    expect(listed(open.text)).to.deep.equal([second]);
    expect(listed((await desk.get(`${QUESTIONS}?status=afgehandeld`)).text)).to.deep.equal([first]);
    expect(listed((await desk.get(`${QUESTIONS}?status=alle`)).text)).to.deep.equal([second, first]);
    expect(listed((await desk.get(`${QUESTIONS}?status=iets`)).text), 'an unknown filter: open').to.deep.equal([second]);
  });

  it('links the asker\'s address to an e-mail to them, as the form promises an answer by e-mail', async () => {
    const id = await ask('Bea', 'Ik kan niet inloggen.');
    const page = (await desk.get(`${QUESTIONS}/${id}`)).text;
    expect(page).to.include('<dd><a href="mailto:vrager@example.nl?subject=Je%20vraag%20aan%20de%20helpdesk%20van%20Karify">vrager@example.nl</a></dd>');
    expect(page).to.include('Bijvoorbeeld: per e-mail beantwoord');
  });

  it('encodes the asker\'s address in that link: one typed with "?" or "&" adds no copy to someone else and no text', async () => {
    const typed = 'cas@example.nl?bcc=mallory%40evil.example&body=Stuur%20je%20wachtwoord';
    expect((await submitForm(rt.agent(), '/hulp/vragenformulier', { name: 'Cas', email: typed, question: 'Hallo?' })).headers.location).to.equal('/hulp/vragenformulier');
    const [latest] = await rt.services.questions.list({ limit: 1 });
    const page = (await desk.get(`${QUESTIONS}/${latest!.id}`)).text;
    const href = /<a href="(mailto:[^"]*)">/.exec(page)![1]!;
    expect(href).to.equal('mailto:cas@example.nl%3Fbcc%3Dmallory%2540evil.example%26body%3DStuur%2520je%2520wachtwoord?subject=Je%20vraag%20aan%20de%20helpdesk%20van%20Karify');
    const link = new URL(href);
    expect([...link.searchParams.keys()], 'only the subject').to.deep.equal(['subject']);
    expect(page, 'the address as typed, as text').to.include('>cas@example.nl?bcc=mallory%40evil.example&amp;body=Stuur%20je%20wachtwoord</a>');
  });

  it('marks each question with the language of the page it was typed on (lang), as it reads in either language of the desk', async () => {
    const visitor = rt.agent();
    await visitor.get('/taal/en');
    expect((await submitForm(visitor, '/hulp/vragenformulier', { name: 'Dee', email: 'dee@example.com', question: 'How do I sign in?' })).headers.location)
      .to.equal('/hulp/vragenformulier');
    const [english] = await rt.services.questions.list({ limit: 1 });
    const dutch = await ask('Bea', 'Ik kan niet inloggen.');
    for (const language of ['nl', 'en']) {
      await desk.get(`/taal/${language}?terug=${encodeURIComponent(QUESTIONS)}`);
      const list = (await desk.get(QUESTIONS)).text;
      expect(list, language).to.include(`<a href="${QUESTIONS}/${english!.id}" lang="en">How do I sign in?</a>`);
      expect(list, language).to.include(`<a href="${QUESTIONS}/${dutch}" lang="nl">Ik kan niet inloggen.</a>`);
      expect((await desk.get(`${QUESTIONS}/${english!.id}`)).text, language).to.include('<p class="text-lines" lang="en">How do I sign in?</p>');
      expect((await desk.get(`${QUESTIONS}/${dutch}`)).text, language).to.include('<p class="text-lines" lang="nl">Ik kan niet inloggen.</p>');
      // A reply goes out in the question's language, whatever the desk's.
      expect((await desk.get(`${QUESTIONS}/${english!.id}`)).text, language).to.include('?subject=Your%20question%20to%20the%20Karify%20helpdesk"');
      expect((await desk.get(`${QUESTIONS}/${dutch}`)).text, language).to.include('?subject=Je%20vraag%20aan%20de%20helpdesk%20van%20Karify"');
    }
  });

  it('links the three filters, the one shown marked as the current one (an unknown filter shows the open questions)', async () => {
    const filterLinks = (html: string) => [...html.matchAll(/<a href="\/balie\/vragen\?status=(\w+)"( aria-current="true")?>([^<]+)<\/a>/g)].map((m) => `${m[1]}${m[2] ? '*' : ''} ${m[3]}`);
    const shown = { '': 'open*', '?status=afgehandeld': 'afgehandeld*', '?status=alle': 'alle*', '?status=iets': 'open*' };
    for (const [query, current] of Object.entries(shown)) {
      const links = filterLinks((await desk.get(`${QUESTIONS}${query}`)).text);
      expect(links, query).to.deep.equal(['open Open', 'afgehandeld Afgehandeld', 'alle Alle'].map((link) => (link.startsWith(`${current.slice(0, -1)} `) ? link.replace(' ', '* ') : link)));
    }
  });

  it('marks a question handled with a note of what was done; the note is required', async () => {
    const id = await ask('Cas', 'Mijn telefoon is kwijt.\nWat nu?');
    const page = await desk.get(`${QUESTIONS}/${id}`);
    expect(page.text).to.include('<h1>Vraag ' + id + '</h1>').and.include('Mijn telefoon is kwijt.\nWat nu?').and.include('Niet ingelogd verstuurd');

    const empty = await submitForm(desk, `${QUESTIONS}/${id}`, { note: '  ' });
    expect(empty.status).to.equal(400);
    expect(empty.text).to.include('<li><a href="#note">Vul in wat je hebt gedaan.</a></li>');

    const res = await submitForm(desk, `${QUESTIONS}/${id}`, { note: 'Patiënt gebeld; twee stappen uitgezet na controle paspoort.' });
    expect(res.headers.location).to.equal(`${QUESTIONS}/${id}`);
    const handled = await desk.get(res.headers.location!);
    expect(handled.text).to.include('De vraag is afgehandeld.').and.include('Door Anna Jansen op').and.include('Patiënt gebeld; twee stappen uitgezet');
    expect(handled.text).not.to.include('Markeer als afgehandeld');
    const question = await rt.services.questions.find(id);
    expect(question).to.deep.include({ status: 'handled', handledBy: { id: member.id, name: 'Anna Jansen' } });
    const [row] = await rt.services.staffAudit.list({ limit: 1, leaveOut: ['question_viewed'] });
    expect(row).to.deep.include({ type: 'question_handled', questionId: id });
    expect(row!.details).to.deep.equal({ note: 'Patiënt gebeld; twee stappen uitgezet na controle paspoort.' });
  });

  it('counts a line break in the note as one character, as typed (browsers send it as two), and keeps it as one', async () => {
    const id = await ask('Cas', 'Mijn telefoon is kwijt.');
    const lines = Array.from({ length: 20 }, (_, i) => `${String(i).padStart(2, '0')} ${'x'.repeat(45)}`); // 20 × 48
    const typed = lines.join('\n'); // 979 characters as typed, 998 as sent
    const res = await submitForm(desk, `${QUESTIONS}/${id}`, { note: lines.join('\r\n') });
    expect(res.headers.location, 'under the 1000 the hint promises').to.equal(`${QUESTIONS}/${id}`);
    const [row] = await rt.services.staffAudit.list({ limit: 1, leaveOut: ['question_viewed'] });
    expect(row!.details).to.deep.equal({ note: typed });

    const other = await ask('Bo', 'Nog een vraag.');
    const tooLong = await submitForm(desk, `${QUESTIONS}/${other}`, { note: `${typed}\r\n${'y'.repeat(21)}` }); // 1001 as typed
    expect(tooLong.status).to.equal(400);
  });

  it('logs the opening of a question in the Logboek, as a patient\'s page, with its patient when they were signed in', async () => {
    const patient = await rt.createPatient({ name: 'Dirk Dekker' });
    await rt.services.helpQuestions.add({ userId: patient.id, name: patient.name, email: patient.email, question: 'Hoe werkt de app?', language: 'nl' }, '203.0.113.1');
    const [question] = await rt.services.questions.list({ limit: 1 });
    await desk.get(`${QUESTIONS}/${question!.id}`);
    const [row] = await rt.services.staffAudit.list({ limit: 1 });
    expect(row).to.deep.include({ type: 'question_viewed', questionId: question!.id });
    expect(row!.staff!.id).to.equal(member.id);
    expect(row!.patient!.id).to.equal(patient.id);
  });

  it('links a signed-in patient\'s question to their page', async () => {
    const patient = await rt.createPatient({ name: 'Dirk Dekker' });
    await rt.services.helpQuestions.add({ userId: patient.id, name: patient.name, email: patient.email, question: 'Hoe werkt de app?', language: 'nl' }, '203.0.113.1');
    const [question] = await rt.services.questions.list({ limit: 1 });
    const page = await desk.get(`${QUESTIONS}/${question!.id}`);
    expect(page.text).to.include(`<a href="/balie/patienten/${patient.id}">Naar de patiënt</a>`);
  });

  it('tells a patient who asked while signed in that the question was handled, once, in Berichten (not the desk\'s note)', async () => {
    const patient = await rt.createPatient({ name: 'Dirk Dekker' });
    await rt.services.helpQuestions.add({ userId: patient.id, name: patient.name, email: patient.email, question: 'Hoe werkt de app?', language: 'nl' }, '203.0.113.1');
    const [question] = await rt.services.questions.list({ limit: 1 });
    const path = `${QUESTIONS}/${question!.id}`;
    await doubleClick(desk, path, { note: 'Uitleg gemaild over de app.' }, { first: path, second: [path] });
    expect((await rt.services.messages.listForUser(patient.id)).map((m) => m.kind)).to.deep.equal(['question_handled']);
    const theirs = rt.agent();
    await signIn(theirs, patient.email, patient.password);
    const inbox = await theirs.get('/berichten');
    expect(inbox.text).to.include('Je vraag is afgehandeld').and.not.include('Uitleg gemaild');
  });

  it('handles a question once when colleagues mark it at the same moment', async () => {
    const id = await ask('Bea', 'Help.');
    const token = /name="_csrf" value="([^"]+)"/.exec((await desk.get(`${QUESTIONS}/${id}`)).text)![1]!;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => desk.post(`${QUESTIONS}/${id}`).type('form').send({ _csrf: token, note: `Notitie ${i}` })),
    );
    expect(results.map((r) => `${r.status} ${r.headers.location}`)).to.deep.equal(Array(20).fill(`302 ${QUESTIONS}/${id}`));
    expect((await rt.services.staffAudit.list({ limit: 50 })).filter((e) => e.type === 'question_handled')).to.have.length(1);
  });

  it('leaves the question open when the staff audit row cannot be written', async () => {
    const id = await ask('Bea', 'Help.');
    const broken = supertest.agent(appWithStoresSwapped(rt, failingStaffAudit));
    await signInAtDesk(rt, member, broken);
    const res = await submitForm(broken, `${QUESTIONS}/${id}`, { note: 'Gebeld.' });
    expect(res.status).to.equal(500);
    expect(await rt.services.questions.find(id)).to.deep.include({ status: 'open', handledBy: null, note: null });
  });

  it('gives a 404 page for a question that does not exist', async () => {
    expect((await desk.get(`${QUESTIONS}/424242`)).status).to.equal(404);
  });
});
