import { expect } from 'chai';
import { currentLinks, expectHeldAtSecondStep, expectSignInFirst } from '../../support/page-access';
import { signIn } from '../../support/forms';
import { startTestRuntime, TestRuntime } from '../../support/runtime';
import { patientWithApp } from '../../support/totp';
import { signedInPatient } from '../../support/two-factor';
import { createStaffMember, signInAtDesk } from '../../support/desk';

interface InfoPage {
  path: string;
  title: string;
  body: string;
}

/** The pages of the side navigation and the user menu: for signed-in patients. */
const MENU_PAGES: InfoPage[] = [
  { path: '/bibliotheek', title: 'Bibliotheek', body: 'Hier vind je straks artikelen en filmpjes die je behandelaar met je deelt.' },
  { path: '/videogesprekken', title: 'Videogesprekken', body: 'Je hebt geen geplande videogesprekken.' },
  { path: '/contacten', title: 'Contacten', body: 'Hier zie je straks met wie je in deze Healthspace contact hebt.' },
  {
    path: '/over-deze-healthspace',
    title: 'Over deze Healthspace',
    body: 'In deze Healthspace werk je met je behandelaar aan je behandeling, met opdrachten en pakketten.',
  },
  { path: '/mijn-healthspaces', title: 'Mijn Healthspaces', body: 'Je bent lid van één Healthspace: Behandelmodules.' },
  { path: '/mijn-dossier', title: 'Mijn dossier', body: 'Je dossier vraag je op bij je behandelaar.' },
];

/** The footer's pages: readable before signing in. */
const FOOTER_PAGES: InfoPage[] = [
  { path: '/helpdesk', title: 'Helpdesk', body: 'Heb je een vraag over Karify? Bel de helpdesk via 030 – 737 0323 (werkdagen 9:00 tot 17:00).' },
  {
    path: '/over-karify',
    title: 'Over Karify',
    body: 'Karify is een online platform waarop patiënten en zorgverleners samenwerken aan de behandeling.',
  },
  {
    path: '/privacy-en-veiligheid',
    title: 'Privacy en Veiligheid',
    body: 'Je gegevens worden versleuteld verstuurd en veilig bewaard. Met authenticatie in twee stappen beveilig je je account extra.',
  },
  {
    path: '/algemene-voorwaarden',
    title: 'Algemene Voorwaarden',
    body: 'Op het gebruik van Karify zijn de algemene voorwaarden van je zorgaanbieder van toepassing.',
  },
];

const SIGN_IN_LINK = '<p><a href="/inloggen">Inloggen</a></p>';


/** The links of the footer, as [href, label]. */
function footerLinks(html: string): Array<[string, string]> {
  const footer = /<footer class="site-footer">([\s\S]*?)<\/footer>/.exec(html);
  if (!footer) throw new Error('page has no footer');
  return [...footer[1]!.matchAll(/<a href="([^"]+)"(?: aria-current="page")?>([^<]*)<\/a>/g)].map((m) => [m[1]!, m[2]!]);
}

function expectPage(html: string, { path, title, body }: InfoPage): void {
  expect(html, path).to.include(`<title>${title} – Karify</title>`).and.include(`<h1>${title}</h1>`).and.include(`<p>${body}</p>`);
}

describe('the information pages of the shell (J2)', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  it('shows the footer pages to a visitor who is not signed in, without menus and with a link to sign in, each marked as the current page in the footer', async () => {
    for (const page of FOOTER_PAGES) {
      const res = await rt.agent().get(page.path);
      expect(res.status, page.path).to.equal(200);
      expectPage(res.text, page);
      expect(res.text, page.path).to.include(SIGN_IN_LINK);
      expect(currentLinks(res.text), page.path).to.deep.equal([page.path]);
      expect(res.text, page.path).not.to.include('class="side-nav"').and.not.include('class="user-menu"');
    }
  });

  it('shows the footer pages to a signed-in patient in the shell, without the link to sign in', async () => {
    const { patient, agent } = await signedInPatient(rt, { fresh: false });
    for (const page of FOOTER_PAGES) {
      const res = await agent.get(page.path);
      expect(res.status, page.path).to.equal(200);
      expectPage(res.text, page);
      expect(res.text, page.path).to.include('class="side-nav"').and.include(`<p class="user-name">${patient.name}</p>`);
      expect(res.text, page.path).not.to.include(SIGN_IN_LINK);
      expect(currentLinks(res.text), `${page.path}: in the footer, not in the menus`).to.deep.equal([page.path]);
    }
  });

  it('sends a visitor who is not signed in from the pages of the menus to the sign-in page', () => expectSignInFirst(rt, MENU_PAGES.map((p) => p.path)));

  it('shows the footer pages halfway through signing in, and before two-step is set up where it is required: the helpdesk\'s number for a patient stuck on the code', async () => {
    const patient = await patientWithApp(rt);
    const half = rt.agent();
    expect((await signIn(half, patient.email, patient.password)).headers.location).to.equal('/inloggen/code');
    expect((await half.get('/inloggen/code')).text, 'linked from the code page').to.include('<a href="/helpdesk">Helpdesk</a>');
    for (const page of FOOTER_PAGES) {
      const res = await half.get(page.path);
      expect(res.status, page.path).to.equal(200);
      expectPage(res.text, page);
    }

    const required = await startTestRuntime({ REQUIRE_TWO_FACTOR: 'true' });
    try {
      const plain = await required.createPatient();
      const agent = required.agent();
      await signIn(agent, plain.email, plain.password);
      expect((await agent.get('/werkblad')).headers.location, 'the Werkblad waits for the setup').to.equal('/account/twee-stappen/instellen');
      for (const page of FOOTER_PAGES) expect((await agent.get(page.path)).status, page.path).to.equal(200);
    } finally {
      await required.close();
    }
  });

  it('keeps a half-signed-in patient on the second step, away from the pages of the menus', () => expectHeldAtSecondStep(rt, MENU_PAGES.map((p) => p.path)));

  it('shows the pages of the menus to a signed-in patient, each marked as the current page in its menu', async () => {
    const { agent } = await signedInPatient(rt, { fresh: false });
    for (const page of MENU_PAGES) {
      const res = await agent.get(page.path);
      expect(res.status, page.path).to.equal(200);
      expectPage(res.text, page);
      expect(res.text, page.path).not.to.include(SIGN_IN_LINK);
      expect(currentLinks(res.text), page.path).to.deep.equal([page.path]);
    }
  });

  it('links every footer page from the footer, before and after signing in', async () => {
    const expected = FOOTER_PAGES.map((p): [string, string] => [p.path, p.title]);
    const visitor = await rt.agent().get('/inloggen');
    expect(footerLinks(visitor.text).slice(0, 4)).to.deep.equal(expected);
    expect(visitor.text).to.include('<li>© Karify</li>');
    const { agent } = await signedInPatient(rt, { fresh: false });
    expect(footerLinks((await agent.get('/werkblad')).text).slice(0, 4)).to.deep.equal(expected);
  });

  it('names the footer\'s navigation "Voettekst" ("Footer"), not after one of its links', async () => {
    const footerName = (html: string) => /<footer class="site-footer">\s*<nav aria-label="([^"]+)">/.exec(html)?.[1];
    const agent = rt.agent();
    const dutch = (await agent.get('/inloggen')).text;
    expect(footerName(dutch)).to.equal('Voettekst');
    expect(footerLinks(dutch).map(([, label]) => label), 'a screen reader would hear the same name twice').not.to.include(footerName(dutch));
    await agent.get('/taal/en?terug=/inloggen');
    const english = (await agent.get('/inloggen')).text;
    expect(english).to.include('<html lang="en">');
    expect(footerName(english)).to.equal('Footer');
    expect(footerLinks(english).map(([, label]) => label)).not.to.include('Footer');
  });

  it('links every page of the menus from the menus of a signed-in patient', async () => {
    const { agent } = await signedInPatient(rt, { fresh: false });
    const shell = (await agent.get('/werkblad')).text;
    const menus = /<div id="menu" class="menus">([\s\S]*?)<\/div>/.exec(shell)?.[1] ?? '';
    for (const { path, title } of MENU_PAGES) expect(menus, path).to.match(new RegExp(`<a href="${path}">${title}</a>`));
  });

  it('leads from the desk\'s footer to the footer pages and back to the desk page they were opened from', async () => {
    const expected = (from: string) => FOOTER_PAGES.map((p): [string, string] => [`${p.path}?terug=${encodeURIComponent(from)}`, p.title]);
    expect(footerLinks((await rt.agent().get('/balie')).text).slice(0, 4), 'the desk\'s sign-in page').to.deep.equal(expected('/balie'));
    const desk = await signInAtDesk(rt, await createStaffMember(rt));
    const patients = (await desk.get('/balie/patienten')).text;
    expect(footerLinks(patients).slice(0, 4)).to.deep.equal(expected('/balie/patienten'));

    const privacy = await desk.get(footerLinks(patients)[2]![0]);
    expectPage(privacy.text, FOOTER_PAGES[2]!);
    expect(privacy.text).to.include('<p><a href="/balie/patienten">Terug naar de Balie</a></p>').and.not.include(SIGN_IN_LINK);
    expect(footerLinks(privacy.text).slice(0, 4), 'the other footer pages lead back too').to.deep.equal(expected('/balie/patienten'));
    expect(currentLinks(privacy.text), 'marked as the current page').to.deep.equal([expected('/balie/patienten')[2]![0]]);
    await desk.get('/taal/en?terug=/balie/patienten');
    expect((await desk.get(footerLinks(patients)[2]![0])).text).to.include('<p><a href="/balie/patienten">Back to the desk</a></p>');
  });

  it('leads back only to a page of the desk on this site', async () => {
    for (const terug of ['//evil.example/balie', 'https://evil.example/balie', '/werkblad', '/balie-nep', '/\\evil.example', '/balie/../account', '/balie/%2e%2e/account']) {
      const res = await rt.agent().get(`/helpdesk?terug=${encodeURIComponent(terug)}`);
      expect(res.text, terug).to.include(SIGN_IN_LINK).and.not.include('Terug naar de Balie');
      expect(footerLinks(res.text)[0], terug).to.deep.equal(['/helpdesk', 'Helpdesk']);
    }
  });
});
