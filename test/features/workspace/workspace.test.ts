import { expect } from 'chai';
import { currentLinks, expectHeldAtSecondStep, expectSignInFirst } from '../../support/page-access';
import type supertest from 'supertest';
import type { WorkspaceModule } from '../../../src/domain/modules';
import { moduleId } from '../../../src/features/workspace/validation';
import { startTestRuntime, TestRuntime } from '../../support/runtime';
import { signedInPatient } from '../../support/two-factor';

const WORKSPACE = '/werkblad';
const NOT_FOUND = 'Pagina niet gevonden';

// 9 February 2021, 13:15 in Amsterdam (UTC+1 in winter).
const HANDED_IN_AT = Date.UTC(2021, 1, 9, 12, 15);

/** Stored in a shuffled order on purpose: the Werkblad lists them by position. */
const MODULES: Omit<WorkspaceModule, 'id'>[] = [
  { position: 3, title: 'Piekeren', kind: 'package', submittedAt: null },
  { position: 1, title: 'Ik heb ADHD', kind: 'module', submittedAt: HANDED_IN_AT },
  { position: 2, title: 'Slapen & <em>rust</em>', kind: 'module', submittedAt: null },
];

/** The `<li class="module…">` items of the Werkblad's list, in page order. */
function moduleItems(html: string): string[] {
  return [...html.matchAll(/<li class="module[^"]*">[\s\S]*?<\/li>/g)].map((m) => m[0]);
}


function expectNotFound(res: supertest.Response, what: string): void {
  expect(res.status, what).to.equal(404);
  expect(res.text, what).to.include(NOT_FOUND);
}

describe('the Werkblad (J2)', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  async function patientWithModules() {
    const { patient, agent } = await signedInPatient(rt, { fresh: false });
    await rt.services.modules.replaceForUser(patient.id, MODULES);
    const stored = await rt.services.modules.listForUser(patient.id);
    const idOf = (title: string) => stored.find((m) => m.title === title)!.id;
    return { patient, agent, idOf };
  }

  it('sends the front door to the sign-in page, or to the Werkblad once signed in', async () => {
    const visitor = await rt.agent().get('/');
    expect(visitor.status).to.equal(302);
    expect(visitor.headers.location).to.equal('/inloggen');
    const { agent } = await signedInPatient(rt, { fresh: false });
    const patient = await agent.get('/');
    expect(patient.status).to.equal(302);
    expect(patient.headers.location).to.equal(WORKSPACE);
  });

  it('sends a visitor who is not signed in from the Werkblad and its modules to the sign-in page', async () => {
    const { idOf } = await patientWithModules();
    await expectSignInFirst(rt, [WORKSPACE, `${WORKSPACE}/opdracht/${idOf('Piekeren')}`, `${WORKSPACE}/opdracht/abc`]);
  });

  it('keeps a half-signed-in patient on the second step', () => expectHeldAtSecondStep(rt, ['/', WORKSPACE]));

  it('says so when there are no modules or packages yet', async () => {
    const { agent } = await signedInPatient(rt, { fresh: false });
    const page = await agent.get(WORKSPACE);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<title>Werkblad – Karify</title>').and.include('<h1>Werkblad</h1>');
    expect(page.text).to.include('Er staan nog geen opdrachten of pakketten voor je klaar.');
    expect(page.text).not.to.include('class="module-list"');
  });

  it('lists the modules and packages by position, with their state and a link to each', async () => {
    const { agent, idOf } = await patientWithModules();
    const page = await agent.get(WORKSPACE);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<p class="breadcrumb">Behandelmodules <span aria-hidden="true">›</span> Werkblad</p>');
    expect(page.text).to.include('Klik op een opdracht of pakket om deze te openen.');
    expect(page.text).not.to.include('Er staan nog geen opdrachten');

    const items = moduleItems(page.text);
    expect(items).to.have.length(3);
    const [first, second, third] = items as [string, string, string];
    expect(first).to.include('<li class="module module-done">').and.include(`href="/werkblad/opdracht/${idOf('Ik heb ADHD')}"`);
    expect(first).to.include('<span aria-hidden="true">✓ </span>Ik heb ADHD').and.include('<span class="module-kind">Module 1</span>');
    expect(first).to.include('<span class="module-state">Ingeleverd op 9 februari 2021 om 13:15</span>');
    expect(second).to.include('<li class="module">').and.include(`href="/werkblad/opdracht/${idOf('Slapen & <em>rust</em>')}"`);
    expect(second).to.include('Slapen &amp; &lt;em&gt;rust&lt;/em&gt;').and.include('<span class="module-kind">Module 2</span>');
    expect(second).to.include('<span class="module-state">Beschikbaar</span>').and.not.include('✓');
    expect(third).to.include('Piekeren').and.include('<span class="module-kind">Pakket 3</span>').and.include('Beschikbaar');
    expect(page.text, 'titles are escaped').not.to.include('<em>rust</em>');

    expect(currentLinks(page.text), 'the menu marks the Werkblad').to.deep.equal([WORKSPACE]);
  });

  it('shows one module with its state and a way back to the Werkblad', async () => {
    const { agent, idOf } = await patientWithModules();
    const done = await agent.get(`${WORKSPACE}/opdracht/${idOf('Ik heb ADHD')}`);
    expect(done.status).to.equal(200);
    expect(done.text).to.include('<title>Ik heb ADHD – Karify</title>').and.include('<h1>Ik heb ADHD</h1>');
    expect(done.text).to.include('<p class="breadcrumb"><a href="/werkblad">Werkblad</a> <span aria-hidden="true">›</span> Ik heb ADHD</p>');
    expect(done.text).to.include('<p>Module 1 – Ingeleverd op 9 februari 2021 om 13:15</p>');
    expect(done.text).to.include('<p>Deze opdracht opent in de volgende versie van Karify.</p>');
    expect(done.text).to.include('<a href="/werkblad">Terug naar Werkblad</a>');
    expect(currentLinks(done.text), 'no link is this page').to.deep.equal([]);
    expect(done.text, 'the menu marks the Werkblad as the current section').to.include(`<a href="${WORKSPACE}" aria-current="true">Werkblad</a>`);

    const open = await agent.get(`${WORKSPACE}/opdracht/${idOf('Piekeren')}`);
    expect(open.text).to.include('<h1>Piekeren</h1>').and.include('<p>Pakket 3 – Beschikbaar</p>');
    const escaped = await agent.get(`${WORKSPACE}/opdracht/${idOf('Slapen & <em>rust</em>')}`);
    expect(escaped.text).to.include('<h1>Slapen &amp; &lt;em&gt;rust&lt;/em&gt;</h1>').and.not.include('<em>rust</em>');
  });

  it('marks the Dutch module titles lang="nl" on an English page, and only there', async () => {
    const { agent, idOf } = await patientWithModules();
    await agent.get(`/taal/en?terug=${WORKSPACE}`);
    const list = await agent.get(WORKSPACE);
    expect(list.text).to.include('<html lang="en">');
    const titles = moduleItems(list.text).map((item) => /<span class="module-title"([^>]*)>/.exec(item)?.[1]);
    expect(titles).to.deep.equal([' lang="nl"', ' lang="nl"', ' lang="nl"']);
    const module = await agent.get(`${WORKSPACE}/opdracht/${idOf('Piekeren')}`);
    expect(module.text).to.include('<h1 lang="nl">Piekeren</h1>').and.include('<span aria-hidden="true">›</span> <span lang="nl">Piekeren</span></p>');

    await agent.get(`/taal/nl?terug=${WORKSPACE}`);
    const dutch = await agent.get(WORKSPACE);
    expect(dutch.text, 'the page is Dutch already').to.include('<html lang="nl">').and.not.include('class="module-title" lang');
    expect((await agent.get(`${WORKSPACE}/opdracht/${idOf('Piekeren')}`)).text).to.include('<h1>Piekeren</h1>');
  });

  it('answers 404 for a module of another patient, and for one that does not exist', async () => {
    const { idOf } = await patientWithModules();
    const other = await signedInPatient(rt, { fresh: false });
    await rt.services.modules.replaceForUser(other.patient.id, [{ position: 1, title: 'Eigen module', kind: 'module', submittedAt: null }]);
    const [own] = await rt.services.modules.listForUser(other.patient.id);
    expect((await other.agent.get(`${WORKSPACE}/opdracht/${own!.id}`)).status, 'their own module').to.equal(200);

    const foreign = await other.agent.get(`${WORKSPACE}/opdracht/${idOf('Ik heb ADHD')}`);
    expectNotFound(foreign, 'a module of another patient');
    expect(foreign.text).not.to.include('Ik heb ADHD');
    expectNotFound(await other.agent.get(`${WORKSPACE}/opdracht/${own!.id + 1000}`), 'a module nobody has');
    expectNotFound(await other.agent.get(`${WORKSPACE}/opdracht/9999999999`), 'the largest id the page accepts');
  });

  it('answers 404 for module ids that are not a positive whole number', async () => {
    const { agent, idOf } = await patientWithModules();
    const id = idOf('Ik heb ADHD');
    const invalid = ['0', '-1', `0${id}`, `${id}.0`, `${id}e0`, `${id}abc`, 'abc', '%20' + id, `+${id}`, '12345678901', `0x${id.toString(16)}`];
    for (const value of invalid) expectNotFound(await agent.get(`${WORKSPACE}/opdracht/${value}`), value);
    expect((await agent.get(`${WORKSPACE}/opdracht/${id}`)).status, 'the id itself').to.equal(200);
  });
});

describe('the Werkblad: module ids (validation)', () => {
  it('accepts a positive whole number of up to ten digits', () => {
    expect(moduleId('1')).to.equal(1);
    expect(moduleId('42')).to.equal(42);
    expect(moduleId('9999999999')).to.equal(9_999_999_999);
  });

  it('refuses anything else', () => {
    for (const value of ['', '0', '00', '01', '-1', '+1', '1.5', '1e3', ' 1', '1 ', '0x1', 'abc', '12345678901', '１']) {
      expect(moduleId(value), JSON.stringify(value)).to.equal(null);
    }
    for (const value of [undefined, null, 1, ['1'], { id: '1' }]) expect(moduleId(value), JSON.stringify(value)).to.equal(null);
  });
});
